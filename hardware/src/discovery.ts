/**
 * What is plugged in, and which configured device each thing is. Listing is I/O (serialport's
 * list, node-hid's devices); matching is a pure function over the listing.
 */
import { SerialPort } from 'serialport';
import type { DeviceMatch } from './config';
import { listHid } from './hid-link';

export interface Candidate {
  source: 'serial' | 'hid';
  path: string;
  vendorId: number | null;
  productId: number | null;
  serialNumber: string | null;
  manufacturer: string | null;
  product: string | null;
  usagePage: number | null;
  usage: number | null;
}

function hexId(value: string | undefined): number | null {
  if (!value) return null;
  const n = parseInt(value, 16);
  return Number.isNaN(n) ? null : n;
}

export async function listSerial(): Promise<Candidate[]> {
  try {
    const ports = await SerialPort.list();
    return ports.map((p) => ({
      source: 'serial' as const,
      path: p.path,
      vendorId: hexId(p.vendorId),
      productId: hexId(p.productId),
      serialNumber: p.serialNumber ?? null,
      manufacturer: p.manufacturer ?? null,
      product: null,
      usagePage: null,
      usage: null,
    }));
  } catch {
    // serialport's Linux lister needs udevadm; without it only configured paths work.
    return [];
  }
}

export async function listHidCandidates(): Promise<Candidate[]> {
  try {
    const devices = await listHid();
    return devices.flatMap((d) =>
      d.path
        ? [
            {
              source: 'hid' as const,
              path: d.path,
              vendorId: d.vendorId,
              productId: d.productId,
              serialNumber: d.serialNumber,
              manufacturer: d.manufacturer,
              product: d.product,
              usagePage: d.usagePage,
              usage: d.usage,
            },
          ]
        : [],
    );
  } catch {
    return [];
  }
}

export type Preference = 'hid-pos' | 'hid-keyboard' | 'none';

/**
 * Picks the candidate for a configured match, or null. A path match is taken as is (a pty or
 * /dev/usb/lp0 is never listed); several interfaces of one USB device are told apart by usage page.
 */
export function matchCandidate(
  match: DeviceMatch,
  candidates: readonly Candidate[],
  prefer: Preference = 'none',
): string | null {
  if (match.path !== undefined) return match.path;
  const hits = candidates.filter(
    (c) =>
      (match.vendorId === undefined || c.vendorId === match.vendorId) &&
      (match.productId === undefined || c.productId === match.productId) &&
      (match.serialNumber === undefined || c.serialNumber === match.serialNumber),
  );
  const rank = (c: Candidate): number => {
    if (prefer === 'hid-pos') return c.usagePage === 0x8c ? 0 : 1;
    if (prefer === 'hid-keyboard') return c.usagePage === 0x01 && c.usage === 0x06 ? 0 : 1;
    return 0;
  };
  const best = [...hits].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path))[0];
  return best?.path ?? null;
}
