import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/api';
import type { Shift } from '../../api/api';
import { go } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote, isAmount, Money, Notice, useAction, useLoad } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import { storeToday } from '../orders/Orders';

/** "12.50" → 1250n without floats (the hub recomputes everything; this is only the preview). */
const minor = (s: string): bigint => {
  const [i = '0', f = ''] = s.split('.');
  return BigInt(i) * 100n + BigInt((f + '00').slice(0, 2));
};
const show = (v: bigint): string => {
  const neg = v < 0n;
  const a = neg ? -v : v;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
};
const total = (counts: Record<string, number>): bigint =>
  Object.entries(counts).reduce((s, [d, n]) => s + minor(d) * BigInt(n || 0), 0n);

function Denominations({
  label,
  columns,
  values,
  onChange,
}: {
  label: string;
  columns: string[];
  values: Record<string, number>[];
  onChange: (col: number, d: string, n: number) => void;
}) {
  const { t } = useI18n();
  const { store } = useSession();
  return (
    <table className="grid compact denominations">
      <caption>{label}</caption>
      <thead>
        <tr>
          <th scope="col">{t('sh.denomination')}</th>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {(store?.denominations ?? []).map((d) => (
          <tr key={d}>
            <th scope="row">
              <Money value={d} />
            </th>
            {columns.map((c, i) => (
              <td key={c}>
                <input
                  className="qty"
                  inputMode="numeric"
                  aria-label={`${c} ${d}`}
                  value={values[i]![d] ?? ''}
                  onChange={(e) => onChange(i, d, Number(e.target.value.replace(/\D/g, '')) || 0)}
                />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Shifts({ arg }: { arg: string | null }) {
  const { t } = useI18n();
  const { store } = useSession();
  const registers = useLoad(() => api.registers(), []);
  const deviceId = arg ?? registers.data?.registers[0]?.device_id ?? null;
  const [date, setDate] = useState(storeToday(store?.timezone ?? 'UTC'));
  const report = useLoad(() => api.cashReport(date), [date]);
  // Later pages (a store with many registers) are appended; a new first page drops them.
  const [extra, setExtra] = useState<{ rows: CashRow[]; next: string | null } | null>(null);
  useEffect(() => setExtra(null), [report.data]);
  const more = useAction();
  const next = extra ? extra.next : (report.data?.next_cursor ?? null);
  const rows = [...(report.data?.rows ?? []), ...(extra?.rows ?? [])];
  return (
    <section aria-labelledby="sh-title">
      <h1 id="sh-title">{t('sh.title')}</h1>
      <label className="field inline">
        <span>{t('sh.register')}</span>
        <select value={deviceId ?? ''} onChange={(e) => go('shifts', e.target.value)}>
          {registers.data?.registers.map((r) => (
            <option key={r.device_id} value={r.device_id}>
              {r.retailer_device_id} {r.name}
            </option>
          ))}
        </select>
      </label>
      {deviceId && <RegisterShift deviceId={deviceId} onChange={report.reload} />}
      <h2>{t('sh.report')}</h2>
      <label className="field inline">
        <span>{t('sh.date')}</span>
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      <ErrorNote error={report.error} />
      {report.data && rows.length === 0 && <p>{t('sh.noReport')}</p>}
      {report.data && rows.length > 0 && (
        <table className="grid" data-testid="cash-report">
          <caption className="sr-only">{t('sh.report')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sh.register')}</th>
              <th scope="col">{t('sh.shifts')}</th>
              <th scope="col">{t('sh.cashActivities')}</th>
              <th scope="col">{t('sh.transactions')}</th>
              <th scope="col">{t('sh.cashSales')}</th>
              <th scope="col">{t('sh.cashTax')}</th>
              <th scope="col">{t('sh.cashReturns')}</th>
              <th scope="col">{t('sh.bankDrops')}</th>
              <th scope="col">{t('sh.mismatch')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.register + r.business_date}>
                <th scope="row">{r.register}</th>
                <td>{r.shift_count}</td>
                <td>{r.cash_activity_count}</td>
                <td>{r.transaction_count}</td>
                <td>
                  <Money value={r.cash_sales} />
                </td>
                <td>
                  <Money value={r.cash_tax} />
                </td>
                <td>
                  <Money value={r.cash_returns} />
                </td>
                <td>
                  <Money value={r.bank_drops} />
                </td>
                <td className={r.mismatch !== '0.00' ? 'variance' : undefined}>
                  <Money value={r.mismatch} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button
          type="button"
          disabled={more.busy}
          onClick={() =>
            void more
              .run(() => api.cashReport(date, next))
              .then((p) => p && setExtra({ rows: [...(extra?.rows ?? []), ...p.rows], next: p.next_cursor }))
          }
        >
          {t('cr.more')}
        </button>
      )}
      <ErrorNote error={more.error} />
    </section>
  );
}

type CashRow = Awaited<ReturnType<typeof api.cashReport>>['rows'][number];

function RegisterShift({ deviceId, onChange }: { deviceId: string; onChange: () => void }) {
  const { t } = useI18n();
  const { store } = useSession();
  const { data, error, reload } = useLoad(() => api.currentShift(deviceId), [deviceId]);
  const act = useAction();
  const [float, setFloat] = useState<Record<string, number>>({});
  const [closed, setClosed] = useState<Shift | null>(null);
  const sign = store?.currency_sign ?? '';
  if (error) return <ErrorNote error={error} />;
  if (data === undefined) return <p>{t('app.loading')}</p>;
  const done = (s: Shift | undefined) => {
    if (s) {
      reload();
      onChange();
    }
    return s;
  };
  if (data === null)
    return (
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void act.run(() => api.openShift(deviceId, float)).then(done);
        }}
      >
        <h2>{t('sh.open')}</h2>
        {closed && <Notice>{t('sh.closed', { amount: `${sign}${closed.mismatch}` })}</Notice>}
        <p>{t('sh.none')}</p>
        <Denominations
          label={t('sh.float')}
          columns={[t('sh.counted')]}
          values={[float]}
          onChange={(_c, d, n) => setFloat({ ...float, [d]: n })}
        />
        <ErrorNote error={act.error} />
        <button type="submit" className="primary" disabled={act.busy}>
          {t('sh.openShift', { amount: `${sign}${show(total(float))}` })}
        </button>
      </form>
    );
  return (
    <OpenShift
      shift={data}
      onClosed={(s) => {
        setClosed(s);
        reload();
        onChange();
      }}
      onMoved={() => reload()}
    />
  );
}

function OpenShift({
  shift,
  onClosed,
  onMoved,
}: {
  shift: Shift;
  onClosed: (s: Shift) => void;
  onMoved: () => void;
}) {
  const { t } = useI18n();
  const { store } = useSession();
  const sign = store?.currency_sign ?? '';
  const act = useAction();
  const [kind, setKind] = useState<'paid_in' | 'paid_out' | 'bank_drop'>('paid_in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [bad, setBad] = useState(false);
  const [left, setLeft] = useState<Record<string, number>>({});
  const [bank, setBank] = useState<Record<string, number>>({});
  const counted = total(left) + total(bank);
  const variance = counted - minor(shift.expected);

  const move = (e: FormEvent) => {
    e.preventDefault();
    if (!isAmount(amount)) return setBad(true);
    setBad(false);
    void act
      .run(() => api.movement(shift.shift_id, kind, amount.trim(), reason))
      .then((s) => {
        if (s) {
          setAmount('');
          setReason('');
          onMoved();
        }
      });
  };
  return (
    <div className="panels">
      <div className="card">
        <h2>
          {t('sh.current', {
            n: shift.store_shift_id,
            time: new Date(shift.start_time).toLocaleTimeString(),
          })}
        </h2>
        <dl className="totals">
          <dt>{t('sh.float')}</dt>
          <dd>
            <Money value={shift.start_amount} />
          </dd>
          <dt>{t('sh.cashSales')}</dt>
          <dd>
            <Money value={shift.cash_sales} />
          </dd>
          <dt>{t('sh.cashReturns')}</dt>
          <dd>
            <Money value={shift.cash_returns} />
          </dd>
          <dt>{t('sh.paidIn')}</dt>
          <dd>
            <Money value={shift.paid_in} />
          </dd>
          <dt>{t('sh.paidOut')}</dt>
          <dd>
            <Money value={shift.paid_out} />
          </dd>
          <dt>{t('sh.bankDrops')}</dt>
          <dd>
            <Money value={shift.bank_drops} />
          </dd>
          <dt>{t('sh.expected')}</dt>
          <dd>
            <strong>
              <Money value={shift.expected} />
            </strong>
          </dd>
        </dl>
        <form onSubmit={move}>
          <h3>{t('sh.movements')}</h3>
          <fieldset className="segmented">
            <legend className="sr-only">{t('sh.movements')}</legend>
            {(['paid_in', 'paid_out', 'bank_drop'] as const).map((k) => (
              <label key={k}>
                <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} />
                {t(k === 'paid_in' ? 'sh.paidIn' : k === 'paid_out' ? 'sh.paidOut' : 'sh.bankDrop')}
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span>{t('sh.amount')}</span>
            <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} required />
          </label>
          <label className="field">
            <span>{t('sh.reason')}</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} required />
          </label>
          {bad && (
            <p role="alert" className="error">
              {t('err.amount')}
            </p>
          )}
          <button type="submit" disabled={act.busy}>
            {t('sh.record')}
          </button>
        </form>
      </div>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void act.run(() => api.closeShift(shift.shift_id, left, bank)).then((s) => s && onClosed(s));
        }}
      >
        <h2>{t('sh.close')}</h2>
        <Denominations
          label={t('sh.counted')}
          columns={[t('sh.leftInDrawer'), t('sh.toBank')]}
          values={[left, bank]}
          onChange={(c, d, n) => (c === 0 ? setLeft({ ...left, [d]: n }) : setBank({ ...bank, [d]: n }))}
        />
        <dl className="totals">
          <dt>{t('sh.expected')}</dt>
          <dd>
            <Money value={shift.expected} />
          </dd>
          <dt>{t('sh.counted')}</dt>
          <dd>
            {sign}
            {show(counted)}
          </dd>
          <dt>{t('sh.variance')}</dt>
          <dd className={variance !== 0n ? 'variance' : undefined} data-testid="variance">
            {sign}
            {show(variance)}
          </dd>
        </dl>
        <ErrorNote error={act.error} />
        <button type="submit" className="primary" disabled={act.busy}>
          {t('sh.closeShift')}
        </button>
      </form>
    </div>
  );
}
