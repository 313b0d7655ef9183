/**
 * Scan → item (spec/store.md §1.9). Rules are tried in the spec's order and the first that
 * yields an item wins; every refusal carries a code the kiosk and the console can act on.
 * Pure: the scan instant comes in `ctx.now`, and every catalogue lookup is one Map read.
 */
import type { Item } from '../catalog/schema';
import { roundDiv } from '../money';
import { GS, fromHumanReadable, gs1DateTimeToIso, gs1DateToIso, parseGs1 } from './gs1';
import type { Gs1Measure } from './gs1';
import { expandUpcE, gtinKey, hasValidCheckDigit, isDigits } from './gtin';
import { currencyNumeric } from './iso4217';
import { looksLikeRtc, parseRtc } from './reduce-to-clear';
import { GS1_SYMBOLOGIES } from './types';
import type {
  BarcodeConfig,
  Markdown,
  ScanCatalog,
  ScanContext,
  ScanErrorCode,
  ScanOutcome,
  ScanPriceSource,
  ScanResolution,
  ScanRule,
  Symbology,
} from './types';
import { parseVariableMeasure } from './variable-measure';

const EXPECTED_LENGTH: Partial<Record<Symbology, number[]>> = {
  EAN13: [13],
  EAN8: [8],
  UPCA: [12],
  UPCE: [6, 8],
};

/**
 * AIM symbology identifiers a scanner may prepend (ISO/IEC 15424), mapped where they matter:
 * the five GS1 carriers of element strings (GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR Code,
 * GS1 DotCode) and the numeric retail codes. Others (e.g. `]C0` plain Code 128, `]Q1` plain QR)
 * are removed and the data read without a symbology.
 */
const AIM: Record<string, Symbology | null> = {
  ']C1': 'GS1_128',
  ']e0': 'DATABAR',
  ']d2': 'DATAMATRIX',
  ']Q3': 'GS1_QR',
  ']J1': 'GS1_DOTCODE',
  ']E0': 'EAN13',
  ']E4': 'EAN8',
  ']I1': 'ITF',
};

const NUMERIC: ReadonlySet<Symbology> = new Set(['EAN13', 'EAN8', 'UPCA', 'UPCE', 'ITF']);

export interface SanitisedScan {
  code: string;
  symbology: Symbology | null;
  /** The code is a GS1 element string (FNC1 as GS). */
  gs1: boolean;
}

/**
 * §1.9 rule 1: trim, drop CR/LF and other non-printables (GS is kept: it is the GS1 field
 * separator), read an AIM symbology identifier, and remove spaces inside codes of numeric
 * symbologies (keyed codes are often typed in groups).
 */
const CLEAN = /^[\x21-\x7e]+$/;
/** Without a symbology, AI (01) + 14 digits + more reads as a GS1 element string. */
const GS1_START = /^01\d{14}./;

export function sanitiseScan(raw: string, symbology: Symbology | null = null): SanitisedScan {
  // Fast path: already clean printable ASCII without spaces, no AIM prefix (the common case).
  if (CLEAN.test(raw) && raw.charCodeAt(0) !== 0x5d /* ] */) {
    const gs1 =
      (symbology !== null && GS1_SYMBOLOGIES.has(symbology)) ||
      (symbology === null &&
        ((raw.charCodeAt(0) === 0x28 /* ( */ && fromHumanReadable(raw) !== null) || GS1_START.test(raw)));
    const code = gs1 && raw.charCodeAt(0) === 0x28 ? (fromHumanReadable(raw) ?? raw) : raw;
    return { code, symbology, gs1 };
  }
  let code = '';
  for (const ch of raw) {
    const c = ch.codePointAt(0)!;
    if (ch === GS || (c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c <= 0x9f))) code += ch;
  }
  code = code.trim();
  let sym = symbology;
  const aim = code.slice(0, 3);
  if (/^\][A-Za-z][0-9A-Za-z]$/.test(aim)) {
    const mapped = AIM[aim];
    if (sym === null && mapped) sym = mapped;
    code = code.slice(3);
  }
  while (code.startsWith(GS)) code = code.slice(1);
  while (code.endsWith(GS)) code = code.slice(0, -1);
  code = code.trim();
  const compact = code.replace(/ /g, '');
  if ((sym !== null && NUMERIC.has(sym)) || (sym === null && /^[\d ]+$/.test(code))) code = compact;
  let gs1 = (sym !== null && GS1_SYMBOLOGIES.has(sym)) || code.includes(GS);
  if (!gs1 && sym === null && code.startsWith('(')) gs1 = fromHumanReadable(compact) !== null;
  if (!gs1 && sym === null && GS1_START.test(compact)) gs1 = true;
  // No GS1 AI value may contain a space (GS1 character set 82), so spaces are only grouping.
  if (gs1) code = code.startsWith('(') ? (fromHumanReadable(compact) ?? compact) : compact;
  return { code, symbology: sym, gs1 };
}

const fail = (code: ScanErrorCode, message: string, details: Record<string, unknown> = {}): ScanOutcome => ({
  ok: false,
  error: { code, message, details },
});

const localDateFormats = new Map<string, Intl.DateTimeFormat>();
let lastLocalDate = { key: '', value: '' };
/** The store-local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(instant: string, timezone = 'UTC'): string {
  // A basket's scans share one instant: remember the last answer (formatting is the slow part).
  const key = `${timezone}|${instant}`;
  if (lastLocalDate.key === key) return lastLocalDate.value;
  let f = localDateFormats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    localDateFormats.set(timezone, f);
  }
  const value = f.format(new Date(instant));
  lastLocalDate = { key, value };
  return value;
}

const badgeRegexps = new WeakMap<BarcodeConfig, RegExp[]>();
function badgePatterns(config: BarcodeConfig): RegExp[] {
  let r = badgeRegexps.get(config);
  if (!r) {
    r = config.staff_badge_patterns.map((p) => new RegExp(p));
    badgeRegexps.set(config, r);
  }
  return r;
}

interface Extras {
  rule: ScanRule;
  matched: string;
  quantity?: number;
  weight_g?: number | null;
  unit_price?: bigint;
  line_price?: bigint;
  price_source?: ScanPriceSource;
  markdown?: Markdown | null;
  expiry?: string | null;
  expiry_time?: string | null;
  batch?: string | null;
}

function resolved(
  item: Item,
  code: string,
  symbology: Symbology | null,
  catalog: ScanCatalog,
  x: Extras,
): ScanResolution {
  const unit = x.unit_price ?? item.selling_price;
  const needsCheck = needsVerification(item, catalog);
  const r: ScanResolution = {
    item,
    rule: x.rule,
    code,
    matched_code: x.matched,
    symbology,
    quantity: x.quantity ?? 1,
    weight_g: x.weight_g ?? null,
    unit_price: unit,
    line_price: x.line_price ?? unit,
    price_source: x.price_source ?? 'catalog',
    markdown: x.markdown ?? null,
    expiry: x.expiry ?? null,
    expiry_time: x.expiry_time ?? null,
    batch: x.batch ?? null,
    requires_verification: needsCheck,
    minimum_age_required: item.minimum_age_required,
  };
  return r;
}

/** Sold per kg or l: the line needs a weight (or volume) to be priced. */
const isMeasured = (item: Item): boolean => item.unit_of_measure !== 'each';

/**
 * A resolved code. An item sold per kg/l found by a code that carries no weight is not a line
 * yet: `WEIGHT_REQUIRED`, with the item for the caller to weigh (spec §1.9 rule 4 prices a
 * weight; quantity 1 at the per-kg price would be a wrong sale).
 */
function resolution(
  item: Item,
  code: string,
  symbology: Symbology | null,
  catalog: ScanCatalog,
  x: Extras,
): ScanOutcome {
  const r = resolved(item, code, symbology, catalog, x);
  if (isMeasured(item) && r.price_source === 'catalog') return weightRequired(r, code);
  return { ok: true, resolution: r };
}

function weightRequired(r: ScanResolution, code: string, details: Record<string, unknown> = {}): ScanOutcome {
  const what = r.item.unit_of_measure === 'l' ? 'volume' : 'weight';
  return {
    ok: false,
    error: {
      code: 'WEIGHT_REQUIRED',
      message: `this item is sold per ${r.item.unit_of_measure} and the code carries no ${what}: weigh it`,
      details: { code, item_id: r.item.item_id, unit_of_measure: r.item.unit_of_measure, ...details },
    },
    needs_weight: r,
  };
}

/** The item (or one of its categories) needs approval, is restricted, or has a minimum age. */
export function needsVerification(item: Item, catalog: Pick<ScanCatalog, 'requiresApproval'>): boolean {
  return (
    catalog.requiresApproval(item) ||
    item.is_restricted ||
    (item.minimum_age_required !== null && item.minimum_age_required > 0)
  );
}

/** Price of `grams` of an item sold per kg/l, half-up to the minor unit (§4.3, Example F). */
export function priceForWeight(item: Item, grams: number): bigint {
  const perKg = item.price_per_unit_measure ?? item.selling_price;
  return roundDiv(perKg * BigInt(grams), 1000n);
}

/**
 * The item listed under any GTIN form of a numeric code (8, 12, 13 or 14 digits): the forms are
 * one trade item by GS1 definition (an EAN-13 with a leading 0 is a UPC-A, a GTIN-14 with
 * indicator 0 is its GTIN-13). At most four exact lookups, longest form first.
 */
export function lookupGtin(catalog: Pick<ScanCatalog, 'lookupExact'>, code: string): Item | undefined {
  const key = gtinKey(code);
  if (key === null) return undefined;
  let hit = catalog.lookupExact(key);
  if (hit === undefined && key.charCodeAt(0) === 48) hit = catalog.lookupExact(key.slice(1));
  if (hit === undefined && key.startsWith('00')) hit = catalog.lookupExact(key.slice(2));
  if (hit === undefined && key.startsWith('000000')) hit = catalog.lookupExact(key.slice(6));
  return hit?.item;
}

/** Exact code, then GTIN-normalised forms (rule 6, then rule 7's padding/UPC-A retries). */
function lookupCode(catalog: ScanCatalog, code: string): { item: Item; rule: ScanRule } | undefined {
  const exact = catalog.lookupExact(code);
  if (exact)
    return { item: exact.item, rule: exact.match === 'additional_barcode' ? 'additional_barcode' : 'exact' };
  if (gtinKey(code) !== null) {
    const g = lookupGtin(catalog, code);
    if (g) return { item: g, rule: 'gtin_normalised' };
  } else if (isDigits(code) && code.length < 13) {
    const padded = catalog.lookupExact(code.padStart(13, '0'));
    if (padded) return { item: padded.item, rule: 'gtin_normalised' };
  }
  return undefined;
}

/**
 * Resolves one scan against the catalogue. `symbology` is what the scanner reported, if anything.
 */
export function resolveScan(
  raw: string,
  symbology: Symbology | null,
  catalog: ScanCatalog,
  config: BarcodeConfig,
  ctx: ScanContext,
): ScanOutcome {
  const s = sanitiseScan(raw, symbology);
  const { code } = s;
  const sym = s.symbology;
  if (code.length === 0) return fail('MALFORMED', 'the scan is empty after removing control characters');

  // Rule 2: staff badge.
  for (const p of badgePatterns(config)) {
    if (p.test(code)) return fail('STAFF_BADGE_SCANNED', 'a staff badge, not an item', { code });
  }

  // GS1 element strings (rule 7, last bullet; done first because they are unambiguous).
  if (s.gs1) return resolveGs1(code, sym, catalog, config, ctx);

  // Rule 3: reduce-to-clear label.
  if (config.reduce_to_clear && sym === null && looksLikeRtc(code)) return resolveRtc(code, catalog);

  // Numeric symbologies: shape and check digit first (a keyed code with a typo must say so).
  if (sym !== null && NUMERIC.has(sym)) {
    if (!isDigits(code)) return fail('MALFORMED', `${sym} codes are digits only`, { code });
    const lengths = EXPECTED_LENGTH[sym];
    if (lengths && !lengths.includes(code.length)) {
      return fail('MALFORMED', `${sym} codes have ${lengths.join(' or ')} digits, got ${code.length}`, {
        code,
      });
    }
    if (sym === 'UPCE') return resolveUpcE(code, catalog);
    if (sym !== 'ITF' && !hasValidCheckDigit(code)) {
      return fail('BAD_CHECK_DIGIT', `the ${sym} check digit does not match`, { code });
    }
  }

  // Rule 4: variable measure. A UPC-A and its EAN-13 form (leading 0) are one code, so layouts
  // of both lengths are tried (a UPC-A of number system 2 matches an EAN-13 layout with prefix 02).
  if (
    config.variable_measure_layouts.length > 0 &&
    (code.length === 13 || code.length === 12) &&
    isDigits(code)
  ) {
    const forms =
      code.length === 12 ? [code, `0${code}`] : code.startsWith('0') ? [code, code.slice(1)] : [code];
    let unknown: ScanOutcome | null = null;
    for (const form of forms) {
      const vm = resolveVariableMeasure(form, code, sym, catalog, config);
      // An unknown reference under one reading may still be an item under the other.
      if (vm && !vm.ok && vm.error.code === 'UNKNOWN_BARCODE') unknown ??= vm;
      else if (vm) return vm;
    }
    if (unknown) return unknown;
  }

  // Rule 5: one code, several items.
  const several = catalog.lookupCatalogIdentifier(code);
  if (several && several.length > 1) {
    return {
      ok: false,
      error: { code: 'CHOICE_REQUIRED', message: 'this code stands for several items', details: { code } },
      choice: { code, items: several },
    };
  }
  if (several && several.length === 1) {
    return resolution(several[0]!, code, sym, catalog, { rule: 'catalog_identifier', matched: code });
  }

  // Rule 6 (and the GTIN retries of rule 7).
  const found = lookupCode(catalog, code);
  if (found)
    return resolution(found.item, code, sym, catalog, {
      rule: found.rule,
      matched: found.item.product_identifier,
    });
  if (config.match_retailer_product_id) {
    const byRid = catalog.lookupRetailerProductId(code);
    if (byRid) return resolution(byRid, code, sym, catalog, { rule: 'retailer_product_id', matched: code });
  }

  // Rule 7: ITF — strip one leading zero, match as a unique suffix.
  if (sym === 'ITF' && isDigits(code)) {
    const suffix = code.startsWith('0') ? code.slice(1) : code;
    const hits = catalog.findBySuffix(suffix, 2);
    if (hits.length === 1)
      return resolution(hits[0]!, code, sym, catalog, {
        rule: 'itf_suffix',
        matched: hits[0]!.product_identifier,
      });
  }

  // GS1 DataBar read by a keyboard-wedge scanner without symbology identifiers arrives as the
  // bare element string `01` + GTIN-14 (16 digits). No GTIN has 16 digits, so once no item is
  // listed under the code itself it can only be that (the GTIN's own check digit must hold).
  if (sym === null && code.length === 16 && code.startsWith('01') && isDigits(code)) {
    return resolveGs1(code, null, catalog, config, ctx);
  }

  if (sym === null && isDigits(code) && gtinKey(code) !== null && !hasValidCheckDigit(code)) {
    return fail('BAD_CHECK_DIGIT', 'the check digit does not match', { code });
  }
  return fail('UNKNOWN_BARCODE', 'no item has this code', { code });
}

function resolveUpcE(code: string, catalog: ScanCatalog): ScanOutcome {
  const upca = expandUpcE(code);
  if (upca === null) return fail('MALFORMED', 'not a UPC-E code (number system 0 or 1)', { code });
  if (!hasValidCheckDigit(upca))
    return fail('BAD_CHECK_DIGIT', 'the UPC-E check digit does not match', { code, upca });
  const exact = catalog.lookupExact(code);
  if (exact) return resolution(exact.item, code, 'UPCE', catalog, { rule: 'exact', matched: code });
  const g = lookupGtin(catalog, upca);
  if (g) return resolution(g, code, 'UPCE', catalog, { rule: 'upce_expanded', matched: upca });
  return fail('UNKNOWN_BARCODE', 'no item has this code', { code, upca });
}

function resolveVariableMeasure(
  form: string,
  code: string,
  sym: Symbology | null,
  catalog: ScanCatalog,
  config: BarcodeConfig,
): ScanOutcome | null {
  const vm = parseVariableMeasure(form, config.variable_measure_layouts);
  if (vm === null) return null;
  if (!vm.ok) {
    return fail(
      'BAD_CHECK_DIGIT',
      vm.which === 'price' ? 'the price check digit does not match' : 'the check digit does not match',
      {
        code,
      },
    );
  }
  const { parts } = vm;
  const hit = catalog.lookupExact(parts.catalogCode);
  if (!hit) {
    // A store may still list some full 13-digit codes in the 2x range.
    const exact = catalog.lookupExact(code);
    if (exact) return resolution(exact.item, code, sym, catalog, { rule: 'exact', matched: code });
    return fail('UNKNOWN_BARCODE', 'no item has this variable-measure reference', {
      code,
      reference: parts.catalogCode,
    });
  }
  const item = hit.item;
  if (parts.layout.value_kind === 'weight_g') {
    if (parts.value <= 0) return fail('ZERO_WEIGHT', 'the label gives a weight of zero', { code });
    return resolution(item, code, sym, catalog, {
      rule: 'variable_measure',
      matched: parts.catalogCode,
      quantity: parts.value,
      weight_g: parts.value,
      unit_price: item.price_per_unit_measure ?? item.selling_price,
      line_price: priceForWeight(item, parts.value),
      price_source: 'weight',
    });
  }
  const price = BigInt(parts.value);
  return resolution(item, code, sym, catalog, {
    rule: 'variable_measure',
    matched: parts.catalogCode,
    quantity: 1,
    unit_price: price,
    line_price: price,
    price_source: 'price_embedded',
  });
}

function resolveRtc(code: string, catalog: ScanCatalog): ScanOutcome {
  const p = parseRtc(code);
  if (!p.ok) return fail(p.reason, p.message, { code });
  const { label } = p;
  if (!hasValidCheckDigit(label.barcode)) {
    return fail('BAD_CHECK_DIGIT', 'the barcode inside the markdown label has a wrong check digit', {
      code,
      barcode: label.barcode,
    });
  }
  const found = lookupCode(catalog, label.barcode);
  if (!found)
    return fail('UNKNOWN_BARCODE', 'no item has the barcode inside this markdown label', {
      code,
      barcode: label.barcode,
    });
  const item = found.item;
  const exponent = catalog.exponent;
  let price: bigint;
  let markdown: Markdown;
  if (label.kind === 'absolute_price') {
    // The label's value is hundredths of the major unit.
    price = roundDiv(BigInt(label.value) * 10n ** BigInt(exponent), 100n);
    markdown = { kind: 'absolute_price', value: price, original_price: item.selling_price };
  } else {
    price = roundDiv(item.selling_price * BigInt(10000 - label.value), 10000n);
    markdown = { kind: 'percent_off', value: BigInt(label.value), original_price: item.selling_price };
  }
  return resolution(item, code, null, catalog, {
    rule: 'reduce_to_clear',
    matched: item.product_identifier,
    unit_price: price,
    line_price: price,
    price_source: 'markdown',
    markdown,
  });
}

const localDateTimeFormats = new Map<string, Intl.DateTimeFormat>();
/** The store-local `YYYY-MM-DDTHH:MM` of an instant. */
export function localDateTime(instant: string, timezone = 'UTC'): string {
  let f = localDateTimeFormats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localDateTimeFormats.set(timezone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(instant))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** `digits` × 10^-decimals in minor units of a currency with `exponent` decimals; null when not whole. */
function toMinorUnits(digits: bigint, decimals: number, exponent: number): bigint | null {
  if (decimals <= exponent) return digits * 10n ** BigInt(exponent - decimals);
  const d = 10n ** BigInt(decimals - exponent);
  return digits % d === 0n ? digits / d : null;
}

/** A measure in kg or l → whole grams or millilitres, half-up (the line's quantity). */
const thousandths = (m: Gs1Measure): number => Number(roundDiv(m.digits * 1000n, 10n ** BigInt(m.decimals)));

/**
 * A GS1 element string: every AI read against the table (anything unclean is refused by name),
 * then the facts a till acts on. The price is the printed one (392n, or 393n in the store's
 * currency); otherwise an item sold per kg/l is priced from its net weight (310n) or net volume
 * (315n) exactly as printed, `round_half_up(price per kg × value)`; expiry (17, 7003) is judged
 * store-local.
 */
function resolveGs1(
  code: string,
  sym: Symbology | null,
  catalog: ScanCatalog,
  config: BarcodeConfig,
  ctx: ScanContext,
): ScanOutcome {
  const today = localDate(ctx.now, ctx.timezone);
  // Two-digit years are placed around the store-local year of the scan (GS1 century window).
  const refYear = Number(today.slice(0, 4));
  const parsed = parseGs1(code, refYear);
  if (!parsed.ok) {
    const { error } = parsed;
    return fail(error.code, error.message, error.ai === undefined ? { code } : { code, ai: error.ai });
  }
  const d = parsed.data;
  if (d.gtin === null)
    return fail('GS1_MISSING_AI', 'no GTIN (01): the code does not identify an item for sale', { code });
  // Both are valid dates: the syntax check applied the same calendar and century window.
  const expiryTime = d.expiry_time === null ? null : gs1DateTimeToIso(d.expiry_time, refYear);
  const expiry =
    d.expiry_yymmdd !== null ? gs1DateToIso(d.expiry_yymmdd, refYear) : (expiryTime?.slice(0, 10) ?? null);
  const item = lookupGtin(catalog, d.gtin);
  if (!item) return fail('UNKNOWN_BARCODE', 'no item has this GTIN', { code, gtin: d.gtin });
  // Expired goods are refused at scan: AI 17 is the last day it may be sold, AI 7003 the last
  // minute (store-local).
  if (d.expiry_yymmdd !== null && expiry !== null && expiry < today) {
    return fail('EXPIRED', `expired on ${expiry}`, { code, expiry, today, item_id: item.item_id });
  }
  if (expiryTime !== null) {
    const now = localDateTime(ctx.now, ctx.timezone);
    if (expiryTime < now)
      return fail('EXPIRED', `expired at ${expiryTime.replace('T', ' ')}`, {
        code,
        expiry_time: expiryTime,
        now,
        item_id: item.item_id,
      });
  }
  const measure = item.unit_of_measure === 'l' ? d.net_volume_l : d.net_weight_kg;
  for (const m of [d.net_weight_kg, d.net_volume_l]) {
    if (m !== null && thousandths(m) <= 0) {
      return fail(
        'ZERO_WEIGHT',
        `AI (${m.ai}) gives ${m.ai.startsWith('315') ? 'a volume' : 'a weight'} of zero`,
        {
          code,
          ai: m.ai,
        },
      );
    }
  }
  const x: Extras = {
    rule: 'gs1_element_string',
    matched: d.gtin,
    expiry,
    expiry_time: expiryTime,
    batch: d.batch,
  };
  const symbology = sym ?? 'GS1_128';
  if (d.price !== null) {
    const p = d.price;
    if (p.currency !== null) {
      const store = config.currency === undefined ? null : currencyNumeric(config.currency);
      if (store === null) {
        return fail(
          'CURRENCY_MISMATCH',
          `the price names currency ${p.currency} and the store's currency is not configured`,
          {
            code,
            currency: p.currency,
          },
        );
      }
      if (p.currency !== store) {
        return fail(
          'CURRENCY_MISMATCH',
          `the price is in currency ${p.currency}, the store sells in ${config.currency} (${store})`,
          {
            code,
            currency: p.currency,
            store_currency: store,
          },
        );
      }
    }
    const price = toMinorUnits(p.digits, p.decimals, catalog.exponent);
    if (price === null) {
      return fail('PRICE_PRECISION', `AI (${p.ai}) gives a price finer than the currency's minor unit`, {
        code,
        ai: p.ai,
      });
    }
    x.unit_price = price;
    x.line_price = price;
    x.price_source = 'price_embedded';
    const info = measure ?? d.net_weight_kg;
    if (info !== null) x.weight_g = thousandths(info);
    return { ok: true, resolution: resolved(item, code, symbology, catalog, x) };
  }
  if (!isMeasured(item)) {
    // A fixed-price pack whose label also states its net weight: the weight is information only.
    if (d.net_weight_kg !== null) x.weight_g = thousandths(d.net_weight_kg);
    return { ok: true, resolution: resolved(item, code, symbology, catalog, x) };
  }
  if (measure === null) {
    const other = [...d.other_measures];
    if (item.unit_of_measure === 'l' && d.net_weight_kg !== null) other.unshift(d.net_weight_kg.ai);
    if (item.unit_of_measure === 'kg' && d.net_volume_l !== null) other.unshift(d.net_volume_l.ai);
    return weightRequired(
      resolved(item, code, symbology, catalog, x),
      code,
      other.length > 0 ? { measures_on_label: other } : {},
    );
  }
  const perUnit = item.price_per_unit_measure ?? item.selling_price;
  const amount = thousandths(measure);
  x.quantity = amount;
  x.weight_g = amount;
  x.unit_price = perUnit;
  // Priced from the printed measure itself, not from the rounded grams.
  x.line_price = roundDiv(perUnit * measure.digits, 10n ** BigInt(measure.decimals));
  x.price_source = 'weight';
  return { ok: true, resolution: resolved(item, code, symbology, catalog, x) };
}
