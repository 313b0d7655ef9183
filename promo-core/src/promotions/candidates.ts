/** Candidate selection (spec §5): store, activity, dates, days, happy hour, nodes, qualifiers. */
import type { EvaluateRequest, Program } from './request';
import type { PromotionSet } from './promotion-set';
import { parsePromotion } from './validation';
import type { Candidate, Promotion, SpecialPromoInfo } from './types';
import type { BasketIndex } from './matching';
import { clockFormatter, isIanaTimeZone } from './time-zones';

export interface Diagnostic {
  code: string;
  promo_id?: string;
  message: string;
}

/** Local weekday (0 = Monday) and minutes-of-day×60+seconds of an instant in a timezone. */
export function localClock(epochMs: number, timezone: string): { weekday: number; secondOfDay: number } {
  const offset = /^UTC([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(timezone);
  if (timezone === 'UTC' || offset) {
    const minutes = offset
      ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0))
      : 0;
    const d = new Date(epochMs + minutes * 60000);
    return {
      weekday: (d.getUTCDay() + 6) % 7,
      secondOfDay: d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds(),
    };
  }
  let weekday = 0;
  let secondOfDay = 0;
  for (const part of clockFormatter(timezone).formatToParts(epochMs)) {
    if (part.type === 'weekday') weekday = WEEKDAYS.indexOf(part.value);
    else if (part.type === 'hour') secondOfDay += Number(part.value) * 3600;
    else if (part.type === 'minute') secondOfDay += Number(part.value) * 60;
    else if (part.type === 'second') secondOfDay += Number(part.value);
  }
  return { weekday, secondOfDay };
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function isValidTimezone(tz: string): boolean {
  if (tz === 'UTC' || /^UTC[+-]\d{1,2}(:?\d{2})?$/.test(tz)) return true;
  return isIanaTimeZone(tz);
}

function inTime(p: Promotion, t: number, tz: string, now: { weekday: number; secondOfDay: number }): boolean {
  if (p.onTheFly) return true;
  if (t < p.start || t > p.end) return false;
  if (p.activeDays[now.weekday] !== '1') return false;
  if (p.isHappyHour) {
    const from = localClock(p.start, tz).secondOfDay;
    const to = localClock(p.end, tz).secondOfDay;
    const s = now.secondOfDay;
    if (from <= to ? s < from || s > to : s < from && s > to) return false;
  }
  return true;
}

interface Unlock {
  program: Program;
  programIndex: number;
  input: string | null;
  qualifierId: string;
  limit: number | null;
}

function findUnlock(p: Promotion, programs: Program[]): Unlock | null {
  if (p.qualifiers.length === 0) return null;
  const ids = new Set(p.qualifiers.map((q) => q.groupQualifierId));
  for (let pi = 0; pi < programs.length; pi++) {
    const program = programs[pi]!;
    for (const gq of program.group_qualifiers) {
      for (const id of gq.qualifier_ids) {
        if (ids.has(id)) {
          return {
            program,
            programIndex: pi,
            input: gq.input,
            qualifierId: id,
            limit: gq.max_application_limit ?? null,
          };
        }
      }
    }
  }
  return null;
}

/** On-the-fly promotions from qualifiers' `promo_override` (§5.4). */
export function onTheFlyPromotions(
  req: EvaluateRequest,
  programs: Program[],
  diagnostics: Diagnostic[],
): Promotion[] {
  const out: Promotion[] = [];
  let n = 0;
  programs.forEach((program) => {
    program.group_qualifiers.forEach((gq) => {
      if (gq.promo_override === null || gq.promo_override === undefined) return;
      const id = `otf-${program.program_name}-${gq.input ?? ''}-${n++}`;
      const raw: Record<string, unknown> = {
        ...(gq.promo_override as Record<string, unknown>),
        id,
        stores: [req.store_id],
        availability: 's',
        special_promo_info: gq.qualifier_ids.map((q) => ({
          group_qualifier_id: q,
          description: program.program_title,
        })),
      };
      const { promotion, issues } = parsePromotion(
        raw,
        `special_promos.${program.program_name}.promo_override`,
      );
      if (!promotion) {
        diagnostics.push({
          code: 'INVALID_PROMO_OVERRIDE',
          promo_id: id,
          message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        });
        return;
      }
      promotion.onTheFly = true;
      out.push(promotion);
    });
  });
  return out;
}

export function selectCandidates(
  req: EvaluateRequest,
  set: PromotionSet,
  basket: BasketIndex,
  programs: Program[],
  evaluationMs: number,
  timezone: string,
  diagnostics: Diagnostic[],
): Candidate[] {
  // the basket's distinct SKUs and categories, as the index keeps them (no sets here)
  const found = set.lookup(basket.skus, basket.categoryKeys);
  const extra = programs.length > 0 ? onTheFlyPromotions(req, programs, diagnostics) : [];
  const pool = extra.length > 0 ? [...found, ...extra] : found;
  // at most one candidate per promotion: one array of that size, trimmed at the end
  const out: Candidate[] = new Array(pool.length);
  let count = 0;
  const now = localClock(evaluationMs, timezone);
  for (const p of pool) {
    if (!linkedTo(p, req.store_id)) continue;
    if (!p.isActive) continue;
    if (!inTime(p, evaluationMs, timezone, now)) continue;
    // computed once here and kept on the candidate (the pipeline and the result read it)
    const membership = basket.membersOf(p);
    if (membership.all.length === 0) continue;
    let limit = p.maxApplicationLimit;
    let special: SpecialPromoInfo | null = null;
    let programIndex: number | null = null;
    // Qualifiers only unlock (and re-limit) special-availability promotions (§5.2).
    if (p.availability === 's') {
      const unlock = findUnlock(p, programs);
      if (!unlock) continue;
      if (unlock.limit !== null) limit = unlock.limit;
      if (limit === 0) {
        diagnostics.push({
          code: 'DISABLED_BY_QUALIFIER',
          promo_id: p.id,
          message: 'qualifier max_application_limit is 0',
        });
        continue;
      }
      programIndex = unlock.programIndex;
      special = {
        program_name: unlock.program.program_name,
        program_title: unlock.program.program_title,
        input: unlock.input,
        qualifier_id: unlock.qualifierId,
        description: p.qualifiers.find((q) => q.groupQualifierId === unlock.qualifierId)?.description ?? null,
      };
    }
    out[count++] = { promo: p, limit, special, programIndex, membership };
  }
  out.length = count;
  return out;
}

/** Whether the promotion is linked to the store and not soft-deleted there (a loop, no closure per promotion). */
function linkedTo(p: Promotion, store: string): boolean {
  for (const s of p.stores) if (s.store === store && !s.softDelete) return true;
  return false;
}

/** §9.3: priority ascending, null last, then id. */
export function priorityOrder(a: Candidate, b: Candidate): number {
  const pa = a.promo.evaluatePriority;
  const pb = b.promo.evaluatePriority;
  if (pa !== pb) {
    if (pa === null) return 1;
    if (pb === null) return -1;
    return pa - pb;
  }
  return a.promo.id < b.promo.id ? -1 : a.promo.id > b.promo.id ? 1 : 0;
}
