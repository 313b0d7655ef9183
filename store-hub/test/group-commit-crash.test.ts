/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Group commit against the real hub process (issue 8 §3): scans from several kiosks that arrive
 * together share one transaction, and the hub is SIGKILLed after that group's members ran but
 * before its COMMIT (KASSA_FAULT=kill-before-group-commit:N kills at the first group of N or
 * more). No kiosk may have heard of a change that was then lost: a scan that got an answer is on
 * disk after the restart, a scan that got none is not — neither its line nor its idempotency
 * record — and its retry with the same Idempotency-Key adds the line exactly once. No socket
 * event announced a lost change (after-commit effects wait for the COMMIT).
 */
import fs from 'node:fs';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningHub } from './harness';
import {
  Client,
  FIXTURE,
  importFile,
  pairKiosk,
  pairingCode,
  removeTempDirs,
  startHubProcess,
  tempDataDir,
} from './harness';

const MILK = '5000000000017';
const KIOSKS = 6;
const GROUP = 3;

afterAll(removeTempDirs);

const lineCount = async (c: Client, basket: string): Promise<number> => {
  const r = await c.req('GET', `/v1/baskets/${basket}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.data.priced.lines as unknown[]).length;
};

describe('group commit, hub SIGKILLed before the COMMIT', () => {
  it('loses exactly the unanswered scans of the killed group; their retries apply once', async () => {
    const dir = tempDataDir();
    expect(importFile(dir, FIXTURE).code).toBe(0);
    let hub: RunningHub = await startHubProcess(dir, [], {
      KASSA_FAULT: `kill-before-group-commit:${GROUP}`,
    });
    const sockets: Socket[] = [];
    try {
      const kiosks: { client: Client; basket: string; heard: number[] }[] = [];
      for (let i = 0; i < KIOSKS; i++) {
        const { client } = await pairKiosk(hub.url, i === 0 ? hub.pairingCode : pairingCode(dir), `G${i}`);
        const b = await client.req('POST', '/v1/baskets', {});
        expect(b.status).toBe(201);
        const heard: number[] = [];
        const socket = io(hub.url, {
          auth: { token: client.token },
          transports: ['websocket'],
          reconnection: false,
        });
        socket.on('basket.updated', (p: any) => heard.push(p.version ?? p.basket?.version));
        socket.on('basket.version', (p: any) => heard.push(p.version));
        await new Promise<void>((r) => socket.once('connect', () => r()));
        sockets.push(socket);
        kiosks.push({ client, basket: b.body.data.basket_id, heard });
      }

      // Rounds of one scan per kiosk, all sent at once, until a round forms a group of GROUP and
      // the hub dies. Groups smaller than that commit and are answered as usual.
      const sent: { k: number; key: string; answered: boolean; version: number }[] = [];
      let died = false;
      for (let round = 0; round < 40 && !died; round++) {
        const results = await Promise.all(
          kiosks.map(async (k, i) => {
            const key = `crash-${round}-${i}`;
            try {
              const r = await k.client.req('POST', `/v1/baskets/${k.basket}/lines`, { code: MILK }, { key });
              expect(r.status, JSON.stringify(r.body)).toBe(201);
              return { k: i, key, answered: true, version: Number(r.body.data.basket.version) };
            } catch {
              return { k: i, key, answered: false, version: -1 }; // the connection died with the hub
            }
          }),
        );
        sent.push(...results);
        died = results.some((r) => !r.answered);
      }
      expect(died, 'no group of 3 scans formed in 40 rounds').toBe(true);
      await new Promise<void>((r) =>
        hub.proc.exitCode !== null || hub.proc.signalCode !== null ? r() : hub.proc.once('exit', () => r()),
      );
      expect(hub.proc.signalCode).toBe('SIGKILL');
      const lost = sent.filter((s) => !s.answered);
      expect(lost.length).toBeGreaterThanOrEqual(GROUP);
      // What each kiosk was told before the kill: one line per answered scan, and the live
      // events never ran ahead of what it was told.
      const answered = kiosks.map((_, i) => sent.filter((s) => s.k === i && s.answered).length);
      kiosks.forEach((k, i) => {
        const told = Math.max(0, ...sent.filter((s) => s.k === i).map((s) => s.version));
        expect(Math.max(0, ...k.heard.filter(Number.isFinite))).toBeLessThanOrEqual(told);
      });
      for (const s of sockets) s.close();

      hub = await startHubProcess(dir);
      for (const [i, k] of kiosks.entries()) {
        const c = new Client(hub.url, k.client.token);
        expect(await lineCount(c, k.basket)).toBe(answered[i]! > 0 ? 1 : 0);
        const quantity =
          (await c.req('GET', `/v1/baskets/${k.basket}`)).body.data.priced.lines[0]?.quantity ?? 0;
        expect(quantity).toBe(answered[i]);
      }
      // Retrying every lost scan with its own key applies each once; a second retry changes nothing.
      for (let attempt = 0; attempt < 2; attempt++)
        for (const s of lost) {
          const k = kiosks[s.k]!;
          const c = new Client(hub.url, k.client.token);
          const r = await c.req('POST', `/v1/baskets/${k.basket}/lines`, { code: MILK }, { key: s.key });
          expect(r.status, JSON.stringify(r.body)).toBe(201);
        }
      for (const [i, k] of kiosks.entries()) {
        const c = new Client(hub.url, k.client.token);
        const retried = lost.filter((s) => s.k === i).length;
        const lines = (await c.req('GET', `/v1/baskets/${k.basket}`)).body.data.priced.lines as any[];
        expect(lines.reduce((t, l) => t + Number(l.quantity), 0)).toBe(answered[i]! + retried);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    } finally {
      for (const s of sockets) s.close();
      await hub.stop();
    }
  }, 120_000);
});
