/**
 * Ingest format of a promotion (spec §3), with the original's field names, and its
 * normalisation into the internal model. Structural rules per family (§3.8) are in
 * `validation.ts`.
 */
import { z } from 'zod';
import { parseDecimal } from '../money';
import type { Family, Promotion, PromoGroup, PromoNode } from './types';
import { PROMO_MAX_APPLICATION_LIMIT } from './types';

const decimalText = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = typeof v === 'number' ? String(v) : v;
  if (!/^\d+(\.\d+)?$/.test(text.trim())) {
    ctx.addIssue({ code: 'custom', message: `expected a non-negative decimal, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return text.trim();
});

const instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO-8601 instant' });

const nodeType = z.enum(['i', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
const discountType = z.enum(['p', 'v', 'f']);
const selection = z.enum(['l', 'lc', 'm']);

export const promoNodeSchema = z.object({
  node_id: z.string().min(1).max(128),
  node_type: nodeType.default('i'),
  is_excluded: z.boolean().default(false),
  discount_type: discountType.nullable().default(null),
  discount_value: decimalText.nullable().default(null),
  position: z.number().int().optional(),
});

export const promoGroupSchema = z.object({
  name: z.string().min(1).max(64),
  qty_or_value_min: decimalText,
  qty_or_value_max: decimalText.nullable().default(null),
  position: z.number().int().optional(),
  promo_group_nodes: z.array(promoNodeSchema).default([]),
});

const storeLinkSchema = z.union([
  z.string().min(1),
  z.object({ store: z.string().min(1), soft_delete: z.boolean().default(false) }),
]);

const qualifierSchema = z.object({
  group_qualifier_id: z.string().min(1).max(64),
  description: z.string().nullable().default(null),
});

export const promotionSchema = z
  .object({
    id: z.string().min(1).optional(),
    ksuid: z.string().min(1).optional(),
    retailer: z.string().min(1).max(63),
    promo_id_retailer: z.string().max(255).default(''),
    family: z.enum(['e', 'p', 'c', 'l', 'b', 't', 'r', 'm']).default('e'),
    evaluate_criteria: z.enum(['p', 'b']).default('p'),
    evaluate_priority: z.number().int().min(0).nullable().default(null),
    promo_short_code: z.string().max(32).nullable().default(null),
    title: z.string().max(255).default(''),
    description: z.string().max(255).nullable().default(null),
    discount_type: discountType.default('p'),
    discount_type_strategy: z.enum(['a', 'e']).default('a'),
    discount_value: decimalText.default('0'),
    discount_value_on: z.enum(['m', 's', 'f']).default('m'),
    max_application_limit: z.number().int().min(1).nullable().default(1),
    max_discount: decimalText.nullable().default(null),
    is_active: z.boolean().default(true),
    active_days: z
      .string()
      .regex(/^[01]{7}$/, 'must be 7 characters of 0 and 1, Monday first')
      .default('1111111'),
    start_date_time: instant,
    end_date_time: instant,
    is_happy_hour: z.boolean().default(false),
    discounted_group_item_selection_criteria: selection.default('l'),
    requisite_groups_item_selection_criteria: selection.nullable().default('l'),
    target_discounted_group_name: z.string().max(64).nullable().default(null),
    target_discounted_group_qty_min: z.number().int().nullable().default(null),
    layer: z.number().int().min(1).default(1),
    discount_apply_type: z.enum(['b', 'c', 't', 'p']).default('b'),
    availability: z.enum(['a', 's']).default('a'),
    apply_on_discounted_items: z.boolean().default(true),
    extra_data: z.record(z.string(), z.unknown()).nullable().default(null),
    updated_on: z.string().optional(),
    stores: z.array(storeLinkSchema).default([]),
    special_promo_info: z.array(qualifierSchema).nullable().default([]),
    promo_groups: z.array(promoGroupSchema).default([]),
  })
  .passthrough();

export type PromotionInput = z.input<typeof promotionSchema>;
export type ParsedPromotion = z.output<typeof promotionSchema>;

const MONEY_FAMILIES_GROUP = (family: Family, group: { name: string }, target: string | null): boolean =>
  family === 'b' || (family === 't' && group.name !== target);

/** A decimal string as an integer (units) or exact money; throws DecimalFormatError on bad input. */
function toUnits(text: string): bigint {
  return parseDecimal(text, 0);
}

/** Converts a zod-parsed promotion into the internal model. Throws DecimalFormatError on bad decimals. */
export function normalisePromotion(p: ParsedPromotion, exponent = 2): Promotion {
  const family = p.family;
  const pct = (t: string) => parseDecimal(t, 2); // percent with 2 dp → basis points
  const money = (t: string) => parseDecimal(t, exponent);
  const valueOf = (type: 'p' | 'v' | 'f', t: string) => (type === 'p' ? pct(t) : money(t));
  const target = p.target_discounted_group_name;

  const groups: PromoGroup[] = p.promo_groups
    .map((g, gi) => ({ g, gi }))
    .sort((a, b) => (a.g.position ?? a.gi) - (b.g.position ?? b.gi) || a.gi - b.gi)
    .map(({ g, gi }) => {
      const isMoney = MONEY_FAMILIES_GROUP(family, g, target);
      const nodes: PromoNode[] = g.promo_group_nodes
        .map((n, ni) => ({ n, ni }))
        .sort((a, b) => (a.n.position ?? a.ni) - (b.n.position ?? b.ni) || a.ni - b.ni)
        .map(({ n, ni }) => ({
          nodeId: n.node_id,
          nodeType: n.node_type,
          isExcluded: n.is_excluded,
          discountType: n.discount_type,
          discountValue:
            n.discount_value === null ? null : valueOf(n.discount_type ?? p.discount_type, n.discount_value),
          position: n.position ?? ni,
        }));
      return {
        name: g.name,
        min: isMoney ? money(g.qty_or_value_min) : toUnits(g.qty_or_value_min),
        max:
          g.qty_or_value_max === null
            ? null
            : isMoney
              ? money(g.qty_or_value_max)
              : toUnits(g.qty_or_value_max),
        position: g.position ?? gi,
        nodes,
      };
    });

  const id = p.id ?? p.ksuid ?? '';
  const start = Date.parse(p.start_date_time);
  const end = Date.parse(p.end_date_time);
  // §3.7: forced overrides for basket families.
  const layer = family === 'b' || family === 't' ? Math.max(p.layer, 100) : p.layer;
  return {
    id,
    retailer: p.retailer,
    promoIdRetailer: p.promo_id_retailer,
    family,
    evaluateCriteria: p.evaluate_criteria,
    evaluatePriority: p.evaluate_priority,
    promoShortCode: p.promo_short_code ?? '',
    title: p.title,
    description: p.description,
    discountType: p.discount_type,
    strategy: family === 'b' ? 'a' : p.discount_type_strategy,
    discountValue: valueOf(p.discount_type, p.discount_value),
    discountValueOn: p.discount_value_on,
    maxApplicationLimit: p.max_application_limit ?? PROMO_MAX_APPLICATION_LIMIT,
    maxDiscount: p.max_discount === null ? null : money(p.max_discount),
    isActive: p.is_active,
    activeDays: p.active_days,
    start,
    end,
    startIso: p.start_date_time,
    endIso: p.end_date_time,
    isHappyHour: p.is_happy_hour,
    discountedSelection: family === 'b' ? 'l' : p.discounted_group_item_selection_criteria,
    requisiteSelection: p.requisite_groups_item_selection_criteria ?? 'l',
    targetGroupName: target,
    targetGroupQtyMin: p.target_discounted_group_qty_min,
    layer,
    discountApplyType: p.discount_apply_type,
    availability: p.availability,
    applyOnDiscountedItems: p.apply_on_discounted_items,
    extraData: p.extra_data,
    groups,
    stores: p.stores.map((s) =>
      typeof s === 'string' ? { store: s, softDelete: false } : { store: s.store, softDelete: s.soft_delete },
    ),
    qualifiers: (p.special_promo_info ?? []).map((q) => ({
      groupQualifierId: q.group_qualifier_id,
      description: q.description,
    })),
  };
}
