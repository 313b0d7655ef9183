/* eslint-disable @typescript-eslint/no-explicit-any */
import { PrinterSimulator, PtyPair, ScannerSimulator } from '@kassa/hardware';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, RunningHub } from './harness';
import { importFile, pairKiosk, removeTempDirs, startHubProcess, tempDataDir } from './harness';

// Real serial I/O: a scanner and an ESC/POS printer simulated at the far end of socat pty pairs.
let hub: RunningHub;
let kiosk: Client;
let scannerPty: PtyPair;
let printerPty: PtyPair;
let scanner: ScannerSimulator;
let printer: PrinterSimulator;
let hwFile: string;
let dataDir: string;

beforeAll(async () => {
  scannerPty = await new PtyPair().start();
  printerPty = await new PtyPair().start();
  scanner = await new ScannerSimulator(scannerPty.a).open();
  printer = await new PrinterSimulator(printerPty.a).open();
  const dir = (dataDir = tempDataDir());
  expect(importFile(dir).code).toBe(0);
  const hw = (hwFile = path.join(dir, 'devices.json'));
  fs.writeFileSync(
    hw,
    JSON.stringify({
      discoveryIntervalMs: 0,
      devices: [
        { id: 'lane1-scanner', kind: 'scanner', transport: 'serial', match: { path: scannerPty.b } },
        {
          id: 'lane1-printer',
          kind: 'printer',
          transport: 'serial',
          match: { path: printerPty.b },
          statusIntervalMs: 200,
        },
      ],
      lanes: [{ kiosk: 'K1', scanner: 'lane1-scanner', printer: 'lane1-printer' }],
    }),
  );
  hub = await startHubProcess(dir, ['--hardware', hw]);
  ({ client: kiosk } = await pairKiosk(hub.url, hub.pairingCode, 'K1'));
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await scanner?.close();
  await printer?.close();
  await scannerPty?.dispose();
  await printerPty?.dispose();
  removeTempDirs();
});

describe('hub-attached devices', () => {
  it('routes a serial scanner to its lane and prints the receipt on the lane printer', async () => {
    const b = await kiosk.req('POST', '/v1/baskets', {});
    const basket = b.body.data.basket_id;
    const socket = io(hub.url, { auth: { token: kiosk.token }, transports: ['websocket'] });
    const events: [string, any][] = [];
    socket.onAny((n: string, p: unknown) => events.push([n, p]));
    await new Promise<void>((r) => socket.on('connect', () => r()));

    await scanner.scan('5000000000017');
    while (!events.some(([n, p]) => n === 'device.event' && p.code === '5000000000017'))
      await new Promise((r) => setTimeout(r, 10));
    const ev = events.find(([n]) => n === 'device.event')![1];
    expect(ev.error).toBeUndefined();
    const now = await kiosk.req('GET', `/v1/baskets/${basket}`);
    expect(now.body.data.priced.lines.map((l: any) => l.item_id)).toEqual(['milk']);

    await scanner.scan('0000000000000');
    while (!events.some(([n, p]) => n === 'device.event' && p.code === '0000000000000'))
      await new Promise((r) => setTimeout(r, 10));
    expect(events.find(([n, p]) => n === 'device.event' && p.code === '0000000000000')![1].error.code).toBe(
      'ITEM_NOT_FOUND',
    );

    const o = await kiosk.req('POST', '/v1/orders', { basket_id: basket });
    const t = await kiosk.req('POST', `/v1/orders/${o.body.data.order_id}/tenders`, {});
    expect(t.body.data.order_status).toBe('completed');
    expect(t.body.data.receipt.channel).toBe('print');
    while (!events.some(([n]) => n === 'receipt.status')) await new Promise((r) => setTimeout(r, 10));
    expect(events.find(([n]) => n === 'receipt.status')![1].status).toBe('printed');
    while (printer.receipts().length < 1) await new Promise((r) => setTimeout(r, 10));
    const lines = printer.lines();
    expect(lines.some((l) => l.includes('Test Store'))).toBe(true);
    expect(lines.some((l) => l.includes('Milk 1l'))).toBe(true);
    socket.close();
  }, 60_000);

  it('reprints a completed order’s receipt as a COPY on request', async () => {
    const before = printer.receipts().length;
    const b = await kiosk.req('POST', '/v1/baskets', {});
    await kiosk.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, { code: '5000000000017' });
    const o = await kiosk.req('POST', '/v1/orders', { basket_id: b.body.data.basket_id });
    await kiosk.req('POST', `/v1/orders/${o.body.data.order_id}/tenders`, {});
    while (printer.receipts().length < before + 1) await new Promise((r) => setTimeout(r, 10));
    const r = await kiosk.req('POST', `/v1/orders/${o.body.data.order_id}/receipts`, {});
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ channel: 'print', copy: true });
    while (printer.receipts().length < before + 2) await new Promise((r) => setTimeout(r, 10));
    expect(printer.lines().some((l) => l.includes('COPY'))).toBe(true);
  }, 60_000);

  it('a hub killed after completing an order but before COMMIT has printed nothing; recovery completes and prints once', async () => {
    await hub.stop();
    hub = await startHubProcess(dataDir, ['--hardware', hwFile], {
      KASSA_FAULT: 'kill-before-commit:order.completed',
    });
    const k = (await pairKiosk(hub.url, hub.pairingCode, 'K1', true)).client;
    const socket = io(hub.url, { auth: { token: k.token }, transports: ['websocket'] });
    const events: string[] = [];
    socket.onAny((n: string) => events.push(n));
    await new Promise<void>((r) => socket.on('connect', () => r()));
    const b = await k.req('POST', '/v1/baskets', {});
    await k.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, { code: '5000000000017' });
    const o = await k.req('POST', '/v1/orders', { basket_id: b.body.data.basket_id });
    const orderId = o.body.data.order_id as string;
    const printedBefore = printer.receipts().length;
    const exited = new Promise<string | null>((r) => hub.proc.once('exit', (_c, sig) => r(sig)));
    await k.req('POST', `/v1/orders/${orderId}/tenders`, {}).catch(() => null);
    expect(await exited).toBe('SIGKILL');
    socket.close();
    // Nothing escaped the rolled-back transaction: no receipt, no completion event, no completed order.
    await new Promise((r) => setTimeout(r, 300));
    expect(printer.receipts().length).toBe(printedBefore);
    expect(events).not.toContain('order.completed');
    const db = new Database(path.join(dataDir, 'kassa-hub.sqlite'), { readonly: true });
    const row = db.prepare(`SELECT order_status FROM orders WHERE order_id = ?`).get(orderId) as {
      order_status: string;
    };
    expect(row.order_status).toBe('created');
    db.close();
    // Restarted without the fault, the hub asks the terminal again, completes the order and prints it once.
    hub = await startHubProcess(dataDir, ['--hardware', hwFile]);
    while (printer.receipts().length < printedBefore + 1) await new Promise((r) => setTimeout(r, 20));
    const db2 = new Database(path.join(dataDir, 'kassa-hub.sqlite'), { readonly: true });
    expect(
      (
        db2.prepare(`SELECT order_status FROM orders WHERE order_id = ?`).get(orderId) as {
          order_status: string;
        }
      ).order_status,
    ).toBe('completed');
    expect(
      (
        db2
          .prepare(`SELECT COUNT(*) AS n FROM outbox WHERE type = 'order.completed' AND key = ?`)
          .get(orderId) as { n: number }
      ).n,
    ).toBe(1);
    db2.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(printer.receipts().length).toBe(printedBefore + 1);
  }, 60_000);
});
