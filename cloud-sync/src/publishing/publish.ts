/**
 * Publishing: a validated catalogue, promotion set or tax table becomes, per target store, the
 * next version of that store's stream — a snapshot (replaces everything; chunked when large) or
 * a delta (upserts and deletes) — written to HQ's outbox in the same transaction as the version
 * bump and HQ's live copy, so a publication is never half-made nor lost while Kafka is down.
 * The outbox sender (./sender.ts) delivers it. hq_outbox rows are never pruned (the dashboard
 * rebuilds a stream at a past version from them).
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { HqDb, HqSchema } from '../db';
import { int8 } from '../db';
import { localDate } from '../ingest';
import type { Envelope } from '../protocol';
import { decodeEvent, storeStreamTopic } from '../protocol';
import type { PublishDocument, PublishStream, ValidationReport } from './validate';
import { docId, validateDocument } from './validate';

/** At most this many documents and about this many bytes per Kafka record (default limit 1 MB). */
export const CHUNK_DOCS = 2000;
export const CHUNK_BYTES = 700_000;

export interface PublishRequest {
  stream: PublishStream;
  mode: 'snapshot' | 'delta';
  /** Explicit stores and/or store groups; the union is targeted. */
  store_ids?: string[];
  groups?: string[];
  document: PublishDocument;
  /** Delta only: ids to delete (item_id, promotion id, or "tax_code/retailer_tax_level_id"). */
  deletes?: string[];
  created_by?: string | null;
}

export interface DiffSummary {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

export interface StorePlan {
  store_id: string;
  current_version: number;
  diff: DiffSummary;
}

export interface PublishPlan {
  report: ValidationReport;
  stores: StorePlan[];
  unknown_stores: string[];
}

export interface Publication {
  publication_id: string;
  store_id: string;
  stream: PublishStream;
  type: string;
  version: number;
  chunks: number;
  event_ids: string[];
  counts: { upserts: number; deletes: number };
}

export class PublishError extends Error {
  constructor(
    readonly code: 'VALIDATION_FAILED' | 'UNKNOWN_STORES' | 'NO_TARGET' | 'MIXED_CURRENCY_PLACES',
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

const SECTION: Record<PublishStream, keyof PublishDocument> = {
  catalog: 'items',
  promotions: 'promotions',
  tax: 'tax_table',
};

const TYPE: Record<PublishStream, { snapshot: string; delta: string | null }> = {
  catalog: { snapshot: 'catalog.snapshot', delta: 'catalog.delta' },
  promotions: { snapshot: 'promotions.snapshot', delta: 'promotions.delta' },
  tax: { snapshot: 'tax.table.snapshot', delta: null },
};

async function targets(db: HqDb | Transaction<HqSchema>, req: PublishRequest) {
  const wanted = new Set(req.store_ids ?? []);
  if (req.groups?.length) {
    const rows = await db
      .selectFrom('store_groups')
      .select('store_id')
      .where('group_id', 'in', req.groups)
      .execute();
    for (const r of rows) wanted.add(r.store_id);
  }
  if (wanted.size === 0) throw new PublishError('NO_TARGET', 'name at least one store or a store group', {});
  const stores = await db
    .selectFrom('stores')
    .select(['store_id', 'timezone', 'currency_exponent'])
    .where('store_id', 'in', [...wanted])
    .orderBy('store_id')
    .execute();
  const known = new Set(stores.map((s) => s.store_id));
  return { stores, unknown: [...wanted].filter((s) => !known.has(s)).sort() };
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

async function diffAgainstLive(
  db: HqDb | Transaction<HqSchema>,
  storeId: string,
  req: PublishRequest,
): Promise<{ diff: DiffSummary; docs: Map<string, unknown> }> {
  const live = await db
    .selectFrom('stream_docs')
    .select(['doc_id', 'doc'])
    .where('store_id', '=', storeId)
    .where('stream', '=', req.stream)
    .execute();
  const liveMap = new Map(live.map((r) => [r.doc_id, stableJson(r.doc)]));
  const docs = new Map<string, unknown>();
  (req.document[SECTION[req.stream]] ?? []).forEach((d, i) => docs.set(docId(req.stream, d, i), d));
  const diff: DiffSummary = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const [id, d] of docs) {
    const cur = liveMap.get(id);
    if (cur === undefined) diff.added.push(id);
    else if (cur !== stableJson(d)) diff.changed.push(id);
    else diff.unchanged++;
  }
  const removed =
    req.mode === 'snapshot'
      ? [...liveMap.keys()].filter((id) => !docs.has(id))
      : (req.deletes ?? []).filter((id) => liveMap.has(id));
  diff.removed = removed.sort();
  diff.added.sort();
  diff.changed.sort();
  return { diff, docs };
}

/** Validation report and per-store diff against what is live, without publishing (dry run). */
export async function planPublication(db: HqDb, req: PublishRequest): Promise<PublishPlan> {
  if (req.mode === 'delta' && TYPE[req.stream].delta === null)
    throw new PublishError('VALIDATION_FAILED', `${req.stream} is published as a snapshot only (§6.3)`, {});
  const { stores, unknown } = await targets(db, req);
  const exps = new Set(stores.map((s) => s.currency_exponent));
  if (exps.size > 1)
    throw new PublishError(
      'MIXED_CURRENCY_PLACES',
      'the stores use currencies with different decimal places; publish to each group separately',
      {
        exponents: [...exps],
      },
    );
  const report = validateDocument(req.stream, req.document, stores[0]?.currency_exponent ?? 2);
  const plans: StorePlan[] = [];
  for (const s of stores) {
    const v = await db
      .selectFrom('stream_versions')
      .select('version')
      .where('store_id', '=', s.store_id)
      .where('stream', '=', req.stream)
      .executeTakeFirst();
    plans.push({
      store_id: s.store_id,
      current_version: Number(int8(v?.version ?? 0)),
      diff: (await diffAgainstLive(db, s.store_id, req)).diff,
    });
  }
  return { report, stores: plans, unknown_stores: unknown };
}

function chunk<T>(docs: readonly T[]): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const d of docs) {
    const size = JSON.stringify(d).length;
    if (cur.length > 0 && (cur.length >= CHUNK_DOCS || bytes + size > CHUNK_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(d);
    bytes += size;
  }
  out.push(cur);
  return out;
}

async function nextCounter(tx: Transaction<HqSchema>, storeId: string, stream: string): Promise<number> {
  const row = await tx
    .insertInto('stream_versions')
    .values({ store_id: storeId, stream, version: 1 })
    .onConflict((oc) =>
      oc
        .columns(['store_id', 'stream'])
        .doUpdateSet((eb) => ({ version: eb('stream_versions.version', '+', 1) })),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(int8(row.version));
}

/** Validates, then publishes to every target store; all or nothing. */
export async function publish(
  db: HqDb,
  req: PublishRequest,
): Promise<{ plan: PublishPlan; publications: Publication[] }> {
  const plan = await planPublication(db, req);
  if (plan.unknown_stores.length > 0)
    throw new PublishError('UNKNOWN_STORES', `unknown stores: ${plan.unknown_stores.join(', ')}`, {
      store_ids: plan.unknown_stores,
    });
  if (plan.report.rejected.length > 0)
    throw new PublishError(
      'VALIDATION_FAILED',
      `${plan.report.rejected.length} row(s) rejected; nothing was published`,
      {
        report: plan.report,
      },
    );
  const publications = await db.transaction().execute(async (tx) => {
    const { stores } = await targets(tx, req);
    const out: Publication[] = [];
    for (const s of stores) {
      const version = await nextCounter(tx, s.store_id, req.stream);
      const { docs } = await diffAgainstLive(tx, s.store_id, req);
      const now = new Date().toISOString();
      const type = req.mode === 'snapshot' ? TYPE[req.stream].snapshot : TYPE[req.stream].delta!;
      const section = SECTION[req.stream];
      const list = [...docs.values()];
      const payloads: Record<string, unknown>[] =
        req.mode === 'snapshot'
          ? chunk(list).map((part, index, all) => ({
              stream_version: version,
              published_at: now,
              chunk: { index, count: all.length },
              [section]: part,
              ...(req.stream === 'catalog' && index === 0
                ? { categories: req.document.categories ?? [] }
                : {}),
            }))
          : [
              {
                stream_version: version,
                published_at: now,
                base_version: version - 1,
                upserts: list,
                deletes: req.deletes ?? [],
                ...(req.stream === 'catalog' ? { categories: req.document.categories ?? [] } : {}),
              },
            ];
      const eventIds: string[] = [];
      for (const data of payloads) {
        const seq = await nextCounter(tx, s.store_id, '_publish_seq');
        const env: Envelope = {
          event_id: randomUUID(),
          type,
          version: 1,
          store_id: s.store_id,
          device_id: null,
          occurred_at: now,
          business_date: localDate(now, s.timezone),
          hub_seq: seq,
          key: s.store_id,
          data,
        };
        // Never publish what the hub would refuse.
        const check = decodeEvent(env, { direction: 'cloud_to_store', topic: storeStreamTopic(s.store_id) });
        if (!check.ok) throw new Error(`HQ built an invalid ${type}: ${check.reason.message}`);
        eventIds.push(env.event_id);
        await tx
          .insertInto('hq_outbox')
          .values({
            topic: storeStreamTopic(s.store_id),
            record_key: s.store_id,
            value: JSON.stringify(env),
            sent_at: null,
            last_error: null,
          })
          .execute();
      }
      // HQ's live copy per store: what the dashboard diffs against.
      if (req.mode === 'snapshot')
        await tx
          .deleteFrom('stream_docs')
          .where('store_id', '=', s.store_id)
          .where('stream', '=', req.stream)
          .execute();
      else if (req.deletes?.length)
        await tx
          .deleteFrom('stream_docs')
          .where('store_id', '=', s.store_id)
          .where('stream', '=', req.stream)
          .where('doc_id', 'in', req.deletes)
          .execute();
      const rows = [...docs.entries()].map(([doc_id, doc]) => ({
        store_id: s.store_id,
        stream: req.stream,
        doc_id,
        doc: JSON.stringify(doc),
        version,
      }));
      for (let i = 0; i < rows.length; i += 1000)
        await tx
          .insertInto('stream_docs')
          .values(rows.slice(i, i + 1000))
          .onConflict((oc) =>
            oc
              .columns(['store_id', 'stream', 'doc_id'])
              .doUpdateSet((eb) => ({ doc: eb.ref('excluded.doc'), version: eb.ref('excluded.version') })),
          )
          .execute();
      const publication_id = randomUUID();
      const counts = { upserts: list.length, deletes: req.mode === 'delta' ? (req.deletes?.length ?? 0) : 0 };
      await tx
        .insertInto('publications')
        .values({
          publication_id,
          store_id: s.store_id,
          stream: req.stream,
          type,
          version,
          chunks: payloads.length,
          counts: JSON.stringify(counts),
          created_by: req.created_by ?? null,
        })
        .execute();
      out.push({
        publication_id,
        store_id: s.store_id,
        stream: req.stream,
        type,
        version,
        chunks: payloads.length,
        event_ids: eventIds,
        counts,
      });
    }
    return out;
  });
  return { plan, publications };
}
