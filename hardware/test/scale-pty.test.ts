import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceManager } from '../src/manager';
import { SerialScale, type ScaleReading } from '../src/scale/scale';
import { PtyPair } from '../src/sim/pty';
import { ScaleSimulator } from '../src/sim/scale-sim';

const fastBackoff = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 };

describe('MT-SICS scale over a socat pty pair', () => {
  let pty: PtyPair;
  let sim: ScaleSimulator;
  let scale: SerialScale;

  beforeEach(async () => {
    pty = await new PtyPair().start();
    sim = await new ScaleSimulator(pty.a).open();
    sim.settleTimeoutMs = 300;
    scale = new SerialScale('lane-1-scale', pty.b, {
      backoff: fastBackoff,
      answerTimeoutMs: 300,
      stableTimeoutMs: 1_000,
      pollIntervalMs: 0,
    });
  });

  afterEach(async () => {
    await scale.close();
    await sim.close();
    await pty.dispose();
  });

  it('reads a stable weight in grams, resetting the scale first', async () => {
    await scale.start();
    sim.set({ grams: 456, stable: true });
    const r = await scale.weighStable();
    expect(r).toMatchObject({ status: 'stable', grams: 456, value: '0.456', unit: 'kg' });
    expect(sim.commands).toEqual(['@', 'S']);
    expect(scale.health.state).toBe('online');
  });

  it('waits while the weight settles, and refuses one that never does', async () => {
    await scale.start();
    sim.set({ grams: 1200, stable: false });
    const pending = scale.weighStable();
    setTimeout(() => sim.set({ grams: 1234, stable: true }), 50);
    await expect(pending).resolves.toMatchObject({ grams: 1234, status: 'stable' });

    sim.set({ grams: 800, stable: false });
    await expect(scale.weighStable()).rejects.toMatchObject({ code: 'SCALE_UNSTABLE' });
    // SI answers at once, marked as still moving
    await expect(scale.weighNow()).resolves.toMatchObject({ status: 'moving', grams: 800 });
  });

  it('reports overload and underload as their own refusals', async () => {
    await scale.start();
    sim.set({ grams: 20_000 });
    await expect(scale.weighStable()).rejects.toMatchObject({ code: 'SCALE_OVERLOAD' });
    expect(scale.reading?.status).toBe('overload');
    sim.set({ grams: 0 });
    await scale.zero();
    sim.set({ grams: -1_000 });
    await expect(scale.weighNow()).rejects.toMatchObject({ code: 'SCALE_UNDERLOAD' });
  });

  it('zeroes and tares: later weights are net', async () => {
    await scale.start();
    sim.set({ grams: 30 }); // a crumb left on the platter
    await scale.zero();
    sim.set({ grams: 130 }); // a bag
    expect(await scale.tare()).toBe(100);
    sim.set({ grams: 630 });
    expect((await scale.weighStable()).grams).toBe(500);
    sim.set({ grams: 130, stable: false });
    await expect(scale.zero()).rejects.toMatchObject({ code: 'SCALE_UNSTABLE' });
  });

  it('after an unanswered command resets the scale, so a late answer is never taken for the next one', async () => {
    // S waits for stability longer than the driver does: it gives up, then the weight settles.
    await scale.close();
    scale = new SerialScale('lane-1-scale', pty.b, {
      backoff: fastBackoff,
      answerTimeoutMs: 300,
      stableTimeoutMs: 100,
      pollIntervalMs: 0,
    });
    await scale.start();
    sim.settleTimeoutMs = 2_000;
    sim.set({ grams: 200, stable: false });
    await expect(scale.weighStable()).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
    await expect(scale.weighNow()).resolves.toMatchObject({ status: 'moving', grams: 200 });
    const faults: string[] = [];
    scale.on('fault', (f) => faults.push(f.code));
    sim.set({ stable: true });
    await new Promise((r) => setTimeout(r, 100));
    // The reset before SI cancelled the S that was still waiting: it never answers now.
    expect(faults).toEqual([]);
    expect((await scale.weighStable()).grams).toBe(200);
    expect(sim.commands.slice(-5)).toEqual(['@', 'S', '@', 'SI', 'S']);
  });

  it('ignores noise and answers to nothing, and keeps reading', async () => {
    const faults: string[] = [];
    scale.on('fault', (f) => faults.push(f.code));
    await scale.start();
    sim.write(Buffer.from([0xff, 0x00, 0x41, 0x0d, 0x0a]));
    sim.write('S S      9.999 kg\r\n');
    sim.set({ grams: 321 });
    await new Promise((r) => setTimeout(r, 50));
    expect((await scale.weighStable()).grams).toBe(321);
    expect(faults).toEqual(['LINE_NOT_ASCII', 'UNEXPECTED_ANSWER']);
  });

  it('reports the live weight while enabled and goes offline and back when the scale is unplugged', async () => {
    await scale.close();
    scale = new SerialScale('lane-1-scale', pty.b, {
      backoff: fastBackoff,
      answerTimeoutMs: 300,
      pollIntervalMs: 30,
    });
    const seen: ScaleReading[] = [];
    scale.on('weight', (w) => seen.push(w));
    await scale.start();
    sim.set({ grams: 250, stable: false });
    await scale.next('weight', (w) => w.grams === 250 && w.status === 'moving');
    sim.set({ grams: 250, stable: true });
    await scale.next('weight', (w) => w.grams === 250 && w.status === 'stable');
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(seen.length).toBe(count); // nothing changed: no events

    const offline = scale.next('health', (s) => s.health.state === 'offline');
    await sim.close();
    await pty.stop();
    await offline;
    expect(scale.reading).toBeNull();
    await pty.start();
    sim = await new ScaleSimulator(pty.a, { grams: 700 }).open();
    await scale.next('weight', (w) => w.grams === 700);
    expect(scale.health.state).toBe('online');
    expect(scale.snapshot().stats.reconnects).toBe(1);
  });

  it('marks a silent scale as an error while its port is still there', async () => {
    await scale.close();
    scale = new SerialScale('lane-1-scale', pty.b, { answerTimeoutMs: 100, pollIntervalMs: 30 });
    await scale.start();
    await scale.next('weight');
    sim.set({ answers: false });
    const h = await scale.next('health', (s) => s.health.state === 'error');
    expect(h[0].health.reason).toMatch(/does not answer/);
    sim.set({ answers: true, grams: 42 });
    await scale.next('weight', (w) => w.grams === 42);
    expect(scale.health.state).toBe('online');
  });
});

describe('a scale in the device manager', () => {
  it('is built from the configuration and fans its weights out', async () => {
    const pty = await new PtyPair().start();
    const sim = await new ScaleSimulator(pty.a, { grams: 1500 }).open();
    const manager = new DeviceManager({
      discoveryIntervalMs: 0,
      devices: [
        { id: 'scale-1', kind: 'scale', transport: 'serial', match: { path: pty.b }, pollIntervalMs: 30 },
      ],
    });
    try {
      const got = manager.next('weight', (w) => w.grams === 1500);
      await manager.start();
      expect((await got)[0]).toMatchObject({ deviceId: 'scale-1', status: 'stable' });
      expect((await manager.scale('scale-1').weighStable()).grams).toBe(1500);
      expect(() => manager.printer('scale-1')).toThrow(/not a printer/);
    } finally {
      await manager.stop();
      await sim.close();
      await pty.dispose();
    }
  });

  it('refuses a scale configuration with an unknown protocol', () => {
    expect(
      () =>
        new DeviceManager({
          devices: [
            {
              id: 's',
              kind: 'scale',
              transport: 'serial',
              protocol: 'toledo-8217',
              match: { path: '/x' },
            } as never,
          ],
        }),
    ).toThrow(/invalid/);
  });
});
