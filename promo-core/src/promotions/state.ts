/**
 * Mutable evaluation state (spec §6.1) and the plans that families produce. Families only
 * plan (they read the state); `commitPlan` is the one place that changes it, so that the
 * optimiser can try orders on cheap copies.
 */
import { numericSafe } from './numeric';
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
  constructor(
    readonly cand: Candidate,
    readonly role: 'target' | 'requisite',
    readonly discount: bigint,
    readonly finalPrice: bigint,
    readonly setIndex: number,
    readonly layer: number,
  ) {}

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

export const emptyPlan = (suggestion: SuggestionInfo | null = null): Plan => ({
  sets: [],
  suggestion,
  consumes: true,
  delegatedToEasy: false,
});

export const planDiscount = (plan: Plan): bigint => {
  let s = 0n;
  for (const set of plan.sets) for (const t of set.targets) s += t.d;
  return s;
};

export class EvalState {
  constructor(
    readonly units: readonly Unit[],
    readonly flags: TenantFlags,
    public price: bigint[],
    public cum: bigint[],
    public locked: Uint8Array,
    public reqUsed: Uint8Array,
    public consumed: Uint8Array,
    /** null on search copies: the optimiser needs values, not bookkeeping. */
    public records: UnitRecord[][] | null,
    /** Units that got a discount from a best-discount promotion in the current layer (§9.6). */
    public bestDiscounted: Uint8Array,
    /**
     * Whether every amount the number paths meet is below 2^53 (see numeric.ts); then
     * `priceN`, `mrpN` and `spN` mirror the prices as numbers (exact integers).
     */
    readonly numeric: boolean,
    public priceN: Float64Array,
    readonly mrpN: Float64Array,
    readonly spN: Float64Array,
  ) {}

  static initial(units: readonly Unit[], flags: TenantFlags): EvalState {
    const n = units.length;
    let sumMax = 0n;
    for (const u of units) sumMax += u.mrp > u.sp ? u.mrp : u.sp;
    const numeric = !arithmetic.forceBigint && numericSafe(sumMax);
    const spN = new Float64Array(n);
    const mrpN = new Float64Array(n);
    if (numeric)
      for (let i = 0; i < n; i++) {
        spN[i] = Number(units[i]!.sp);
        mrpN[i] = Number(units[i]!.mrp);
      }
    return new EvalState(
      units,
      flags,
      units.map((u) => u.sp),
      units.map(() => 0n),
      new Uint8Array(n),
      new Uint8Array(n),
      new Uint8Array(n),
      units.map(() => []),
      new Uint8Array(n),
      numeric,
      spN.slice(),
      mrpN,
      spN,
    );
  }

  /** A copy for trying an order; records are left out. */
  fork(): EvalState {
    return new EvalState(
      this.units,
      this.flags,
      this.price.slice(),
      this.cum.slice(),
      this.locked,
      this.reqUsed.slice(),
      this.consumed.slice(),
      null,
      this.bestDiscounted,
      this.numeric,
      this.priceN.slice(),
      this.mrpN,
      this.spN,
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
    );
  }

  /** Item families see only units not consumed in this layer, not locked, and (per flag) undiscounted. */
  availableForItem(u: number, applyOnDiscounted: boolean): boolean {
    return this.consumed[u] === 0 && this.locked[u] === 0 && (applyOnDiscounted || this.cum[u] === 0n);
  }

  startLayer(): void {
    this.consumed.fill(0);
    this.bestDiscounted = new Uint8Array(this.units.length);
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
    for (let si = 0; si < sets.length; si++) {
      const set = sets[si]!;
      for (const t of set.targets) {
        this.price[t.u] = t.newPrice;
        const cum = this.cum[t.u]!;
        this.cum[t.u] = cum === 0n ? t.d : cum + t.d;
        if (this.numeric) {
          this.priceN[t.u] = Number(t.newPrice);
          totalN += Number(t.d);
        } else total += t.d;
        if (plan.consumes) this.consumed[t.u] = 1;
        if (bestDiscount && t.d > 0n) this.bestDiscounted[t.u] = 1;
        this.records?.[t.u]!.push(new UnitRecord(cand, 'target', t.d, t.newPrice, si + 1, layer));
      }
      for (const u of set.requisites) {
        this.reqUsed[u] = 1;
        if (plan.consumes) this.consumed[u] = 1;
        this.records?.[u]!.push(new UnitRecord(cand, 'requisite', 0n, this.price[u]!, si + 1, layer));
      }
    }
    return this.numeric ? BigInt(totalN) : total;
  }
}
