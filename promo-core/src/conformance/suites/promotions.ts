import { z } from 'zod';
import { formatMoney, parseMoney, roundHalfUp } from '../../money';
import { evaluateDetailed } from '../../promotions';
import type { CaseResult } from '../types';

const caseSchema = z.object({
  id: z.string(),
  promotions: z.array(z.unknown()),
  basket: z.array(z.record(z.string(), z.unknown())),
  request: z.record(z.string(), z.unknown()).optional(),
  tenant_flags: z.record(z.string(), z.unknown()).optional(),
  expected: z.object({
    per_unit_discounts: z.record(z.string(), z.array(z.string())),
    total_discount: z.string(),
    total_sp: z.string(),
    total_after_promos: z.string(),
    roles: z
      .record(z.string(), z.object({ discounted: z.number(), requisite: z.number(), remaining: z.number() }))
      .optional(),
    applied_promo_ids: z.array(z.string()).optional(),
    suggestions: z
      .array(
        z.object({
          promo_id: z.string(),
          sku: z.string().optional(),
          missing_qty: z.number().optional(),
          missing_amount: z.string().optional(),
        }),
      )
      .optional(),
    free_item_missing: z.boolean().optional(),
    special_promos_info_discount: z.string().optional(),
  }),
});

const fileSchema = z.object({
  conventions: z
    .object({
      request_defaults: z.record(z.string(), z.unknown()).optional(),
      tenant_flags: z.record(z.string(), z.unknown()).optional(),
    })
    .passthrough()
    .optional(),
  cases: z.array(z.unknown()).default([]),
  utility_cases: z
    .array(
      z.object({
        id: z.string(),
        input: z.object({ amount: z.string(), places: z.number().int() }),
        expected: z.string(),
      }),
    )
    .default([]),
});

const DEFAULTS = {
  store_id: 'store-1',
  evaluation_time: '2025-06-02T12:00:00Z',
  store_timezone: 'UTC',
  customer_id: 'cust-1',
  special_promos: [],
};

const money = (s: string) => parseMoney(s);
const show = (list: bigint[]) => `[${list.map((v) => formatMoney(v)).join(', ')}]`;
const sorted = (list: bigint[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function runPromotionsSuite(doc: unknown, file: string): CaseResult[] {
  const parsedFile = fileSchema.safeParse(doc);
  if (!parsedFile.success)
    return [{ id: file, passed: false, diff: [`not a promotions case file: ${parsedFile.error.message}`] }];
  const defaults = { ...DEFAULTS, ...(parsedFile.data.conventions?.request_defaults ?? {}) };
  const fileFlags = parsedFile.data.conventions?.tenant_flags ?? {};
  const results: CaseResult[] = [];
  parsedFile.data.cases.forEach((raw, i) => {
    const parsed = caseSchema.safeParse(raw);
    const id = (raw as { id?: unknown })?.id;
    const caseId = typeof id === 'string' ? id : `case[${i}]`;
    if (!parsed.success) {
      results.push({
        id: caseId,
        passed: false,
        diff: [
          `cannot parse case: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
        ],
      });
      return;
    }
    try {
      results.push({
        id: caseId,
        ...runCase(parsed.data, defaults, { ...fileFlags, ...(parsed.data.tenant_flags ?? {}) }),
      });
    } catch (err) {
      results.push({ id: caseId, passed: false, diff: [`evaluation failed: ${(err as Error).message}`] });
    }
  });
  for (const u of parsedFile.data.utility_cases) {
    const actual = roundHalfUp(u.input.amount, u.input.places);
    results.push({
      id: u.id,
      passed: actual === u.expected,
      diff:
        actual === u.expected
          ? []
          : [`round_half_up(${u.input.amount}, ${u.input.places}): expected ${u.expected}, got ${actual}`],
    });
  }
  return results;
}

function runCase(
  c: z.infer<typeof caseSchema>,
  defaults: Record<string, unknown>,
  flags: Record<string, unknown>,
): { passed: boolean; diff: string[] } {
  const request = {
    ...defaults,
    ...(c.request ?? {}),
    // file conventions < case < the case's own request
    tenant_flags: {
      apply_zero_discount_promos: flags['apply_zero_discount_promos'] ?? false,
      max_basket_promos_per_layer: flags['max_basket_promos_per_layer'] ?? null,
      ...((c.request?.['tenant_flags'] as Record<string, unknown> | undefined) ?? {}),
    },
    basket: { id: c.id, items: c.basket },
  };
  const { response, result } = evaluateDetailed(request, c.promotions);
  const diff: string[] = [];
  const e = c.expected;

  const perSku = new Map<string, bigint[]>();
  const roles = new Map<string, { discounted: number; requisite: number; remaining: number }>();
  for (const line of result.lines) {
    const list = perSku.get(line.sku) ?? [];
    const r = roles.get(line.sku) ?? { discounted: 0, requisite: 0, remaining: 0 };
    for (const u of line.units) {
      list.push(u.discount);
      r[u.role]++;
    }
    perSku.set(line.sku, list);
    roles.set(line.sku, r);
  }
  for (const [sku, exp] of Object.entries(e.per_unit_discounts)) {
    const want = sorted(exp.map(money));
    const got = sorted(perSku.get(sku) ?? []);
    if (want.length !== got.length || want.some((v, i) => v !== got[i]))
      diff.push(`${sku} per-unit discounts: expected ${show(want)}, got ${show(got)}`);
  }
  const totals: [string, string, bigint][] = [
    ['total_discount', e.total_discount, result.totals.discount],
    ['total_sp', e.total_sp, result.totals.totalSp],
    ['total_after_promos', e.total_after_promos, result.totals.totalAfterPromos],
  ];
  for (const [name, exp, got] of totals)
    if (money(exp) !== got) diff.push(`${name}: expected ${exp}, got ${formatMoney(got)}`);
  if (e.roles)
    for (const [sku, exp] of Object.entries(e.roles)) {
      const got = roles.get(sku) ?? { discounted: 0, requisite: 0, remaining: 0 };
      if (
        got.discounted !== exp.discounted ||
        got.requisite !== exp.requisite ||
        got.remaining !== exp.remaining
      )
        diff.push(`${sku} roles: expected ${JSON.stringify(exp)}, got ${JSON.stringify(got)}`);
    }
  if (e.applied_promo_ids) {
    const want = [...e.applied_promo_ids].sort();
    const got = result.appliedPromoIds;
    if (want.join(',') !== got.join(',')) diff.push(`applied_promo_ids: expected [${want}], got [${got}]`);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const items: any[] = response.basket.items;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const allSuggestions = (sku?: string): any[] =>
    items
      .filter((it) => sku === undefined || it.sku === sku)
      .flatMap((it) => it.remaining_info.promo_suggestions);
  for (const s of e.suggestions ?? []) {
    const found = allSuggestions(s.sku).some(
      (x) =>
        x.promo_id === s.promo_id &&
        (s.missing_qty === undefined || x.missing_qty === s.missing_qty) &&
        (s.missing_amount === undefined ||
          (x.missing_amount !== undefined && money(x.missing_amount) === money(s.missing_amount))),
    );
    if (!found)
      diff.push(
        `suggestion ${JSON.stringify(s)} not found; got ${JSON.stringify(allSuggestions(s.sku).map((x) => ({ promo_id: x.promo_id, missing_qty: x.missing_qty, missing_amount: x.missing_amount })))}`,
      );
  }
  if (e.free_item_missing !== undefined) {
    const got = allSuggestions().some((x) => x.free_item_missing === true);
    if (got !== e.free_item_missing)
      diff.push(`free_item_missing: expected ${e.free_item_missing}, got ${got}`);
  }
  if (e.special_promos_info_discount !== undefined) {
    const got = response.basket.special_promos_info.discount as string;
    if (money(got) !== money(e.special_promos_info_discount))
      diff.push(`special_promos_info.discount: expected ${e.special_promos_info_discount}, got ${got}`);
  }
  return { passed: diff.length === 0, diff };
}
