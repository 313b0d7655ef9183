/**
 * How the hub reaches the cloud: bootstrap servers, TLS, SASL. From the environment (or the
 * CLI), validated; without `KASSA_KAFKA_BROKERS` the hub runs alone and sync stays off.
 */
import fs from 'node:fs';
import type { KafkaConfig } from 'kafkajs';
import { logLevel } from 'kafkajs';
import { z } from 'zod';

export const syncConfigSchema = z.object({
  brokers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port')).min(1),
  /** SASL/SCRAM principal: hub-<store_id>. */
  username: z.string().min(1).max(256).optional(),
  password: z.string().min(1).max(1024).optional(),
  mechanism: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).default('scram-sha-512'),
  /** TLS to the brokers: true for the system CAs, or a PEM CA file. */
  ssl: z.union([z.boolean(), z.object({ caFile: z.string().min(1) })]).default(false),
  clientId: z.string().min(1).max(256).optional(),
  alertAfterMs: z.number().int().min(1000).default(3600_000),
  heartbeatMs: z.number().int().min(1000).default(60_000),
});
export type SyncConfig = z.output<typeof syncConfigSchema>;

/** Reads KASSA_KAFKA_* ; null when no brokers are configured (the store runs alone). */
export function syncConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SyncConfig | null {
  if (!env.KASSA_KAFKA_BROKERS) return null;
  const ssl = env.KASSA_KAFKA_SSL_CA ? { caFile: env.KASSA_KAFKA_SSL_CA } : env.KASSA_KAFKA_SSL === '1';
  return syncConfigSchema.parse({
    brokers: env.KASSA_KAFKA_BROKERS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    username: env.KASSA_KAFKA_USERNAME || undefined,
    password: env.KASSA_KAFKA_PASSWORD || undefined,
    mechanism: env.KASSA_KAFKA_MECHANISM || undefined,
    ssl,
    alertAfterMs: env.KASSA_SYNC_ALERT_AFTER_MS ? Number(env.KASSA_SYNC_ALERT_AFTER_MS) : undefined,
  });
}

export function kafkaConfig(c: SyncConfig, storeId: string): KafkaConfig {
  const ssl = typeof c.ssl === 'object' ? { ca: [fs.readFileSync(c.ssl.caFile, 'utf8')] } : c.ssl;
  const base: KafkaConfig = {
    clientId: c.clientId ?? `kassa-hub-${storeId}`,
    brokers: c.brokers,
    ssl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
  };
  if (c.username && c.password) {
    const { username, password } = c;
    base.sasl =
      c.mechanism === 'plain'
        ? { mechanism: 'plain', username, password }
        : c.mechanism === 'scram-sha-256'
          ? { mechanism: 'scram-sha-256', username, password }
          : { mechanism: 'scram-sha-512', username, password };
  }
  return base;
}
