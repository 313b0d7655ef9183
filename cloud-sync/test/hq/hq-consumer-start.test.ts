/**
 * HQ started before its broker (or while the broker restarts) waits for it instead of dying:
 * the chaos run found a consumer that gave up on a refused connection at start.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { HqConsumer } from '../../src/consumers';
import { openHqDb } from '../../src/db';

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('HQ consumer start', () => {
  it('keeps waiting for a broker that refuses connections, and stop() ends the wait', async () => {
    const h = await openHqDb('memory://');
    const attempts: unknown[] = [];
    const consumer = new HqConsumer({
      kafka: {
        clientId: 'hq-start-test',
        brokers: [`127.0.0.1:${await closedPort()}`],
        connectionTimeout: 200,
        retry: { retries: 0 },
      },
      db: h.db,
      log: (msg, ctx) => {
        if (msg === 'kafka not reachable; retrying') attempts.push(ctx);
      },
    });
    let outcome: 'pending' | 'started' | 'rejected' = 'pending';
    const started = consumer.start().then(
      () => (outcome = 'started'),
      () => (outcome = 'rejected'),
    );
    // Several refused attempts, and start() has neither failed nor pretended to succeed.
    while (attempts.length < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outcome).toBe('pending');
    await consumer.stop();
    await started;
    expect(outcome).toBe('rejected');
    await h.close();
  }, 60_000);
});
