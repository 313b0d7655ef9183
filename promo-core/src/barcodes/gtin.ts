/**
 * GTIN arithmetic (GS1 General Specifications §7.9): the mod-10 check digit shared by
 * EAN-8, UPC-A, EAN-13 and GTIN-14, UPC-E expansion, and the GTIN-14 key under which the
 * catalogue indexes numeric codes so that one product scanned as UPC-A, EAN-13 or ITF-14
 * resolves with a single map lookup.
 */

const ZERO = 48;

/** Mod-10 check digit of the data digits (the code without its check digit). */
export function gtinCheckDigit(data: string): number {
  let total = 0;
  // Weights 3,1,3,1… starting from the digit next to the check digit.
  for (let i = data.length - 1, w = 3; i >= 0; i--, w = 4 - w) total += (data.charCodeAt(i) - ZERO) * w;
  return (10 - (total % 10)) % 10;
}

/** True when the last digit of an all-digit code is its mod-10 check digit. */
export function hasValidCheckDigit(digits: string): boolean {
  if (digits.length < 2) return false;
  return gtinCheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - ZERO;
}

const DIGITS = /^\d+$/;
export const isDigits = (s: string): boolean => DIGITS.test(s);

/**
 * UPC-E (8 digits: number system 0/1, six data digits, check digit; or the bare 6 data digits,
 * number system 0)
 * expanded to the 12-digit UPC-A it stands for. Returns null when the input is not UPC-E.
 */
export function expandUpcE(code: string): string | null {
  let ns = '0';
  let data: string;
  let check: string | null = null;
  if (code.length === 8) {
    ns = code[0]!;
    data = code.slice(1, 7);
    check = code[7]!;
  } else if (code.length === 6) {
    data = code;
  } else {
    return null;
  }
  if (!isDigits(code) || (ns !== '0' && ns !== '1')) return null;
  const [d1, d2, d3, d4, d5, d6] = data as unknown as string[];
  let body: string;
  switch (d6) {
    case '0':
    case '1':
    case '2':
      body = `${d1}${d2}${d6}0000${d3}${d4}${d5}`;
      break;
    case '3':
      body = `${d1}${d2}${d3}00000${d4}${d5}`;
      break;
    case '4':
      body = `${d1}${d2}${d3}${d4}00000${d5}`;
      break;
    default:
      body = `${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  }
  const upcaData = ns + body;
  return upcaData + (check ?? String(gtinCheckDigit(upcaData)));
}

/**
 * The GTIN-14 form of a numeric GTIN (8, 12, 13 or 14 digits), or null. Two codes with the same
 * key are the same trade item by GS1 definition (an EAN-13 with a leading 0 is a UPC-A).
 */
export function gtinKey(code: string): string | null {
  const n = code.length;
  if ((n === 8 || n === 12 || n === 13 || n === 14) && DIGITS.test(code)) return code.padStart(14, '0');
  return null;
}
