/**
 * Provisioning of the per-store topology (cloud-sync/docs/topology.md): a store's three topics and
 * the ACLs of its hub principal, and HQ's prefixed ACLs. Names come from the protocol module so a
 * topic and the ACL that guards it cannot drift apart. Idempotent: creating what exists is a no-op.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
// kafkajs is CommonJS and Node cannot see these enums as named exports.
import kafkajs from 'kafkajs';
import {
  HQ_DEAD_LETTER_TOPIC,
  HQ_PRINCIPAL,
  TOPIC_PREFIX,
  hubConsumerGroup,
  hubPrincipal,
  storeDeadLetterTopic,
  storeEventsTopic,
  storeStreamTopic,
} from '@kassa/cloud-sync/protocol';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclOperationTypes = kafkajs.AclOperationTypes;
type AclResourceTypes = kafkajs.AclResourceTypes;
type ResourcePatternTypes = kafkajs.ResourcePatternTypes;

const DAY_MS = 24 * 3600 * 1000;

export interface StoreTopicOptions {
  /** Partitions of the store's event topic (default 1: a store's volume is small, and one
   * partition keeps every event of the store in hub_seq order, stronger than per-key order). */
  eventPartitions?: number;
  /** Retention of the event topic; HQ must have consumed within it (default 14 days). */
  eventRetentionMs?: number;
  /** Retention of the cloud → store stream; a hub offline longer gets a fresh snapshot (30 days). */
  streamRetentionMs?: number;
}

export function storeTopics(storeId: string, o: StoreTopicOptions = {}): ITopicConfig[] {
  return [
    {
      topic: storeEventsTopic(storeId),
      numPartitions: o.eventPartitions ?? 1,
      replicationFactor: 1,
      configEntries: [{ name: 'retention.ms', value: String(o.eventRetentionMs ?? 14 * DAY_MS) }],
    },
    {
      topic: storeStreamTopic(storeId),
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: [{ name: 'retention.ms', value: String(o.streamRetentionMs ?? 30 * DAY_MS) }],
    },
    {
      topic: storeDeadLetterTopic(storeId),
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: [{ name: 'retention.ms', value: String(30 * DAY_MS) }],
    },
  ];
}

async function createMissingTopics(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
}

type Acl = Parameters<Admin['createAcls']>[0]['acl'][number];

function allow(
  principal: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  pattern: ResourcePatternTypes,
  operations: AclOperationTypes[],
): Acl[] {
  return operations.map((operation) => ({
    principal: `User:${principal}`,
    host: '*',
    resourceType,
    resourceName,
    resourcePatternType: pattern,
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  }));
}

/** What a hub's credentials allow: write its own events and dead letters, read its own stream. */
export function hubAcls(storeId: string): Acl[] {
  const p = hubPrincipal(storeId);
  const { LITERAL } = ResourcePatternTypes;
  const { TOPIC, GROUP, CLUSTER } = AclResourceTypes;
  const { WRITE, READ, DESCRIBE, IDEMPOTENT_WRITE } = AclOperationTypes;
  return [
    ...allow(p, TOPIC, storeEventsTopic(storeId), LITERAL, [WRITE, DESCRIBE]),
    ...allow(p, TOPIC, storeDeadLetterTopic(storeId), LITERAL, [WRITE, DESCRIBE]),
    ...allow(p, TOPIC, storeStreamTopic(storeId), LITERAL, [READ, DESCRIBE]),
    ...allow(p, GROUP, hubConsumerGroup(storeId), LITERAL, [READ]),
    // kafkajs's idempotent producer asks for a producer id (InitProducerId); Kafka ≥ 3.0 allows
    // it with WRITE on any topic, the explicit cluster grant keeps older clusters working.
    ...allow(p, CLUSTER, 'kafka-cluster', LITERAL, [IDEMPOTENT_WRITE]),
  ];
}

/** HQ reads every store's events and dead letters and writes every store's stream (prefixed). */
export function hqAcls(principal: string = HQ_PRINCIPAL): Acl[] {
  const { PREFIXED, LITERAL } = ResourcePatternTypes;
  const { TOPIC, GROUP, CLUSTER } = AclResourceTypes;
  const { WRITE, READ, DESCRIBE, IDEMPOTENT_WRITE } = AclOperationTypes;
  return [
    ...allow(principal, TOPIC, TOPIC_PREFIX.storeEvents, PREFIXED, [READ, DESCRIBE]),
    ...allow(principal, TOPIC, TOPIC_PREFIX.storeDeadLetters, PREFIXED, [READ, DESCRIBE]),
    ...allow(principal, TOPIC, TOPIC_PREFIX.storeStream, PREFIXED, [WRITE, DESCRIBE]),
    ...allow(principal, TOPIC, HQ_DEAD_LETTER_TOPIC, LITERAL, [READ, WRITE, DESCRIBE]),
    ...allow(principal, GROUP, 'hq', PREFIXED, [READ]),
    ...allow(principal, CLUSTER, 'kafka-cluster', LITERAL, [IDEMPOTENT_WRITE, DESCRIBE]),
  ];
}

/** Topics and ACLs of one store. The SCRAM user hub-<store_id> is created separately (broker.sh). */
export async function provisionStore(
  admin: Admin,
  storeId: string,
  o: StoreTopicOptions = {},
): Promise<void> {
  await createMissingTopics(admin, storeTopics(storeId, o));
  await admin.createAcls({ acl: hubAcls(storeId) });
}

export async function provisionHq(admin: Admin, principal: string = HQ_PRINCIPAL): Promise<void> {
  await createMissingTopics(admin, [
    { topic: HQ_DEAD_LETTER_TOPIC, numPartitions: 1, replicationFactor: 1, configEntries: [] },
  ]);
  await admin.createAcls({ acl: hqAcls(principal) });
}
