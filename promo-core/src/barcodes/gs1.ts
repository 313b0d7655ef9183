// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- bark-js ships no types; this makes them reach every package that type-checks promo-core
/// <reference path="./bark-js.d.ts" />
/**
 * GS1 element strings (GS1-128, GS1 DataMatrix, DataBar Expanded) and the Application
 * Identifiers that matter at a till: 01 GTIN, 310n net weight (kg), 392n price, 17 expiry,
 * 15 best before, 10 batch/lot.
 *
 * Segmenting the string into AIs (which AI is fixed or variable length, where an FNC1/GS ends
 * a field) is done by bark-js: it knows the whole AI table, returns every value as text (no
 * floats, no Date objects, no clock reads) and runs unchanged in the browser. The other npm
 * candidate, gs1-barcode-parser-mod, turns weights and prices into binary floats and dates into
 * `Date` built from the current clock, which the money and purity rules exclude. bark-js does
 * not validate field lengths, check digits or calendar dates, nor apply the GS1 century window,
 * so the interpretation below does that on the raw digits.
 */
import bark from 'bark-js';
import { hasValidCheckDigit } from './gtin';

export const GS = '\u001d';

export interface Gs1Data {
  gtin: string | null;
  /** Net weight in grams (AI 310n), rounded half-up to the gram. */
  weight_g: number | null;
  /** Price in minor units (AI 392n), rounded half-up to the minor unit. */
  price_minor: bigint | null;
  /** AI 17, as YYMMDD digits (interpreted against the scan instant). */
  expiry_yymmdd: string | null;
  best_before_yymmdd: string | null;
  batch: string | null;
  /** Every element, for diagnostics. */
  elements: { ai: string; value: string }[];
}

export type Gs1Parse =
  { ok: true; data: Gs1Data } | { ok: false; reason: 'MALFORMED' | 'BAD_CHECK_DIGIT'; message: string };

const PAREN_RE = /\((\d{2,4})\)([^(]*)/g;

/** "(01)0950…(17)250630(10)AB" (human-readable form) → GS-separated element string. */
export function fromHumanReadable(code: string): string | null {
  if (!code.startsWith('(')) return null;
  const parts: string[] = [];
  let consumed = 0;
  for (const m of code.matchAll(PAREN_RE)) {
    if (m.index !== consumed) return null;
    parts.push(m[1]! + m[2]!);
    consumed += m[0].length;
  }
  return consumed === code.length && parts.length > 0 ? parts.join(GS) : null;
}

/** Parses a GS1 element string whose FNC1 separators arrive as GS (no symbology identifier). */
export function parseGs1(elementString: string, exponent: number): Gs1Parse {
  let elements: { ai: string; value: string; raw: string }[];
  try {
    elements = bark(elementString, { fnc: GS }).elements;
  } catch (err) {
    return { ok: false, reason: 'MALFORMED', message: (err as Error).message };
  }
  const data: Gs1Data = {
    gtin: null,
    weight_g: null,
    price_minor: null,
    expiry_yymmdd: null,
    best_before_yymmdd: null,
    batch: null,
    elements: [],
  };
  if (elements.length === 0) return { ok: false, reason: 'MALFORMED', message: 'no application identifiers' };
  for (const e of elements) {
    const text = e.raw.endsWith(GS) ? e.raw.slice(0, -1) : e.raw;
    data.elements.push({ ai: e.ai, value: text });
    if (text.includes(GS)) return malformed(e.ai, 'contains a separator', text);
    if (e.ai === '01') {
      if (!/^\d{14}$/.test(text)) return malformed(e.ai, 'must be 14 digits', text);
      if (!hasValidCheckDigit(text)) {
        return { ok: false, reason: 'BAD_CHECK_DIGIT', message: `GTIN ${text} has a wrong check digit` };
      }
      data.gtin = text;
    } else if (e.ai === '17' || e.ai === '15') {
      if (!/^\d{6}$/.test(text) || !plausibleYymmdd(text))
        return malformed(e.ai, 'must be a date YYMMDD', text);
      if (e.ai === '17') data.expiry_yymmdd = text;
      else data.best_before_yymmdd = text;
    } else if (e.ai === '10') {
      if (text.length === 0 || text.length > 20) return malformed(e.ai, 'must be 1–20 characters', text);
      data.batch = text;
    } else if (/^310\d$/.test(e.ai)) {
      if (!/^\d{6}$/.test(text)) return malformed(e.ai, 'must be 6 digits', text);
      const places = BigInt(e.ai.charCodeAt(3) - 48);
      // kg with n decimals → grams, half-up.
      data.weight_g = Number(roundHalfUp(BigInt(text) * 1000n, 10n ** places));
    } else if (/^392\d$/.test(e.ai)) {
      if (!/^\d{1,15}$/.test(text)) return malformed(e.ai, 'must be 1–15 digits', text);
      const places = e.ai.charCodeAt(3) - 48;
      const v = BigInt(text);
      data.price_minor =
        places <= exponent
          ? v * 10n ** BigInt(exponent - places)
          : roundHalfUp(v, 10n ** BigInt(places - exponent));
    }
  }
  return { ok: true, data };
}

const malformed = (ai: string, what: string, text: string): Gs1Parse => ({
  ok: false,
  reason: 'MALFORMED',
  message: `AI (${ai}) ${what}: ${JSON.stringify(text)}`,
});

const roundHalfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);

function plausibleYymmdd(s: string): boolean {
  const mm = Number(s.slice(2, 4));
  const dd = Number(s.slice(4, 6));
  // Day 00 means the last day of the month (GS1 §3.4.x date fields).
  return mm >= 1 && mm <= 12 && dd >= 0 && dd <= 31;
}

/**
 * YYMMDD → ISO date, with the GS1 century window around `referenceYear` (General
 * Specifications §7.12: a two-digit year more than 50 years ahead is last century, more than
 * 49 behind is next century) and day 00 read as the last day of the month. Null when the
 * calendar date does not exist (e.g. 310231).
 */
export function gs1DateToIso(yymmdd: string, referenceYear: number): string | null {
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  let dd = Number(yymmdd.slice(4, 6));
  const century = Math.floor(referenceYear / 100) * 100;
  const diff = yy - (referenceYear % 100);
  let year = century + yy;
  if (diff >= 51) year -= 100;
  else if (diff <= -50) year += 100;
  const last = daysInMonth(year, mm);
  if (dd === 0) dd = last;
  if (dd > last) return null;
  return `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
