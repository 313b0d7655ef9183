/**
 * Mutable evaluation state (spec §6.1) and the plans that families produce. Families only
 * plan (they read the state); `commitPlan` is the one place that changes it, so that the
 * optimiser can try orders on cheap copies.
 */
import { bigintOf, numericSafe } from './numeric';
import type { Candidate, TenantFlags, Unit } from './types';

/** Tests only: force the bigint paths, to compare them with the number paths. */
export const arithmetic = { forceBigint: false };

/** One promotion's effect on one unit, as reported in the typed result. */
export interface AppliedRecord {
  promoId: string;
  promoIdRetailer: string;
  title: string;
  family: string;
  discount: bigint;
  finalPrice: bigint;
  layer: number;
  setIndex: number;
  discountApplyType: string;
  role: 'target' | 'requisite';
}

/**
 * The record kept in the state: the reported fields plus the candidate for the wire
 * response. The header fields are read through the candidate rather than copied, which
 * halves the record's size (a basket promotion leaves one on every unit of the basket).
 */
export class UnitRecord implements AppliedRecord {
  /** setIndex × 2 + 1 for a requisite: one field instead of two (records are the most numerous objects). */
  private readonly bits: number;
  constructor(
    readonly cand: Candidate,
    role: 'target' | 'requisite',
    readonly discount: bigint,
    readonly finalPrice: bigint,
    setIndex: number,
  ) {
    this.bits = setIndex * 2 + (role === 'requisite' ? 1 : 0);
  }

  /** The layer the promotion ran in: its own (commit checks it), so not a field of every record. */
  get layer(): number {
    return this.cand.promo.layer;
  }

  get role(): 'target' | 'requisite' {
    return (this.bits & 1) === 1 ? 'requisite' : 'target';
  }
  get setIndex(): number {
    return this.bits >>> 1;
  }

  get promoId(): string {
    return this.cand.promo.id;
  }
  get promoIdRetailer(): string {
    return this.cand.promo.promoIdRetailer;
  }
  get title(): string {
    return this.cand.promo.title;
  }
  get family(): string {
    return this.cand.promo.family;
  }
  get discountApplyType(): string {
    return this.cand.promo.discountApplyType;
  }
  get zeroDiscount(): boolean {
    return this.role === 'target' && this.discount === 0n;
  }
}

export interface PlannedTarget {
  u: number;
  d: bigint;
  newPrice: bigint;
}

export interface PlannedSet {
  targets: PlannedTarget[];
  requisites: number[];
}

/**
 * A set of targets held in typed arrays (number amounts, only when the state is numeric):
 * Basket Threshold spreads over every unit of the basket, and per-target objects with two
 * bigints each were the largest share of a plan. Readers that need the generic form get it
 * from `targets`, built once on first read; `commit` and `planDiscount` read the arrays.
 */
export class SpreadSet implements PlannedSet {
  private built: PlannedTarget[] | null = null;
  /** A spread has no requisites: the shared frozen empty list. */
  readonly requisites: number[] = NO_REQUISITES;
  constructor(
    readonly count: number,
    readonly unitsOf: Int32Array,
    /** Discount and new price of target i, exact integers below 2^53. */
    readonly dN: Float64Array,
    readonly newPriceN: Float64Array,
  ) {}

  get targets(): PlannedTarget[] {
    if (this.built) return this.built;
    const out: PlannedTarget[] = new Array(this.count);
    for (let i = 0; i < this.count; i++)
      out[i] = { u: this.unitsOf[i]!, d: bigintOf(this.dN[i]!), newPrice: bigintOf(this.newPriceN[i]!) };
    return (this.built = out);
  }
}

/** A spread set as committed: what its records share (see SpreadRecord). */
class SpreadCommit {
  constructor(
    readonly cand: Candidate,
    readonly setIndex: number,
    readonly dN: Float64Array,
    readonly newPriceN: Float64Array,
  ) {}
}

/**
 * The record of one receiver of a committed spread set: the set and the receiver's position
 * in it, two fields instead of six (a basket promotion leaves one on every unit of the
 * basket, most of an evaluation's records). The amounts are read from the set's exact
 * numbers, as bigints shared below 8,192 (above, each read makes an equal bigint).
 */
export class SpreadRecord implements AppliedRecord {
  constructor(
    private readonly of: SpreadCommit,
    private readonly i: number,
  ) {}

  get cand(): Candidate {
    return this.of.cand;
  }
  get discount(): bigint {
    return bigintOf(this.of.dN[this.i]!);
  }
  get finalPrice(): bigint {
    return bigintOf(this.of.newPriceN[this.i]!);
  }
  get role(): 'target' {
    return 'target';
  }
  get setIndex(): number {
    return this.of.setIndex;
  }
  get layer(): number {
    return this.of.cand.promo.layer;
  }
  get promoId(): string {
    return this.of.cand.promo.id;
  }
  get promoIdRetailer(): string {
    return this.of.cand.promo.promoIdRetailer;
  }
  get title(): string {
    return this.of.cand.promo.title;
  }
  get family(): string {
    return this.of.cand.promo.family;
  }
  get discountApplyType(): string {
    return this.of.cand.promo.discountApplyType;
  }
}

const NO_REQUISITES: number[] = Object.freeze([]) as unknown as number[];

/** Whether `list` holds the same record objects, in order, as sorted[from …]. */
function sameRun(list: readonly AppliedRecord[], sorted: AppliedRecord[], from: number): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] !== sorted[from + i]) return false;
  return true;
}

/**
 * Scratch for the record log, reused by every evaluation: an evaluation is synchronous and
 * builds its result before it returns, so one log is filled at a time. `owner` says which.
 */
const scratch = {
  recs: [] as AppliedRecord[],
  unitOf: new Int32Array(256),
  /** Records per unit of the log in use (zeroed for each new log). */
  count: new Int32Array(64),
  /** perUnit's work space: where each unit's run starts, and the log sorted by unit. */
  start: new Int32Array(64),
  sorted: [] as AppliedRecord[],
  owner: 0,
  next: 0,
};

/**
 * Every unit's records in commit order, kept in the shared scratch list (instead of an
 * array per unit grown by push, which left its spare capacity and copies behind);
 * `perUnit` gives each unit an array of exactly its size, which the result keeps.
 */
export class RecordLog {
  private readonly id = ++scratch.next;
  private size = 0;
  constructor(private readonly units: number) {
    if (scratch.count.length < units) scratch.count = new Int32Array(units * 2);
    else scratch.count.fill(0, 0, units);
    scratch.owner = this.id;
  }

  add(u: number, r: AppliedRecord): void {
    if (scratch.owner !== this.id)
      throw new Error('engine invariant: record log used after another evaluation');
    if (this.size === scratch.unitOf.length) {
      const grown = new Int32Array(this.size * 2);
      grown.set(scratch.unitOf);
      scratch.unitOf = grown;
    }
    scratch.recs[this.size] = r;
    scratch.unitOf[this.size++] = u;
    scratch.count[u]!++;
  }

  /**
   * Each unit's records in commit order, in an array of exactly its length. A unit whose
   * records are the same objects in the same order as its neighbour's (units of one line,
   * mostly: records are shared values) gets the neighbour's array (readonly: readers only read;
   * freezing it cost more than the array).
   */
  perUnit(): readonly (readonly AppliedRecord[])[] {
    if (scratch.owner !== this.id)
      throw new Error('engine invariant: record log read after another evaluation');
    const n = this.units;
    const size = this.size;
    // a stable counting sort of the log by unit into the scratch's sorted list: each unit's
    // records become one run in commit order, compared with the previous unit's run before
    // any array is made
    if (scratch.start.length < n + 1) scratch.start = new Int32Array((n + 1) * 2);
    const start = scratch.start;
    start[0] = 0;
    for (let u = 0; u < n; u++) start[u + 1] = start[u]! + scratch.count[u]!;
    const fill = scratch.count; // counts become fill positions from the end, in reverse
    const sorted = scratch.sorted;
    // filled in order up to its size first: a store far past the end would make it sparse
    while (sorted.length < size) sorted.push(undefined as unknown as AppliedRecord);
    for (let i = size - 1; i >= 0; i--) {
      const u = scratch.unitOf[i]!;
      sorted[start[u]! + --fill[u]!] = scratch.recs[i]!;
    }
    const out: (readonly AppliedRecord[])[] = new Array(n);
    let prev: readonly AppliedRecord[] | null = null;
    for (let u = 0; u < n; u++) {
      const from = start[u]!;
      const len = start[u + 1]! - from;
      if (prev !== null && prev.length === len && sameRun(prev, sorted, from)) {
        out[u] = prev;
        continue;
      }
      const list: AppliedRecord[] = new Array<AppliedRecord>(len);
      for (let i = 0; i < len; i++) list[i] = sorted[from + i]!;
      out[u] = prev = list;
    }
    // drop the references so that the scratch does not keep this evaluation's records alive
    scratch.recs.fill(undefined as unknown as AppliedRecord, 0, size);
    sorted.fill(undefined as unknown as AppliedRecord, 0, size);
    this.size = 0;
    return out;
  }
}

export interface SuggestionInfo {
  missingQty?: number;
  missingAmount?: bigint;
  freeItemMissing?: boolean;
}

export interface Plan {
  sets: PlannedSet[];
  suggestion: SuggestionInfo | null;
  /** false for family `b`, whose units stay available (§8.5). */
  consumes: boolean;
  delegatedToEasy: boolean;
}

/** The plan of nothing, shared (frozen: no reader changes a plan, a family builds its own). */
const NO_PLAN: Plan = Object.freeze({
  sets: Object.freeze([]) as unknown as PlannedSet[],
  suggestion: null,
  consumes: true,
  delegatedToEasy: false,
});

export const emptyPlan = (suggestion: SuggestionInfo | null = null): Plan =>
  suggestion === null ? NO_PLAN : { sets: [], suggestion, consumes: true, delegatedToEasy: false };

export const planDiscount = (plan: Plan): bigint => {
  let s = 0n;
  for (const set of plan.sets) {
    if (set instanceof SpreadSet) {
      let n = 0;
      for (let i = 0; i < set.count; i++) n += set.dN[i]!;
      s += BigInt(n);
    } else for (const t of set.targets) s += t.d;
  }
  return s;
};

export class EvalState {
  constructor(
    readonly units: readonly Unit[],
    readonly flags: TenantFlags,
    public price: bigint[],
    /** Cumulative discount per unit; kept only on the bigint path (`cumN` when numeric). */
    public cum: bigint[],
    public locked: Uint8Array,
    public reqUsed: Uint8Array,
    public consumed: Uint8Array,
    /** null on search copies: the optimiser needs values, not bookkeeping. */
    public records: RecordLog | null,
    /** Units that got a discount from a best-discount promotion in the current layer (§9.6). */
    public bestDiscounted: Uint8Array,
    /**
     * Whether every amount the number paths meet is below 2^53 (see numeric.ts); then
     * `priceN`, `mrpN` and `spN` mirror the prices as numbers (exact integers), and `cumN`
     * holds the cumulative discounts (a bigint sum per record allocated one bigint each).
     */
    readonly numeric: boolean,
    public priceN: Float64Array,
    readonly mrpN: Float64Array,
    readonly spN: Float64Array,
    public cumN: Float64Array,
  ) {}

  static initial(units: readonly Unit[], flags: TenantFlags): EvalState {
    const n = units.length;
    // Σ max(MRP, SP) summed in numbers (a bigint sum allocates per step): a part or partial
    // sum at or past 2^53 makes the total so, and below that every step was exact.
    let sumMax = 0;
    for (const u of units) sumMax += Number(u.mrp > u.sp ? u.mrp : u.sp);
    const numeric = !arithmetic.forceBigint && sumMax < 2 ** 53 && numericSafe(BigInt(sumMax));
    // One buffer behind the state's per-unit arrays: a typed array of its own costs an array
    // buffer object each (and a heap copy of the bytes when they are few).
    const f64 = new Float64Array(4 * n);
    const spN = f64.subarray(0, n);
    const mrpN = f64.subarray(n, 2 * n);
    const priceN = f64.subarray(2 * n, 3 * n);
    const cumN = numeric ? f64.subarray(3 * n, 4 * n) : NO_NUMBERS;
    const u8 = new Uint8Array(4 * n);
    if (numeric)
      for (let i = 0; i < n; i++) {
        spN[i] = Number(units[i]!.sp);
        mrpN[i] = Number(units[i]!.mrp);
        priceN[i] = spN[i]!;
      }
    const price: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) price[i] = units[i]!.sp;
    let cum: bigint[] = NO_CUM;
    if (!numeric) {
      cum = new Array(n);
      for (let i = 0; i < n; i++) cum[i] = 0n;
    }
    return new EvalState(
      units,
      flags,
      price,
      cum,
      u8.subarray(0, n),
      u8.subarray(n, 2 * n),
      u8.subarray(2 * n, 3 * n),
      new RecordLog(n),
      u8.subarray(3 * n, 4 * n),
      numeric,
      priceN,
      mrpN,
      spN,
      cumN,
    );
  }

  /** A copy for trying an order; records are left out. */
  fork(): EvalState {
    return new EvalState(
      this.units,
      this.flags,
      this.price.slice(),
      this.numeric ? NO_CUM : this.cum.slice(),
      this.locked,
      this.reqUsed.slice(),
      this.consumed.slice(),
      null,
      this.bestDiscounted,
      this.numeric,
      this.priceN.slice(),
      this.mrpN,
      this.spN,
      this.cumN.slice(),
    );
  }

  /** A copy that later changes to this state (layer ends included) do not reach. */
  snapshot(): EvalState {
    const s = this.fork();
    s.locked = this.locked.slice();
    s.bestDiscounted = this.bestDiscounted.slice();
    return s;
  }

  /**
   * A search copy that differs only in which units are consumed. Within a layer an item
   * family never changes a unit that stays available, so prices can be shared read-only.
   */
  withConsumed(consumed: Uint8Array): EvalState {
    return new EvalState(
      this.units,
      this.flags,
      this.price,
      this.cum,
      this.locked,
      this.reqUsed,
      consumed,
      null,
      this.bestDiscounted,
      this.numeric,
      this.priceN,
      this.mrpN,
      this.spN,
      this.cumN,
    );
  }

  /** Whether the unit has a cumulative discount above 0 (discounts are never negative). */
  hasDiscount(u: number): boolean {
    return this.numeric ? this.cumN[u]! > 0 : this.cum[u]! > 0n;
  }

  /** The unit's cumulative discount. */
  cumAt(u: number): bigint {
    return this.numeric ? bigintOf(this.cumN[u]!) : this.cum[u]!;
  }

  /** Item families see only units not consumed in this layer, not locked, and (per flag) undiscounted. */
  availableForItem(u: number, applyOnDiscounted: boolean): boolean {
    return this.consumed[u] === 0 && this.locked[u] === 0 && (applyOnDiscounted || !this.hasDiscount(u));
  }

  startLayer(): void {
    this.consumed.fill(0);
    // in place: forks share it only within a layer, and a snapshot has its own copy
    this.bestDiscounted.fill(0);
  }

  endLayer(): void {
    for (let u = 0; u < this.units.length; u++) if (this.bestDiscounted[u]) this.locked[u] = 1;
  }

  /** Applies a plan: prices, cumulative discounts, flags, consumption and records. */
  commit(plan: Plan, cand: Candidate, layer: number, bestDiscount: boolean): bigint {
    // Sums in numbers when the state proved them exact (a bigint sum allocates per step).
    let total = 0n;
    let totalN = 0;
    const sets = plan.sets;
    const records = this.records;
    if (records && layer !== cand.promo.layer)
      throw new Error("engine invariant: a recorded commit runs in its promotion's layer");
    for (let si = 0; si < sets.length; si++) {
      const set = sets[si]!;
      if (set instanceof SpreadSet && this.numeric) {
        totalN += this.commitSpread(set, plan.consumes, cand, si + 1, bestDiscount);
        continue;
      }
      // A record is an immutable value without the unit in it: neighbours of one set with the
      // same outcome (units of one line, mostly) share one record object.
      let last: UnitRecord | null = null;
      // indexed loops: a for-of here left an iterator result per target when not optimised
      const targets = set.targets;
      for (let ti = 0; ti < targets.length; ti++) {
        const t = targets[ti]!;
        this.price[t.u] = t.newPrice;
        if (this.numeric) {
          this.priceN[t.u] = Number(t.newPrice);
          const d = Number(t.d);
          this.cumN[t.u]! += d;
          totalN += d;
        } else {
          const cum = this.cum[t.u]!;
          this.cum[t.u] = cum === 0n ? t.d : cum + t.d;
          total += t.d;
        }
        if (plan.consumes) this.consumed[t.u] = 1;
        if (bestDiscount && t.d > 0n) this.bestDiscounted[t.u] = 1;
        if (records) {
          if (!last || last.discount !== t.d || last.finalPrice !== t.newPrice)
            last = new UnitRecord(cand, 'target', t.d, t.newPrice, si + 1);
          records.add(t.u, last);
        }
      }
      last = null;
      const requisites = set.requisites;
      for (let ri = 0; ri < requisites.length; ri++) {
        const u = requisites[ri]!;
        this.reqUsed[u] = 1;
        if (plan.consumes) this.consumed[u] = 1;
        if (records) {
          if (!last || last.finalPrice !== this.price[u]!)
            last = new UnitRecord(cand, 'requisite', 0n, this.price[u]!, si + 1);
          records.add(u, last);
        }
      }
    }
    return this.numeric ? BigInt(totalN) : total;
  }

  /** commit for a set held in typed arrays; returns its discount. */
  private commitSpread(
    set: SpreadSet,
    consumes: boolean,
    cand: Candidate,
    setIndex: number,
    bestDiscount: boolean,
  ): number {
    let total = 0;
    const records = this.records;
    const shared = records ? new SpreadCommit(cand, setIndex, set.dN, set.newPriceN) : null;
    // receivers come by price base: neighbours with the same amounts share one record (a value)
    let last: SpreadRecord | null = null;
    let lastI = -1;
    for (let i = 0; i < set.count; i++) {
      const u = set.unitsOf[i]!;
      const d = set.dN[i]!;
      const newPriceN = set.newPriceN[i]!;
      // one bigint per unit for the price, shared by the state and the record
      const newPrice = bigintOf(newPriceN);
      this.price[u] = newPrice;
      this.priceN[u] = newPriceN;
      this.cumN[u]! += d;
      total += d;
      if (consumes) this.consumed[u] = 1;
      if (bestDiscount && d > 0) this.bestDiscounted[u] = 1;
      if (shared) {
        if (!last || set.dN[lastI] !== d || set.newPriceN[lastI] !== newPriceN) {
          last = new SpreadRecord(shared, i);
          lastI = i;
        }
        records!.add(u, last);
      }
    }
    return total;
  }
}

/** The bigint cumulative discounts of a numeric state: not kept (see `cumN`). */
const NO_CUM: bigint[] = [];
/** The number cumulative discounts of a bigint state: not kept (see `cum`). */
const NO_NUMBERS = new Float64Array(0);
