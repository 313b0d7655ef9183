/**
 * buildReceipt: a completed order (or refund, gift or failed-payment slip) and the store's
 * receipt configuration → a `ReceiptDocument` (spec/store.md §5.3, tax presentation §4.7).
 * Pure: the same input gives the same document on the hub, the kiosk and in the cloud, so a
 * receipt can be reproduced later from stored order data (§5.5).
 */
import { formatMoney } from '../money';
import { formatStoreDateTime } from './datetime';
import {
  receiptDocumentSchema,
  storeReceiptConfigSchema,
  type CompletedOrderInput,
  type ReceiptColumn,
  type ReceiptDocument,
  type ReceiptLine,
  type ReceiptLineInput,
  type ReceiptRole,
  type ReceiptSectionName,
  type StoreReceiptConfig,
  type StoreReceiptConfigInput,
} from './types';
import { KassaError } from '../errors';

export class ReceiptError extends KassaError<'RECEIPT_CONFIG_INVALID' | 'RECEIPT_INPUT_INVALID'> {}

/** Narrowest money column; wider when an amount needs it, so amounts are never cut. */
const MONEY_MIN = 9;

type Line = ReceiptLine;
type TextOpts = Partial<{
  align: 'left' | 'center' | 'right';
  bold: boolean;
  size: number;
  role: ReceiptRole;
}>;

const text = (t: string, o: TextOpts = {}): Line => ({
  type: 'text',
  text: t,
  align: o.align ?? 'left',
  bold: o.bold ?? false,
  underline: false,
  invert: false,
  size: o.size ?? 1,
  ...(o.role && { role: o.role }),
});
const columns = (cols: ReceiptColumn[], role?: ReceiptRole, bold = false): Line => ({
  type: 'columns',
  columns: cols,
  bold,
  ...(role && { role }),
});
const rule = (style: 'single' | 'double' = 'single'): Line => ({ type: 'rule', style });

/** Shortest percentage: "20.00" → "20", "6.25" → "6.25", "17.50" → "17.5". */
export const shortPercent = (p: string): string => (p.includes('.') ? p.replace(/\.?0+$/, '') : p);

/** Formats a measured quantity given in grams/millilitres as kilograms/litres with 3 decimals. */
const measured = (q: number): string => formatMoney(BigInt(q), 3);

export function buildReceipt(
  order: CompletedOrderInput,
  storeConfig: StoreReceiptConfigInput,
): ReceiptDocument {
  const parsed = storeReceiptConfigSchema.safeParse(storeConfig);
  if (!parsed.success) {
    throw new ReceiptError('RECEIPT_CONFIG_INVALID', 'invalid store receipt configuration', {
      issues: parsed.error.issues,
    });
  }
  const cfg: StoreReceiptConfig = parsed.data;
  const exp = order.currencyExponent ?? 2;
  if (!Number.isInteger(exp) || exp < 0 || exp > 4) {
    throw new ReceiptError('RECEIPT_INPUT_INVALID', 'currency exponent must be 0..4', {
      currencyExponent: exp,
    });
  }
  const money = (v: bigint) => formatMoney(v, exp);
  const minus = (v: bigint) => money(-v);
  const L = cfg.labels;

  // Every amount that can appear in a money column, to size the columns once for the whole receipt.
  const amounts: bigint[] = [
    ...order.lines.flatMap((l) => [
      l.grossAmount,
      l.amount,
      l.unitPrice,
      l.measurePrice ?? 0n,
      ...l.discounts.map((d) => -d.amount),
    ]),
    ...order.basketDiscounts.map((d) => -d.amount),
    ...Object.values(order.totals).filter((v): v is bigint => typeof v === 'bigint'),
    ...order.tenders.flatMap((t) => [t.amount, t.cashTendered ?? 0n, t.changeGiven ?? 0n]),
    ...order.taxBreakup.flatMap((r) => [r.taxableAmount, r.taxAmount]),
  ];
  const moneyW = Math.max(MONEY_MIN, ...amounts.map((a) => money(a).length + 1));
  const totalW = moneyW + cfg.currencySign.length;

  const pair = (left: string, right: string, role?: ReceiptRole, bold = false): Line =>
    columns(
      [
        { text: left, width: 'fill', align: 'left' },
        { text: right, width: right.length > moneyW ? right.length : moneyW, align: 'right' },
      ],
      role,
      bold,
    );

  const sections: Array<{ name: ReceiptSectionName; lines: Line[] }> = [];
  const section = (name: ReceiptSectionName, lines: Line[]) => {
    if (lines.length > 0) sections.push({ name, lines });
  };
  const isGift = order.type === 'gift';
  const isFailed = order.type === 'payment_failed';
  const isRefund = order.type === 'refund';

  // Header ------------------------------------------------------------------------------------
  const s = cfg.store;
  const header: Line[] = [text(s.name, { align: 'center', bold: true, size: 2, role: 'store' })];
  if (s.retailerName) header.push(text(s.retailerName, { align: 'center', role: 'store' }));
  for (const a of s.addressLines) header.push(text(a, { align: 'center', role: 'store' }));
  if (s.phone) header.push(text(s.phone, { align: 'center', role: 'store' }));
  if (s.taxRegistrationHeader && s.taxRegistrationNumber) {
    header.push(
      text(`${s.taxRegistrationHeader} ${s.taxRegistrationNumber}`, { align: 'center', role: 'store' }),
    );
  }
  const title = {
    order: 'RECEIPT',
    refund: 'REFUND',
    gift: 'GIFT RECEIPT',
    payment_failed: 'PAYMENT FAILED',
  }[order.type];
  header.push({ type: 'feed', lines: 1 }, text(title, { align: 'center', bold: true, role: 'title' }));
  section('header', header);

  // Transaction block ---------------------------------------------------------------------------
  const orderNo = `${order.orderPrefix ?? ''}${order.oId}`;
  const trans = order.transactionIdPoslog
    ? `${order.device.retailerDeviceId}-${order.transactionIdPoslog}`
    : null;
  const tx: Line[] = [pair(L.orderNo, orderNo, 'transaction')];
  if (trans) tx.push(pair(L.transaction, trans, 'transaction'));
  if (order.receiptNumber && order.receiptNumber !== orderNo && order.receiptNumber !== trans) {
    tx.push(pair(L.receiptNo, order.receiptNumber, 'transaction'));
  }
  tx.push(
    pair(L.date, formatStoreDateTime(order.completedAt, cfg.timezone, cfg.datetimeFormat), 'transaction'),
  );
  tx.push(pair(L.till, order.device.retailerDeviceId, 'transaction'));
  if (order.cashier) {
    tx.push(
      pair(L.cashier, order.cashier.name ? `${order.cashier.name} (${order.cashier.id})` : order.cashier.id),
    );
  }
  if (order.customer?.loyaltyNumber) {
    const who = order.customer.name ? `${order.customer.name} ` : '';
    tx.push(pair(L.member, `${who}${order.customer.loyaltyNumber}`, 'transaction'));
  }
  section('transaction', tx);

  // Refund block --------------------------------------------------------------------------------
  if (isRefund && order.refund) {
    const r = order.refund;
    const rl: Line[] = [pair('Refund id', r.refundId, 'refund')];
    if (r.refundPoslog)
      rl.push(pair('Refund trans.', `${order.device.retailerDeviceId}-${r.refundPoslog}`, 'refund'));
    rl.push(pair('Original order', r.originalOrderNumber, 'refund'));
    rl.push(
      pair('Original date', formatStoreDateTime(r.originalDate, cfg.timezone, cfg.datetimeFormat), 'refund'),
    );
    if (r.reason) rl.push(pair('Reason', r.reason, 'refund'));
    if (r.staffId) rl.push(pair('Staff', r.staffId, 'refund'));
    section('refund', rl);
  }

  // Item lines ----------------------------------------------------------------------------------
  if (!isFailed) section('items', itemLines(orderedLines(order.lines)));

  function qtyText(l: ReceiptLineInput): string {
    if (l.kind === 'donation') return '';
    const isMeasured = l.measuredQuantity !== undefined && (l.unitOfMeasure ?? 'each') !== 'each';
    return isMeasured ? measured(l.measuredQuantity!) : String(l.quantity);
  }

  function priceOf(l: ReceiptLineInput): bigint {
    const isMeasured = l.measuredQuantity !== undefined && (l.unitOfMeasure ?? 'each') !== 'each';
    return isMeasured && l.measurePrice !== undefined ? l.measurePrice : l.unitPrice;
  }

  function itemLines(lines: ReceiptLineInput[]): Line[] {
    const out: Line[] = [];
    const markW = cfg.showVatTypeOnLines ? Math.max(1, ...lines.map((l) => mark(l.taxCode).length)) : 0;
    const table = cfg.itemTable;
    const priceW = table ? Math.max(table.priceWidth, moneyW - 1) : 0;
    const qtyW = table
      ? Math.max(table.qtyWidth, table.qty.length, ...lines.map((l) => qtyText(l).length))
      : 0;
    const totalColW = table ? Math.max(table.totalWidth, moneyW) : 0;
    if (table && !isGift) {
      const head: ReceiptColumn[] = [
        { text: table.item, width: 'fill', align: 'left' },
        { text: table.qty, width: qtyW, align: 'right' },
        { text: table.price, width: priceW, align: 'right' },
        { text: table.total, width: totalColW, align: 'right' },
      ];
      if (markW > 0) head.push({ text: '', width: markW, align: 'left' });
      out.push(columns(head, 'column_header', true));
    }
    for (const l of lines) {
      const indent = l.parentLineId ? '  ' : '';
      const name = `${indent}${cfg.printItemCode && l.productCode ? `${l.productCode} ` : ''}${l.name}`;
      const isMeasured = l.measuredQuantity !== undefined && (l.unitOfMeasure ?? 'each') !== 'each';
      if (isGift) {
        const qty = isMeasured ? `${measured(l.measuredQuantity!)} ${l.unitOfMeasure}` : String(l.quantity);
        out.push(
          columns(
            [
              { text: name, width: 'fill', align: 'left' },
              { text: l.kind === 'donation' ? '' : qty, width: Math.max(4, qty.length), align: 'right' },
            ],
            'item',
          ),
        );
        continue;
      }
      const shown = cfg.showItemLevelDiscount ? l.grossAmount : l.amount;
      const label = l.isReturn ? `${name} (return)` : name;
      const cols: ReceiptColumn[] = table
        ? [
            { text: label, width: 'fill', align: 'left' },
            { text: qtyText(l), width: qtyW, align: 'right' },
            { text: l.kind === 'donation' ? '' : money(priceOf(l)), width: priceW, align: 'right' },
            { text: money(shown), width: totalColW, align: 'right' },
          ]
        : [
            { text: label, width: 'fill', align: 'left' },
            { text: money(shown), width: moneyW, align: 'right' },
          ];
      if (markW > 0) cols.push({ text: mark(l.taxCode), width: markW, align: 'left' });
      out.push(columns(cols, 'item'));

      const details: string[] = [];
      const unit = l.unitOfMeasure;
      if (table) {
        // Quantity and price have their own columns; a measured line says what its price is per.
        if (isMeasured && l.measurePrice !== undefined) details.push(`${unit}, price per ${unit}`);
      } else if (isMeasured) {
        const per = l.measurePrice !== undefined ? ` x ${money(l.measurePrice)}/${unit}` : '';
        details.push(`${measured(l.measuredQuantity!)} ${unit}${per}`);
      } else if (l.kind !== 'donation' && l.quantity !== 1) {
        details.push(`${l.quantity} x ${money(l.unitPrice)}`);
      }
      if (cfg.showOriginalPrice && l.originalUnitPrice !== undefined && l.originalUnitPrice > l.unitPrice) {
        details.push(`was ${money(l.originalUnitPrice)}`);
      }
      if (details.length > 0) out.push(text(`${indent}  ${details.join('  ')}`, { role: 'item_detail' }));
      for (const d of l.discounts) {
        if (cfg.showItemLevelDiscount) out.push(pair(`${indent}  ${d.label}`, minus(d.amount), 'discount'));
        else if (cfg.printPromoAfterEveryItem) out.push(text(`${indent}  ${d.label}`, { role: 'discount' }));
      }
      for (const n of l.notes ?? []) out.push(text(`${indent}  ${n}`, { role: 'item_detail' }));
    }
    return out;
  }

  function mark(code: string | null | undefined): string {
    if (!code) return '';
    return cfg.taxMarks[code] ?? code;
  }

  // Summary ---------------------------------------------------------------------------------------
  const t = order.totals;
  const itemCount = order.lines
    .filter((l) => (l.kind ?? 'item') === 'item')
    .reduce((n, l) => n + (l.isReturn ? -1 : 1) * (l.measuredQuantity !== undefined ? 1 : l.quantity), 0);
  const nonZeroRows = order.taxBreakup.filter((r) => r.taxAmount !== 0n);
  const levelNames = [...new Set(order.taxBreakup.map((r) => r.taxLevel))];
  const taxWord = levelNames.length === 1 ? levelNames[0]! : 'Tax';
  const sum: Line[] = [rule(), pair(L.items, String(itemCount), 'count')];

  if (isGift) {
    section('summary', sum);
  } else if (isFailed) {
    const f = order.paymentFailure;
    if (f) {
      sum.push(pair('Amount attempted', money(f.attemptedAmount), 'total', true));
      sum.push(text(`Payment reference: ${f.sessionReference}`, { role: 'tender_detail' }));
    }
    section('summary', sum);
  } else {
    if (cfg.showSubtotal) {
      const lineDiscounts = order.lines.reduce(
        (a, l) => a + l.discounts.reduce((b, d) => b + d.amount, 0n),
        0n,
      );
      const sub = cfg.showSubtotalWithoutDiscount ? t.subtotal : t.subtotal - lineDiscounts;
      sum.push(pair(L.subtotal, money(sub), 'subtotal'));
    }
    for (const d of order.basketDiscounts) sum.push(pair(d.label, minus(d.amount), 'discount'));
    for (const c of order.otherCharges ?? []) sum.push(pair(c.label, money(c.amount), 'charge'));

    const totalLabel = isRefund ? `REFUND ${cfg.orderTotalHeader}` : cfg.orderTotalHeader;
    const totalLine = columns(
      [
        { text: totalLabel, width: 'fill', align: 'left' },
        { text: `${cfg.currencySign}${money(t.totalAfterTax)}`, width: totalW, align: 'right' },
      ],
      'total',
      true,
    );
    const taxVerb = isRefund ? 'reversed' : '';
    if (!order.pricesIncludeTax) {
      // Spec §4.7: exclusive stores print the subtotal, each tax row, then the total.
      sum.push(pair(`Total excl. ${taxWord}`, money(t.totalExclTax), 'subtotal'));
      if (cfg.showTaxBreakup) {
        for (const r of nonZeroRows) {
          sum.push(
            pair(`${r.taxLevel} ${shortPercent(r.taxPercent)}% ${taxVerb}`.trim(), money(r.taxAmount), 'tax'),
          );
        }
        if (nonZeroRows.length === 0)
          sum.push(pair(`${taxWord} ${taxVerb}`.trim(), money(t.totalTax), 'tax'));
      } else {
        sum.push(pair(cfg.vatStatement ?? `${taxWord} ${taxVerb}`.trim(), money(t.totalTax), 'tax'));
      }
      sum.push(rule('double'), totalLine);
    } else {
      // Inclusive stores print the total, then "of which VAT".
      sum.push(rule('double'), totalLine);
      if (cfg.showTaxBreakup || !cfg.vatStatement) {
        sum.push(pair(`${L.taxIncluded} ${taxWord} ${taxVerb}`.trim(), money(t.totalTax), 'tax'));
      } else {
        sum.push(text(cfg.vatStatement, { role: 'tax' }));
      }
    }
    const savings = t.totalSavings ?? t.totalDiscount;
    if (savings > 0n && !isRefund) sum.push(pair(L.savings, money(savings), 'savings'));
    if (order.taxExemption) {
      const e = order.taxExemption;
      const what = [e.label ?? e.programId ?? 'Tax exempt sale', e.reference ? `ref. ${e.reference}` : '']
        .filter(Boolean)
        .join(' ');
      sum.push(text(`Tax exemption: ${what}`, { role: 'tax_exemption' }));
    }
    section('summary', sum);

    // Tax table (inclusive stores; exclusive ones listed their rows in the summary) --------------
    if (order.pricesIncludeTax && cfg.showTaxBreakup && nonZeroRows.length > 0) {
      const amountsW = Math.max(
        7,
        ...nonZeroRows.flatMap((r) => [money(r.taxableAmount).length, money(r.taxAmount).length]),
      );
      const row = (a: string, b: string, c: string, role: ReceiptRole): Line =>
        columns(
          [
            { text: a, width: 'fill', align: 'left' },
            { text: b, width: amountsW, align: 'right' },
            { text: c, width: amountsW, align: 'right' },
          ],
          role,
        );
      const tl: Line[] = [row(`${taxWord} rate`, 'Gross', taxWord, 'column_header')];
      for (const r of nonZeroRows) {
        tl.push(
          row(
            `${r.taxLevel} ${shortPercent(r.taxPercent)}%`,
            money(r.taxableAmount),
            money(r.taxAmount),
            'tax',
          ),
        );
      }
      tl.push(pair(`Total excl. ${taxWord}`, money(t.totalExclTax), 'tax'));
      section('tax', tl);
    }

    // Payment block ----------------------------------------------------------------------------
    const pay: Line[] = [];
    for (const tender of order.tenders) {
      pay.push(pair(tender.label ?? tenderLabel(tender.method), money(tender.amount), 'tender'));
      const c = tender.card;
      if (c) {
        const detail = (s: string) => pay.push(text(`  ${s}`, { role: 'tender_detail' }));
        if (c.brand || c.last4) detail(`${c.brand ?? 'Card'} **** ${c.last4 ?? ''}`.trim());
        if (c.entryMode) detail(c.entryMode[0]!.toUpperCase() + c.entryMode.slice(1));
        if (c.authCode) detail(`Auth code ${c.authCode}`);
        if (c.terminalId) detail(`Terminal ${c.terminalId}`);
        if (c.merchantId) detail(`Merchant ${c.merchantId}`);
        const e = c.emv;
        if (e) {
          if (e.applicationLabel) detail(e.applicationLabel);
          if (e.aid) detail(`AID ${e.aid}`);
          const tech = [
            e.tvr && `TVR ${e.tvr}`,
            e.tsi && `TSI ${e.tsi}`,
            e.ac && `AC ${e.ac}`,
            e.cid && `CID ${e.cid}`,
          ];
          for (const x of tech) if (x) detail(x);
        }
      }
      if (tender.cashTendered !== undefined)
        pay.push(pair('  Cash tendered', money(tender.cashTendered), 'tender'));
      if (tender.changeGiven !== undefined && tender.changeGiven > 0n) {
        pay.push(pair(L.change, money(tender.changeGiven), 'change', true));
      }
      const lo = tender.loyalty;
      if (lo) {
        if (lo.pointsRedeemed !== undefined)
          pay.push(pair('  Points redeemed', String(lo.pointsRedeemed), 'tender'));
        if (lo.pointsEarned !== undefined)
          pay.push(pair('  Points earned', String(lo.pointsEarned), 'tender'));
        if (lo.balance !== undefined) pay.push(pair('  Points balance', String(lo.balance), 'tender'));
      }
    }
    if (pay.length > 0) section('payment', [rule(), ...pay]);
  }

  // Footer ------------------------------------------------------------------------------------
  const qr = qrPayload(order, cfg);
  const foot: Line[] = [];
  if (qr !== null) {
    foot.push({ type: 'qr', data: qr, size: 6, align: 'center', role: 'qr' });
    foot.push(text(L.qrCaption, { align: 'center', role: 'footer' }));
  }
  if (cfg.transactionBarcode && /^[\x20-\x7e]{1,80}$/.test(order.receiptNumber) && !isFailed) {
    foot.push({
      type: 'barcode',
      data: order.receiptNumber,
      symbology: 'code128',
      height: 60,
      align: 'center',
      role: 'barcode',
    });
  }
  const f = cfg.footer;
  for (const s of [f.exitInstructions, f.returnPolicy, f.termsAndConditions, f.storeFooterNote]) {
    if (s) foot.push(text(s, { align: 'center', role: 'footer' }));
  }
  if (f.feedbackPrompt) foot.push(text(f.feedbackPrompt, { align: 'center', role: 'footer' }));
  if (order.feedbackUrl) foot.push(text(order.feedbackUrl, { align: 'center', role: 'footer' }));
  section('footer', foot.length > 0 ? [{ type: 'feed', lines: 1 }, ...foot] : []);

  return {
    version: 1,
    meta: {
      type: order.type,
      orderId: order.orderId,
      receiptNumber: order.receiptNumber,
      total: money(isFailed ? (order.paymentFailure?.attemptedAmount ?? t.totalAfterTax) : t.totalAfterTax),
      currencySign: cfg.currencySign,
      completedAt: order.completedAt,
      qr,
    },
    copy: order.copy ?? false,
    ...(cfg.logo && { logo: cfg.logo }),
    sections,
    // Opening a cash drawer is a lane decision for the hub, not part of the receipt's content.
    drawer: 'none',
    cut: cfg.cut,
  };
}

/** Add-ons print directly under their parent, whatever order the basket holds them in. */
function orderedLines(lines: ReceiptLineInput[]): ReceiptLineInput[] {
  const ids = new Set(lines.map((l) => l.lineId));
  const children = new Map<string, ReceiptLineInput[]>();
  const roots: ReceiptLineInput[] = [];
  for (const l of lines) {
    if (l.parentLineId && ids.has(l.parentLineId)) {
      const list = children.get(l.parentLineId) ?? [];
      list.push(l);
      children.set(l.parentLineId, list);
    } else roots.push(l);
  }
  return roots.flatMap((r) => [r, ...(children.get(r.lineId) ?? [])]);
}

const TENDER_LABELS: Record<string, string> = {
  CARD_TERMINAL: 'Card',
  CASH: 'Cash',
  APPLE_PAY: 'Apple Pay',
  GOOGLE_PAY: 'Google Pay',
  GIFT_CARD: 'Gift card',
  LOYALTY: 'Loyalty points',
  BUDGET_CODE: 'Budget code',
};
const tenderLabel = (method: string) => TENDER_LABELS[method] ?? method;

/** The receipt QR (spec §5.2, §5.3 `qr_content`): what staff, gates and the e-receipt link open. */
export function qrPayload(
  order: Pick<CompletedOrderInput, 'orderId' | 'receiptNumber' | 'fiscalQr'>,
  cfg: Pick<StoreReceiptConfig, 'qrContent' | 'receiptUrlTemplate'>,
): string | null {
  switch (cfg.qrContent) {
    case 'none':
      return null;
    case 'order_id':
      return order.orderId;
    case 'fiscal_qr':
      return order.fiscalQr ?? null;
    case 'receipt_url': {
      if (!cfg.receiptUrlTemplate) return order.orderId;
      return cfg.receiptUrlTemplate
        .replaceAll('{order_id}', encodeURIComponent(order.orderId))
        .replaceAll('{receipt_number}', encodeURIComponent(order.receiptNumber));
    }
  }
}

/** Validates a document (e.g. one read back from storage or received over the LAN). */
export const parseReceiptDocument = (doc: unknown): ReceiptDocument => receiptDocumentSchema.parse(doc);
