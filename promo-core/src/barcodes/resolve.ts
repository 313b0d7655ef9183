/**
 * Scan → item (spec/store.md §1.9). Rules are tried in the spec's order and the first that
 * yields an item wins; every refusal carries a code the kiosk and the console can act on.
 * Pure: the scan instant comes in `ctx.now`, and every catalogue lookup is one Map read.
 */
import type { CatalogIndex } from '../catalog/catalog-index';
import type { Item } from '../catalog/schema';
import { roundDiv } from '../money';
import { GS, fromHumanReadable, gs1DateToIso, parseGs1 } from './gs1';
import { expandUpcE, gtinKey, hasValidCheckDigit, isDigits } from './gtin';
import { looksLikeRtc, parseRtc } from './reduce-to-clear';
import type {
  BarcodeConfig,
  Markdown,
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

/** AIM symbology identifiers a scanner may prepend (ISO/IEC 15424), mapped where they matter. */
const AIM: Record<string, Symbology | null> = {
  ']C1': 'GS1_128',
  ']d2': 'DATAMATRIX',
  ']e0': 'GS1_128',
  ']Q3': 'DATAMATRIX',
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
      symbology === 'GS1_128' ||
      symbology === 'DATAMATRIX' ||
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
  let gs1 = sym === 'GS1_128' || sym === 'DATAMATRIX' || code.includes(GS);
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
  batch?: string | null;
}

function resolution(
  item: Item,
  code: string,
  symbology: Symbology | null,
  catalog: CatalogIndex,
  x: Extras,
): ScanOutcome {
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
    batch: x.batch ?? null,
    requires_verification: needsCheck,
    minimum_age_required: item.minimum_age_required,
  };
  return { ok: true, resolution: r };
}

/** The item (or one of its categories) needs approval, is restricted, or has a minimum age. */
export function needsVerification(item: Item, catalog: CatalogIndex): boolean {
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

/** Exact code, then GTIN-normalised forms (rule 6, then rule 7's padding/UPC-A retries). */
function lookupCode(catalog: CatalogIndex, code: string): { item: Item; rule: ScanRule } | undefined {
  const exact = catalog.lookupExact(code);
  if (exact)
    return { item: exact.item, rule: exact.match === 'additional_barcode' ? 'additional_barcode' : 'exact' };
  if (gtinKey(code) !== null) {
    const g = catalog.lookupGtin(code);
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
  catalog: CatalogIndex,
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
  if (s.gs1) return resolveGs1(code, sym, catalog, ctx);

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

  if (sym === null && isDigits(code) && gtinKey(code) !== null && !hasValidCheckDigit(code)) {
    return fail('BAD_CHECK_DIGIT', 'the check digit does not match', { code });
  }
  return fail('UNKNOWN_BARCODE', 'no item has this code', { code });
}

function resolveUpcE(code: string, catalog: CatalogIndex): ScanOutcome {
  const upca = expandUpcE(code);
  if (upca === null) return fail('MALFORMED', 'not a UPC-E code (number system 0 or 1)', { code });
  if (!hasValidCheckDigit(upca))
    return fail('BAD_CHECK_DIGIT', 'the UPC-E check digit does not match', { code, upca });
  const exact = catalog.lookupExact(code);
  if (exact) return resolution(exact.item, code, 'UPCE', catalog, { rule: 'exact', matched: code });
  const g = catalog.lookupGtin(upca);
  if (g) return resolution(g, code, 'UPCE', catalog, { rule: 'upce_expanded', matched: upca });
  return fail('UNKNOWN_BARCODE', 'no item has this code', { code, upca });
}

function resolveVariableMeasure(
  form: string,
  code: string,
  sym: Symbology | null,
  catalog: CatalogIndex,
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
    if (parts.value <= 0) return fail('MALFORMED', 'a weight of zero', { code });
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

function resolveRtc(code: string, catalog: CatalogIndex): ScanOutcome {
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

function resolveGs1(
  code: string,
  sym: Symbology | null,
  catalog: CatalogIndex,
  ctx: ScanContext,
): ScanOutcome {
  const parsed = parseGs1(code, catalog.exponent);
  if (!parsed.ok) return fail(parsed.reason, parsed.message, { code });
  const d = parsed.data;
  if (d.gtin === null) return fail('MALFORMED', 'a GS1 element string without a GTIN (01)', { code });
  const today = localDate(ctx.now, ctx.timezone);
  const refYear = Number(today.slice(0, 4));
  let expiry: string | null = null;
  if (d.expiry_yymmdd !== null) {
    expiry = gs1DateToIso(d.expiry_yymmdd, refYear);
    if (expiry === null)
      return fail('MALFORMED', `AI (17) ${d.expiry_yymmdd} is not a calendar date`, { code });
  }
  const item = catalog.lookupGtin(d.gtin) ?? catalog.lookupExact(d.gtin)?.item;
  if (!item) return fail('UNKNOWN_BARCODE', 'no item has this GTIN', { code, gtin: d.gtin });
  // Expired goods are refused at scan (expiry is the last day it may be sold, store-local).
  if (expiry !== null && expiry < today) {
    return fail('EXPIRED', `expired on ${expiry}`, { code, expiry, today, item_id: item.item_id });
  }
  const x: Extras = { rule: 'gs1_element_string', matched: d.gtin, expiry, batch: d.batch };
  if (d.price_minor !== null) {
    Object.assign(x, {
      unit_price: d.price_minor,
      line_price: d.price_minor,
      price_source: 'price_embedded',
    });
    if (d.weight_g !== null) x.weight_g = d.weight_g;
  } else if (d.weight_g !== null && item.unit_of_measure === 'each' && item.price_per_unit_measure === null) {
    // A fixed-price pack whose label also states its net weight: the weight is information only.
    x.weight_g = d.weight_g;
  } else if (d.weight_g !== null) {
    Object.assign(x, {
      quantity: d.weight_g,
      weight_g: d.weight_g,
      unit_price: item.price_per_unit_measure ?? item.selling_price,
      line_price: priceForWeight(item, d.weight_g),
      price_source: 'weight',
    });
  }
  return resolution(item, code, sym ?? 'GS1_128', catalog, x);
}
