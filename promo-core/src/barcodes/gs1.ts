/**
 * What a GS1 element string (GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR Code, GS1 DotCode)
 * says to a till: the GTIN (01), net weight (310n, kg) or net volume (315n, l), the price to pay
 * (392n, or 393n with its ISO 4217 currency), the expiry date (17) and expiry date and time
 * (7003), best before (15), batch (10) and serial (21). The segmentation and every value check
 * come from the AI table (gs1-syntax.ts); this module only picks out the facts. The other AIs
 * are read and checked but carry nothing a till acts on.
 */
import { parseBracketed, parseElementString, gs1Year } from './gs1-syntax';
import type { Gs1SyntaxError } from './gs1-syntax';

export { GS, fromHumanReadable } from './gs1-syntax';

/** A measure as printed: the digits and the decimal-point position from the AI's last digit. */
export interface Gs1Measure {
  ai: string;
  digits: bigint;
  decimals: number;
}

export interface Gs1Price extends Gs1Measure {
  /** ISO 4217 numeric code (AI 393n), or null for AI 392n (the local currency). */
  currency: string | null;
}

export interface Gs1Data {
  gtin: string | null;
  /** AI 310n: net weight in kg. */
  net_weight_kg: Gs1Measure | null;
  /** AI 315n: net volume in litres. */
  net_volume_l: Gs1Measure | null;
  /** Other trade measures (lb, oz, m, …) present, by AI: not converted, reported. */
  other_measures: string[];
  price: Gs1Price | null;
  /** AI 17, YYMMDD (day 00 = end of month). */
  expiry_yymmdd: string | null;
  /** AI 7003, YYMMDDHHMM. */
  expiry_time: string | null;
  best_before_yymmdd: string | null;
  batch: string | null;
  serial: string | null;
  /** Every element, in the order read (a repeated identical AI once). */
  elements: { ai: string; value: string }[];
}

export type Gs1Parse = { ok: true; data: Gs1Data } | { ok: false; error: Gs1SyntaxError };

/**
 * Parses a sanitised GS1 code: the bracketed human-readable form, or the element string with GS
 * as FNC1. `referenceYear` places two-digit years (the store-local year of the scan).
 */
export function parseGs1(code: string, referenceYear: number): Gs1Parse {
  const r =
    (code.charCodeAt(0) === 0x28 ? parseBracketed(code, referenceYear) : null) ??
    parseElementString(code, referenceYear);
  if (!r.ok) return r;
  const data: Gs1Data = {
    gtin: null,
    net_weight_kg: null,
    net_volume_l: null,
    other_measures: [],
    price: null,
    expiry_yymmdd: null,
    expiry_time: null,
    best_before_yymmdd: null,
    batch: null,
    serial: null,
    elements: [],
  };
  for (const { ai, value, definition } of r.elements) {
    data.elements.push({ ai, value });
    const d = definition.decimals;
    if (ai === '01') data.gtin = value;
    else if (ai === '17') data.expiry_yymmdd = value;
    else if (ai === '7003') data.expiry_time = value;
    else if (ai === '15') data.best_before_yymmdd = value;
    else if (ai === '10') data.batch = value;
    else if (ai === '21') data.serial = value;
    else if (d !== null && ai.startsWith('310'))
      data.net_weight_kg = { ai, digits: BigInt(value), decimals: d };
    else if (d !== null && ai.startsWith('315'))
      data.net_volume_l = { ai, digits: BigInt(value), decimals: d };
    else if (d !== null && ai.startsWith('392'))
      data.price = { ai, digits: BigInt(value), decimals: d, currency: null };
    else if (d !== null && ai.startsWith('393'))
      data.price = { ai, digits: BigInt(value.slice(3)), decimals: d, currency: value.slice(0, 3) };
    else if (d !== null && /^3[1-6]/.test(ai)) data.other_measures.push(ai);
  }
  return { ok: true, data };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * YYMMDD → ISO date, with the GS1 century window around `referenceYear` (General
 * Specifications §7.12) and day 00 read as the last day of the month. Null when the calendar
 * date does not exist (e.g. 310231).
 */
export function gs1DateToIso(yymmdd: string, referenceYear: number): string | null {
  const year = gs1Year(Number(yymmdd.slice(0, 2)), referenceYear);
  const mm = Number(yymmdd.slice(2, 4));
  let dd = Number(yymmdd.slice(4, 6));
  if (mm < 1 || mm > 12) return null;
  const last = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  if (dd === 0) dd = last;
  if (dd > last) return null;
  return `${String(year).padStart(4, '0')}-${pad2(mm)}-${pad2(dd)}`;
}

/** YYMMDDHHMM (AI 7003) → `YYYY-MM-DDTHH:MM` (store-local), or null when not a date and time. */
export function gs1DateTimeToIso(v: string, referenceYear: number): string | null {
  if (v.slice(4, 6) === '00') return null; // 7003 has no "end of month" day
  const date = gs1DateToIso(v.slice(0, 6), referenceYear);
  return date === null ? null : `${date}T${v.slice(6, 8)}:${v.slice(8, 10)}`;
}
