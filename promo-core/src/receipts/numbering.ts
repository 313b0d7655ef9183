/**
 * Receipt numbers from the store's template (spec/store.md §5.2), e.g.
 * `{retailer_store_id}.SAL.{device}.{poslog}` or `T{device:10}{poslog:9}`.
 *
 * Tokens: {prefix} {retailer_store_id} {device} {poslog} {o_id} {date:YYYYMMDD} {check};
 * `{name:N}` left-pads with zeros to N characters. {check} is a Luhn (mod-10) digit over the
 * digits rendered before it — the spec says only "mod-10"; Luhn is our choice [gap].
 */
import { KassaError } from '../errors';
export interface ReceiptNumberValues {
  prefix?: string;
  retailerStoreId?: string;
  device?: string;
  poslog?: string | number;
  oId?: string | number;
  /** The business date, `YYYY-MM-DD` (store-local; the caller derives it). */
  date?: string;
}

export class ReceiptNumberError extends KassaError<'RECEIPT_TEMPLATE_INVALID'> {}

/** Luhn check digit for a digit string (the digit that makes the whole pass Luhn). */
export function receiptCheckDigit(digits: string): number {
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    // Counting from the right of the payload, every first digit is doubled (the check digit follows).
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return (10 - (total % 10)) % 10;
}

const TOKEN = /\{([a-z_]+)(?::([^}]+))?\}/g;

export function formatReceiptNumber(template: string, values: ReceiptNumberValues): string {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(TOKEN)) {
    out += template.slice(last, m.index);
    last = m.index + m[0].length;
    const [, name, arg] = m;
    const fail = (why: string) =>
      new ReceiptNumberError('RECEIPT_TEMPLATE_INVALID', `${m[0]}: ${why}`, { template, token: m[0] });
    const raw = (v: string | number | undefined, what: string): string => {
      if (v === undefined || v === '') throw fail(`no ${what} to fill it`);
      return String(v);
    };
    let text: string;
    switch (name) {
      case 'prefix':
        text = values.prefix ?? '';
        break;
      case 'retailer_store_id':
        text = raw(values.retailerStoreId, 'retailer store id');
        break;
      case 'device':
        text = raw(values.device, 'device');
        break;
      case 'poslog':
        text = raw(values.poslog, 'POS-log number');
        break;
      case 'o_id':
        text = raw(values.oId, 'order number');
        break;
      case 'date': {
        const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw(values.date, 'date'));
        if (!d) throw fail('the date must be YYYY-MM-DD');
        const fmt = arg ?? 'YYYYMMDD';
        text = fmt
          .replace('YYYY', d[1]!)
          .replace('YY', d[1]!.slice(2))
          .replace('MM', d[2]!)
          .replace('DD', d[3]!);
        out += text;
        continue;
      }
      case 'check': {
        const digits = out.replace(/\D/g, '');
        if (!digits) throw fail('no digits before the check digit');
        out += String(receiptCheckDigit(digits));
        continue;
      }
      default:
        throw fail('unknown token');
    }
    if (arg !== undefined) {
      const width = Number(arg);
      if (!Number.isInteger(width) || width < 1 || width > 40) throw fail('the width must be 1 to 40');
      if (text.length > width) throw fail(`"${text}" is longer than ${width}`);
      text = text.padStart(width, '0');
    }
    out += text;
  }
  return out + template.slice(last);
}
