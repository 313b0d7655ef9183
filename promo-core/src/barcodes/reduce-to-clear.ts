/**
 * Reduce-to-clear markdown labels (spec/store.md §1.9 rule 3):
 *
 *   "MP" + type (1 EAN-13, 2 EAN-8, 3 UPC-A, 4 UPC-E, 5 EAN-14) + original barcode left-padded
 *   to 14 digits + kind (P percent-off, A absolute price) + 5-digit value ×100 + Luhn digit
 *   = 24 characters.
 *
 * Decision on the spec's [gap]: the Luhn digit covers the 20 digits between "MP" and itself
 * with the kind letter skipped (letters have no Luhn value), and the length is 24 (the sum of
 * the listed fields), not the 25 the source document states.
 */
import { expandUpcE } from './gtin';
import type { Symbology } from './types';

export const RTC_LENGTH = 24;
const RTC_RE = /^MP([1-5])(\d{14})([PA])(\d{5})(\d)$/;

/** Luhn check digit for a digit string (the digit that would be appended). */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  // The digit next to the check digit is doubled.
  for (let i = payload.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let v = payload.charCodeAt(i) - 48;
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

const TYPE_LENGTH: Record<string, { symbology: Symbology | 'EAN14'; length: number }> = {
  '1': { symbology: 'EAN13', length: 13 },
  '2': { symbology: 'EAN8', length: 8 },
  '3': { symbology: 'UPCA', length: 12 },
  '4': { symbology: 'UPCE', length: 8 },
  '5': { symbology: 'EAN14', length: 14 },
};

export interface RtcLabel {
  /** The embedded barcode in its own length (UPC-E expanded to UPC-A). */
  barcode: string;
  embeddedSymbology: Symbology | 'EAN14';
  kind: 'percent_off' | 'absolute_price';
  /** Hundredths: a percentage ×100 (2500 = 25 %) or a price ×100 (199 = 1.99). */
  value: number;
}

export type RtcParse =
  { ok: true; label: RtcLabel } | { ok: false; reason: 'MALFORMED' | 'BAD_CHECK_DIGIT'; message: string };

/** True when the code claims to be an RTC label (and must then be valid). */
export const looksLikeRtc = (code: string): boolean =>
  code.length >= 2 && code.slice(0, 2).toUpperCase() === 'MP';

export function parseRtc(code: string): RtcParse {
  const m = RTC_RE.exec(code.toUpperCase());
  if (!m) {
    return {
      ok: false,
      reason: 'MALFORMED',
      message: `a markdown label is MP + type 1–5 + 14 digits + P|A + 5 digits + check digit (${RTC_LENGTH} characters)`,
    };
  }
  const [, type, padded, kindLetter, valueText, check] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (luhnCheckDigit(type + padded + valueText) !== Number(check)) {
    return { ok: false, reason: 'BAD_CHECK_DIGIT', message: 'the markdown label check digit does not match' };
  }
  const t = TYPE_LENGTH[type]!;
  const lead = padded.slice(0, 14 - t.length);
  if (/[1-9]/.test(lead)) {
    return {
      ok: false,
      reason: 'MALFORMED',
      message: `the embedded barcode is longer than its type (${t.symbology}) allows`,
    };
  }
  let barcode = padded.slice(14 - t.length);
  if (t.symbology === 'UPCE') {
    const expanded = expandUpcE(barcode);
    if (expanded === null)
      return { ok: false, reason: 'MALFORMED', message: 'the embedded UPC-E is not valid' };
    barcode = expanded;
  }
  const value = Number(valueText);
  const kind = kindLetter === 'P' ? 'percent_off' : 'absolute_price';
  if (kind === 'percent_off' && value > 10000) {
    return { ok: false, reason: 'MALFORMED', message: 'a percentage above 100' };
  }
  return { ok: true, label: { barcode, embeddedSymbology: t.symbology, kind, value } };
}
