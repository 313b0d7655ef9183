/**
 * Topic names and the principal ↔ store mapping (issue 13 §4b). One topic per store and
 * direction, so a hub's SCRAM principal gets literal ACLs on exactly its own two topics:
 *
 *   hub principal `hub-<store_id>`: WRITE (+ IDEMPOTENT_WRITE on the cluster) on
 *     `kassa.store-events.<store_id>` and `kassa.store-dead-letters.<store_id>`;
 *     READ on `kassa.store-stream.<store_id>` with its own group `hub-<store_id>`.
 *   HQ principal `hq`: READ on the `kassa.store-events.` prefix and WRITE on the
 *     `kassa.store-stream.` prefix and `kassa.hq.dead-letters`.
 *
 * Kafka does not tell a consumer who produced a record, so HQ derives the producing store from
 * the topic (only `hub-<id>` may write to it) and refuses an envelope whose `store_id` differs.
 */
import { z } from 'zod';

/** Store ids become part of topic and principal names: no dots (they separate the parts). */
export const storeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a store id of 1–64 letters, digits, "_" or "-"');

export const TOPIC_PREFIX = {
  storeEvents: 'kassa.store-events.',
  storeStream: 'kassa.store-stream.',
  storeDeadLetters: 'kassa.store-dead-letters.',
} as const;

/** HQ's own dead-letter topic: poison messages from any store's events, with their reason. */
export const HQ_DEAD_LETTER_TOPIC = 'kassa.hq.dead-letters';

/** Store → cloud events of one store (§6.2), keyed per §6.1. */
export const storeEventsTopic = (storeId: string): string =>
  TOPIC_PREFIX.storeEvents + storeIdSchema.parse(storeId);
/** Cloud → store stream of one store (§6.3), keyed by store_id. */
export const storeStreamTopic = (storeId: string): string =>
  TOPIC_PREFIX.storeStream + storeIdSchema.parse(storeId);
/** Where a hub's inbox parks a cloud message it refused (never half-applied). */
export const storeDeadLetterTopic = (storeId: string): string =>
  TOPIC_PREFIX.storeDeadLetters + storeIdSchema.parse(storeId);

/** For kafkajs regex subscriptions at HQ. */
export const STORE_EVENTS_TOPIC_PATTERN = /^kassa\.store-events\.([A-Za-z0-9_-]{1,64})$/;
export const STORE_STREAM_TOPIC_PATTERN = /^kassa\.store-stream\.([A-Za-z0-9_-]{1,64})$/;

export type TopicKind = 'storeEvents' | 'storeStream' | 'storeDeadLetters';

/** Which store and direction a topic belongs to, or null for a topic outside the scheme. */
export function parseTopic(topic: string): { kind: TopicKind; storeId: string } | null {
  for (const kind of Object.keys(TOPIC_PREFIX) as TopicKind[]) {
    const prefix = TOPIC_PREFIX[kind];
    if (!topic.startsWith(prefix)) continue;
    const storeId = topic.slice(prefix.length);
    return storeIdSchema.safeParse(storeId).success ? { kind, storeId } : null;
  }
  return null;
}

export const HQ_PRINCIPAL = 'hq';
export const hubPrincipal = (storeId: string): string => `hub-${storeIdSchema.parse(storeId)}`;
/** The store a hub principal speaks for, or null when the name is not a hub principal. */
export function storeOfPrincipal(principal: string): string | null {
  const name = principal.startsWith('User:') ? principal.slice(5) : principal;
  if (!name.startsWith('hub-')) return null;
  const id = name.slice(4);
  return storeIdSchema.safeParse(id).success ? id : null;
}
/** The hub's consumer group on its own stream (ACL: READ on this group only). */
export const hubConsumerGroup = (storeId: string): string => hubPrincipal(storeId);
