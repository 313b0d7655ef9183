/**
 * Internal, normalised model of a promotion (spec/promotions.md §3) and of the evaluation
 * state (§6). The ingest format with the original's field names lives in `schema.ts`.
 */
import type { Membership } from './matching';

export type Family = 'e' | 'p' | 'c' | 'l' | 'b' | 't' | 'r' | 'm';
export type DiscountType = 'p' | 'v' | 'f';
export type Strategy = 'a' | 'e';
export type PriceBase = 'm' | 's' | 'f';
export type SelectionCriteria = 'l' | 'lc' | 'm';
export type NodeType = 'i' | 'c1' | 'c2' | 'c3' | 'c4' | 'c5' | 'c6' | 'c7';

export const BASKET_FAMILIES: ReadonlySet<Family> = new Set(['b', 't']);
export const PROMO_MAX_APPLICATION_LIMIT = 100000;

export interface PromoNode {
  nodeId: string;
  nodeType: NodeType;
  isExcluded: boolean;
  /** Line Special only: node-level overrides (null = the header's). */
  discountType: DiscountType | null;
  /** Basis points for 'p', minor units for 'v'/'f'; null = the header's. */
  discountValue: bigint | null;
  position: number;
}

export interface PromoGroup {
  name: string;
  /** Units for item families; minor units of money for the `b` group and the `t` requisite group. */
  min: bigint;
  max: bigint | null;
  position: number;
  nodes: PromoNode[];
}

export interface StoreLink {
  store: string;
  softDelete: boolean;
}

export interface Qualifier {
  groupQualifierId: string;
  description: string | null;
}

export interface Promotion {
  id: string;
  retailer: string;
  promoIdRetailer: string;
  family: Family;
  evaluateCriteria: 'p' | 'b';
  evaluatePriority: number | null;
  promoShortCode: string;
  title: string;
  description: string | null;
  discountType: DiscountType;
  strategy: Strategy;
  /** Basis points for 'p', minor units for 'v' and 'f'. */
  discountValue: bigint;
  discountValueOn: PriceBase;
  maxApplicationLimit: number;
  maxDiscount: bigint | null;
  isActive: boolean;
  activeDays: string;
  start: number;
  end: number;
  startIso: string;
  endIso: string;
  isHappyHour: boolean;
  discountedSelection: SelectionCriteria;
  requisiteSelection: SelectionCriteria;
  targetGroupName: string | null;
  targetGroupQtyMin: number | null;
  layer: number;
  discountApplyType: 'b' | 'c' | 't' | 'p';
  availability: 'a' | 's';
  applyOnDiscountedItems: boolean;
  extraData: Record<string, unknown> | null;
  groups: PromoGroup[];
  stores: StoreLink[];
  qualifiers: Qualifier[];
  /** Set for on-the-fly promotions (§5.4): active at any instant. */
  onTheFly?: boolean;
}

/** One unit of a basket line (§6.1); static for a whole evaluation. */
export interface Unit {
  idx: number;
  k: number;
  /** 1-based pack number within the line (1 when the line is not sold in packs). */
  pack: number;
  /** The line's position in the basket; its sno is lineIndex + 1 (no field of its own: units are many). */
  lineIndex: number;
  sku: string;
  mrp: bigint;
  sp: bigint;
  weightMilli: bigint;
  /** `${type}:${value}` for category types c1..c7. */
  categoryKeys: string[];
}

export interface SpecialPromoInfo {
  program_name: string;
  program_title: string | null;
  input: string | null;
  qualifier_id: string;
  description: string | null;
}

/** A promotion as it takes part in one evaluation: header plus effective limit and attribution. */
export interface Candidate {
  promo: Promotion;
  limit: number;
  special: SpecialPromoInfo | null;
  /** Index of the unlocking program in the request (for §12.5). */
  programIndex: number | null;
  /** The promotion's members in this basket, when candidate selection computed them (§6.2). */
  membership?: Membership;
}

export interface TenantFlags {
  applyZeroDiscountPromos: boolean;
  maxBasketPromosPerLayer: number | null;
}
