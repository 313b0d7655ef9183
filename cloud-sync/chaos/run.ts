/**
 * The chaos run (issue 13 §5): two hubs trade a simulated day while the hubs, the broker and
 * the HQ consumer are killed with SIGKILL at random moments; then everything is brought back
 * and the run ends with the fault tests' equalities per store (orders, each once, totals, no
 * duplicate events). Bounded in time; the seed is printed so a failure can be replayed:
 *
 *   npm run chaos -w cloud-sync [-- --seed 1234 --seconds 60]
 *
 * Uses a broker of its own (loopback, free ports) and HQ on PostgreSQL when the server binaries
 * are installed (the consumer then runs as a process that can be SIGKILLed), else PGlite in this
 * process (the consumer is then stopped abruptly instead).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import type { OpenedDb } from '../src/db';
import { openHqDb } from '../src/db';
import { kafkaFor, startTestBroker } from '../../scripts/kafka/test-broker';
import { provisionHq, provisionStore } from '../../scripts/kafka/topology';
import type { Child } from '../test/faults/harness';
import {
  hqConsumer,
  hqTally,
  hubBacklog,
  hubTally,
  openHub,
  rng,
  startChild,
  tempDir,
  until,
} from '../test/faults/harness';

const run = promisify(execFile);
const { values } = parseArgs({
  options: { seed: { type: 'string' }, seconds: { type: 'string' }, orders: { type: 'string' } },
});
const seed = Number(values.seed ?? process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1e9));
const seconds = Number(values.seconds ?? process.env.CHAOS_SECONDS ?? 60);
const ordersPerHub = Number(values.orders ?? 1500);
const random = rng(seed);
const t0 = Date.now();
const say = (msg: string): void => console.log(`[chaos +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
console.log(
  `chaos: seed ${seed} (replay: npm run chaos -w cloud-sync -- --seed ${seed} --seconds ${seconds})`,
);

const STORES = ['c1', 'c2'];
const PG = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../scripts/postgres');

const broker = await startTestBroker({ users: ['hq', ...STORES.map((s) => `hub-${s}`)] });
const env = broker.env;
{
  const admin = kafkaFor(env, 'admin').admin();
  await admin.connect();
  await provisionHq(admin);
  for (const s of STORES) await provisionStore(admin, s);
  await admin.disconnect();
}
say(`broker up on ${env.brokers[0]}`);

let pg: { url: string; data: string } | null = null;
try {
  const { stdout } = await run('bash', [path.join(PG, 'pg-up.sh')], { timeout: 120_000 });
  const kv = Object.fromEntries(
    stdout
      .trim()
      .split(/\s+/)
      .map((p) => p.split('=') as [string, string]),
  );
  pg = { url: kv.PGURL!, data: kv.PGDATA! };
  say(`PostgreSQL up (${pg.url})`);
} catch {
  say('PostgreSQL server not available: HQ on PGlite in this process');
}
const hq: OpenedDb = await openHqDb(pg ? pg.url : 'memory://');
const group = `hq-chaos-${seed}`;

const hubDirs = STORES.map(() => tempDir('kassa-chaos-hub-'));
const hubEnv = (i: number) => ({
  FAULT_KAFKA: JSON.stringify(env),
  FAULT_STORE: STORES[i]!,
  FAULT_HUB_DIR: hubDirs[i]!,
  FAULT_SEED: String(seed + i * 1_000_003),
  FAULT_TOTAL: String(ordersPerHub),
  FAULT_PER_TICK: '3',
  FAULT_TICK_MS: String(Math.max(5, Math.floor((seconds * 1000 * 0.8) / (ordersPerHub / 3)))),
});
const hubs: (Child | null)[] = STORES.map((_, i) => startChild('hub-child.ts', hubEnv(i)));

// HQ consumer: a process on PostgreSQL, or in-process on PGlite.
let hqChild: Child | null = null;
let hqInProcess: ReturnType<typeof hqConsumer> | null = null;
const startHq = async (): Promise<void> => {
  if (pg)
    hqChild = startChild('hq-child.ts', {
      FAULT_KAFKA: JSON.stringify(env),
      FAULT_STORES: STORES.join(','),
      FAULT_DB_URL: pg.url,
      FAULT_GROUP: group,
    });
  else {
    hqInProcess = hqConsumer(env, hq.db, STORES, group);
    await hqInProcess.start();
  }
};
const killHq = async (): Promise<void> => {
  // Forget it before killing, so the supervisor does not take the kill for a crash.
  const c = hqChild;
  hqChild = null;
  if (c) await c.kill('SIGKILL');
  if (hqInProcess) await hqInProcess.stop();
  hqInProcess = null;
};
await startHq();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// A service manager's job: a process that exits by itself (e.g. it could not reach the broker
// while starting) is started again.
const exited = (c: Child | null) => c !== null && (c.proc.exitCode !== null || c.proc.signalCode !== null);
let supervising = true;
const restarts = { hub: 0, hq: 0 };
const supervisor = (async () => {
  while (supervising) {
    await sleep(500);
    if (!supervising) break;
    for (const [i, h] of hubs.entries())
      if (exited(h)) {
        say(`hub ${STORES[i]} exited by itself (${h!.lines.slice(-1)[0] ?? ''}); restarting it`);
        restarts.hub++;
        hubs[i] = startChild('hub-child.ts', hubEnv(i));
      }
    if (pg && exited(hqChild)) {
      say(`HQ consumer exited by itself (${hqChild!.lines.slice(-1)[0] ?? ''}); restarting it`);
      restarts.hq++;
      await startHq();
    }
  }
})();
const kills = { hub: 0, broker: 0, hq: 0 };
// The chaos window starts once everything is up (a loaded machine can take a while to get there).
const end = Date.now() + seconds * 1000;
say(`trading with chaos for ${seconds} s`);
while (Date.now() < end - 3000) {
  await sleep(2000 + random() * 4000);
  const what = random();
  if (what < 0.4) {
    const i = Math.floor(random() * hubs.length);
    say(`SIGKILL hub ${STORES[i]}`);
    const victim = hubs[i];
    hubs[i] = null;
    await victim?.kill('SIGKILL');
    kills.hub++;
    await sleep(300 + random() * 1500);
    hubs[i] = startChild('hub-child.ts', hubEnv(i));
    say(`hub ${STORES[i]} restarted`);
  } else if (what < 0.7) {
    say('SIGKILL broker');
    await broker.kill();
    kills.broker++;
    await sleep(500 + random() * 2500);
    await broker.start();
    say('broker restarted');
  } else {
    say('SIGKILL HQ consumer');
    await killHq();
    kills.hq++;
    await sleep(300 + random() * 1500);
    await startHq();
    say('HQ consumer restarted');
  }
}
say(`chaos over (kills: ${JSON.stringify(kills)}); letting the day finish and the backlog drain`);

const views = hubDirs.map((d) => openHub(d));
let ok = true;
try {
  await until(
    () => views.every((v) => hubTally(v).orders >= ordersPerHub),
    180_000,
    'every hub to finish its day',
  );
  await until(() => views.every((v) => hubBacklog(v) === 0), 180_000, 'every outbox to drain');
  for (const [i, s] of STORES.entries())
    await until(
      async () => (await hqTally(hq.db, s)).orders >= hubTally(views[i]!).orders,
      180_000,
      `HQ to hold ${s}'s orders`,
    );
} catch (err) {
  ok = false;
  console.log(`chaos: ${String(err)}`);
}
for (const [i, s] of STORES.entries()) {
  const hub = hubTally(views[i]!);
  const at = await hqTally(hq.db, s);
  const same =
    hub.orders === hub.distinct &&
    at.orders === hub.orders &&
    at.distinct === hub.orders &&
    at.total_minor === hub.total_minor &&
    at.events === hub.orders;
  ok &&= same;
  console.log(
    `chaos: store ${s}: hub ${hub.orders} orders / ${hub.total_minor} minor; HQ ${at.orders} orders (${at.distinct} distinct, ${at.events} events) / ${at.total_minor} minor — ${same ? 'equal' : 'DIFFERENT'}`,
  );
}

if (!ok) {
  // Post-mortem: what the processes said last.
  for (const [i, h] of hubs.entries())
    console.log(`chaos: hub ${STORES[i]} said: ${h?.lines.slice(-3).join(' | ')}`);
  console.log(`chaos: HQ consumer said: ${hqChild?.lines.slice(-5).join(' | ') ?? '(in process)'}`);
}
supervising = false;
await supervisor;
console.log(
  `chaos: kills ${JSON.stringify(kills)}, restarts after a process exited by itself ${JSON.stringify(restarts)}`,
);
for (const h of hubs) await h?.kill('SIGTERM');
await killHq();
views.forEach((v) => v.close());
await hq.close();
if (pg) await run('bash', [path.join(PG, 'pg-down.sh'), pg.data], { timeout: 60_000 }).catch(() => undefined);
await broker.remove();
console.log(`chaos: ${ok ? 'PASSED' : 'FAILED'} (seed ${seed}, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(ok ? 0 : 1);
