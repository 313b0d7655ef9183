/**
 * Whether a console request reached the hub over HTTPS, so its session cookies may carry
 * `Secure` (a browser then never sends them over plain HTTP). The hub itself serves plain HTTP
 * on the store LAN; a store that puts a TLS-terminating proxy in front of it names that proxy in
 * KASSA_TRUST_PROXY, and only a request arriving from a trusted proxy address has its
 * X-Forwarded-Proto believed — anyone else could send the header to get a cookie the browser
 * would then withhold over the plain HTTP it actually uses.
 *
 * KASSA_TRUST_PROXY: comma-separated IP addresses, CIDR subnets (`10.0.0.0/8`, `fd00::/8`) or
 * `loopback`; unset or empty trusts no proxy. An invalid value stops the hub at start-up.
 */
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';

export interface TrustProxy {
  /** True when a request from this peer address may tell the protocol in X-Forwarded-Proto. */
  trusts(address: string | undefined): boolean;
}

const entrySchema = z.union([
  z.literal('loopback'),
  z.string().refine((s) => net.isIP(s) !== 0, 'an IP address'),
  z.string().refine((s) => {
    const [ip, bits, ...more] = s.split('/');
    if (more.length > 0 || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
    const fam = net.isIP(ip);
    return fam !== 0 && Number(bits) <= (fam === 4 ? 32 : 128);
  }, 'a CIDR subnet'),
]);

/** IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d; match them as IPv4. */
function plain(address: string): { ip: string; family: 'ipv4' | 'ipv6' } | null {
  const a = address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
  const fam = net.isIP(a);
  return fam === 0 ? null : { ip: a, family: fam === 4 ? 'ipv4' : 'ipv6' };
}

export function parseTrustProxy(value: string | undefined): TrustProxy {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (entries.length === 0) return { trusts: () => false };
  const list = new net.BlockList();
  for (const e of entries) {
    const r = entrySchema.safeParse(e);
    if (!r.success)
      throw new Error(
        `KASSA_TRUST_PROXY: "${e}" is not an IP address, a CIDR subnet or "loopback" (comma-separated)`,
      );
    if (e === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
    } else if (e.includes('/')) {
      const [ip, bits] = e.split('/') as [string, string];
      list.addSubnet(ip, Number(bits), net.isIPv4(ip) ? 'ipv4' : 'ipv6');
    } else list.addAddress(e, net.isIPv4(e) ? 'ipv4' : 'ipv6');
  }
  return {
    trusts: (address) => {
      const p = address ? plain(address) : null;
      return p !== null && list.check(p.ip, p.family);
    },
  };
}

export interface RequestLike {
  socket: { remoteAddress?: string | undefined };
  headers: Record<string, string | string[] | undefined>;
}

/** HTTPS to the hub itself (a TLS socket), or to a trusted proxy that says so. */
export function isSecureRequest(req: RequestLike, trust: TrustProxy): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  if (!trust.trusts(req.socket.remoteAddress)) return false;
  const h = req.headers['x-forwarded-proto'];
  // Several values (a chain of proxies): the first is the protocol the browser used, as express reads it.
  const first = (Array.isArray(h) ? h[0] : h)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
