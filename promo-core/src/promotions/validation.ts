/**
 * Ingest validation (spec §3.8): a malformed promotion is rejected with the path and reason
 * of every problem, and a batch is all-or-nothing.
 */
import { DecimalFormatError, formatDecimal } from '../money';
import { normalisePromotion, promotionSchema } from './schema';
import type { Promotion } from './types';

export interface ValidationIssue {
  /** e.g. `[3].promo_groups[0].qty_or_value_min` */
  path: string;
  message: string;
}

export type ValidationResult =
  { ok: true; promotions: Promotion[] } | { ok: false; issues: ValidationIssue[]; promotions: Promotion[] };

export class PromotionValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(
      `invalid promotions: ${issues
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`,
    );
    this.name = 'PromotionValidationError';
  }
}

const pathText = (prefix: string, path: ReadonlyArray<PropertyKey>): string =>
  prefix + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');

/** The structural rules of §3.8 on an already normalised promotion. */
export function structuralIssues(p: Promotion, prefix = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path: prefix + path, message });
  const groups = p.groups;
  const n = groups.length;
  const groupPath = (i: number) => `.promo_groups[${i}]`;

  if (p.discountType === 'p' && p.discountValue > 10000n)
    add('.discount_value', 'a percentage must be ≤ 100');
  if (p.start > p.end) add('.end_date_time', 'end_date_time is before start_date_time');
  const names = new Set<string>();
  groups.forEach((g, i) => {
    if (names.has(g.name)) add(`${groupPath(i)}.name`, `duplicate group name "${g.name}"`);
    names.add(g.name);
    if (!g.nodes.some((nd) => !nd.isExcluded))
      add(`${groupPath(i)}.promo_group_nodes`, 'needs at least one include node');
  });
  const target = p.targetGroupName;
  const targetIndex = target === null ? -1 : groups.findIndex((g) => g.name === target);
  const minAtLeast1 = (i: number) => {
    if (groups[i]!.min < 1n) add(`${groupPath(i)}.qty_or_value_min`, 'must be ≥ 1');
  };

  switch (p.family) {
    case 'e':
    case 'p':
      if (n !== 1) add('.promo_groups', `family ${p.family} needs exactly 1 group, got ${n}`);
      else {
        minAtLeast1(0);
        const g = groups[0]!;
        if (p.family === 'p' && g.max !== null && g.max < g.min)
          add(`${groupPath(0)}.qty_or_value_max`, 'must be ≥ qty_or_value_min');
      }
      break;
    case 'c':
      if (n < 2) add('.promo_groups', `family c needs at least 2 groups, got ${n}`);
      groups.forEach((_, i) => minAtLeast1(i));
      break;
    case 'l':
      if (n < 1) add('.promo_groups', 'family l needs at least 1 group');
      groups.forEach((g, i) => {
        minAtLeast1(i);
        g.nodes.forEach((nd, j) => {
          if (nd.isExcluded) return;
          if (nd.discountValue === null && nd.discountType !== null && nd.discountType !== p.discountType)
            add(
              `${groupPath(i)}.promo_group_nodes[${j}].discount_value`,
              'a node discount_type needs its own discount_value',
            );
          const type = nd.discountType ?? p.discountType;
          const value = nd.discountValue ?? p.discountValue;
          if (type === 'p' && value > 10000n)
            add(`${groupPath(i)}.promo_group_nodes[${j}].discount_value`, 'a percentage must be ≤ 100');
        });
      });
      break;
    case 'b':
      if (n !== 1) add('.promo_groups', `family b needs exactly 1 group, got ${n}`);
      break;
    case 't':
      if (n !== 2) add('.promo_groups', `family t needs exactly 2 groups, got ${n}`);
      else if (targetIndex < 0) add('.target_discounted_group_name', 'must name one of the two groups');
      else minAtLeast1(targetIndex);
      break;
    case 'r':
    case 'm':
      if (n === 1 && target === null) {
        const d = p.targetGroupQtyMin;
        const min = groups[0]!.min;
        if (d === null || d < 1 || BigInt(d) > min)
          add(
            '.target_discounted_group_qty_min',
            'single-group variant needs 1 ≤ target_discounted_group_qty_min ≤ qty_or_value_min',
          );
      } else if (n === 1 || n === 2) {
        if (targetIndex < 0) add('.target_discounted_group_name', 'must name one of the groups');
        else {
          minAtLeast1(targetIndex);
          if (n === 1) add('.promo_groups', `family ${p.family} with a named target needs 2 groups`);
        }
      } else add('.promo_groups', `family ${p.family} needs 1 or 2 groups, got ${n}`);
      break;
  }
  if (p.maxApplicationLimit > 2147483647) add('.max_application_limit', 'must fit a 32-bit integer');
  return issues;
}

const trimZeros = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/** §3.9: a display code filled from the family's template, at most 32 characters. */
export function generateShortCode(p: Promotion): string {
  const g = p.groups;
  const v = trimZeros(formatDecimal(p.discountValue, 2)) + p.discountType;
  const name = (i: number) => g[i]?.name ?? '';
  const min = (i: number, money = false) =>
    g[i] ? (money ? trimZeros(formatDecimal(g[i]!.min, 2)) : String(g[i]!.min)) : '';
  let code: string;
  switch (p.family) {
    case 'e':
    case 'p':
      code = `Buy${min(0)}of${name(0)}for${v}`;
      break;
    case 'c':
    case 'l':
      code = `Buy${g.map((_, i) => `${min(i)}of${name(i)}`).join('')}for${v}`;
      break;
    case 'b':
      code = `Buy$${min(0, true)}of${name(0)}for${v}`;
      break;
    case 't': {
      const ti = g.findIndex((x) => x.name === p.targetGroupName);
      const ri = ti === 0 ? 1 : 0;
      code = `Buy$${min(ri, true)}of${name(ri)}Get${min(ti)}of${name(ti)}for${v}`;
      break;
    }
    case 'r':
    case 'm': {
      if (g.length === 1) {
        const d = p.targetGroupQtyMin ?? 0;
        code = `Buy${Number(g[0]!.min) - d}of${name(0)}Get${d}of${name(0)}for${v}`;
      } else {
        const ti = g.findIndex((x) => x.name === p.targetGroupName);
        const ri = ti === 0 ? 1 : 0;
        code = `Buy${min(ri)}of${name(ri)}Get${min(ti)}of${name(ti)}for${v}`;
      }
      if (p.family === 'm') code = `Even${code}`;
      break;
    }
  }
  return code.slice(0, 32);
}

/** Parses and checks one promotion; issues carry paths under `prefix`. */
export function parsePromotion(
  input: unknown,
  prefix = '',
  exponent = 2,
): { promotion: Promotion | null; issues: ValidationIssue[] } {
  const parsed = promotionSchema.safeParse(input);
  if (!parsed.success) {
    return {
      promotion: null,
      issues: parsed.error.issues.map((i) => ({
        path: pathText(prefix, i.path) || prefix || '.',
        message: i.message,
      })),
    };
  }
  let promotion: Promotion;
  try {
    promotion = normalisePromotion(parsed.data, exponent);
  } catch (err) {
    if (err instanceof DecimalFormatError)
      return { promotion: null, issues: [{ path: prefix || '.', message: err.message }] };
    throw err;
  }
  const issues = structuralIssues(promotion, prefix);
  if (!promotion.id) {
    if (promotion.promoIdRetailer) promotion.id = `${promotion.retailer}:${promotion.promoIdRetailer}`;
    else issues.push({ path: `${prefix}.id`, message: 'an id (or ksuid, or promo_id_retailer) is required' });
  }
  if (!promotion.promoShortCode) promotion.promoShortCode = generateShortCode(promotion);
  return { promotion: issues.length ? null : promotion, issues };
}

/**
 * Validates a list of promotions in the ingest format. Every problem of every promotion is
 * reported; `ok` is true only when all are valid (a batch is never half-loaded).
 */
export function validatePromotions(input: unknown, exponent = 2): ValidationResult {
  if (!Array.isArray(input))
    return { ok: false, issues: [{ path: '.', message: 'expected an array of promotions' }], promotions: [] };
  const issues: ValidationIssue[] = [];
  const promotions: Promotion[] = [];
  const seen = new Map<string, number>();
  input.forEach((item, i) => {
    const r = parsePromotion(item, `[${i}]`, exponent);
    issues.push(...r.issues);
    if (r.promotion) {
      const prev = seen.get(r.promotion.id);
      if (prev !== undefined)
        issues.push({ path: `[${i}].id`, message: `duplicate id "${r.promotion.id}" (also at [${prev}])` });
      seen.set(r.promotion.id, i);
      promotions.push(r.promotion);
    }
  });
  return issues.length ? { ok: false, issues, promotions } : { ok: true, promotions };
}
