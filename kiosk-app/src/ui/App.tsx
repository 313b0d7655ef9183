/**
 * The shopper's screens. Everything the shopper sees comes from the controller's state; every
 * button calls one controller method. Large touch targets, labelled for screen readers.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import qrcode from 'qrcode-generator';
import type { KioskController, KioskState } from '../basket/controller';
import { LANGUAGES, money, translate } from '../i18n';
import type { Language } from '../i18n';
import type { PricedLineJson } from '../pricing/types';
import type { Item } from '@kassa/promo-core';
import { Icon } from './icons';
import { ScaleWeigh } from './ScaleWeigh';

type T = (key: string, params?: Record<string, string | number>) => string;

function useKiosk(c: KioskController): KioskState {
  return useSyncExternalStore(c.subscribe, c.getState);
}

export function App({ controller: c }: { controller: KioskController }) {
  const s = useKiosk(c);
  const [contrast, setContrast] = useState(false);
  const [large, setLarge] = useState(false);
  // Stable per language and currency, so memoised lines see equal props and skip rendering.
  const lang = s.lang;
  const t: T = useCallback((k, p) => translate(lang, k, p), [lang]);
  const sign = s.store?.config.currency_sign ?? '';
  const m = useCallback((amount: string) => money(lang, amount, sign), [lang, sign]);

  useWedge(c, s);
  useEffect(() => {
    document.documentElement.lang = s.lang;
  }, [s.lang]);
  useEffect(() => {
    if (s.screen !== 'age_check') return;
    const id = setInterval(() => void c.refreshApproval(), 3000);
    return () => clearInterval(id);
  }, [s.screen, c]);

  return (
    <div
      className={`kiosk ${contrast ? 'contrast' : ''} ${large ? 'large' : ''}`}
      data-screen={s.screen}
      onPointerDown={() => c.touch()}
    >
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            K
          </span>
          <span>{s.store?.config.name || t('app.title')}</span>
        </div>
        {s.staff && (
          <div className="staff-badge" role="status">
            {t('staff.mode', { name: s.staff.username })}
            <button className="link" onClick={() => c.exitStaff()}>
              {t('staff.exit')}
            </button>
          </div>
        )}
        <div className="settings">
          <div className="lang-switch" role="group" aria-label={t('settings.language')}>
            {(Object.keys(LANGUAGES) as Language[]).map((l) => (
              <button
                key={l}
                aria-pressed={s.lang === l}
                className={s.lang === l ? 'on' : ''}
                onClick={() => c.setLanguage(l)}
              >
                {l.toUpperCase()}
              </button>
            ))}
          </div>
          <button aria-pressed={contrast} onClick={() => setContrast(!contrast)}>
            ◐ {t('settings.contrast')}
          </button>
          <button aria-pressed={large} onClick={() => setLarge(!large)}>
            A+ {t('settings.text')}
          </button>
        </div>
      </header>
      {!s.online && s.screen !== 'loading' && s.screen !== 'unpaired' && (
        <div className="banner offline" role="status" aria-live="polite" data-testid="offline-banner">
          {t('offline.banner')}
        </div>
      )}
      <main className="stage">
        <Screen s={s} c={c} t={t} m={m} />
      </main>
      {s.notice && (
        <div
          className={`toast ${s.notice.tone}`}
          role="alert"
          data-testid="notice"
          onClick={() => c.dismissNotice()}
        >
          {t(s.notice.key, s.notice.params)}
        </div>
      )}
      {s.weighing && <ScaleWeigh s={s} c={c} t={t} fallback={<Weigh s={s} c={c} t={t} />} />}
      {s.staffPrompt && <StaffSignIn s={s} c={c} t={t} />}
      {s.idlePrompt && (
        <Modal label={t('idle.title')}>
          <h2>{t('idle.title')}</h2>
          <p>{t('idle.body')}</p>
          <button className="primary big" onClick={() => c.touch()}>
            {t('idle.continue')}
          </button>
        </Modal>
      )}
    </div>
  );
}

function Screen({ s, c, t, m }: { s: KioskState; c: KioskController; t: T; m: (a: string) => string }) {
  switch (s.screen) {
    case 'loading':
      return <div className="center muted">…</div>;
    case 'unpaired':
      return <div className="center">This kiosk is not paired with a store hub yet.</div>;
    case 'attract':
      return (
        <button className="attract" onClick={() => c.begin()} aria-label={t('attract.start')}>
          <div className="attract-art" aria-hidden="true">
            <span>
              <Icon name="cart" size={120} />
            </span>
          </div>
          <h1>{t('attract.title')}</h1>
          <p>{t('attract.subtitle')}</p>
          <span className="primary big pill">{t('attract.start')}</span>
        </button>
      );
    case 'language':
      return (
        <section className="center column" aria-labelledby="lang-title">
          <h1 id="lang-title">{t('language.title')}</h1>
          <div className="choices">
            {(Object.entries(LANGUAGES) as [Language, string][]).map(([code, name]) => (
              <button key={code} className="choice" lang={code} onClick={() => c.chooseLanguage(code)}>
                <span className="flag" aria-hidden="true">
                  {code.toUpperCase()}
                </span>
                {name}
              </button>
            ))}
          </div>
        </section>
      );
    case 'scanning':
      return <Scanning s={s} c={c} t={t} m={m} />;
    case 'checkout_wait':
      return (
        <section className="center column" aria-live="polite">
          <div className="spinner" aria-hidden="true" />
          <h1>{t('wait.title')}</h1>
          <p>{t('wait.body')}</p>
          {s.staffCalled && <p className="callout">{t('wait.staff')}</p>}
        </section>
      );
    case 'age_check':
      return (
        <section className="center column" aria-live="polite">
          <h1>{t('age.title')}</h1>
          <p>{t('age.body')}</p>
          <div className="code" data-testid="age-code" aria-label={s.approval?.code?.split('').join(' ')}>
            {s.approval?.code}
          </div>
          <p className="muted">{t('age.waiting')}</p>
          {s.staff && (
            <div className="row">
              <button className="primary big" onClick={() => void c.staffDecideAge('approve')}>
                {t('staff.approveAge')}
              </button>
              <button className="big" onClick={() => void c.staffDecideAge('reject')}>
                {t('staff.rejectAge')}
              </button>
            </div>
          )}
          <div className="row">
            <button className="big" onClick={() => c.cancelAgeCheck()}>
              {t('age.back')}
            </button>
            <button className="big" onClick={() => c.openStaff()}>
              {t('scan.staff')}
            </button>
          </div>
        </section>
      );
    case 'paying':
      return <Paying s={s} c={c} t={t} m={m} />;
    case 'receipt':
      return <Receipt s={s} c={c} t={t} />;
    case 'thanks':
      return (
        <section className="center column thanks" onClick={() => c.reset()}>
          <div className="tick" aria-hidden="true">
            ✓
          </div>
          <h1>{t('thanks.title')}</h1>
          <p>{t('thanks.body')}</p>
        </section>
      );
  }
}

function Scanning({ s, c, t, m }: { s: KioskState; c: KioskController; t: T; m: (a: string) => string }) {
  const [panel, setPanel] = useState<'none' | 'keypad' | 'search'>('none');
  const priced = s.priced;
  const lines = priced?.lines ?? [];
  const count = lines.reduce((n, l) => n + (l.weight_g !== null ? 1 : l.quantity), 0);
  const total = priced?.totals.total_after_tax ?? '0.00';
  const savings = priced?.totals.total_savings ?? '0.00';
  const listRef = useRef<HTMLOListElement>(null);
  const recent = lines.find((l) => l.line_id === s.lastLine) ?? null;
  // The line just scanned (or changed) is brought into view, wherever it is in the list.
  useEffect(() => {
    listRef.current?.querySelector('.line.recent')?.scrollIntoView({ block: 'nearest' });
  }, [s.lastLine, lines.length]);
  // Local line ids → what the shopper changes (the priced line echoes the local id).
  const local = new Map((s.basket?.lines ?? []).map((l) => [l.line_id, l]));
  return (
    <div className="scanning">
      <section className="basket" aria-label={t('scan.title')}>
        <div className="basket-head">
          <h1>{t('scan.title')}</h1>
          <p className="muted">{t('scan.hint')}</p>
        </div>
        {lines.length === 0 ? (
          <div className="empty" data-testid="empty-basket">
            <div className="scan-art" aria-hidden="true">
              <Icon name="scan" size={120} />
            </div>
            <p>{t('scan.empty')}</p>
          </div>
        ) : (
          <ol className="lines" ref={listRef} data-testid="lines">
            {lines.map((l) => (
              <Line
                key={l.line_id}
                l={l}
                recent={l.line_id === s.lastLine}
                editable={!!local.get(l.line_id) || !!s.hub.mismatch}
                c={c}
                t={t}
                m={m}
              />
            ))}
          </ol>
        )}
        {s.suggestions.length > 0 && (
          <ul className="suggestions" aria-label="offers">
            {s.suggestions.map((g) => (
              <li key={g.promo_id}>
                <Icon name="bulb" size={22} />{' '}
                {g.missing_qty !== null
                  ? t('suggest.qty', { qty: g.missing_qty, title: g.title })
                  : t('suggest.amount', { amount: m(g.missing_amount ?? '0'), title: g.title })}
              </li>
            ))}
          </ul>
        )}
      </section>
      <aside className="side">
        <LastScanned l={recent} t={t} m={m} />
        <div className="actions">
          <button className="tile" onClick={() => setPanel(panel === 'keypad' ? 'none' : 'keypad')}>
            <Icon name="keypad" />
            {t('scan.keypad')}
          </button>
          <button className="tile" onClick={() => setPanel(panel === 'search' ? 'none' : 'search')}>
            <Icon name="search" />
            {t('scan.search')}
          </button>
          <button className="tile help" onClick={() => void c.help()}>
            <Icon name="help" />
            {t('scan.help')}
          </button>
          <button className="tile subtle" onClick={() => c.openStaff()}>
            <Icon name="staff" />
            {t('scan.staff')}
          </button>
        </div>
        {panel === 'keypad' && <Keypad c={c} t={t} onClose={() => setPanel('none')} />}
        {panel === 'search' && <Search s={s} c={c} t={t} m={m} onClose={() => setPanel('none')} />}
        <div className="totals" aria-live="polite">
          <div className="row between">
            <span>{t('scan.items', { count })}</span>
            {savings !== '0.00' && (
              <span className="savings" data-testid="savings">
                {t('scan.savings', { amount: m(savings) })}
              </span>
            )}
          </div>
          <div className="row between total-row">
            <span>{t('scan.total')}</span>
            <strong
              data-testid="total"
              data-hub-total={s.hub.total ?? ''}
              data-hub-agrees={String(s.hub.agrees)}
            >
              {m(total)}
            </strong>
          </div>
          <button
            className="primary pay"
            disabled={lines.length === 0}
            onClick={() => void c.checkout()}
            data-testid="pay"
          >
            {t('scan.pay', { total: m(total) })}
          </button>
        </div>
      </aside>
    </div>
  );
}

/**
 * One basket line. Memoised: a scan changes one line, and the pricing keeps the other lines'
 * objects, so only the changed line renders (60 lines re-rendered were most of a scan's frame).
 */
const Line = memo(function Line({
  l,
  recent,
  editable,
  c,
  t,
  m,
}: {
  l: PricedLineJson;
  recent: boolean;
  editable: boolean;
  c: KioskController;
  t: T;
  m: (a: string) => string;
}) {
  const [why, setWhy] = useState(false);
  const weighed = l.weight_g !== null;
  return (
    <li className={recent ? 'line recent' : 'line'} data-testid="line" data-code={l.scanned_code ?? ''}>
      <div className="line-main">
        <div className="thumb" aria-hidden="true">
          {initials(l.item_name)}
        </div>
        <div className="line-text">
          <div className="name">{l.item_name}</div>
          <div className="muted small">
            {weighed
              ? t('line.perKg', {
                  weight: (l.weight_g! / 1000).toFixed(3),
                  price: m(l.measure_price ?? l.unit_price),
                })
              : t('line.each', { price: m(l.unit_price) })}
          </div>
          {l.promotions.map((p) => (
            <div className="promo small" key={p.promo_id}>
              ★ {t('line.saved', { title: p.title, amount: m(p.discount) })}
            </div>
          ))}
          {l.basket_discounts.map((d) => (
            <div className="promo small" key={d.id}>
              ★ {t('line.saved', { title: d.label || d.id, amount: m(d.amount) })}
            </div>
          ))}
        </div>
        <div className="line-price">
          {l.total_discount !== '0.00' && <s className="muted small">{m(l.gross)}</s>}
          <strong>{m(l.payable)}</strong>
        </div>
      </div>
      <div className="line-tools">
        {!weighed && editable && (
          <div className="stepper" role="group" aria-label={l.item_name}>
            <button
              aria-label={t('line.less', { name: l.item_name })}
              onClick={() => void c.changeQuantity(l.line_id, l.quantity - 1)}
            >
              −
            </button>
            <span aria-live="polite" data-testid="qty">
              {l.quantity}
            </span>
            <button
              aria-label={t('line.more', { name: l.item_name })}
              onClick={() => void c.changeQuantity(l.line_id, l.quantity + 1)}
            >
              +
            </button>
          </div>
        )}
        {(l.explanation.length > 0 || l.promotions.length > 0) && (
          <button className="link" aria-expanded={why} onClick={() => setWhy(!why)}>
            {t('line.why')}
          </button>
        )}
        {editable && (
          <button
            className="icon-btn danger"
            aria-label={t('line.remove', { name: l.item_name })}
            onClick={() => void c.removeLine(l.line_id)}
          >
            ✕
          </button>
        )}
      </div>
      {why && (
        <ul className="why small">
          {l.explanation.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
    </li>
  );
});

/**
 * Beside the basket (landscape): the item just scanned, large, as a lane display shows it; an
 * invitation to scan before the first one. Hidden in portrait, where the list itself highlights it.
 */
function LastScanned({ l, t, m }: { l: PricedLineJson | null; t: T; m: (a: string) => string }) {
  return (
    <div className="last-scanned" aria-hidden="true">
      {l ? (
        <>
          <span className="muted small">{t('scan.last')}</span>
          <strong className="last-name">{l.item_name}</strong>
          <div className="row between">
            <span className="muted">
              {l.weight_g !== null
                ? `${(l.weight_g / 1000).toFixed(3)} kg`
                : `${l.quantity} × ${m(l.unit_price)}`}
            </span>
            <strong className="last-price">{m(l.payable)}</strong>
          </div>
          {l.promotions.length > 0 && (
            <span className="promo small">
              ★ {t('line.saved', { title: l.promotions[0]!.title, amount: m(l.promotions[0]!.discount) })}
            </span>
          )}
        </>
      ) : (
        <>
          <Icon name="scan" size={72} />
          <strong className="last-name">{t('scan.next')}</strong>
        </>
      )}
    </div>
  );
}

function Keypad({ c, t, onClose }: { c: KioskController; t: T; onClose: () => void }) {
  const [code, setCode] = useState('');
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', '⌫'];
  return (
    <div className="panel keypad" role="dialog" aria-label={t('keypad.title')}>
      <div className="panel-head">
        <strong>{t('keypad.title')}</strong>
        <button className="link" onClick={onClose}>
          {t('keypad.close')}
        </button>
      </div>
      <output className="display" aria-live="polite" data-testid="keypad-display">
        {code || ' '}
      </output>
      <div className="keys">
        {keys.map((k) => (
          <button
            key={k}
            aria-label={k === 'C' ? t('keypad.clear') : k === '⌫' ? 'backspace' : k}
            onClick={() => setCode(k === 'C' ? '' : k === '⌫' ? code.slice(0, -1) : (code + k).slice(0, 48))}
          >
            {k}
          </button>
        ))}
      </div>
      <button
        className="primary big"
        disabled={!code}
        onClick={() => {
          void c.scan(code);
          setCode('');
        }}
      >
        {t('keypad.add')}
      </button>
    </div>
  );
}

function Search({
  s,
  c,
  t,
  m,
  onClose,
}: {
  s: KioskState;
  c: KioskController;
  t: T;
  m: (a: string) => string;
  onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const items = s.store?.items;
  const produce = useMemo(
    () => (items ?? []).filter((i) => i.unit_of_measure !== 'each').slice(0, 24),
    [items],
  );
  const hits = useMemo(() => {
    const n = q.trim().toLowerCase();
    if (!n || !items) return [] as Item[];
    const out: Item[] = [];
    for (const i of items) {
      if (
        i.item_name.toLowerCase().includes(n) ||
        i.product_identifier === n ||
        i.retailer_product_id === n
      ) {
        out.push(i);
        if (out.length >= 12) break;
      }
    }
    return out;
  }, [q, items]);
  const list = q.trim() ? hits : produce;
  return (
    <div className="panel search" role="dialog" aria-label={t('search.title')}>
      <div className="panel-head">
        <strong>{q.trim() ? t('search.title') : t('search.produce')}</strong>
        <button className="link" onClick={onClose}>
          {t('keypad.close')}
        </button>
      </div>
      <input
        autoFocus
        aria-label={t('search.placeholder')}
        placeholder={t('search.placeholder')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {list.length === 0 ? (
        <p className="muted">{t('search.none')}</p>
      ) : (
        <div className="tiles">
          {list.map((i) => (
            <button
              key={i.item_id}
              className="item-tile"
              onClick={() => {
                void c.scan(i.product_identifier);
                onClose();
              }}
            >
              <span className="initials" aria-hidden="true" style={{ background: tint(i.item_name) }}>
                {initials(i.item_name)}
              </span>
              <span className="tile-name">{i.item_name}</span>
              <span className="muted small">
                {m(
                  formatMinor(
                    i.unit_of_measure !== 'each'
                      ? (i.price_per_unit_measure ?? i.base_price)
                      : i.selling_price,
                    s.store?.config.currency_exponent ?? 2,
                  ),
                )}
                {i.unit_of_measure !== 'each' ? '/kg' : ''}
              </span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function Weigh({ s, c, t }: { s: KioskState; c: KioskController; t: T }) {
  const [g, setG] = useState('');
  return (
    <Modal label={t('weigh.title', { name: s.weighing!.name })}>
      <h2>{t('weigh.title', { name: s.weighing!.name })}</h2>
      <div className="scale" aria-hidden="true">
        ⚖
      </div>
      <label className="field">
        {t('weigh.manual')}
        <input
          inputMode="numeric"
          value={g}
          onChange={(e) => setG(e.target.value.replace(/\D/g, '').slice(0, 6))}
        />
      </label>
      <div className="row">
        <button
          className="primary big"
          disabled={!g || Number(g) < 1}
          onClick={() => void c.addWeighed(Number(g))}
        >
          {t('weigh.add')}
        </button>
        <button className="big" onClick={() => c.cancelWeighing()}>
          {t('weigh.cancel')}
        </button>
      </div>
    </Modal>
  );
}

function StaffSignIn({ s, c, t }: { s: KioskState; c: KioskController; t: T }) {
  const [user, setUser] = useState('');
  const [pin, setPin] = useState('');
  return (
    <Modal label={t('staff.title')}>
      <h2>{t('staff.title')}</h2>
      {s.staffPrompt?.reason === 'approval' && <p className="callout">{t('staff.approvalNeeded')}</p>}
      <form
        className="column"
        onSubmit={(e) => {
          e.preventDefault();
          void c.staffSignIn(user, pin);
        }}
      >
        <label className="field">
          {t('staff.username')}
          <input value={user} autoComplete="off" onChange={(e) => setUser(e.target.value)} />
        </label>
        <label className="field">
          {t('staff.pin')}
          <input type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} />
        </label>
        <p className="muted small">{t('staff.badge')}</p>
        <div className="row">
          <button type="submit" className="primary big" disabled={!user || !pin}>
            {t('staff.signIn')}
          </button>
          <button type="button" className="big" onClick={() => c.closeStaffPrompt()}>
            {t('staff.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function Paying({ s, c, t, m }: { s: KioskState; c: KioskController; t: T; m: (a: string) => string }) {
  const o = s.order;
  if (!o) return <div className="center muted">…</div>;
  const due = o.payment.due;
  const waiting = s.payment.status === 'waiting';
  const half = halve(due);
  return (
    <section className="center column paying" aria-live="polite">
      <div className="pay-card" aria-hidden="true">
        <Icon name="card" size={96} />
      </div>
      <h1>{t('pay.title')}</h1>
      <div className="due">
        <span className="muted">{t('pay.due')}</span>
        <strong data-testid="due">{m(due)}</strong>
      </div>
      {s.payment.status === 'partial' && (
        <p className="callout">{t('pay.partial', { paid: m(o.payment.captured_amount), due: m(due) })}</p>
      )}
      {waiting ? (
        <>
          <div className="terminal" aria-hidden="true">
            <div className="spinner" />
          </div>
          <p>{s.payment.prompt ?? t('pay.waiting')}</p>
        </>
      ) : s.payment.status === 'declined' || s.payment.status === 'error' ? (
        <>
          <p className="callout error" role="alert" data-testid="declined">
            {t(s.payment.status === 'declined' ? 'pay.declined' : 'pay.error')}
          </p>
          {s.payment.declines >= 3 && <p>{t('pay.staffAfterDeclines')}</p>}
          <div className="row">
            <button className="primary big" onClick={() => void c.pay()}>
              {t('pay.retry')}
            </button>
            <button className="big" onClick={() => void c.pay()}>
              {t('pay.other')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p>{t('pay.present')}</p>
          <button className="primary big" onClick={() => void c.pay()} data-testid="pay-card">
            {t('pay.start', { amount: m(due) })}
          </button>
          {half && (
            <button className="big" onClick={() => void c.pay(half)}>
              {t('pay.splitHalf', { amount: m(half) })}
            </button>
          )}
        </>
      )}
      {!waiting && (
        <button className="link big-link" onClick={() => void c.cancelPayment()}>
          {t('pay.cancel')}
        </button>
      )}
    </section>
  );
}

function Receipt({ s, c, t }: { s: KioskState; c: KioskController; t: T }) {
  return (
    <section className="center column receipt">
      <div className="tick" aria-hidden="true">
        ✓
      </div>
      <h1>{t('receipt.title')}</h1>
      {s.receipt.qr ? (
        <>
          <p>{t('receipt.scan')}</p>
          <Qr value={s.receipt.qr} />
          <button className="primary big" onClick={() => c.finish()}>
            {t('receipt.done')}
          </button>
        </>
      ) : (
        <>
          <p>{t('receipt.question')}</p>
          <div className="choices">
            <button className="choice" onClick={() => void c.receipt('print')}>
              <Icon name="receipt" size={56} />
              {t('receipt.print')}
            </button>
            <button className="choice" onClick={() => void c.receipt('email_qr')}>
              <Icon name="qr" size={56} />
              {t('receipt.qr')}
            </button>
            <button className="choice" onClick={() => void c.receipt('none')}>
              <Icon name="none" size={56} />
              {t('receipt.none')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function Qr({ value }: { value: string }) {
  const path = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(value);
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let r = 0; r < n; r++)
      for (let col = 0; col < n; col++) if (qr.isDark(r, col)) d += `M${col + 4} ${r + 4}h1v1h-1z`;
    return { d, size: n + 8 };
  }, [value]);
  return (
    <svg
      className="qr"
      data-testid="receipt-qr"
      data-value={value}
      role="img"
      aria-label="receipt QR code"
      viewBox={`0 0 ${path.size} ${path.size}`}
      shapeRendering="crispEdges"
    >
      <rect width={path.size} height={path.size} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}

function Modal({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="modal-back">
      <div className="modal" role="dialog" aria-modal="true" aria-label={label}>
        {children}
      </div>
    </div>
  );
}

/** Keyboard-wedge scanners type the code and Enter anywhere on the page, without focus. */
function useWedge(c: KioskController, s: KioskState) {
  const buf = useRef('');
  const screen = s.screen;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) return;
      if (e.key === 'Enter') {
        const code = buf.current;
        buf.current = '';
        if (code.length > 0) {
          e.preventDefault();
          if (screen === 'attract' || screen === 'language') c.chooseLanguage(c.getState().lang);
          void c.scan(code);
        }
        return;
      }
      if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey)
        buf.current = (buf.current + e.key).slice(-128);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [c, screen]);
}

function initials(name: string): string {
  const words = name
    .replace(/\(.*?\)/g, '')
    .split(/\s+/)
    .filter(Boolean);
  return ((words[0]?.[0] ?? '') + (words[1]?.[0] ?? '')).toUpperCase();
}

function tint(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h} 55% 38%)`;
}

/** bigint minor units → decimal string (display only). */
function formatMinor(v: bigint, exp: number): string {
  const neg = v < 0n;
  const a = (neg ? -v : v).toString().padStart(exp + 1, '0');
  const out = exp > 0 ? `${a.slice(0, -exp)}.${a.slice(-exp)}` : a;
  return neg ? `-${out}` : out;
}

/** Half of a decimal amount, rounded down to the minor unit; null when it cannot be split. */
function halve(amount: string): string | null {
  const [i = '0', f = ''] = amount.split('.');
  const minor = BigInt(i + f);
  if (minor < 2n) return null;
  const h = minor / 2n;
  return formatMinor(h, f.length);
}
