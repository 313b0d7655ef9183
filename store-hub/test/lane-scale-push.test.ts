/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Live scale weight pushed over socket.io (issue 11): the real hub process reads two MT-SICS
 * scales simulated at the far ends of socat pty pairs (lane K1 and lane K2; K3 has none). A
 * kiosk socket that sends `scale.watch` gets `scale.reading` whenever its lane's reading
 * changes, and only then; the hub stops reading a scale once nobody watches it.
 *
 * "The hub stopped polling" is shown without timing: the other lane's scale, watched at the same
 * time and polled on the same interval, must answer many polls while the unwatched one gets
 * at most the one that was already under way.
 */
import { PtyPair, ScaleSimulator } from '@kassa/hardware';
import fs from 'node:fs';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_EVENTS } from '../src/api/events';
import { scaleWatchAckSchema } from '../src/lanes/schemas';
import type { Client, RunningHub } from './harness';
import { importFile, pairKiosk, pairingCode, removeTempDirs, startHubProcess, tempDataDir } from './harness';

let hub: RunningHub;
const kiosks: Record<string, Client> = {};
const ptys: PtyPair[] = [];
let sim1: ScaleSimulator;
let sim2: ScaleSimulator;
const sockets: Socket[] = [];

beforeAll(async () => {
  const sims: ScaleSimulator[] = [];
  const devices = [];
  for (const n of [1, 2]) {
    const pty = await new PtyPair().start();
    ptys.push(pty);
    const sim = await new ScaleSimulator(pty.a, { grams: 0 }).open();
    sim.settleTimeoutMs = 300;
    sims.push(sim);
    devices.push({
      id: `lane${n}-scale`,
      kind: 'scale',
      transport: 'serial',
      match: { path: pty.b },
      pollIntervalMs: 40,
      answerTimeoutMs: 300,
      stableTimeoutMs: 700,
    });
  }
  [sim1, sim2] = sims as [ScaleSimulator, ScaleSimulator];
  const dir = tempDataDir();
  const imported = importFile(dir);
  expect(imported.code, imported.out).toBe(0);
  const hw = path.join(dir, 'devices.json');
  fs.writeFileSync(
    hw,
    JSON.stringify({
      discoveryIntervalMs: 0,
      reconnect: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
      devices,
      lanes: [{ kiosk: 'K1', scale: 'lane1-scale' }, { kiosk: 'K2', scale: 'lane2-scale' }, { kiosk: 'K3' }],
    }),
  );
  hub = await startHubProcess(dir, ['--hardware', hw]);
  kiosks.K1 = (await pairKiosk(hub.url, hub.pairingCode, 'K1')).client;
  kiosks.K2 = (await pairKiosk(hub.url, pairingCode(dir), 'K2')).client;
  kiosks.K3 = (await pairKiosk(hub.url, pairingCode(dir), 'K3')).client;
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await hub?.stop();
  await sim1?.close();
  await sim2?.close();
  for (const p of ptys) await p.dispose();
  removeTempDirs();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A kiosk socket with every `scale.reading` it got, each checked against the event's schema. */
async function connect(kiosk: string): Promise<{ socket: Socket; readings: any[] }> {
  const socket = io(hub.url, { auth: { token: kiosks[kiosk]!.token }, transports: ['websocket'] });
  sockets.push(socket);
  const readings: any[] = [];
  socket.on('scale.reading', (p: unknown) => readings.push(LIVE_EVENTS['scale.reading'].parse(p)));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  return { socket, readings };
}

async function ask(socket: Socket, name: 'scale.watch' | 'scale.unwatch', body: unknown = {}): Promise<any> {
  return scaleWatchAckSchema.parse(await socket.timeout(15_000).emitWithAck(name, body));
}

const polls = (sim: ScaleSimulator): number => sim.commands.filter((c) => c === 'SI').length;
const last = (readings: any[]) => readings[readings.length - 1];

describe('live scale weight pushed to the watching kiosk', () => {
  it('pushes the reading at once and then only when it changes', async () => {
    sim1.set({ grams: 0, stable: true });
    const { socket, readings } = await connect('K1');
    const ack = await ask(socket, 'scale.watch');
    expect(ack.data).toMatchObject({ attached: true, device_id: 'lane1-scale', health: 'online' });
    await until(() => last(readings)?.weight_g === 0, 'the first reading');
    expect(last(readings)).toMatchObject({ device_id: 'lane1-scale', state: 'stable', stable: true });

    sim1.set({ grams: 456, stable: false });
    await until(() => last(readings)?.weight_g === 456, 'a moving weight');
    expect(last(readings)).toMatchObject({ state: 'moving', stable: false });
    sim1.set({ grams: 462, stable: true });
    await until(() => last(readings)?.state === 'stable' && last(readings).weight_g === 462, 'stable');

    // The hub keeps polling (many more SI answered) but an unchanged reading is not sent again.
    const sent = readings.length;
    const from = polls(sim1);
    await until(() => polls(sim1) >= from + 8, 'eight more polls');
    expect(readings.length).toBe(sent);
    for (let i = 1; i < readings.length; i++)
      expect(`${readings[i].state}:${readings[i].weight_g}`).not.toBe(
        `${readings[i - 1].state}:${readings[i - 1].weight_g}`,
      );

    sim1.set({ grams: 20_000, stable: true });
    await until(() => last(readings)?.state === 'overload', 'overload');
    expect(last(readings)).toMatchObject({ weight_g: null, stable: false });
    sim1.set({ grams: -500, stable: true });
    await until(() => last(readings)?.state === 'underload', 'underload');
    // A scale that stops answering is pushed as offline, and comes back on its own.
    sim1.set({ grams: 100, stable: true, answers: false });
    await until(() => last(readings)?.state === 'offline', 'offline');
    sim1.set({ answers: true });
    await until(() => last(readings)?.state === 'stable' && last(readings).weight_g === 100, 'back online');
    await ask(socket, 'scale.unwatch');
    socket.close();
  });

  it('stops reading the scale when the kiosk unwatches or its socket goes away', async () => {
    const k1 = await connect('K1');
    const k2 = await connect('K2');
    await ask(k1.socket, 'scale.watch');
    await ask(k2.socket, 'scale.watch');
    await until(() => k1.readings.length > 0 && k2.readings.length > 0, 'first readings');

    const unwatched = await ask(k1.socket, 'scale.unwatch');
    expect(unwatched.data).toMatchObject({ attached: true, device_id: 'lane1-scale' });
    const before = polls(sim1);
    const got = k1.readings.length;
    sim1.set({ grams: 777, stable: true });
    // Lane 2's scale, polled on the same interval, answers ten polls meanwhile.
    const from2 = polls(sim2);
    await until(() => polls(sim2) >= from2 + 10, 'ten polls of lane 2');
    // At most the one poll already on the wire when the kiosk unwatched.
    expect(polls(sim1) - before).toBeLessThanOrEqual(1);
    expect(k1.readings.length).toBe(got);

    // Watching again reads the weight put on meanwhile; a closed socket ends its watch too.
    await ask(k1.socket, 'scale.watch');
    await until(() => last(k1.readings)?.weight_g === 777, 'the new weight after watching again');
    k1.socket.close();
    await until(() => !k1.socket.connected, 'closed');
    // The hub notices the close before lane 2 has answered ten more polls, with room to spare.
    const from2b = polls(sim2);
    await until(() => polls(sim2) >= from2b + 10, 'ten polls of lane 2');
    const after = polls(sim1);
    const from2c = polls(sim2);
    await until(() => polls(sim2) >= from2c + 10, 'ten more polls of lane 2');
    expect(polls(sim1) - after).toBeLessThanOrEqual(1);
    await ask(k2.socket, 'scale.unwatch');
    k2.socket.close();
  });

  it('several kiosks: each hears its own lane, a second socket of one lane too', async () => {
    sim1.set({ grams: 50, stable: true });
    sim2.set({ grams: 60, stable: true });
    const a = await connect('K1');
    const b = await connect('K1');
    const c = await connect('K2');
    for (const k of [a, b, c]) await ask(k.socket, 'scale.watch');
    await until(() => last(a.readings)?.weight_g === 50, 'K1 first socket');
    await until(() => last(b.readings)?.weight_g === 50, 'K1 second socket');
    await until(() => last(c.readings)?.weight_g === 60, 'K2');

    sim1.set({ grams: 1_500, stable: false });
    await until(() => last(a.readings)?.weight_g === 1_500, 'K1 a');
    await until(() => last(b.readings)?.weight_g === 1_500, 'K1 b');
    sim2.set({ grams: 2_500, stable: true });
    await until(() => last(c.readings)?.weight_g === 2_500, 'K2');
    expect(c.readings.every((r) => r.device_id === 'lane2-scale')).toBe(true);
    expect([...a.readings, ...b.readings].every((r) => r.device_id === 'lane1-scale')).toBe(true);

    // One socket of K1 stops watching: the other still gets lane 1's changes.
    await ask(a.socket, 'scale.unwatch');
    const aGot = a.readings.length;
    sim1.set({ grams: 1_600, stable: true });
    await until(() => last(b.readings)?.weight_g === 1_600, 'K1 b after a unwatched');
    expect(a.readings.length).toBe(aGot);
    for (const k of [a, b, c]) k.socket.close();
  });

  it('a lane without a scale answers attached: false and sends nothing; a bad payload is refused', async () => {
    const k3 = await connect('K3');
    const ack = await ask(k3.socket, 'scale.watch');
    expect(ack.data).toEqual({ attached: false, device_id: null, health: null, reading: null });
    const bad = await ask(k3.socket, 'scale.watch', { device_id: 'lane1-scale' });
    expect(bad.error.code).toBe('VALIDATION_FAILED');
    // A kiosk cannot watch another lane's scale: a change there never reaches K3.
    const k1 = await connect('K1');
    await ask(k1.socket, 'scale.watch');
    sim1.set({ grams: 999, stable: true });
    await until(() => last(k1.readings)?.weight_g === 999, 'K1 sees it');
    expect(k3.readings).toEqual([]);
    k1.socket.close();
    k3.socket.close();
  });
  it('GET /v1/lane/scale with nobody watching reads the scale once first (no stale weight)', async () => {
    // Nobody watches lane 1 now: it is not polled while lane 2 (watched) answers ten polls.
    const k2 = await connect('K2');
    await ask(k2.socket, 'scale.watch');
    const idle = polls(sim1);
    const from2 = polls(sim2);
    await until(() => polls(sim2) >= from2 + 10, 'ten polls of lane 2');
    expect(polls(sim1) - idle).toBeLessThanOrEqual(1);
    k2.socket.close();
    // The hub's last reading of lane 1 is old; the first GET must not answer it.
    sim1.set({ grams: 321, stable: true });
    const r = await kiosks.K1!.req('GET', '/v1/lane/scale');
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({
      attached: true,
      device_id: 'lane1-scale',
      health: 'online',
      reading: { status: 'stable', weight_g: 321 },
    });
  });
});
