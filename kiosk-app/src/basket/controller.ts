/**
 * The kiosk's shell around the functional core: it keeps the shopper's basket in RxDB, prices
 * every change at once with promo-core, replays each change to the hub (the authority) with
 * its own Idempotency-Key, compares the hub's canonical JSON with its own, and drives the
 * journey screens. A hub that is away only delays the replay: nothing is lost or doubled,
 * because every replayed request carries the key it was first sent with.
 */
import type { StoreData } from '@kassa/promo-core';
import { basketIsStale, nextBasket } from '@kassa/store-hub/client';
import type { BasketDelta } from '@kassa/store-hub/client';
import type { KioskBasketDoc, LocalLine, PendingOp } from '../data/collections';
import { REFERENCE_COLLECTIONS } from '../data/collections';
import type { KioskDatabase, KioskReplication } from '../data/database';
import { readReferenceData, replicateWithHub } from '../data/database';
import type { HubClient } from '../hub/client';
import { HubRefusal, HubUnreachable } from '../hub/client';
import type { HubEvents } from '../hub/events';
import { connectHubEvents } from '../hub/events';
import { watchLaneScale } from '../hub/scale-watch';
import type { LaneScale } from '@kassa/store-hub/client';
import type { Approval, BasketView, OrderView } from '../hub/schemas';
import type { LocalStore } from '../pricing/store-data';
import { buildLocalStore } from '../pricing/store-data';
import type { Suggestion } from '../pricing/local';
import {
  isPricingError,
  lineInput,
  resolveCode,
  snapshotFor,
  suggestionKey,
  suggestionsFor,
  suggestionsOf,
} from '../pricing/local';
import { PricingSession } from '../pricing/session';
import type { PricedJson } from '../pricing/types';
import { afterPaint, whenIdle } from './frames';
import { comparable, type DataVersion } from './versions';

export type Screen =
  | 'loading'
  | 'unpaired'
  | 'attract'
  | 'language'
  | 'scanning'
  | 'checkout_wait'
  | 'age_check'
  | 'paying'
  | 'receipt'
  | 'thanks';

export type Lang = 'en' | 'de';

export interface Notice {
  /** i18n key of a plain sentence, with what to do next. */
  key: string;
  params?: Record<string, string | number>;
  tone: 'info' | 'warn' | 'error';
  at: number;
}

export interface PaymentState {
  prompt: string | null;
  status: 'idle' | 'waiting' | 'declined' | 'error' | 'partial';
  declines: number;
}

export interface KioskState {
  screen: Screen;
  lang: Lang;
  online: boolean;
  /** Store data usable for pricing (possibly from an earlier session when the hub is away). */
  ready: boolean;
  /** The first replication since start-up has completed. */
  synced: boolean;
  store: LocalStore | null;
  basket: KioskBasketDoc | null;
  /** What the screen shows: local pricing at once, the hub's figures if they ever differ. */
  priced: PricedJson | null;
  suggestions: Suggestion[];
  /** The hub's total for the lines it has accepted, and whether it equals the kiosk's. */
  hub: { total: string | null; agrees: boolean | null; mismatch: boolean; version: number | null };
  notice: Notice | null;
  approval: Approval | null;
  order: OrderView | null;
  payment: PaymentState;
  receipt: { qr: string | null; channel: string | null };
  staff: { token: string; username: string } | null;
  staffPrompt: null | { reason: 'badge' | 'button' | 'approval'; pending?: PendingAction };
  idlePrompt: boolean;
  weighing: null | { code: string; name: string };
  waitingSince: number | null;
  staffCalled: boolean;
  /** The line the shopper changed last (highlighted, and shown large beside the basket). */
  lastLine: string | null;
}

type PendingAction =
  { kind: 'remove'; line_id: string } | { kind: 'quantity'; line_id: string; quantity: number };

export interface ControllerOptions {
  hub: HubClient;
  db: KioskDatabase;
  token: string;
  /** Scripted terminal outcomes (simulator), one per tender, e.g. ['decline','approve']. */
  simulate?: string[];
  idleOverride?: { prompt: number; abandon: number };
  /** Reported with the heartbeat (the Electron shell's version, or the web app's). */
  appVersion?: string;
  now?: () => number;
  newId?: () => string;
}

const initialPayment: PaymentState = { prompt: null, status: 'idle', declines: 0 };

export class KioskController {
  private state: KioskState = {
    screen: 'loading',
    lang: 'en',
    online: false,
    ready: false,
    synced: false,
    store: null,
    basket: null,
    priced: null,
    suggestions: [],
    hub: { total: null, agrees: null, mismatch: false, version: null },
    notice: null,
    approval: null,
    order: null,
    payment: initialPayment,
    receipt: { qr: null, channel: null },
    staff: null,
    staffPrompt: null,
    idlePrompt: false,
    weighing: null,
    waitingSince: null,
    staffCalled: false,
    lastLine: null,
  };
  private readonly listeners = new Set<() => void>();
  private rep: KioskReplication | null = null;
  private events: HubEvents | null = null;
  private pumping: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastTouch = 0;
  private saveChain: Promise<unknown> = Promise.resolve();
  private rebuildTimer: ReturnType<typeof setTimeout> | null = null;
  private storeKey = '';
  /** The last disagreement, for diagnosis (never expected). */
  lastMismatch: { kiosk: string; hub: string } | null = null;
  /** The shopper's basket as the kiosk prices it (local line ids, now). */
  private readonly local = new PricingSession();
  /** The hub's basket as the kiosk prices it for the comparison (hub line ids, the hub's instant). */
  private readonly hubPricing = new PricingSession();
  private lastHubView: BasketView | null = null;
  private readonly now: () => number;
  private readonly newId: () => string;
  private simulate: string[];
  private mismatchReported = new Set<string>();
  private disposed = false;

  constructor(private readonly opts: ControllerOptions) {
    this.now = opts.now ?? (() => Date.now());
    this.newId = opts.newId ?? (() => crypto.randomUUID());
    this.simulate = [...(opts.simulate ?? [])];
  }

  // --- store for React ---------------------------------------------------------------------------
  getState = (): KioskState => this.state;
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  private set(patch: Partial<KioskState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  // --- start-up ----------------------------------------------------------------------------------
  async start(): Promise<void> {
    const db = this.opts.db;
    this.rep = replicateWithHub(db, this.opts.hub, {
      onCaughtUp: () => this.recompare(),
      // Expected while the hub is away; RxDB retries on its own.
      onError: (err) =>
        console.warn('kiosk: replication error', (err as { code?: string }).code ?? String(err)),
    });
    // Reference data → promo-core StoreData: built from what is stored (a kiosk restarting while
    // the hub is away), again once the first replication is complete, then (debounced) on change.
    // Not during the first replication: rebuilding 100k items per pulled page would cost minutes.
    for (const name of REFERENCE_COLLECTIONS)
      (db[name] as KioskDatabase['store_config']).$.subscribe(() => {
        if (this.state.synced || !this.state.online) this.scheduleRebuild();
      });
    await this.rebuildStore();
    const open = await db.baskets.find({ selector: { state: { $in: ['active', 'checkout'] } } }).exec();
    const doc = open
      .map((d) => d.toMutableJSON() as KioskBasketDoc)
      .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
    if (doc) {
      this.set({
        basket: doc,
        screen: doc.state === 'checkout' ? 'paying' : 'scanning',
        lang: doc.lang === 'de' ? 'de' : 'en',
      });
      this.reprice();
    } else this.set({ screen: 'attract' });
    this.events = connectHubEvents(
      this.opts.hub.origin,
      this.opts.token,
      {
        connected: () => {
          this.set({ online: true });
          this.rep?.changed('RESYNC');
          this.kick();
          void this.resumeCheckout();
        },
        disconnected: () => this.set({ online: false }),
        // On every (re)connect the hub sends the lane's basket: notices missed while away are covered.
        state: (s) => {
          if (s.basket) this.onHubBasket(s.basket);
        },
        basketUpdated: (b) => this.onHubBasket(b),
        basketVersion: (v) => this.onBasketVersion(v),
        interventionDecided: (i) => this.onDecided(i),
        paymentPrompt: (p) => this.set({ payment: { ...this.state.payment, prompt: p.prompt } }),
        paymentResult: (o) => this.onOrder(o),
        orderCompleted: (o) => {
          if ('payment' in o) this.onOrder(o);
        },
        deviceEvent: (e) => {
          if (e.weight_g !== undefined && this.state.weighing) {
            void this.addWeighed(e.weight_g);
            return;
          }
          if (e.type !== 'scan' || !e.code) return;
          this.touch();
          // No basket yet, or loose produce the lane scanner read (it is weighed on the scale
          // screen): the kiosk takes the code as if scanned here.
          if (e.error?.code === 'NO_ACTIVE_BASKET' || e.error?.code === 'WEIGHT_REQUIRED')
            void this.scan(e.code);
          else if (e.error) this.notice(refusalKey(e.error.code), 'warn');
          else if (this.state.screen === 'attract' || this.state.screen === 'language')
            this.set({ screen: 'scanning' });
        },
        replicationChanged: (e) => this.rep?.changed(e),
      },
      { basketEvents: 'version' },
    );
    this.idleTimer = setInterval(() => this.checkIdle(), 1000);
    const beat = (): void => void this.opts.hub.heartbeat(this.opts.appVersion).catch(() => undefined);
    beat();
    this.heartbeatTimer = setInterval(beat, 3000);
    this.touch();
    void Promise.all(this.rep.states.map((st) => st.awaitInitialReplication()))
      .then(() => this.rebuildStore())
      .then(() => this.set({ synced: true }))
      .catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.disposed = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    this.events?.close();
    // A change still waiting for its frame is written before the replication stops.
    await this.persisting?.catch(() => undefined);
    await this.rep?.cancel();
    await this.saveChain.catch(() => undefined);
  }

  /** For tests and the bench: resolves when every collection has pulled what the hub has. */
  async replicated(): Promise<void> {
    await this.rep?.inSync();
    await this.rebuildStore();
  }

  private scheduleRebuild(): void {
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    this.rebuildTimer = setTimeout(() => void this.rebuildStore(), 400);
  }

  private async rebuildStore(): Promise<void> {
    const db = this.opts.db;
    const data = await readReferenceData(db);
    const [config, items, categories, promotions, taxRows] = (
      ['store_config', 'items', 'categories', 'promotions', 'tax_rows'] as const
    ).map((name) => data[name]);
    const cfg = config?.find((c) => c.doc.store_id !== undefined);
    if (!cfg || !items || !categories || !promotions || !taxRows) return;
    const maxStamp = Math.max(
      0,
      ...[config!, items, categories, promotions, taxRows].map((rows) =>
        rows.reduce((m, r) => Math.max(m, r.updatedAt), 0),
      ),
    );
    // Rows written by one hub transaction share a stamp: the row count tells a partial pull apart.
    const key = `${maxStamp}/${items.length}/${promotions.length}/${taxRows.length}/${categories.length}`;
    if (this.state.store && this.storeKey === key) return;
    this.storeKey = key;
    try {
      const store = buildLocalStore({
        config: cfg.doc,
        items: items.map((r) => r.doc),
        categories: categories.map((r) => r.doc),
        promotions: promotions.map((r) => r.doc),
        tax_rows: taxRows.map((r) => r.doc),
        maxStamp,
      });
      this.set({ store, ready: true });
      this.reprice();
      this.recompare();
    } catch (err) {
      console.warn('kiosk: the replicated store data could not be built yet', err);
    }
  }

  // --- journey -----------------------------------------------------------------------------------
  touch(): void {
    this.lastTouch = this.now();
    if (this.state.idlePrompt) this.set({ idlePrompt: false });
  }

  begin(): void {
    this.touch();
    this.set({ screen: 'language' });
  }

  chooseLanguage(lang: Lang): void {
    this.touch();
    this.set({ screen: 'scanning' });
    this.setLanguage(lang);
  }

  setLanguage(lang: Lang): void {
    this.set({ lang });
    const doc = this.state.basket;
    if (doc && doc.state === 'active') void this.save({ ...doc, lang });
  }

  dismissNotice(): void {
    this.set({ notice: null });
  }

  private notice(key: string, tone: Notice['tone'] = 'info', params?: Notice['params']): void {
    this.set({ notice: { key, tone, at: this.now(), ...(params ? { params } : {}) } });
  }

  /**
   * The active basket, or a new one in the state (written to RxDB with the change that needed
   * it, after the frame: a first scan does not wait for IndexedDB).
   */
  private ensureBasket(): KioskBasketDoc {
    if (this.state.basket && this.state.basket.state === 'active') return this.state.basket;
    const doc: KioskBasketDoc = {
      id: this.newId(),
      state: 'active',
      created_at: new Date(this.now()).toISOString(),
      lines: [],
      ops: [],
      next_seq: 1,
      order_attempt: 0,
      lang: this.state.lang,
    };
    this.local.reset();
    this.adopt(doc);
    return doc;
  }

  /** The basket in the state (what the screen and the replay read); RxDB follows. */
  private adopt(doc: KioskBasketDoc): void {
    if (doc.ops.length > 0 && this.state.hub.agrees !== null)
      this.set({ hub: { ...this.state.hub, agrees: null } });
    this.set({ basket: doc });
  }

  private save(doc: KioskBasketDoc): Promise<unknown> {
    this.adopt(doc);
    return this.persist(doc);
  }

  private persist(doc: KioskBasketDoc): Promise<unknown> {
    // Writes are chained so a later state never lands before an earlier one. A replay answer
    // arriving after the owner closed the database (stop, then close) has nowhere to go.
    this.saveChain = this.saveChain
      .catch(() => undefined)
      .then(() =>
        // The collection closes first while the database closes, so both are checked.
        this.opts.db.closed || this.opts.db.baskets.closed
          ? undefined
          : this.opts.db.baskets.upsert({ ...doc, updatedAt: doc.updatedAt ?? 0 }),
      );
    return this.saveChain;
  }

  private persisting: Promise<void> | null = null;
  /**
   * A shopper's change is on screen first: the RxDB write (IndexedDB, and RxDB's push to the
   * hub behind it) and the replay start once the frame showing it has been painted. Changes
   * made before that frame are written together, as the basket then is. A crash inside that
   * frame loses the change, which the shopper has only just seen and scans again.
   */
  private persistAfterPaint(): Promise<void> {
    this.persisting ??= afterPaint().then(async () => {
      this.persisting = null;
      const doc = this.state.basket;
      if (doc) await this.persist(doc);
      this.kick();
    });
    return this.persisting;
  }

  /** A code from the keyboard wedge, the on-screen keypad, the search or the lane scanner. */
  async scan(raw: string, weight_g?: number): Promise<void> {
    this.touch();
    const code = raw.trim();
    if (!code) return;
    const store = this.state.store;
    if (store && code.startsWith(store.config.kiosk.staff_badge_prefix)) {
      await this.staffBadge(code.slice(store.config.kiosk.staff_badge_prefix.length));
      return;
    }
    if (!store) {
      this.notice('notReady', 'warn');
      return;
    }
    if (this.state.screen === 'paying' || this.state.screen === 'receipt' || this.state.screen === 'thanks')
      return;
    const now = new Date(this.now()).toISOString();
    const r = resolveCode(code, store.data, now);
    if (!r.ok) {
      const needs = (r as { needs_weight?: { item?: { item_name?: string } } }).needs_weight;
      if (r.error.code !== 'WEIGHT_REQUIRED' || !needs) {
        this.notice(refusalKey(r.error.code), 'warn', { code });
        return;
      }
      if (weight_g === undefined) {
        // A PLU for a weighed item: ask for the weight (a hub scale or the keypad).
        this.set({ weighing: { code, name: needs.item?.item_name ?? code }, screen: 'scanning' });
        return;
      }
    }
    const doc = this.ensureBasket();
    const same =
      weight_g === undefined ? doc.lines.find((l) => l.code === code && l.weight_g === undefined) : undefined;
    let lines: LocalLine[];
    let lineId: string;
    if (same) {
      lineId = same.line_id;
      lines = doc.lines.map((l) => (l.line_id === lineId ? { ...l, quantity: l.quantity + 1 } : l));
    } else {
      lineId = `l${doc.next_seq}-${this.newId().slice(0, 8)}`;
      const snap = snapshotFor(code, store.data, now);
      lines = [
        ...doc.lines,
        {
          line_id: lineId,
          code,
          quantity: 1,
          ...(weight_g !== undefined ? { weight_g } : {}),
          ...(snap ? { price_snapshot: snap } : {}),
        },
      ];
    }
    const check = this.checkLine(lines, lineId, store.data);
    if (check.refusal) {
      const refusal = check.refusal;
      this.notice(refusalKey(refusal.code), 'warn', { code, allowed: String(refusal.details.allowed ?? '') });
      return;
    }
    if (!same && check.line && !lines.find((l) => l.line_id === lineId)?.price_snapshot) {
      // The code resolves to no item price of its own (a PLU weighed here): the hub then takes
      // the priced line's prices as the snapshot, and so does the kiosk.
      const snap = { base_price: check.line.base_price, selling_price: check.line.selling_price };
      lines = lines.map((l) => (l.line_id === lineId ? { ...l, price_snapshot: snap } : l));
    }
    const op: PendingOp = {
      seq: doc.next_seq,
      kind: 'add',
      line_id: lineId,
      code,
      quantity: 1,
      ...(weight_g !== undefined ? { weight_g } : {}),
    };
    const next = { ...doc, lines, ops: [...doc.ops, op], next_seq: doc.next_seq + 1 };
    if (this.state.screen !== 'scanning') this.set({ screen: 'scanning' });
    if (this.state.notice) this.set({ notice: null });
    if (this.state.lastLine !== lineId) this.set({ lastLine: lineId });
    this.adopt(next);
    // The check above priced exactly these lines (a snapshot added after it changes no price).
    if (check.priced && !(this.state.hub.mismatch && this.lastHubView)) this.show(check.priced);
    else this.reprice();
    await this.persistAfterPaint();
  }

  async addWeighed(weight_g: number): Promise<void> {
    const w = this.state.weighing;
    if (!w) return;
    this.set({ weighing: null });
    await this.scan(w.code, weight_g);
  }

  cancelWeighing(): void {
    this.set({ weighing: null });
  }

  // --- weighed items on the lane scale (ui/ScaleWeigh.tsx) ---------------------------------------
  /** The lane's scale as the hub sees it (attached, live weight); null while the hub is away. */
  laneScale() {
    return this.opts.hub.laneScale().catch(() => null);
  }

  /**
   * The lane's scale live while the scale screen is open: pushed over the socket, asked for by
   * GET only while the socket is down (hub/scale-watch.ts). Returns the stop function.
   */
  watchLaneScale(onView: (v: LaneScale | null) => void): () => void {
    return watchLaneScale(this.events, () => this.laneScale(), onView);
  }

  /**
   * Adds the item being weighed with the weight the HUB reads from the lane's scale: the kiosk
   * sends no weight (a shopper could lie). The reading needs the hub now, so queued changes go
   * first; the hub's line then arrives like any line the hub added (onHubBasket). Resolves null
   * once added, else the refusal for the scale screen (`HUB_AWAY` when the hub cannot be asked).
   */
  async addWeighedByScale(): Promise<{ code: string; details?: unknown } | null> {
    const w = this.state.weighing;
    if (!w) return null;
    this.touch();
    try {
      let doc = this.ensureBasket();
      if (!doc.hub_basket_id) {
        const s = await this.opts.hub.startSession(`${doc.id}:session`);
        doc = this.state.basket!;
        if (!doc.hub_basket_id) await this.save({ ...doc, hub_basket_id: s.basket.basket_id });
      }
      this.kick();
      await this.flushed();
      doc = this.state.basket!;
      if (doc.ops.length > 0 || !doc.hub_basket_id) return { code: 'HUB_AWAY' };
      // Each press is a new weighing with its own key: the last refusal must not answer it.
      const key = `${doc.id}:scale:${doc.next_seq}`;
      await this.save({ ...doc, next_seq: doc.next_seq + 1 });
      this.inFlight++;
      let r;
      try {
        r = await this.opts.hub.addLineByScale(doc.hub_basket_id, w.code, key);
      } finally {
        this.inFlight--;
      }
      this.set({ weighing: null, notice: null, screen: 'scanning' });
      this.onHubBasket(r.basket);
      this.refetchIfStale();
      return null;
    } catch (err) {
      if (err instanceof HubRefusal) return { code: err.code, details: err.details };
      return { code: 'HUB_AWAY' };
    }
  }

  private refusalFor(lines: LocalLine[], lineId: string, store: StoreData) {
    return this.checkLine(lines, lineId, store).refusal;
  }

  /** Would promo-core refuse this line? Quantity limits and the like, before anything is sent. */
  private checkLine(lines: LocalLine[], lineId: string, store: StoreData) {
    try {
      const doc = this.state.basket;
      const out = this.local.price(
        {
          basket_id: doc?.hub_basket_id ?? doc?.id ?? 'check',
          evaluation_time: new Date(this.now()).toISOString(),
          channel: 'self_checkout',
        },
        lines.map((l) => lineInput(l)),
        store,
      );
      return {
        refusal: out.priced.refusals.find((x) => x.line_id === lineId) ?? null,
        line: out.priced.lines.find((x) => x.line_id === lineId) ?? null,
        priced: out.priced,
      };
    } catch {
      return { refusal: null, line: null, priced: null };
    }
  }

  async changeQuantity(lineId: string, quantity: number, approved = false): Promise<void> {
    this.touch();
    const doc = this.state.basket;
    const store = this.state.store;
    if (!doc || !store || doc.state !== 'active') return;
    const line = doc.lines.find((l) => l.line_id === lineId);
    if (!line || quantity === line.quantity) return;
    if (quantity < 1) return this.removeLine(lineId, approved);
    if (line.weight_g !== undefined) return;
    if (quantity > store.config.max_line_quantity) {
      this.notice('qtyTooHigh', 'warn', { allowed: store.config.max_line_quantity });
      return;
    }
    if (quantity < line.quantity && this.needsStaff(approved)) {
      this.set({
        staffPrompt: { reason: 'approval', pending: { kind: 'quantity', line_id: lineId, quantity } },
      });
      return;
    }
    const lines = doc.lines.map((l) => (l.line_id === lineId ? { ...l, quantity } : l));
    const refusal = this.refusalFor(lines, lineId, store.data);
    if (refusal) {
      this.notice(refusalKey(refusal.code), 'warn', { allowed: String(refusal.details.allowed ?? '') });
      return;
    }
    const op: PendingOp = { seq: doc.next_seq, kind: 'quantity', line_id: lineId, quantity };
    const next = { ...doc, lines, ops: [...doc.ops, op], next_seq: doc.next_seq + 1 };
    if (this.state.lastLine !== lineId) this.set({ lastLine: lineId });
    this.adopt(next);
    this.reprice();
    await this.persistAfterPaint();
  }

  async removeLine(lineId: string, approved = false): Promise<void> {
    this.touch();
    const doc = this.state.basket;
    if (!doc || doc.state !== 'active') return;
    if (this.needsStaff(approved)) {
      this.set({ staffPrompt: { reason: 'approval', pending: { kind: 'remove', line_id: lineId } } });
      return;
    }
    const hubId = doc.lines.find((l) => l.line_id === lineId)?.hub_line_id;
    const op: PendingOp = {
      seq: doc.next_seq,
      kind: 'remove',
      line_id: lineId,
      ...(hubId ? { hub_line_id: hubId } : {}),
    };
    const next = {
      ...doc,
      lines: doc.lines.filter((l) => l.line_id !== lineId),
      ops: [...doc.ops, op],
      next_seq: doc.next_seq + 1,
    };
    this.adopt(next);
    this.reprice();
    await this.persistAfterPaint();
  }

  private needsStaff(approved: boolean): boolean {
    return !approved && !this.state.staff && !!this.state.store?.config.kiosk.staff_approval_for_changes;
  }

  async help(): Promise<void> {
    this.touch();
    const doc = this.ensureBasket();
    const op: PendingOp = { seq: doc.next_seq, kind: 'help', reason: 'shopper pressed help' };
    const next = { ...doc, ops: [...doc.ops, op], next_seq: doc.next_seq + 1 };
    await this.save(next);
    this.notice('helpComing', 'info');
    this.kick();
  }

  // --- local pricing -----------------------------------------------------------------------------
  private reprice(): void {
    const doc = this.state.basket;
    const store = this.state.store;
    if (!doc || !store) return;
    if (this.state.hub.mismatch && this.lastHubView && doc.ops.length === 0) return;
    try {
      const out = this.local.price(
        {
          basket_id: doc.hub_basket_id ?? doc.id,
          evaluation_time: new Date(this.now()).toISOString(),
          channel: 'self_checkout',
        },
        doc.lines.map((l) => lineInput(l)),
        store.data,
      );
      this.show(out.priced);
    } catch (err) {
      if (!isPricingError(err)) throw err;
      console.warn('kiosk: local pricing failed', JSON.stringify(err.toJSON()).slice(0, 500));
      this.notice('pricingError', 'error');
    }
  }

  private suggestionsQueued = false;
  private suggestionsKey = '';
  /**
   * Shows a priced basket at once, with the suggestions ("add 1 more to get …") its own engine
   * run gave. The hub's figures (shown only if they ever differ) come without them: for those the
   * engine is asked once more, when the page is idle and only if what it reads changed.
   */
  private show(priced: PricedJson): void {
    const mine = this.local.current;
    const store = this.state.store;
    if (mine && mine.priced === priced && store) {
      const suggestions = suggestionsOf(mine.state, store.data);
      const same = JSON.stringify(suggestions) === JSON.stringify(this.state.suggestions);
      if (priced !== this.state.priced || !same) this.set({ priced, ...(same ? {} : { suggestions }) });
      return;
    }
    if (priced !== this.state.priced) this.set({ priced });
    if (this.suggestionsQueued) return;
    this.suggestionsQueued = true;
    whenIdle(() => {
      this.suggestionsQueued = false;
      const store = this.state.store;
      const now = this.state.priced;
      if (!store || !now || this.disposed) return;
      const key = suggestionKey(now, store.data);
      if (key === this.suggestionsKey) return;
      this.suggestionsKey = key;
      this.set({ suggestions: suggestionsFor(now, store.data) });
    });
  }

  // --- replay to the hub -------------------------------------------------------------------------
  private kick(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
    });
  }

  /** Waits until every queued change has been accepted by the hub. */
  async flushed(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private retry(): void {
    if (this.retryTimer || this.disposed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, 1000);
  }

  private async pump(): Promise<void> {
    const hub = this.opts.hub;
    for (;;) {
      const doc = this.state.basket;
      if (!doc || doc.ops.length === 0 || doc.state === 'done' || doc.state === 'abandoned') return;
      try {
        let basketId = doc.hub_basket_id;
        if (!basketId) {
          const s = await hub.startSession(`${doc.id}:session`);
          basketId = s.basket.basket_id;
          await this.save({ ...this.state.basket!, hub_basket_id: basketId });
          // The base the first delta answer applies to (else it would cost a GET).
          this.onHubBasket(s.basket);
        }
        const op = doc.ops[0]!;
        const key = `${doc.id}:op:${op.seq}`;
        const cur = () => this.state.basket!;
        const hubLine = (id: string | undefined) => cur().lines.find((l) => l.line_id === id)?.hub_line_id;
        let view: BasketView | null = null;
        // While our own change is on its way, the hub's notice of it may arrive before the
        // answer: it is checked against the basket the answer leads to, not fetched.
        this.inFlight++;
        try {
          if (op.kind === 'add') {
            const d = await hub.addLineDelta(
              basketId,
              {
                code: op.code!,
                quantity: op.quantity ?? 1,
                ...(op.weight_g !== undefined ? { weight_g: op.weight_g } : {}),
              },
              key,
            );
            if (!d.line_id) throw new Error('the hub answered an added line without its line_id');
            view = await this.afterDelta(d);
            const lines = cur().lines.map((l) =>
              l.line_id === op.line_id ? { ...l, hub_line_id: d.line_id } : l,
            );
            // Removed before the hub had it: the queued remove needs the hub's line id.
            const ops = cur().ops.map((o) =>
              o.kind === 'remove' && o.line_id === op.line_id && !o.hub_line_id
                ? { ...o, hub_line_id: d.line_id }
                : o,
            );
            await this.save({ ...cur(), lines, ops });
          } else if (op.kind === 'quantity') {
            const id = hubLine(op.line_id);
            if (id) view = await this.afterDelta(await hub.changeLineDelta(basketId, id, op.quantity!, key));
          } else if (op.kind === 'remove') {
            const id = op.hub_line_id ?? hubLine(op.line_id);
            if (id) view = await this.afterDelta(await hub.removeLineDelta(basketId, id, key));
          } else if (op.kind === 'help') {
            await hub.requestHelp(basketId, op.reason ?? 'help', key);
          }
        } catch (err) {
          if (!(err instanceof HubRefusal)) throw err;
          if (
            err.code === 'BASKET_EXPIRED' ||
            (err.code === 'NOT_FOUND' &&
              !!err.details &&
              typeof err.details === 'object' &&
              'basket_id' in err.details)
          ) {
            // The hub no longer has this basket (expired, or restored from an older copy): start
            // a new one and replay every line into it.
            await this.rebaseOnNewHubBasket();
            continue;
          }
          if (op.kind === 'add') {
            this.notice(refusalKey(err.code), 'warn', { code: op.code ?? '' });
            const lines = cur().lines.filter((l) => l.line_id !== op.line_id || l.hub_line_id);
            await this.save({ ...cur(), lines });
          }
        } finally {
          this.inFlight--;
        }
        const after = this.state.basket!;
        // State first, then the hub's view, then one save: nobody may see "nothing queued"
        // together with the hub's previous figures.
        this.set({ basket: { ...after, ops: after.ops.filter((o) => o.seq !== op.seq) } });
        if (view) this.onHubBasket(view);
        else this.reprice();
        await this.save(this.state.basket!);
        // A notice that came during the call and is newer than its answer: someone else's change.
        this.refetchIfStale();
      } catch (err) {
        if (err instanceof HubUnreachable) {
          this.set({ online: false });
          this.retry();
          return;
        }
        // Stopped while replaying (the app is closing): nothing to report or retry.
        if (this.disposed || this.opts.db.closed) return;
        console.warn('kiosk: replay stopped', err);
        this.retry();
        return;
      }
    }
  }

  private async rebaseOnNewHubBasket(): Promise<void> {
    const doc = this.state.basket!;
    const gen = (doc.order_attempt ?? 0) + 1;
    let seq = doc.next_seq;
    const ops: PendingOp[] = doc.lines.map((l) => ({
      seq: seq++,
      kind: 'add',
      line_id: l.line_id,
      code: l.code,
      quantity: l.quantity,
      ...(l.weight_g !== undefined ? { weight_g: l.weight_g } : {}),
    }));
    const next: KioskBasketDoc = {
      ...doc,
      id: doc.id,
      hub_basket_id: undefined,
      lines: doc.lines.map(({ hub_line_id: _h, ...l }) => l),
      ops,
      next_seq: seq,
      order_attempt: gen,
    };
    delete next.hub_basket_id;
    // A new session key: the old one answers with the expired basket.
    await this.save(next);
    const s = await this.opts.hub.startSession(`${doc.id}:session:${gen}`);
    await this.save({ ...this.state.basket!, hub_basket_id: s.basket.basket_id });
    this.onHubBasket(s.basket);
  }

  // --- the hub's basket from delta answers and version notices (issue 8 §3) ---------------------
  /** Our own changes on their way to the hub (their notices are checked against their answers). */
  private inFlight = 0;
  /** The newest 'basket.version' notice for our hub basket. */
  private noticed: { basket_id: string; version: number } | null = null;
  private refetching: Promise<void> | null = null;

  /**
   * The hub's basket after one of our delta answers: applied to the basket the kiosk holds when
   * it starts from that version, else (a change the kiosk has not seen, or a replayed answer
   * after a restart) fetched whole.
   */
  private afterDelta(d: BasketDelta): Promise<BasketView> {
    const held = this.lastHubView && this.lastHubView.basket_id === d.basket_id ? this.lastHubView : null;
    return nextBasket(held, { delta: d }, (id) => this.opts.hub.basket(id));
  }

  /** The hub says our basket has a new version: fetch it unless the kiosk holds it already. */
  private onBasketVersion(v: { basket_id: string; version: number }): void {
    if (v.basket_id !== this.state.basket?.hub_basket_id) return;
    if (!this.noticed || this.noticed.basket_id !== v.basket_id || this.noticed.version < v.version)
      this.noticed = { basket_id: v.basket_id, version: v.version };
    if (this.inFlight === 0) this.refetchIfStale();
  }

  private refetchIfStale(): void {
    const n = this.noticed;
    if (!n || this.refetching || this.inFlight > 0 || this.disposed) return;
    if (n.basket_id !== this.state.basket?.hub_basket_id) return;
    const held = this.lastHubView?.basket_id === n.basket_id ? this.lastHubView : null;
    if (held && !basketIsStale(held, n)) return;
    this.refetching = this.opts.hub.basket(n.basket_id).then(
      (view) => {
        this.refetching = null;
        const before = this.lastHubView?.version ?? -1;
        this.onHubBasket(view);
        // Changed again while the answer was on its way: one more look (only after progress,
        // so a hub restored from an older copy is not asked in a loop).
        if ((this.lastHubView?.version ?? -1) > before) this.refetchIfStale();
      },
      () => {
        // Away or refused: the hub's state event on the next connect brings the basket.
        this.refetching = null;
      },
    );
  }

  /** For tests: the hub's basket as the kiosk holds it (built from delta answers). */
  get hubBasket(): BasketView | null {
    return this.lastHubView;
  }

  /** The hub's view of our basket: adopt its lines when nothing is queued, then compare. */
  private onHubBasket(view: BasketView): void {
    const doc = this.state.basket;
    if (!doc || view.basket_id !== doc.hub_basket_id) return;
    // Answers and fetches can cross: an older version never replaces a newer one.
    const held = this.lastHubView;
    if (held && held.basket_id === view.basket_id && held.version > view.version) return;
    this.lastHubView = view;
    // Every answer and its live event carry the approval: a state change (a render) only when it moved.
    if (JSON.stringify(view.approval) !== JSON.stringify(this.state.approval))
      this.set({ approval: view.approval });
    if (view.state === 'expired' && doc.state === 'active' && doc.ops.length === 0 && !this.state.order) {
      // Expired by the hub (idle expiry) while the kiosk was still active: start over next scan.
      return;
    }
    if (doc.ops.length > 0) return;
    const priced = view.priced as unknown as PricedJson;
    if (!Array.isArray(priced.lines)) return;
    const byHub = new Map(priced.lines.map((l) => [l.line_id, l]));
    const known = new Set(doc.lines.map((l) => l.hub_line_id).filter(Boolean));
    let lines = doc.lines
      .filter((l) => !l.hub_line_id || byHub.has(l.hub_line_id))
      .map((l) => {
        const h = byHub.get(l.hub_line_id!);
        return h && h.weight_g === null && h.quantity !== l.quantity ? { ...l, quantity: h.quantity } : l;
      });
    const store = this.state.store;
    for (const h of priced.lines) {
      if (known.has(h.line_id) || !h.scanned_code) continue;
      // A line the hub added itself (the lane scanner attached to the hub).
      // A PLU weighed on the lane scale has no price of its own code: the hub's line prices it.
      const weighed = h.weight_g !== null && h.weight_g !== undefined;
      const snap =
        (store ? snapshotFor(h.scanned_code, store.data, priced.evaluation_time) : null) ??
        (weighed ? { base_price: h.base_price, selling_price: h.selling_price } : null);
      lines = [
        ...lines,
        {
          line_id: `h-${h.line_id}`,
          code: h.scanned_code,
          quantity: h.quantity,
          ...(weighed ? { weight_g: h.weight_g! } : {}),
          hub_line_id: h.line_id,
          ...(snap ? { price_snapshot: snap } : {}),
        },
      ];
    }
    const changed = JSON.stringify(lines) !== JSON.stringify(doc.lines);
    if (changed) {
      const next = { ...doc, lines };
      void this.save(next);
    }
    this.compareWithHub(view);
    // The screen shows the kiosk's own pricing of these lines already (the usual answer to a
    // scan): pricing them again would only repeat it.
    if (changed || (!this.state.hub.mismatch && this.state.priced !== this.local.current?.priced))
      this.reprice();
  }

  private recompare(): void {
    if (this.lastHubView) this.compareWithHub(this.lastHubView);
  }

  /**
   * The kiosk prices the hub's basket (same lines, same instant, same data version) and
   * compares canonical JSON byte for byte. Only comparable versions are compared: the hub's
   * stamp must cover everything the kiosk holds, and the kiosk must have pulled up to it.
   */
  private comparedKey = '';
  private versionedStore: { base: StoreData; version: string | null; data: StoreData } | null = null;
  /** The store data labelled with the hub's data version: one object per pair, so pricing reuses its work. */
  private versioned(base: StoreData, version: string | null): StoreData {
    const v = this.versionedStore;
    if (v && v.base === base && v.version === version) return v.data;
    const data = { ...base, data_version: version ?? undefined };
    this.versionedStore = { base, version, data };
    return data;
  }

  private compareWithHub(view: BasketView): void {
    const doc = this.state.basket;
    const store = this.state.store;
    const priced = view.priced as unknown as PricedJson;
    if (!doc || !store || !Array.isArray(priced.lines) || doc.ops.length > 0) return;
    const dv: DataVersion = { kioskMax: store.maxStamp, caughtUpTo: this.rep?.caughtUpTo() ?? 0 };
    const hubTotal = priced.totals.total_after_tax;
    if (!comparable(priced.data_version, dv)) {
      this.setHub({ ...this.state.hub, total: hubTotal, agrees: null, version: view.version });
      return;
    }
    // The answer to a change and its live event carry the same basket version: compare once.
    const key = `${view.basket_id}:${view.version}:${priced.evaluation_time}:${priced.data_version}:${store.maxStamp}`;
    if (key === this.comparedKey && this.state.hub.version === view.version && this.state.hub.agrees !== null)
      return;
    this.comparedKey = key;
    const inputs = doc.lines
      .filter((l) => l.hub_line_id)
      .map((l) => lineInput(l, l.hub_line_id))
      .sort((a, b) => order(priced, a.line_id) - order(priced, b.line_id));
    let localJson = '';
    let template: PricedJson | null = null;
    try {
      const mine = this.hubPricing.price(
        { basket_id: priced.basket_id, evaluation_time: priced.evaluation_time, channel: 'self_checkout' },
        inputs,
        this.versioned(store.data, priced.data_version),
      );
      localJson = mine.json;
      template = mine.priced;
    } catch (err) {
      console.warn('kiosk: local pricing of the hub basket failed', String(err).slice(0, 300));
    }
    // The typed client's schema parse puts known keys first: lay the hub's object out in the
    // canonical key order again (no key added, none dropped), then compare byte for byte. The
    // kiosk's parsed pricing has the canonical order (it is parsed from the canonical text).
    const hubJson = JSON.stringify(template ? inCanonicalOrder(template, view.priced) : view.priced);
    const agrees = localJson === hubJson;
    if (!agrees) {
      // Never expected: show the hub's figures (the authority) and tell the hub.
      this.set({
        hub: { total: hubTotal, agrees: false, mismatch: true, version: view.version },
      });
      this.show(priced);
      this.lastMismatch = { kiosk: localJson, hub: hubJson };
      const k = `${priced.basket_id}:${view.version}`;
      if (!this.mismatchReported.has(k)) {
        this.mismatchReported.add(k);
        void this.opts.hub.reportPricingMismatch({
          basket_id: priced.basket_id,
          data_version: priced.data_version,
          kiosk_json: localJson,
          hub_json: hubJson,
        });
      }
    } else this.setHub({ total: hubTotal, agrees: true, mismatch: false, version: view.version });
  }

  /** The hub's figures in the state, without a render when they did not move (the answer and its event). */
  private setHub(hub: KioskState['hub']): void {
    const h = this.state.hub;
    if (
      h.total !== hub.total ||
      h.agrees !== hub.agrees ||
      h.mismatch !== hub.mismatch ||
      h.version !== hub.version
    )
      this.set({ hub });
  }

  // --- checkout ----------------------------------------------------------------------------------
  async checkout(): Promise<void> {
    this.touch();
    const doc = this.state.basket;
    if (!doc || doc.lines.length === 0) return;
    this.set({ screen: 'checkout_wait', waitingSince: this.now(), staffCalled: false });
    await this.continueCheckout();
  }

  private checkoutRunning = false;
  private async continueCheckout(): Promise<void> {
    if (this.checkoutRunning) return;
    this.checkoutRunning = true;
    try {
      await this.checkoutSteps();
    } finally {
      this.checkoutRunning = false;
    }
  }

  private async checkoutSteps(): Promise<void> {
    const hub = this.opts.hub;
    for (;;) {
      if (this.disposed || this.state.screen !== 'checkout_wait') return;
      this.kick();
      await this.flushed();
      const doc = this.state.basket!;
      const waited = this.now() - (this.state.waitingSince ?? this.now());
      const limit = (this.state.store?.config.kiosk.checkout_wait_staff_seconds ?? 45) * 1000;
      if (doc.ops.length > 0 || !doc.hub_basket_id) {
        if (waited > limit && !this.state.staffCalled) {
          this.set({ staffCalled: true });
          void this.help();
        }
        await sleep(500);
        continue;
      }
      try {
        const view = await hub.basket(doc.hub_basket_id);
        this.onHubBasket(view);
        if (view.state === 'checked_out') {
          // An order exists already (a reload mid-checkout): fetch it by creating idempotently.
        }
        if (view.requires_approval && view.approval?.status !== 'A') {
          const a = await hub.requestAgeCheck(doc.hub_basket_id, `${doc.id}:age:${doc.order_attempt}`);
          this.set({ approval: a, screen: 'age_check' });
          return;
        }
        const order = await hub.createOrder(doc.hub_basket_id, `${doc.id}:order:${doc.order_attempt}`);
        await this.save({ ...this.state.basket!, state: 'checkout', order_id: order.order_id });
        this.set({ order, screen: 'paying', payment: initialPayment, waitingSince: null });
        this.onOrder(order);
        return;
      } catch (err) {
        if (err instanceof HubUnreachable) {
          this.set({ online: false });
          await sleep(500);
          continue;
        }
        if (err instanceof HubRefusal && err.code === 'APPROVAL_REQUIRED') continue;
        this.notice(refusalKey(err instanceof HubRefusal ? err.code : 'INTERNAL'), 'error');
        this.set({ screen: 'scanning', waitingSince: null });
        return;
      }
    }
  }

  /** After a reload or a reconnect: pick the journey up where the hub has it. */
  private async resumeCheckout(): Promise<void> {
    const doc = this.state.basket;
    if (!doc) return;
    if (this.state.screen === 'checkout_wait') return void this.continueCheckout();
    if (doc.state === 'checkout' && doc.order_id) {
      try {
        const o = await this.opts.hub.order(doc.order_id);
        this.set({ order: o });
        this.onOrder(o);
      } catch {
        // asked again at the next reconnect
      }
    }
  }

  private onDecided(i: Approval): void {
    const a = this.state.approval;
    if (!a || a.intervention_id !== i.intervention_id) return;
    this.set({ approval: i });
    if (this.state.screen !== 'age_check') return;
    if (i.status === 'A') {
      this.set({ screen: 'checkout_wait', waitingSince: this.now() });
      void this.continueCheckout();
    } else if (i.status === 'R') {
      this.notice('ageRejected', 'warn');
      this.set({ screen: 'scanning' });
    }
  }

  /** Polls the age check too, in case the decision event was missed while reconnecting. */
  async refreshApproval(): Promise<void> {
    const doc = this.state.basket;
    if (!doc?.hub_basket_id || this.state.screen !== 'age_check') return;
    try {
      const view = await this.opts.hub.basket(doc.hub_basket_id);
      this.onHubBasket(view);
      if (view.approval) this.onDecided(view.approval);
    } catch {
      // the hub is away; the event will come on reconnect
    }
  }

  cancelAgeCheck(): void {
    this.set({ screen: 'scanning' });
  }

  private onOrder(o: OrderView): void {
    const cur = this.state.order;
    if (!cur || cur.order_id !== o.order_id) {
      if (this.state.basket?.order_id !== o.order_id) return;
    }
    const last = o.payment.tenders[o.payment.tenders.length - 1];
    let payment = { ...this.state.payment };
    if (last?.status === 'failed') {
      payment = {
        prompt: null,
        status: last.failure_code === 'DECLINED' ? 'declined' : 'error',
        declines:
          payment.declines + (payment.status === 'declined' ? 0 : last.failure_code === 'DECLINED' ? 1 : 0),
      };
    } else if (last?.status === 'pending') payment = { ...payment, status: 'waiting' };
    else if (o.payment.captured_amount !== '0.00' && o.order_status === 'created')
      payment = { ...payment, status: 'partial', prompt: null };
    this.set({ order: o, payment });
    if (o.order_status === 'completed' || o.order_status === 'verified') {
      if (this.state.screen === 'paying' || this.state.screen === 'checkout_wait')
        this.set({ screen: 'receipt' });
      const doc = this.state.basket;
      if (doc && doc.state !== 'done') void this.save({ ...doc, state: 'done' });
    } else if (o.order_status === 'cancelled' && this.state.screen === 'paying') {
      void this.backToBasket();
    } else if (
      o.order_status === 'created' &&
      this.state.screen !== 'paying' &&
      this.state.basket?.state === 'checkout'
    )
      this.set({ screen: 'paying' });
  }

  /** Start a card tender for the amount due, or for `amount` (split payment). */
  async pay(amount?: string): Promise<void> {
    this.touch();
    const o = this.state.order;
    if (!o || this.state.payment.status === 'waiting') return;
    const simulate = this.simulate.shift();
    this.set({ payment: { ...this.state.payment, status: 'waiting', prompt: null } });
    try {
      const next = await this.opts.hub.tender(
        o.order_id,
        { ...(amount ? { amount } : {}), ...(simulate ? { simulate } : {}) },
        `${o.order_id}:tender:${o.payment.tenders.length + 1}`,
      );
      this.onOrder(next);
    } catch (err) {
      this.set({ payment: { ...this.state.payment, status: 'error' } });
      if (err instanceof HubRefusal) this.notice(refusalKey(err.code), 'error');
      else this.notice('hubAwayPayment', 'warn');
    }
  }

  async cancelPayment(): Promise<void> {
    this.touch();
    const o = this.state.order;
    if (!o) return;
    try {
      const r = await this.opts.hub.abort(o.order_id, `${o.order_id}:abort:${o.payment.tenders.length}`);
      this.set({ order: r });
      await this.backToBasket();
    } catch (err) {
      this.notice(refusalKey(err instanceof HubRefusal ? err.code : 'HUB_AWAY'), 'error');
    }
  }

  private async backToBasket(): Promise<void> {
    const doc = this.state.basket;
    if (!doc) return;
    const next = { ...doc, state: 'active' as const, order_attempt: doc.order_attempt + 1 };
    delete (next as Partial<KioskBasketDoc>).order_id;
    await this.save(next);
    this.set({ order: null, payment: initialPayment, screen: 'scanning' });
  }

  async receipt(choice: 'print' | 'email_qr' | 'none'): Promise<void> {
    this.touch();
    const o = this.state.order;
    if (!o) return;
    if (choice === 'none') return this.finish();
    try {
      if (choice === 'print') {
        const r = await this.opts.hub.requestReceipt(o.order_id, `${o.order_id}:receipt:print`);
        this.set({
          receipt: {
            qr: r.channel === 'e_receipt' ? (o.receipt?.qr_value ?? null) : null,
            channel: r.channel,
          },
        });
        if (r.channel !== 'e_receipt') return this.finish();
      } else {
        const fresh = o.receipt ? o : await this.opts.hub.order(o.order_id);
        this.set({ order: fresh, receipt: { qr: fresh.receipt?.qr_value ?? null, channel: 'e_receipt' } });
      }
    } catch {
      this.notice('receiptFailed', 'warn');
    }
  }

  finish(): void {
    this.set({ screen: 'thanks' });
    setTimeout(() => {
      if (this.state.screen === 'thanks') this.reset();
    }, 6000);
  }

  reset(): void {
    this.local.reset();
    this.hubPricing.reset();
    this.suggestionsKey = '';
    this.set({
      screen: 'attract',
      basket: null,
      priced: null,
      suggestions: [],
      order: null,
      approval: null,
      payment: initialPayment,
      receipt: { qr: null, channel: null },
      hub: { total: null, agrees: null, mismatch: false, version: null },
      notice: null,
      idlePrompt: false,
      staff: null,
      staffPrompt: null,
      weighing: null,
      lastLine: null,
      lang: 'en',
    });
    this.lastHubView = null;
  }

  // --- idle ----------------------------------------------------------------------------------------
  private checkIdle(): void {
    const s = this.state;
    const cfg = s.store?.config.kiosk;
    const prompt = (this.opts.idleOverride?.prompt ?? cfg?.idle_prompt_seconds ?? 90) * 1000;
    const abandon = (this.opts.idleOverride?.abandon ?? cfg?.idle_abandon_seconds ?? 30) * 1000;
    const idle = this.now() - this.lastTouch;
    if (s.screen === 'language' && idle > prompt) return this.reset();
    if (s.screen !== 'scanning') return;
    const empty = !s.basket || s.basket.lines.length === 0;
    if (idle > prompt && empty) return this.reset();
    if (idle > prompt && !s.idlePrompt) this.set({ idlePrompt: true });
    if (idle > prompt + abandon) void this.abandon();
  }

  /** §2.1 B14: the shopper walked away; the hub expires the basket when the next session starts. */
  async abandon(): Promise<void> {
    const doc = this.state.basket;
    if (doc) await this.save({ ...doc, state: 'abandoned' });
    this.reset();
  }

  // --- staff mode ----------------------------------------------------------------------------------
  openStaff(): void {
    this.touch();
    this.set({ staffPrompt: { reason: 'button' } });
  }

  closeStaffPrompt(): void {
    this.set({ staffPrompt: null });
  }

  private async staffBadge(payload: string): Promise<void> {
    const [username, pin] = payload.split(':');
    if (!username || !pin) return this.notice('badgeUnreadable', 'warn');
    await this.staffSignIn(username, pin);
  }

  async staffSignIn(username: string, pin: string): Promise<boolean> {
    this.touch();
    try {
      const s = await this.opts.hub.staffSignIn(username, pin);
      const pending = this.state.staffPrompt?.pending;
      this.set({ staff: { token: s.token, username }, staffPrompt: null });
      if (pending?.kind === 'remove') await this.removeLine(pending.line_id, true);
      if (pending?.kind === 'quantity') await this.changeQuantity(pending.line_id, pending.quantity, true);
      return true;
    } catch (err) {
      this.notice(err instanceof HubRefusal ? 'staffRefused' : 'hubAwayStaff', 'warn');
      return false;
    }
  }

  exitStaff(): void {
    this.set({ staff: null });
  }

  /** Staff mode: approve (or refuse) the pending age check at the kiosk. */
  async staffDecideAge(decision: 'approve' | 'reject'): Promise<void> {
    const s = this.state.staff;
    const a = this.state.approval;
    if (!s || !a) return;
    try {
      const r = await this.opts.hub.staffDecide(
        s.token,
        a.intervention_id,
        decision,
        `${a.intervention_id}:${decision}`,
      );
      this.onDecided(r);
    } catch (err) {
      this.notice(err instanceof HubRefusal ? refusalKey(err.code) : 'hubAwayStaff', 'warn');
    }
  }
}

/** `value` with its object keys in the order `template` has them; keys only in `value` follow. */
export function inCanonicalOrder(template: unknown, value: unknown): unknown {
  if (Array.isArray(value))
    return value.map((v, i) => inCanonicalOrder(Array.isArray(template) ? template[i] : undefined, v));
  if (value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  const tpl = template !== null && typeof template === 'object' && !Array.isArray(template) ? template : {};
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(tpl))
    if (k in src) out[k] = inCanonicalOrder((tpl as Record<string, unknown>)[k], src[k]);
  for (const k of Object.keys(src)) if (!(k in out)) out[k] = inCanonicalOrder(undefined, src[k]);
  return out;
}

function order(priced: PricedJson, lineId: string): number {
  const i = priced.lines.findIndex((l) => l.line_id === lineId);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hub and promo-core refusal codes → the i18n key of a plain sentence saying what to do. */
export function refusalKey(code: string): string {
  switch (code) {
    case 'UNKNOWN_BARCODE':
    case 'UNKNOWN_ITEM':
    case 'ITEM_NOT_FOUND':
      return 'err.unknown';
    case 'BAD_CHECK_DIGIT':
    case 'MALFORMED':
    case 'INVALID_BARCODE':
      return 'err.badCode';
    case 'EXPIRED':
      return 'err.expired';
    case 'QUANTITY_RESTRICTED':
    case 'QUANTITY_OUT_OF_RANGE':
      return 'err.quantity';
    case 'RESTRICTED_ITEM':
    case 'RESTRICTED_AGE':
      return 'err.restricted';
    // SCALE_REQUIRED: a typed weight on a lane whose scale must weigh it (the hub refused it).
    case 'WEIGHT_REQUIRED':
    case 'SCALE_REQUIRED':
      return 'err.weight';
    case 'BASKET_EMPTY':
      return 'err.empty';
    case 'STAFF_BADGE_SCANNED':
      return 'err.badge';
    case 'CHOICE_REQUIRED':
      return 'err.choice';
    case 'PERMISSION_DENIED':
      return 'err.permission';
    case 'TERMINAL_UNREACHABLE':
      return 'err.terminal';
    default:
      return 'err.generic';
  }
}
