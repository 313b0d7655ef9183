/**
 * The public entry of the promotions engine: evaluate(request) → response (spec §4, §12).
 * Pure and deterministic: the same request and promotions give byte-identical output,
 * whatever the order of the promotions in the input.
 */
import { DecimalFormatError } from '../money';
import type { Diagnostic } from './candidates';
import { isValidTimezone, selectCandidates } from './candidates';
import type { PipelineOptions } from './pipeline';
import { BasketIndex } from './matching';
import { runPipeline } from './pipeline';
import { PromotionSet } from './promotion-set';
import type { BasketItem, EvaluateRequest, Program } from './request';
import { buildUnits, evaluateRequestSchema, programsSchema } from './request';
import type { EvaluationResult, Json } from './response';
import { buildResult, buildWireResponse } from './response';
import type { TenantFlags } from './types';
import { parsePromotion } from './validation';

export interface EvaluateOptions extends PipelineOptions {
  /** Tenant flags (spec §7.3, §9.5); the request's `tenant_flags` wins where given. */
  tenant?: Partial<TenantFlags>;
  /** Currency exponent (default 2). */
  exponent?: number;
  /** Evaluation instant when the request has none (default: now). */
  now?: () => Date;
  /** Timezone when the request has none (default: UTC). */
  defaultTimezone?: string;
}

export class EvaluateRequestError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid evaluate request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'EvaluateRequestError';
  }
}

/** Promotions as given: an indexed set, or raw ingest objects (invalid ones are skipped with a diagnostic). */
function toPromotionSet(
  input: PromotionSet | unknown[] | undefined,
  diagnostics: Diagnostic[],
  exponent: number,
): PromotionSet {
  if (input instanceof PromotionSet) return input;
  if (!input) return new PromotionSet([]);
  const valid = [];
  for (let i = 0; i < input.length; i++) {
    const { promotion, issues } = parsePromotion(input[i], `promotions[${i}]`, exponent);
    if (promotion) valid.push(promotion);
    else {
      const id = (input[i] as { id?: unknown })?.id;
      diagnostics.push({
        code: 'INVALID_PROMOTION_SKIPPED',
        ...(typeof id === 'string' ? { promo_id: id } : {}),
        message: issues.map((x) => `${x.path}: ${x.message}`).join('; '),
      });
    }
  }
  return new PromotionSet(valid);
}

export interface Evaluation {
  response: Json;
  result: EvaluationResult;
}

/** Evaluates and returns both the wire response and the typed result. Throws EvaluateRequestError on invalid input. */
export function evaluateDetailed(
  request: unknown,
  promotions?: PromotionSet | unknown[],
  options: EvaluateOptions = {},
): Evaluation {
  const parsed = evaluateRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new EvaluateRequestError(
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '.', message: i.message })),
    );
  }
  return evaluateValidated(parsed.data, promotions, options);
}

/**
 * A request its caller built itself from validated data (priceBasket): everything but the
 * qualifier programs, which come from outside unchecked, is taken as it is.
 */
export interface BuiltEvaluateRequest {
  store_id: string;
  customer_id: string | null;
  is_guest_user?: boolean;
  evaluation_time?: string;
  store_timezone?: string;
  special_promos?: unknown;
  basket: { id?: unknown; items: BasketItem[] };
}

/**
 * Evaluates a request built in-process without a second zod pass over every line (that
 * pass was ~33 KB of allocation per evaluation); only `special_promos` are validated.
 */
export function evaluateBuilt(
  request: BuiltEvaluateRequest,
  promotions?: PromotionSet | unknown[],
  options: EvaluateOptions = {},
): Evaluation {
  let special: Program[] | undefined;
  if (request.special_promos !== undefined) {
    const parsed = programsSchema.safeParse(request.special_promos);
    if (!parsed.success)
      throw new EvaluateRequestError(
        parsed.error.issues.map((i) => ({
          path: ['special_promos', ...i.path].join('.'),
          message: i.message,
        })),
      );
    special = parsed.data;
  }
  const req: EvaluateRequest = {
    ...request,
    is_guest_user: request.is_guest_user ?? false,
    special_promos: special,
  };
  return evaluateValidated(req, promotions, options, true);
}

function evaluateValidated(
  req: EvaluateRequest,
  promotions: PromotionSet | unknown[] | undefined,
  options: EvaluateOptions,
  /** The request's category lists are the caller's own, unchanging ones (see buildUnits). */
  builtInProcess = false,
): Evaluation {
  const exponent = options.exponent ?? 2;
  const diagnostics: Diagnostic[] = [];
  const set = toPromotionSet(promotions ?? req.promotions, diagnostics, exponent);
  const timezone = req.store_timezone ?? options.defaultTimezone ?? 'UTC';
  if (!isValidTimezone(timezone))
    throw new EvaluateRequestError([{ path: 'store_timezone', message: `unknown timezone "${timezone}"` }]);
  const evaluationMs = req.evaluation_time
    ? Date.parse(req.evaluation_time)
    : (options.now?.() ?? new Date()).getTime();
  const flags: TenantFlags = {
    applyZeroDiscountPromos:
      req.tenant_flags?.apply_zero_discount_promos ?? options.tenant?.applyZeroDiscountPromos ?? false,
    maxBasketPromosPerLayer:
      req.tenant_flags?.max_basket_promos_per_layer ?? options.tenant?.maxBasketPromosPerLayer ?? null,
  };
  const programs: Program[] = req.special_promos ?? req.special_promos_info ?? [];

  let built;
  try {
    built = buildUnits(req.basket.items, exponent, builtInProcess);
  } catch (err) {
    if (err instanceof DecimalFormatError)
      throw new EvaluateRequestError([{ path: 'basket.items', message: err.message }]);
    throw err;
  }
  const { units, lines } = built;
  const basket = new BasketIndex(units);
  const candidates = units.length
    ? selectCandidates(req, set, basket, programs, evaluationMs, timezone, diagnostics)
    : [];
  const pr = runPipeline(basket, candidates, flags, diagnostics, options);
  const result = buildResult(units, lines, pr, diagnostics);
  checkReconciliation(result);
  // The wire form is built only when asked for: the pricing pipeline reads the typed result.
  return new LazyEvaluation(result, () => buildWireResponse(req, lines, result, pr, programs, exponent));
}

/** An evaluation whose wire response is built on first read. */
class LazyEvaluation implements Evaluation {
  private wire: Json | undefined;
  constructor(
    readonly result: EvaluationResult,
    private build: (() => Json) | null,
  ) {}

  get response(): Json {
    if (this.build) {
      this.wire = this.build();
      this.build = null;
    }
    return this.wire;
  }
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** §12.3: a unit count or money mismatch is a bug, never a response. */
function checkReconciliation(r: EvaluationResult): void {
  // Sums in numbers while every amount and partial sum stays an exact integer (below 2^53,
  // checked as it goes: the check must hold for any result, a wrong one included); bigint otherwise.
  let discountN = 0;
  let afterN = 0;
  let exact = true;
  for (const l of r.lines)
    for (const u of l.units) {
      if (u.finalPrice < 0n) throw new Error(`engine invariant: negative price on line ${l.sno}`);
      if (!exact) continue;
      if (u.discount > SAFE || u.finalPrice > SAFE || u.discount < 0n) exact = false;
      else {
        discountN += Number(u.discount);
        afterN += Number(u.finalPrice);
        if (discountN > Number.MAX_SAFE_INTEGER || afterN > Number.MAX_SAFE_INTEGER) exact = false;
      }
    }
  let discount: bigint;
  let after: bigint;
  if (exact) {
    discount = BigInt(discountN);
    after = BigInt(afterN);
  } else {
    discount = 0n;
    after = 0n;
    for (const l of r.lines)
      for (const u of l.units) {
        discount += u.discount;
        after += u.finalPrice;
      }
  }
  if (discount !== r.totals.discount || after !== r.totals.totalAfterPromos) {
    throw new Error('engine invariant: unit amounts do not add up to the basket totals');
  }
}

/**
 * Evaluates a basket (spec §4 request) against promotions and returns the spec §12 response.
 * Promotions come from the second argument or from the request's `promotions` field.
 * Invalid requests give `{ status: false, status_msg, error: { code, message, details } }`.
 */
export function evaluate(
  request: unknown,
  promotions?: PromotionSet | unknown[],
  options: EvaluateOptions = {},
): Json {
  try {
    return evaluateDetailed(request, promotions, options).response;
  } catch (err) {
    if (err instanceof EvaluateRequestError) {
      return {
        status: false,
        status_msg: err.message,
        error: { code: 'INVALID_REQUEST', message: err.message, details: err.issues },
      };
    }
    throw err;
  }
}
