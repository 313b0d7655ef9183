/** The evaluate response (spec §12): the original's JSON shape, plus a typed result. */
import { formatMoney } from '../money';
import type { Diagnostic } from './candidates';
import type { LineInfo } from './request';
import type { ClusterReport, PipelineResult } from './pipeline';
import type { AppliedRecord, SuggestionInfo } from './state';

export type { AppliedRecord } from './state';
import type { Candidate, Unit } from './types';
import { BASKET_FAMILIES } from './types';

export type UnitRole = 'discounted' | 'requisite' | 'remaining';

export interface UnitResult {
  k: number;
  pack: number;
  role: UnitRole;
  discount: bigint;
  finalPrice: bigint;
  records: readonly AppliedRecord[];
}

export interface LineResult {
  sno: number;
  sku: string;
  units: UnitResult[];
}

export interface SuggestionResult {
  promoId: string;
  family: string;
  missingQty?: number;
  missingAmount?: bigint;
  freeItemMissing?: boolean;
  /** Line numbers (sno) the suggestion is shown on. */
  lines: number[];
}

export interface EvaluationResult {
  lines: LineResult[];
  totals: { totalMrp: bigint; totalSp: bigint; discount: bigint; totalAfterPromos: bigint };
  basketPromos: { promoId: string; discount: bigint }[];
  appliedPromoIds: string[];
  suggestions: SuggestionResult[];
  clusters: ClusterReport[];
  diagnostics: Diagnostic[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const WIRE_PLACES = 3;

const lineScratch = { perLine: new Int32Array(64), hasRemaining: new Uint8Array(64) };

export function buildResult(
  units: readonly Unit[],
  lines: LineInfo[],
  pr: PipelineResult,
  diagnostics: Diagnostic[],
): EvaluationResult {
  const st = pr.state;
  const perUnit = st.records!.perUnit();
  if (lineScratch.perLine.length < lines.length) {
    lineScratch.perLine = new Int32Array(lines.length * 2);
    lineScratch.hasRemaining = new Uint8Array(lines.length * 2);
  }
  // per-line counters reused by every result (built synchronously, never kept)
  const hasRemaining = lineScratch.hasRemaining.fill(0, 0, lines.length);
  // each line's units array at its exact size (units come line by line, in basket order)
  const perLine = lineScratch.perLine.fill(0, 0, lines.length);
  for (const u of units) perLine[u.lineIndex]!++;
  const lineResults: LineResult[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++)
    lineResults[i] = { sno: i + 1, sku: lines[i]!.item.sku, units: new Array(perLine[i]!) };
  perLine.fill(0, 0, lines.length);
  let discount = 0n;
  let discountN = 0;
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const recs = perUnit[u.idx]!;
    let hasTarget = false;
    for (const r of recs) if (r.role === 'target') hasTarget = true;
    const role: UnitRole =
      st.hasDiscount(u.idx) || hasTarget ? 'discounted' : st.reqUsed[u.idx] ? 'requisite' : 'remaining';
    const cum = st.cumAt(u.idx);
    if (st.numeric) discountN += st.cumN[u.idx]!;
    else discount += cum;
    if (role === 'remaining') hasRemaining[u.lineIndex] = 1;
    lineResults[u.lineIndex]!.units[perLine[u.lineIndex]!++] = {
      k: u.k,
      pack: u.pack,
      role,
      discount: cum,
      finalPrice: st.price[u.idx]!,
      records: recs,
    };
  }
  if (st.numeric) discount = BigInt(discountN);
  const { totalMrp, totalSp } = lineTotals(lines, st.numeric);

  let basketCount = 0;
  for (const c of pr.candidates) if (isBasketApplied(c, pr)) basketCount++;
  const basketPromos: EvaluationResult['basketPromos'] = new Array(basketCount);
  for (let i = 0, k = 0; k < basketCount; i++) {
    const c = pr.candidates[i]!;
    if (isBasketApplied(c, pr))
      basketPromos[k++] = { promoId: c.promo.id, discount: pr.discountByPromo.get(c.promo.id)! };
  }

  const suggestions: SuggestionResult[] = new Array(pr.suggestions.length);
  for (let si = 0; si < pr.suggestions.length; si++) {
    const s = pr.suggestions[si]!;
    const basket = BASKET_FAMILIES.has(s.cand.promo.family);
    // members come in basket order, so their lines come sorted: one pass, no set or sort
    const members = (s.cand.membership ?? pr.basket.membership(s.cand.promo)).all;
    let count = 0;
    for (let pass = 0, last = -1; pass < members.length; pass++) {
      const li = units[members[pass]!]!.lineIndex;
      if (li === last) continue;
      last = li;
      if (basket || hasRemaining[li]) count++;
    }
    const shown: number[] = new Array(count);
    for (let i = 0, k = 0, last = -1; i < members.length; i++) {
      const li = units[members[i]!]!.lineIndex;
      if (li === last) continue;
      last = li;
      if (basket || hasRemaining[li]) shown[k++] = li + 1;
    }
    suggestions[si] = suggestionOf(s.cand.promo.id, s.cand.promo.family, s.info, shown);
  }
  return {
    lines: lineResults,
    totals: { totalMrp, totalSp, discount, totalAfterPromos: totalSp - discount },
    basketPromos,
    appliedPromoIds: appliedIds(pr.discountByPromo),
    suggestions,
    clusters: pr.clusters,
    diagnostics,
  };
}

const isBasketApplied = (c: Candidate, pr: PipelineResult): boolean =>
  BASKET_FAMILIES.has(c.promo.family) && (pr.discountByPromo.get(c.promo.id) ?? 0n) > 0n;

/** Σ qty × SP and Σ qty × MRP over the lines: in exact numbers when the state proved amounts below 2^53. */
function lineTotals(lines: LineInfo[], numeric: boolean): { totalMrp: bigint; totalSp: bigint } {
  if (numeric) {
    // every unit's max(MRP, SP) summed is below the numericSafe bound, so are these sums
    let sp = 0;
    let mrp = 0;
    for (const l of lines) {
      sp += Number(l.sp) * l.qty;
      mrp += Number(l.mrp) * l.qty;
    }
    if (Number.isSafeInteger(sp) && Number.isSafeInteger(mrp))
      return { totalMrp: BigInt(mrp), totalSp: BigInt(sp) };
  }
  let totalMrp = 0n;
  let totalSp = 0n;
  for (const l of lines) {
    const q = BigInt(l.qty);
    totalSp += l.sp * q;
    totalMrp += l.mrp * q;
  }
  return { totalMrp, totalSp };
}

/**
 * A suggestion with the keys in the order the result always had (promoId, family, then
 * what is missing, then lines), written as literals so that no property is added after
 * creation (an added property moves the object's fields to a separate store).
 */
function suggestionOf(
  promoId: string,
  family: string,
  info: SuggestionInfo,
  lines: number[],
): SuggestionResult {
  const q = info.missingQty;
  const a = info.missingAmount;
  const free = info.freeItemMissing === true;
  if (q !== undefined && a === undefined)
    return free
      ? { promoId, family, missingQty: q, freeItemMissing: true, lines }
      : { promoId, family, missingQty: q, lines };
  if (q === undefined && a !== undefined && !free) return { promoId, family, missingAmount: a, lines };
  const out = { promoId, family } as SuggestionResult;
  if (q !== undefined) out.missingQty = q;
  if (a !== undefined) out.missingAmount = a;
  if (free) out.freeItemMissing = true;
  out.lines = lines;
  return out;
}

/** Ids of the promotions that gave a discount, sorted (without the entry pairs of a spread). */
function appliedIds(byPromo: Map<string, bigint>): string[] {
  let n = 0;
  byPromo.forEach((d) => {
    if (d > 0n) n++;
  });
  const ids: string[] = new Array(n);
  let k = 0;
  byPromo.forEach((d, id) => {
    if (d > 0n) ids[k++] = id;
  });
  return sortStrings(ids);
}

/** Sorts strings in place by code unit (the default sort's order); an insertion sort for short lists, which allocates nothing. */
function sortStrings(xs: string[]): string[] {
  if (xs.length > 64) return xs.sort();
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && xs[j]! > x) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
  return xs;
}

/** The wire response (spec §12) built from the typed result. */
export function buildWireResponse(
  req: { customer_id: string | null; is_guest_user: boolean; basket: { id?: unknown } },
  lines: LineInfo[],
  result: EvaluationResult,
  pr: PipelineResult,
  programs: {
    program_name: string;
    program_title: string | null;
    group_qualifiers: { input: string | null; qualifier_ids: string[] }[];
  }[],
  exponent: number,
): Json {
  const m = (v: bigint) => formatMoney(v, exponent, Math.max(WIRE_PLACES, exponent));
  const byId = new Map<string, Candidate>(pr.candidates.map((c) => [c.promo.id, c]));
  const recordJson = (r: AppliedRecord, amount: bigint, finalPrice: bigint): Json => {
    const c = byId.get(r.promoId)!;
    const p = c.promo;
    return {
      promo_id: p.id,
      promo_id_retailer: p.promoIdRetailer,
      promo_title: p.title,
      promo_family: p.family,
      promo_short_code: p.promoShortCode,
      discount: m(amount),
      final_price: m(finalPrice),
      priority: p.evaluatePriority,
      evaluate_criteria: p.evaluateCriteria,
      layer: p.layer,
      discount_apply_type: p.discountApplyType,
      extra_data: p.extraData,
      promo_application_times: r.setIndex,
      promo_max_application_limit: c.limit,
      special_promo_info: c.special,
      zero_discount_applied: r.role === 'target' && amount === 0n,
      item_source: r.role === 'target' ? 'discount_info' : 'requisite_info',
    };
  };

  const items = lines.map((line, li) => {
    const lr = result.lines[li]!;
    // Packs fold back into one entry unit each (§11.1).
    const entryUnits = foldPacks(lr.units, line.packSize);
    // Units with the same outcome merge into one entry; a line has few distinct outcomes.
    const groups: { role: UnitRole; count: number; eu: EntryUnit }[] = [];
    for (const eu of entryUnits) {
      const g = groups.find((x) => sameOutcome(x.eu, eu));
      if (g) g.count++;
      else groups.push({ role: eu.role, count: 1, eu });
    }
    const discountInfo: Json[] = [];
    const requisiteInfo: Json[] = [];
    let remaining = 0;
    for (const g of groups) {
      if (g.role === 'remaining') {
        remaining += g.count;
        continue;
      }
      const lastLayer = g.eu.records.reduce((mx, r) => Math.max(mx, r.layer), 0);
      const entry: Json = {
        consumed_qty: g.count,
        discount: m(g.eu.discount),
        final_price: m(g.eu.finalPrice),
        applied_promos: g.eu.records
          .filter((r) => r.layer === lastLayer)
          .map((r) => recordJson(r, r.discount, r.finalPrice)),
      };
      if (g.role === 'discounted') {
        entry.applied_promos_prev_layers = g.eu.records
          .filter((r) => r.layer !== lastLayer)
          .map((r) => recordJson(r, r.discount, r.finalPrice));
        discountInfo.push(entry);
      } else requisiteInfo.push(entry);
    }
    const promoSuggestions = result.suggestions
      .filter((s) => s.lines.includes(li + 1))
      .map((s) => {
        const c = byId.get(s.promoId)!;
        const out: Json = {
          promo_id: c.promo.id,
          promo_id_retailer: c.promo.promoIdRetailer,
          promo_title: c.promo.title,
          promo_family: c.promo.family,
          promo_short_code: c.promo.promoShortCode,
          special_promo_info: c.special,
        };
        if (s.missingQty !== undefined) out.missing_qty = s.missingQty;
        if (s.missingAmount !== undefined) out.missing_amount = m(s.missingAmount);
        if (s.freeItemMissing) out.free_item_missing = true;
        return out;
      });
    const item = line.item;
    const out: Json = {
      id: item.id ?? null,
      sku: item.sku,
      barcode: item.barcode ?? null,
      mrp: m(line.mrp),
      sp: m(line.sp),
      qty: String(line.qty),
      uom: item.uom ?? null,
      weight: item.weight ?? '1',
      categories: line.categories,
      item_type: item.item_type,
      item_id: item.item_id ?? null,
      item_addons: item.item_addons ?? null,
      discount_info: discountInfo,
      requisite_info: requisiteInfo,
      remaining_info: { remaining_qty: remaining, promo_suggestions: promoSuggestions },
    };
    if (line.packSize > 1) {
      out.pack_size = line.packSize;
      out.original_promo_response = lr.units.map((u) => ({
        pack: u.pack,
        unit: u.k,
        role: u.role,
        discount: m(u.discount),
        final_price: m(u.finalPrice),
      }));
    }
    return out;
  });

  const basketPromoJson = result.basketPromos.map(({ promoId, discount }) => {
    const c = byId.get(promoId)!;
    return {
      promo_id: c.promo.id,
      promo_id_retailer: c.promo.promoIdRetailer,
      promo_title: c.promo.title,
      promo_family: c.promo.family,
      discount: m(discount),
      layer: c.promo.layer,
      special_promo_info: c.special,
    };
  });
  let basketDiscount = 0n;
  for (const b of result.basketPromos) basketDiscount += b.discount;

  // §12.5: per programme, the total of the promotions it unlocked that gave a discount.
  const programDiscount = new Map<number, bigint>();
  for (const [id, d] of pr.discountByPromo) {
    const c = byId.get(id)!;
    if (c.programIndex === null || d <= 0n) continue;
    programDiscount.set(c.programIndex, (programDiscount.get(c.programIndex) ?? 0n) + d);
  }
  let specialTotal = 0n;
  const appliedPrograms = [...programDiscount.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([pi, d]) => {
      specialTotal += d;
      const program = programs[pi]!;
      return {
        program_name: program.program_name,
        program_title: program.program_title,
        discount: m(d),
        group_qualifiers: program.group_qualifiers.map((gq) => ({
          input: gq.input,
          qualifier_ids: gq.qualifier_ids,
          group_qualifier_description:
            pr.candidates.find(
              (c) => c.programIndex === pi && gq.qualifier_ids.includes(c.special?.qualifier_id ?? ''),
            )?.special?.description ?? null,
        })),
      };
    });

  return {
    status: true,
    status_msg: null,
    customer_id: req.customer_id,
    is_guest_user: req.is_guest_user,
    basket: {
      id: req.basket.id ?? null,
      total_mrp: m(result.totals.totalMrp),
      total_sp: m(result.totals.totalSp),
      discount: m(result.totals.discount),
      total_after_promos: m(result.totals.totalAfterPromos),
      total_sp_minor: result.totals.totalSp.toString(),
      discount_minor: result.totals.discount.toString(),
      total_after_promos_minor: result.totals.totalAfterPromos.toString(),
      basket_threshold_promos: {
        discount_already_deducted_from_basket_total: true,
        discount: m(basketDiscount),
        applied_promos: basketPromoJson,
      },
      special_promos_info: { discount: m(specialTotal), applied_programs: appliedPrograms },
      items,
    },
    best_discount_clusters: result.clusters.map((c) => ({
      layer: c.layer,
      kind: c.kind,
      promo_ids: c.promoIds,
      method: c.method,
      proven_optimal: c.provenOptimal,
      states_explored: c.statesExplored,
      discount: m(c.discount),
      original_algorithm: c.originalAlgorithm,
      original_algorithm_discount: m(c.originalAlgorithmDiscount),
    })),
    diagnostics: result.diagnostics,
  };
}

function sameOutcome(a: EntryUnit, b: EntryUnit): boolean {
  if (a.role !== b.role || a.discount !== b.discount || a.finalPrice !== b.finalPrice) return false;
  if (a.records.length !== b.records.length) return false;
  for (let i = 0; i < a.records.length; i++) {
    const x = a.records[i]!;
    const y = b.records[i]!;
    if (x.promoId !== y.promoId || x.discount !== y.discount || x.role !== y.role || x.layer !== y.layer)
      return false;
  }
  return true;
}

interface EntryUnit {
  role: UnitRole;
  discount: bigint;
  finalPrice: bigint;
  records: readonly AppliedRecord[];
}

function foldPacks(units: UnitResult[], packSize: number): EntryUnit[] {
  if (packSize <= 1) return units;
  const packs = new Map<number, UnitResult[]>();
  for (const u of units) {
    const list = packs.get(u.pack);
    if (list) list.push(u);
    else packs.set(u.pack, [u]);
  }
  return [...packs.values()].map((us) => {
    const role: UnitRole = us.some((u) => u.role === 'discounted')
      ? 'discounted'
      : us.some((u) => u.role === 'requisite')
        ? 'requisite'
        : 'remaining';
    const byPromo = new Map<string, AppliedRecord>();
    for (const u of us)
      for (const r of u.records) {
        const key = `${r.promoId}|${r.role}|${r.layer}`;
        const prev = byPromo.get(key);
        if (prev) {
          prev.discount += r.discount;
          prev.finalPrice += r.finalPrice;
        } else
          byPromo.set(key, {
            promoId: r.promoId,
            promoIdRetailer: r.promoIdRetailer,
            title: r.title,
            family: r.family,
            discount: r.discount,
            finalPrice: r.finalPrice,
            layer: r.layer,
            setIndex: r.setIndex,
            discountApplyType: r.discountApplyType,
            role: r.role,
          });
      }
    let discount = 0n;
    let finalPrice = 0n;
    for (const u of us) {
      discount += u.discount;
      finalPrice += u.finalPrice;
    }
    return { role, discount, finalPrice, records: [...byPromo.values()] };
  });
}
