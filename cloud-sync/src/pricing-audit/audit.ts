/**
 * The pricing audit (issue 14): HQ re-prices each incoming order snapshot with promo-core under
 * the data version the hub sold it under, rebuilt from what HQ published, and compares with the
 * hub's figures. Expected: no difference. A difference is recorded with the fields that differ,
 * raised as a critical alert (shown on the fleet page) and listed on the audit page.
 *
 * The version comes from the snapshot's `data_version` label (`streams:catalog=4;…`); when the
 * hub labels it otherwise, from the last `config.applied` per stream the hub reported before the
 * sale. An order that cannot be checked (no basket input in the snapshot, no data HQ published)
 * is recorded as unverifiable with the reason, never silently passed.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { StoreData } from '@kassa/promo-core';
import { priceBasket, pricedBasketToJson } from '@kassa/promo-core';
import type { DashDb } from '../access/schema';
import { parseMinor } from '../protocol';
import type { StoreDocs } from '../testbench/store-data';
import { buildStoreData, loadStoreDocs, parseDataVersion, PRICING_STREAMS } from '../testbench/store-data';
import type { Difference } from './compare';
import { compareCanonical, compareTotals } from './compare';

export interface AuditOutcome {
  status: 'match' | 'mismatch' | 'unverifiable';
  reason: string;
  data_version: string | null;
  hub_total_minor: bigint | null;
  hq_total_minor: bigint | null;
  differences: Difference[];
}

interface Snapshot {
  order: { order_id: string; completed_at: string; created_at?: string; data_version?: string | null };
  totals: Record<string, unknown> & { total_after_tax: string; currency_exponent?: number };
  audit?: { data_version: string | null; basket: unknown; priced: unknown };
}

/** Pure: the outcome of re-pricing one snapshot with the given store data. */
export function auditSnapshot(snap: Snapshot, store: StoreData, exponent: number): AuditOutcome {
  const hubTotal = parseMinor(snap.totals.total_after_tax, snap.totals.currency_exponent ?? exponent);
  const base = { data_version: store.data_version ?? null, hub_total_minor: hubTotal };
  if (!snap.audit?.basket)
    return {
      ...base,
      status: 'unverifiable',
      reason: 'The order snapshot carries no basket input to re-price.',
      hq_total_minor: null,
      differences: [],
    };
  let hq: ReturnType<typeof priceBasket>;
  try {
    hq = priceBasket(snap.audit.basket, store);
  } catch (err) {
    return {
      ...base,
      status: 'mismatch',
      reason: `HQ could not price the basket: ${String((err as Error).message ?? err).slice(0, 200)}`,
      hq_total_minor: null,
      differences: [],
    };
  }
  const canonical = JSON.parse(pricedBasketToJson(hq)) as Record<string, unknown>;
  const differences = snap.audit.priced
    ? compareCanonical(snap.audit.priced, canonical)
    : compareTotals(snap.totals, canonical.totals as Record<string, unknown>);
  return {
    ...base,
    status: differences.length === 0 ? 'match' : 'mismatch',
    reason: differences.length === 0 ? '' : `${differences.length} figure(s) differ from the hub's.`,
    hq_total_minor: hq.totals.total_after_tax,
    differences,
  };
}

/** The stream versions in force at the store when the order was sold. */
export async function versionsSoldUnder(
  db: DashDb,
  storeId: string,
  snap: Snapshot,
): Promise<StoreDocs['versions'] | null> {
  const label = snap.audit?.data_version ?? snap.order.data_version ?? null;
  const parsed = parseDataVersion(label);
  if (parsed && Object.keys(parsed).length > 0) return parsed;
  const at = snap.order.created_at ?? snap.order.completed_at;
  const out: StoreDocs['versions'] = {};
  for (const stream of PRICING_STREAMS) {
    const row = await db
      .selectFrom('events')
      .select(sql<string>`max((data->>'version')::bigint)::text`.as('v'))
      .where('store_id', '=', storeId)
      .where('type', '=', 'config.applied')
      .where(sql<string>`data->>'stream'`, '=', stream)
      .where('occurred_at', '<=', at)
      .executeTakeFirst();
    if (row?.v) out[stream] = Number(row.v);
  }
  return Object.keys(out).length > 0 ? out : null;
}

export interface AuditorOptions {
  intervalMs?: number;
  batch?: number;
  log?: (msg: string, ctx?: object) => void;
}

/** Audits every order not yet audited, batch by batch, in the background. */
export class PricingAuditor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly cache = new Map<string, StoreData>();

  constructor(
    private readonly db: DashDb,
    private readonly opts: AuditorOptions = {},
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.runOnce()
          .catch((err) => this.opts.log?.('pricing audit failed', { err: String(err) }))
          .finally(() => {
            if (this.timer) tick();
          });
      }, this.opts.intervalMs ?? 2000);
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async storeData(storeId: string, versions: StoreDocs['versions']): Promise<StoreData | null> {
    const key = `${storeId}|${JSON.stringify(versions)}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const docs = await loadStoreDocs(this.db, storeId, versions);
    // Without the store's tax mode and barcode layouts a re-price would raise false alarms.
    if (!docs || docs.items.length === 0 || docs.configured === false) return null;
    const data = buildStoreData(docs);
    if (this.cache.size > 16) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, data);
    return data;
  }

  /** Audits up to one batch of unaudited orders; returns how many it recorded. */
  runOnce(): Promise<number> {
    this.running ??= this.batch().finally(() => (this.running = null));
    return this.running;
  }

  private async batch(): Promise<number> {
    const rows = await this.db
      .selectFrom('orders as o')
      .leftJoin('pricing_audit as a', 'a.order_id', 'o.order_id')
      .innerJoin('stores as s', 's.store_id', 'o.store_id')
      .select(['o.order_id', 'o.store_id', 'o.business_date', 'o.snapshot', 's.currency_exponent'])
      .where('a.order_id', 'is', null)
      .orderBy('o.completed_at')
      .limit(this.opts.batch ?? 200)
      .execute();
    for (const r of rows) {
      const snap = r.snapshot as Snapshot;
      const versions = await versionsSoldUnder(this.db, r.store_id, snap);
      let outcome: AuditOutcome;
      const store = versions ? await this.storeData(r.store_id, versions) : null;
      if (!store)
        outcome = {
          status: 'unverifiable',
          reason: versions
            ? 'HQ has no catalogue or no pricing configuration (tax mode, barcode layouts) for this store, so it cannot re-price its orders.'
            : 'HQ cannot tell which data version the order was sold under (no version label, no config.applied before the sale).',
          data_version: snap.audit?.data_version ?? null,
          hub_total_minor: null,
          hq_total_minor: null,
          differences: [],
        };
      else outcome = auditSnapshot(snap, store, r.currency_exponent);
      await this.record(r.order_id, r.store_id, r.business_date, outcome);
    }
    return rows.length;
  }

  private async record(
    orderId: string,
    storeId: string,
    businessDate: string,
    o: AuditOutcome,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const ins = await tx
        .insertInto('pricing_audit')
        .values({
          order_id: orderId,
          store_id: storeId,
          business_date: businessDate,
          status: o.status,
          data_version: o.data_version,
          reason: o.reason,
          hub_total_minor: o.hub_total_minor,
          hq_total_minor: o.hq_total_minor,
          differences: JSON.stringify(o.differences),
        })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .returning('order_id')
        .executeTakeFirst();
      if (ins && o.status === 'mismatch')
        await tx
          .insertInto('alerts')
          .values({
            event_id: randomUUID(),
            store_id: storeId,
            code: 'PRICING_AUDIT_MISMATCH',
            severity: 'critical',
            message: `HQ priced order ${orderId} differently from the hub: ${o.reason}`,
            context: JSON.stringify({
              order_id: orderId,
              differences: o.differences.slice(0, 5),
              data_version: o.data_version,
            }),
            occurred_at: new Date().toISOString(),
          })
          .execute();
    });
  }
}

export async function auditSummary(
  db: DashDb,
  filter: { store_id?: string; status?: string; limit?: number } = {},
) {
  let q = db
    .selectFrom('pricing_audit')
    .select([
      'order_id',
      'store_id',
      'business_date',
      'checked_at',
      'status',
      'data_version',
      'reason',
      'hub_total_minor',
      'hq_total_minor',
      'differences',
    ])
    .orderBy('checked_at', 'desc')
    .limit(Math.min(filter.limit ?? 100, 500));
  if (filter.store_id) q = q.where('store_id', '=', filter.store_id);
  if (filter.status) q = q.where('status', '=', filter.status as 'match');
  const [rows, counts] = await Promise.all([
    q.execute(),
    db
      .selectFrom('pricing_audit')
      .select(['status', sql<string>`count(*)::text`.as('n')])
      .groupBy('status')
      .execute(),
  ]);
  return {
    counts: Object.fromEntries(
      ['match', 'mismatch', 'unverifiable'].map((s) => [
        s,
        Number(counts.find((c) => c.status === s)?.n ?? 0),
      ]),
    ),
    findings: rows.map((r) => ({
      ...r,
      checked_at: new Date(r.checked_at).toISOString(),
      hub_total_minor: r.hub_total_minor === null ? null : String(r.hub_total_minor),
      hq_total_minor: r.hq_total_minor === null ? null : String(r.hq_total_minor),
    })),
  };
}
