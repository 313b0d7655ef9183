/**
 * A hub in its own process for the kill tests: opens its SQLite database, optionally sells
 * orders (one transaction each), and relays its outbox until killed. Prints `sold N` and
 * `backlog N` lines so the test knows where it is. Configured by environment (FAULT_*).
 */
import { hubBacklog, hubTally, openHub, relayFor, rng, sell } from './harness';
import type { KafkaTestEnv } from '../../../scripts/kafka/test-broker';

const env = JSON.parse(process.env.FAULT_KAFKA!) as KafkaTestEnv;
const storeId = process.env.FAULT_STORE!;
const db = openHub(process.env.FAULT_HUB_DIR!);
// FAULT_TOTAL: sell until the outbox holds that many orders (a restarted hub carries on its day).
const already = hubTally(db).orders;
const toSell = process.env.FAULT_TOTAL
  ? Math.max(0, Number(process.env.FAULT_TOTAL) - already)
  : Number(process.env.FAULT_SELL ?? '0');
const perTick = Number(process.env.FAULT_PER_TICK ?? '20');
const random = rng(Number(process.env.FAULT_SEED ?? '1') + already);
const relay = relayFor(env, db, storeId);
relay.start();
let sold = 0;
const tick = setInterval(
  () => {
    if (sold < toSell) {
      const n = Math.min(perTick, toSell - sold);
      sell(db, storeId, n, random);
      sold += n;
      relay.notify();
    }
    console.log(`sold ${sold} backlog ${hubBacklog(db)}`);
  },
  Number(process.env.FAULT_TICK_MS ?? '10'),
);
process.on('SIGTERM', () => {
  clearInterval(tick);
  void relay.stop().then(() => {
    db.close();
    process.exit(0);
  });
});
