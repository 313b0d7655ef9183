import { useEffect, useState } from 'react';
import { api } from '../../api/api';
import { onLive } from '../../api/live';
import type { AssistBasket, BasketLine } from '../../api/api';
import { go } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote, isAmount, Money, useAction, useLoad } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

export function Assistance({ arg }: { arg: string | null }) {
  const { t } = useI18n();
  const lanes = useLoad(() => api.lanes(), []);
  return (
    <section aria-labelledby="as-title">
      <h1 id="as-title">{t('as.title')}</h1>
      <label className="field inline">
        <span>{t('as.pick')}</span>
        <select value={arg ?? ''} onChange={(e) => go('assistance', e.target.value)}>
          <option value="">—</option>
          {lanes.data?.lanes.map((l) => (
            <option key={l.device_id} value={l.device_id}>
              {l.retailer_device_id} {l.name}
            </option>
          ))}
        </select>
      </label>
      {arg && <LaneBasket deviceId={arg} />}
    </section>
  );
}

function LaneBasket({ deviceId }: { deviceId: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { data, error, reload } = useLoad(() => api.laneBasket(deviceId), [deviceId]);
  const act = useAction();
  const [basket, setBasket] = useState<AssistBasket | null>(null);
  useEffect(() => setBasket(data ?? null), [data]);
  useEffect(() => onLive(['basket.updated'], () => reload()), [reload]);
  const [discount, setDiscount] = useState('');
  const [discountReason, setDiscountReason] = useState('');
  const [exemptReason, setExemptReason] = useState('');
  const [confirmCancel, setConfirmCancel] = useState(false);

  if (error) return <ErrorNote error={error} />;
  if (data === null) return <p>{t('as.noBasket')}</p>;
  if (!basket) return <p>{t('app.loading')}</p>;
  const apply = (fn: () => Promise<AssistBasket>) =>
    void act.run(fn).then((b) => {
      if (b) setBasket(b);
    });

  return (
    <div>
      <ErrorNote error={act.error} />
      <table className="grid">
        <caption className="sr-only">{t('as.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('as.item')}</th>
            <th scope="col">{t('as.quantity')}</th>
            <th scope="col">{t('as.unit')}</th>
            <th scope="col">{t('as.lineTotal')}</th>
            <th scope="col">{t('as.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {basket.lines.map((l) => (
            <LineRow key={l.line_id} line={l} basket={basket} apply={apply} busy={act.busy} />
          ))}
        </tbody>
      </table>
      <dl className="totals">
        <dt>{t('as.discounts')}</dt>
        <dd>
          <Money value={basket.totals.total_discount} />
        </dd>
        <dt>{t('as.tax')}</dt>
        <dd>
          <Money value={basket.totals.total_tax} />
        </dd>
        <dt>{t('as.total')}</dt>
        <dd>
          <strong>
            <Money value={basket.totals.total_after_tax} />
          </strong>
        </dd>
      </dl>
      {basket.tax_exempt && <p className="notice">{t('as.taxExemptOn')}</p>}
      <div className="panels">
        <AddItem basket={basket} apply={apply} busy={act.busy} />
        <OverLimit basket={basket} apply={apply} busy={act.busy} />
        <ManualItem basket={basket} apply={apply} busy={act.busy} />
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            apply(() => api.staffDiscount(basket, discount, discountReason));
          }}
        >
          <h2>{t('as.discount')}</h2>
          <label className="field">
            <span>{t('as.discountPercent')}</span>
            <input
              inputMode="decimal"
              value={discount}
              onChange={(e) => setDiscount(e.target.value)}
              required
            />
          </label>
          <label className="field">
            <span>{t('as.reason')}</span>
            <input value={discountReason} onChange={(e) => setDiscountReason(e.target.value)} required />
          </label>
          <button type="submit" disabled={act.busy || !can('can_override_price')}>
            {t('as.apply')}
          </button>
        </form>
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            apply(() => api.taxExempt(basket, !basket.tax_exempt, exemptReason));
          }}
        >
          <h2>{t('as.taxExempt')}</h2>
          <label className="field">
            <span>{t('as.reason')}</span>
            <input value={exemptReason} onChange={(e) => setExemptReason(e.target.value)} required />
          </label>
          <button type="submit" disabled={act.busy || !can('can_override_price')}>
            {basket.tax_exempt ? t('common.cancel') : t('as.taxExemptApply')}
          </button>
        </form>
        <div className="card">
          <h2>{t('as.cancelSale')}</h2>
          {!confirmCancel ? (
            <button
              type="button"
              className="danger"
              disabled={!can('can_delete')}
              onClick={() => setConfirmCancel(true)}
            >
              {t('as.cancelSale')}
            </button>
          ) : (
            <>
              <p>{t('as.cancelConfirm')}</p>
              <button
                type="button"
                className="danger"
                onClick={() => apply(() => api.cancelSale(basket, 'staff cancel'))}
                autoFocus
              >
                {t('common.confirm')}
              </button>
              <button type="button" onClick={() => setConfirmCancel(false)}>
                {t('common.cancel')}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function LineRow({
  line,
  basket,
  apply,
  busy,
}: {
  line: BasketLine;
  basket: AssistBasket;
  apply: (fn: () => Promise<AssistBasket>) => void;
  busy: boolean;
}) {
  const { t } = useI18n();
  const { can } = useSession();
  const [qty, setQty] = useState(String(line.quantity));
  const [overriding, setOverriding] = useState(false);
  const [price, setPrice] = useState('');
  const [reason, setReason] = useState('');
  const [bad, setBad] = useState(false);
  return (
    <>
      <tr>
        <th scope="row">
          {line.item_name}
          {line.price_source === 'override' && <span className="tag">{t('as.overridden')}</span>}
          {line.price_source === 'amount' && <span className="tag">{t('as.manualTag')}</span>}
        </th>
        <td>
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              apply(() => api.setQuantity(basket, line.line_id, Number(qty)));
            }}
          >
            <input
              aria-label={`${t('as.quantity')} ${line.item_name}`}
              className="qty"
              inputMode="numeric"
              value={qty}
              onChange={(e) => setQty(e.target.value.replace(/\D/g, ''))}
            />
            <button type="submit" disabled={busy || !can('can_edit')}>
              {t('as.setQty')}
            </button>
          </form>
        </td>
        <td>
          <Money value={line.unit_price} />
        </td>
        <td>
          <Money value={line.payable} />
        </td>
        <td className="actions">
          <button
            type="button"
            disabled={busy || !can('can_override_price')}
            onClick={() => setOverriding(!overriding)}
          >
            {t('as.override')}
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy || !can('can_delete')}
            onClick={() => apply(() => api.removeLine(basket, line.line_id))}
            aria-label={`${t('as.remove')} ${line.item_name}`}
          >
            {t('as.remove')}
          </button>
        </td>
      </tr>
      {overriding && (
        <tr>
          <td colSpan={5}>
            <form
              className="inline"
              onSubmit={(e) => {
                e.preventDefault();
                if (!isAmount(price)) return setBad(true);
                setBad(false);
                apply(() => api.overridePrice(basket, line.line_id, { new_unit_price: price, reason }));
              }}
            >
              <label className="field">
                <span>{t('as.newPrice')}</span>
                <input
                  inputMode="decimal"
                  value={price}
                  onChange={(e) => setPrice(e.target.value)}
                  required
                  autoFocus
                />
              </label>
              <label className="field">
                <span>{t('as.reason')}</span>
                <input value={reason} onChange={(e) => setReason(e.target.value)} required />
              </label>
              <button type="submit" className="primary">
                {t('as.apply')}
              </button>
              {bad && (
                <span role="alert" className="error">
                  {t('err.amount')}
                </span>
              )}
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

/** An item the kiosk could not scan (unknown barcode, damaged label): find it and add it. */
function AddItem({
  basket,
  apply,
  busy,
}: {
  basket: AssistBasket;
  apply: (fn: () => Promise<AssistBasket>) => void;
  busy: boolean;
}) {
  const { t } = useI18n();
  const { can } = useSession();
  const [q, setQ] = useState('');
  const search = useAction();
  const [hits, setHits] = useState<
    { item_id: string; item_name: string; product_identifier: string; price: string }[] | null
  >(null);
  return (
    <div className="card">
      <h2>{t('as.addItem')}</h2>
      <form
        className="inline"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search.run(() => api.searchItems(q.trim())).then((r) => r && setHits(r.items));
        }}
      >
        <label className="field">
          <span>{t('as.search')}</span>
          <input value={q} onChange={(e) => setQ(e.target.value)} minLength={2} required />
        </label>
        <button type="submit" disabled={search.busy}>
          {t('as.find')}
        </button>
      </form>
      <ErrorNote error={search.error} />
      {hits && hits.length === 0 && <p>{t('as.noHits')}</p>}
      {hits && hits.length > 0 && (
        <ul className="hits">
          {hits.map((h) => (
            <li key={h.item_id}>
              {h.item_name} <span className="muted">{h.product_identifier}</span> <Money value={h.price} />{' '}
              <button
                type="button"
                disabled={busy || !can('can_add')}
                onClick={() => apply(() => api.addItem(basket, h.product_identifier, 1))}
                aria-label={`${t('as.add')} ${h.item_name}`}
              >
                {t('as.add')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type Apply = (fn: () => Promise<AssistBasket>) => void;

/** A line the store's quantity limit refused at the kiosk, allowed by staff with a reason (can_edit). */
function OverLimit({ basket, apply, busy }: { basket: AssistBasket; apply: Apply; busy: boolean }) {
  const { t } = useI18n();
  const { can } = useSession();
  const [code, setCode] = useState('');
  const [qty, setQty] = useState('1');
  const [reason, setReason] = useState('');
  return (
    <form
      className="card"
      aria-labelledby="ol-title"
      onSubmit={(e) => {
        e.preventDefault();
        apply(() => api.limitOverride(basket, code.trim(), Number(qty) || 1, reason));
      }}
    >
      <h2 id="ol-title">{t('as.overLimit')}</h2>
      <p className="muted">{t('as.overLimitHelp')}</p>
      <label className="field">
        <span>{t('as.code')}</span>
        <input value={code} onChange={(e) => setCode(e.target.value)} required />
      </label>
      <label className="field">
        <span>{t('as.quantity')}</span>
        <input
          className="qty"
          inputMode="numeric"
          value={qty}
          onChange={(e) => setQty(e.target.value.replace(/\D/g, ''))}
          required
        />
      </label>
      <label className="field">
        <span>{t('as.reason')}</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} required />
      </label>
      <button type="submit" disabled={busy || !can('can_edit')}>
        {t('as.overLimitApply')}
      </button>
    </form>
  );
}

/** A barcode the catalogue does not know, sold at a price staff enter (can_add and can_override_price). */
function ManualItem({ basket, apply, busy }: { basket: AssistBasket; apply: Apply; busy: boolean }) {
  const { t } = useI18n();
  const { can } = useSession();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [price, setPrice] = useState('');
  const [reason, setReason] = useState('');
  const [bad, setBad] = useState(false);
  return (
    <form
      className="card"
      aria-labelledby="mi-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (!isAmount(price)) return setBad(true);
        setBad(false);
        apply(() =>
          api.addManualItem(basket, {
            code: code.trim(),
            item_name: name.trim(),
            unit_price: price.trim(),
            quantity: 1,
            reason,
          }),
        );
      }}
    >
      <h2 id="mi-title">{t('as.manualItem')}</h2>
      <label className="field">
        <span>{t('as.code')}</span>
        <input value={code} onChange={(e) => setCode(e.target.value)} required />
      </label>
      <label className="field">
        <span>{t('as.manualName')}</span>
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label className="field">
        <span>{t('as.manualPrice')}</span>
        <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} required />
      </label>
      <label className="field">
        <span>{t('as.reason')}</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} required />
      </label>
      <button type="submit" disabled={busy || !can('can_add') || !can('can_override_price')}>
        {t('as.manualApply')}
      </button>
      {bad && (
        <span role="alert" className="error">
          {t('err.amount')}
        </span>
      )}
    </form>
  );
}
