/**
 * Serves the built kiosk app at /kiosk/ and forwards everything else (REST and socket.io,
 * including WebSocket upgrades) to a hub, so the app runs same-origin with the API as it does
 * when the hub serves kiosk-app/dist itself. For the demo and tests on a hub that does not
 * mount /kiosk/ yet.
 *
 *   tsx kiosk-app/scripts/serve.ts --hub http://127.0.0.1:8750 [--port 8751]
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.join(here, '..', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface KioskServer {
  url: string;
  close(): Promise<void>;
}

export async function serveKiosk(opts: {
  hubUrl: string;
  port?: number;
  dist?: string;
}): Promise<KioskServer> {
  const dist = opts.dist ?? DIST;
  const hub = new URL(opts.hubUrl);
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/' || url.pathname === '/kiosk') {
      res.writeHead(302, { location: '/kiosk/' + url.search });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/kiosk/')) {
      const rel = decodeURIComponent(url.pathname.slice('/kiosk/'.length)) || 'index.html';
      const file = path.join(dist, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
      const target =
        file.startsWith(dist) && fs.existsSync(file) && fs.statSync(file).isFile()
          ? file
          : path.join(dist, 'index.html');
      res.writeHead(200, {
        'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
        'cache-control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
      });
      fs.createReadStream(target).pipe(res);
      return;
    }
    const up = http.request(
      {
        host: hub.hostname,
        port: hub.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: hub.host },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 'HUB_UNREACHABLE', message: 'the store hub is not answering', details: {} },
        }),
      );
    });
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // WebSocket upgrades (socket.io) are piped through as raw TCP.
  server.on('upgrade', (req, socket, head) => {
    const up = net.connect(Number(hub.port), hub.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) up.write(head);
      socket.pipe(up).pipe(socket);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({ options: { hub: { type: 'string' }, port: { type: 'string' } } });
  const s = await serveKiosk({
    hubUrl: values.hub ?? 'http://127.0.0.1:8750',
    port: Number(values.port ?? 8751),
  });
  console.log(JSON.stringify({ event: 'kiosk-listening', url: `${s.url}/kiosk/` }));
}
