/**
 * In-store variable-measure EAN-13 codes (GS1 restricted circulation, prefixes 02 and 20–29)
 * with retailer-configured layouts (spec/store.md §1.9 rule 4), including the GS1 price check
 * digit (General Specifications §7.9.4) for 4- and 5-digit values.
 */
import { hasValidCheckDigit } from './gtin';
import type { VariableMeasureLayout } from './types';
import { variableMeasureLength } from './types';

// Weighting tables of GS1 §7.9.4, indexed by digit.
const W2MINUS = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7];
const W3 = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7];
const W5PLUS = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
const W5MINUS = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1];

const d = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** The GS1 price check digit of a 4- or 5-digit value. */
export function priceCheckDigit(value: string): number {
  if (value.length === 4) {
    const sum = W2MINUS[d(value, 0)]! + W2MINUS[d(value, 1)]! + W3[d(value, 2)]! + W5MINUS[d(value, 3)]!;
    return (sum * 3) % 10;
  }
  if (value.length === 5) {
    const sum =
      W5PLUS[d(value, 0)]! +
      W2MINUS[d(value, 1)]! +
      W5MINUS[d(value, 2)]! +
      W5PLUS[d(value, 3)]! +
      W2MINUS[d(value, 4)]!;
    const target = (10 - (sum % 10)) % 10;
    // The check digit is the digit whose 5- weighted product is the target.
    return W5MINUS.indexOf(target);
  }
  throw new RangeError('price check digits exist for 4- and 5-digit values only');
}

export interface VariableMeasureParts {
  layout: VariableMeasureLayout;
  /** prefix + item reference: the code the catalogue lists the item under. */
  catalogCode: string;
  value: number;
}

export type VariableMeasureParse =
  | { ok: true; parts: VariableMeasureParts }
  | { ok: false; reason: 'BAD_CHECK_DIGIT'; which: 'ean' | 'price' }
  | null;

/**
 * Splits a code by the layout of its length whose prefix it starts with (longest prefix
 * first). Returns null when no layout applies (the code is then an ordinary barcode).
 */
export function parseVariableMeasure(
  code: string,
  layouts: readonly VariableMeasureLayout[],
): VariableMeasureParse {
  let layout: VariableMeasureLayout | undefined;
  for (const l of layouts) {
    if (variableMeasureLength(l) !== code.length || !code.startsWith(l.prefix)) continue;
    if (layout === undefined || l.prefix.length > layout.prefix.length) layout = l;
  }
  if (layout === undefined) return null;
  if (!hasValidCheckDigit(code)) return { ok: false, reason: 'BAD_CHECK_DIGIT', which: 'ean' };
  let pos = layout.prefix.length + layout.item_digits;
  const catalogCode = code.slice(0, pos);
  let check: number | null = null;
  if (layout.price_check_digit) check = d(code, pos++);
  const valueText = code.slice(pos, pos + layout.value_digits);
  if (check !== null && priceCheckDigit(valueText) !== check) {
    return { ok: false, reason: 'BAD_CHECK_DIGIT', which: 'price' };
  }
  return { ok: true, parts: { layout, catalogCode, value: Number(valueText) } };
}
