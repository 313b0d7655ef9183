import { ErrorNote, Section, Status } from '../components';
import { when } from '../format';
import { useApi } from '../hooks';

interface Item {
  basket_item_id: string;
  item_id: string;
  name: string;
  quantity: number;
  unit_of_measure: string;
  scanned_barcode: string | null;
  pricing: {
    unit_original_price: string;
    total_original_price: string;
    total_discount: string;
    total_payable_price: string;
    total_tax: string;
  };
  applied_promotions: { promo_id: string; title: string; amount: string }[];
}
interface Detail {
  order_id: string;
  store_id: string;
  store_name: string;
  completed_at: string;
  snapshot: {
    order: {
      o_id: string | number;
      receipt_number: string | null;
      device_id: string | null;
      order_status: string;
      payment_status: string;
      business_date: string;
    };
    totals: {
      total_mrp: string;
      total_discount: string;
      total_tax: string;
      total_after_tax: string;
      currency: string;
      tax_mode: string;
    };
    items: Item[];
    payment: {
      tenders: {
        tender_id: string;
        method: string;
        amount: string;
        status: string;
        card_brand?: string | null;
        card_last4?: string | null;
      }[];
    };
  };
  events: { event_id: string; type: string; occurred_at: string }[];
  pricing_audit: {
    status: string;
    reason: string;
    differences: { path: string; hub: unknown; hq: unknown }[];
  } | null;
}

export function OrderDetail({ orderId }: { orderId: string }) {
  const { data, error } = useApi<Detail>(`/orders/${encodeURIComponent(orderId)}`);
  const s = data?.snapshot;
  const c = s?.totals.currency ?? '';
  return (
    <>
      <p>
        <a href="#/sales">← Back to sales</a>
      </p>
      <h1>Order {s ? String(s.order.o_id) : orderId}</h1>
      <ErrorNote message={error} />
      {data && s && (
        <>
          <dl className="facts">
            <dt>Store</dt>
            <dd>
              {data.store_name || data.store_id} ({data.store_id})
            </dd>
            <dt>Device</dt>
            <dd>{s.order.device_id ?? '—'}</dd>
            <dt>Completed</dt>
            <dd>{when(data.completed_at)}</dd>
            <dt>Business date</dt>
            <dd>{s.order.business_date}</dd>
            <dt>Status</dt>
            <dd>
              {s.order.order_status} / {s.order.payment_status}
            </dd>
            <dt>Receipt</dt>
            <dd>{s.order.receipt_number ?? '—'}</dd>
            <dt>Pricing audit</dt>
            <dd>
              {data.pricing_audit ? (
                <Status
                  kind={
                    data.pricing_audit.status === 'match'
                      ? 'ok'
                      : data.pricing_audit.status === 'mismatch'
                        ? 'bad'
                        : 'warn'
                  }
                >
                  {data.pricing_audit.status === 'match'
                    ? 'HQ agrees with the hub'
                    : data.pricing_audit.reason}
                </Status>
              ) : (
                <span className="muted">not checked yet</span>
              )}
            </dd>
          </dl>
          <Section title="Lines">
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col" className="num">
                      Qty
                    </th>
                    <th scope="col" className="num">
                      Unit price
                    </th>
                    <th scope="col" className="num">
                      Discount
                    </th>
                    <th scope="col" className="num">
                      Payable
                    </th>
                    <th scope="col">Promotions</th>
                  </tr>
                </thead>
                <tbody>
                  {s.items.map((i) => (
                    <tr key={i.basket_item_id}>
                      <th scope="row">
                        {i.name}
                        <div className="muted small">{i.scanned_barcode ?? i.item_id}</div>
                      </th>
                      <td className="num">
                        {i.quantity}
                        {i.unit_of_measure === 'each' ? '' : ` ${i.unit_of_measure}`}
                      </td>
                      <td className="num">{i.pricing.unit_original_price}</td>
                      <td className="num">{i.pricing.total_discount}</td>
                      <td className="num">{i.pricing.total_payable_price}</td>
                      <td>
                        {i.applied_promotions.map((p) => `${p.title} (−${p.amount})`).join('; ') || '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={3}>
                      Total ({s.totals.tax_mode} of tax {s.totals.total_tax} {c})
                    </th>
                    <td className="num">{s.totals.total_discount}</td>
                    <td className="num">
                      {s.totals.total_after_tax} {c}
                    </td>
                    <td />
                  </tr>
                </tfoot>
              </table>
            </div>
          </Section>
          <Section title="Payment">
            <ul className="list">
              {s.payment.tenders.map((t) => (
                <li key={t.tender_id}>
                  {t.method} {t.amount} {c} — {t.status}
                  {t.card_brand ? ` (${t.card_brand} ${t.card_last4 ?? ''})` : ''}
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Events">
            <ul className="list">
              {data.events.map((e) => (
                <li key={e.event_id}>
                  {e.type} <span className="muted">{when(e.occurred_at)}</span>
                </li>
              ))}
            </ul>
          </Section>
        </>
      )}
    </>
  );
}
