/**
 * Issue 13 §4b against the real broker: a hub's SCRAM credentials reach its own store's topics
 * and nothing else. Hub A cannot read hub B's stream, cannot publish on B's event topic (so it
 * cannot speak as B), and a wrong password is refused outright.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Admin } from 'kafkajs';
import {
  hubConsumerGroup,
  storeDeadLetterTopic,
  storeEventsTopic,
  storeStreamTopic,
} from '@kassa/cloud-sync/protocol';
import { kafkaFor } from '../../scripts/kafka/test-broker';
import { provisionStore } from '../../scripts/kafka/topology';

const kafka = inject('kafka');
const A = 't01';
const B = 't02';

describe.skipIf(!kafka)(
  'hub credentials are confined to their own store (real broker, SASL/SCRAM + ACLs)',
  () => {
    const env = kafka!;
    let admin: Admin;

    beforeAll(async () => {
      admin = kafkaFor(env, 'admin').admin();
      await admin.connect();
      await provisionStore(admin, A);
      await provisionStore(admin, B);
      // Something for A to try to read on B's stream.
      const hq = kafkaFor(env, 'hq').producer();
      await hq.connect();
      await hq.send({ topic: storeStreamTopic(B), messages: [{ key: B, value: '{"secret":true}' }] });
      await hq.disconnect();
    });
    afterAll(async () => {
      await admin?.disconnect();
    });

    it('lets hub A publish on its own event topic and read its own stream', async () => {
      const p = kafkaFor(env, `hub-${A}`).producer({ idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      const [r] = await p.send({ topic: storeEventsTopic(A), messages: [{ key: 'o1', value: '{}' }] });
      expect(r?.errorCode).toBe(0);
      await p.disconnect();
      const meta = await kafkaFor(env, `hub-${A}`).admin();
      await meta.connect();
      const offsets = await meta.fetchTopicOffsets(storeStreamTopic(A));
      expect(offsets).toHaveLength(1);
      await meta.disconnect();
    });

    it('refuses hub A publishing on hub B’s event topic or dead letters', async () => {
      const p = kafkaFor(env, `hub-${A}`).producer({ idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      for (const topic of [storeEventsTopic(B), storeDeadLetterTopic(B)]) {
        await expect(p.send({ topic, messages: [{ key: 'o1', value: '{}' }] })).rejects.toThrow(/authoriz/i);
      }
      // Nor on its own stream: only HQ writes what a hub applies.
      await expect(
        p.send({ topic: storeStreamTopic(A), messages: [{ key: A, value: '{}' }] }),
      ).rejects.toThrow(/authoriz/i);
      await p.disconnect();
      const hw = await admin.fetchTopicOffsets(storeEventsTopic(B));
      expect(hw.reduce((n, o) => n + Number(o.high), 0)).toBe(0);
    });

    it('refuses hub A reading hub B’s stream, with its own group or with B’s', async () => {
      for (const groupId of [hubConsumerGroup(A), hubConsumerGroup(B)]) {
        const c = kafkaFor(env, `hub-${A}`).consumer({
          groupId,
          maxWaitTimeInMs: 100,
          retry: { retries: 0 },
        });
        await c.connect();
        const crashed = new Promise<Error>((resolve) =>
          c.on(c.events.CRASH, (e) => resolve(e.payload.error as Error)),
        );
        let received = 0;
        const outcome = await c
          .subscribe({ topic: storeStreamTopic(B), fromBeginning: true })
          .then(async () => {
            await c.run({ eachMessage: async () => void received++ });
            return crashed;
          })
          .catch((e: Error) => e);
        expect(String(outcome)).toMatch(/authoriz/i);
        expect(received).toBe(0);
        await c.disconnect();
      }
    });

    it('refuses a wrong password', async () => {
      const wrong = { ...env, users: { ...env.users, [`hub-${A}`]: 'not-the-password' } };
      const a = kafkaFor(wrong, `hub-${A}`).admin();
      await expect(a.connect()).rejects.toThrow(/authentication failed/i);
    });
  },
);
