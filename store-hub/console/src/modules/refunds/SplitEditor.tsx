/**
 * Where a card refund goes back: one amount per card of the order and (where the store allows
 * it) cash, first filled with the hub's proposal (largest-first), editable by staff. The hub
 * checks every change through the preview and answers what does not fit; this shows its answer
 * as plain sentences next to the fields, in the staff's language.
 */
import { useId } from 'react';
import type { Refundable } from '../../api/api';
import { useSession } from '../../app/session';
import { formatMoney } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { splitText, tenderName } from './split-text';

/** Field key per part: a tender id, or CASH. */
export const CASH = 'cash';
export type SplitValues = Record<string, string>;

/** A problem as the hub names it in REFUND_SPLIT_INVALID details (money as decimal strings). */
export interface SplitProblem {
  kind: string;
  tender_id?: string | null;
  /** The card's number on this screen (see `tenderName`). */
  card_no?: number | null;
  card?: string | null;
  amount?: string;
  left?: string;
  sum?: string;
}

// Amounts are decimal strings in the store's exponent; differences are taken in minor units.
const minor = (s: string, exp: number): bigint => {
  const [i, f = ''] = s.split('.');
  return BigInt(`${i}${f.padEnd(exp, '0')}`);
};
const asMoney = (v: bigint, exp: number): string => {
  const neg = v < 0n;
  const d = (neg ? -v : v).toString().padStart(exp + 1, '0');
  return `${neg ? '-' : ''}${exp === 0 ? d : `${d.slice(0, -exp)}.${d.slice(-exp)}`}`;
};

/** What staff typed, as the hub's decimal ("3,90" → "3.90"); null when it is not an amount. */
export function normalizeAmount(typed: string, exp: number): string | null {
  const s = typed.trim().replace(',', '.');
  if (s === '') return '0';
  const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(s);
  if (!m || (m[2]?.length ?? 0) > exp) return null;
  return s;
}

export function SplitEditor({
  tenders,
  cashAllowed,
  values,
  edited,
  problems,
  total,
  onChange,
  onReset,
}: {
  tenders: Refundable['tenders'];
  cashAllowed: boolean;
  /** The amount shown in each field (the proposal until staff change one). */
  values: SplitValues;
  edited: boolean;
  problems: SplitProblem[];
  /** The refund's total, decimal string. */
  total: string;
  onChange: (key: string, value: string) => void;
  onReset: () => void;
}) {
  const { lang } = useI18n();
  const { store } = useSession();
  const sign = store?.currency_sign ?? '';
  const exp = total.includes('.') ? total.length - total.indexOf('.') - 1 : 0;
  const id = useId();
  const money = (v: string) => formatMoney(sign, v);
  const bad = Object.entries(values).filter(([, v]) => normalizeAmount(v, exp) === null);
  const sentences = [
    ...bad.map(([, v]) => splitText(lang, 'format', { value: v })),
    ...problems.map((p) => {
      switch (p.kind) {
        case 'sum': {
          const d = minor(p.sum ?? '0', exp) - minor(p.amount ?? '0', exp);
          return splitText(lang, d < 0n ? 'sum_short' : 'sum_over', {
            sum: money(p.sum ?? ''),
            amount: money(p.amount ?? ''),
            diff: money(asMoney(d < 0n ? -d : d, exp)),
          });
        }
        case 'over_tender':
          return splitText(lang, 'over_tender', {
            name: tenderName(lang, p),
            left: money(p.left ?? ''),
            amount: money(p.amount ?? ''),
          });
        case 'cash_not_allowed':
          return splitText(lang, 'cash_not_allowed', { amount: money(p.amount ?? '') });
        case 'tender_twice':
          return splitText(lang, 'tender_twice');
        default:
          return splitText(lang, 'unknown_tender');
      }
    }),
  ];
  const invalid = (key: string) =>
    normalizeAmount(values[key] ?? '', exp) === null ||
    problems.some(
      (p) =>
        (p.kind === 'over_tender' && p.tender_id === key) || (p.kind === 'cash_not_allowed' && key === CASH),
    );
  const field = (key: string, label: string) => (
    <label className="field" key={key}>
      <span>{label}</span>
      <input
        inputMode="decimal"
        autoComplete="off"
        className="short"
        value={values[key] ?? ''}
        aria-invalid={invalid(key) || undefined}
        aria-describedby={sentences.length > 0 ? `${id}-problems` : undefined}
        data-testid={`split-${key === CASH ? 'cash' : key}`}
        onChange={(e) => onChange(key, e.target.value)}
      />
    </label>
  );
  return (
    <fieldset data-testid="refund-split">
      <legend>{splitText(lang, 'legend')}</legend>
      <p className="muted">{splitText(lang, edited ? 'edited' : 'proposed')}</p>
      <div className="inline">
        {/* Numbered: two cards of one brand and last digits (a shared card) must still differ. */}
        {tenders.map((t) =>
          field(
            t.tender_id,
            splitText(lang, 'cardLabel', { name: tenderName(lang, t), left: money(t.refundable) }),
          ),
        )}
        {cashAllowed && field(CASH, splitText(lang, 'cashLabel'))}
        {edited && (
          <button type="button" onClick={onReset}>
            {splitText(lang, 'reset')}
          </button>
        )}
      </div>
      {sentences.length > 0 && (
        <div id={`${id}-problems`} role="alert" className="error" data-testid="split-problems">
          {sentences.map((s, i) => (
            <p key={i}>{s}</p>
          ))}
        </div>
      )}
    </fieldset>
  );
}
