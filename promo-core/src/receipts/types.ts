/**
 * Receipt model (spec/store.md §5): the completed-order input the hub hands over, the store's
 * receipt configuration, and the `ReceiptDocument` that printers, the console preview and the
 * e-receipt all render.
 *
 * The document is plain JSON (no bigint, no functions): sections of lines whose types and fields
 * match the hardware package's printable receipt (`text`, `columns`, `rule`, `qr`, `barcode`,
 * `feed`), so a printer driver renders it without re-laying anything out; money is already
 * formatted. Every line may carry a semantic `role` for screens and tests.
 */
import { z } from 'zod';
import type { TaxLineKind } from '../tax';
import { isTimeZone } from './datetime';

// ---------------------------------------------------------------------------------------------
// Completed-order input (money as bigint minor units; built by the hub from the priced basket,
// the order, its payment and, for a refund receipt, the refund record)

export type ReceiptType = 'order' | 'refund' | 'gift' | 'payment_failed';

/** What one promotion (or coupon, staff discount) took off a line. */
export interface ReceiptLineDiscount {
  /** Promotion title as the shopper should read it ("Meal deal"). */
  label: string;
  promoId?: string;
  /** Positive amount taken off, minor units. */
  amount: bigint;
}

export interface ReceiptLineInput {
  lineId: string;
  name: string;
  /** Product code / retailer product id, printed when `printItemCode` is set. */
  productCode?: string;
  kind?: TaxLineKind;
  /** Counted units; 1 for a weighed line. */
  quantity: number;
  unitOfMeasure?: 'each' | 'kg' | 'l';
  /** Grams (or millilitres) for a measured line: printed as `0.348 kg x 18.90/kg`. */
  measuredQuantity?: number;
  /** Unit price before discounts; for a measured line, the price of the measured quantity. */
  unitPrice: bigint;
  /** Price per kg or litre of a measured line. */
  measurePrice?: bigint;
  /** List price per unit when it differs from `unitPrice` (markdowns), for `showOriginalPrice`. */
  originalUnitPrice?: bigint;
  /** Before line discounts: unit price × quantity or the measured price; negative for a return. */
  grossAmount: bigint;
  /** Promotions and other discounts on this line (basket-level ones go in `basketDiscounts`). */
  discounts: ReceiptLineDiscount[];
  /** What the line costs after its own discounts (grossAmount − Σ discounts). */
  amount: bigint;
  isReturn?: boolean;
  /** Add-ons point at their parent and print indented under it. */
  parentLineId?: string | null;
  /** Tax code printed next to the line when `showVatTypeOnLines` (mapped through `taxMarks`). */
  taxCode?: string | null;
  /** Serial numbers, personalisation text. */
  notes?: string[];
}

export interface ReceiptTaxRow {
  /** Level name ("VAT", "STATE"). */
  taxLevel: string;
  retailerTaxLevelId: string;
  /** "20.00" */
  taxPercent: string;
  /** Σ line amounts of the row (gross when prices include tax, net otherwise). */
  taxableAmount: bigint;
  taxAmount: bigint;
}

export interface ReceiptTender {
  /** `CARD_TERMINAL`, `CASH`, `GIFT_CARD`, `LOYALTY`, … */
  method: string;
  /** Printed label; defaults from the method. */
  label?: string;
  amount: bigint;
  card?: {
    brand?: string;
    last4?: string;
    entryMode?: 'chip' | 'contactless' | 'swipe' | 'manual';
    authCode?: string;
    terminalId?: string;
    merchantId?: string;
    emv?: { aid?: string; applicationLabel?: string; tvr?: string; tsi?: string; ac?: string; cid?: string };
  };
  /** Cash handed over and change given back. */
  cashTendered?: bigint;
  changeGiven?: bigint;
  loyalty?: { pointsRedeemed?: number; pointsEarned?: number; balance?: number };
}

export interface CompletedOrderInput {
  type: ReceiptType;
  /** A reprint: marked "COPY" (spec §5.1). */
  copy?: boolean;
  orderId: string;
  /** Store order number (`o_id`). */
  oId: number | string;
  /** POS-log transaction number (`transaction_id_poslog`). */
  transactionIdPoslog?: string | null;
  /** Rendered receipt number (see `formatReceiptNumber`). */
  receiptNumber: string;
  orderPrefix?: string;
  /** UTC instants, ISO 8601. `completedAt` is printed. */
  createdAt: string;
  completedAt: string;
  device: { retailerDeviceId: string; kind?: 'self_checkout' | 'cashier' | 'mpos' };
  cashier?: { id: string; name?: string } | null;
  customer?: { loyaltyNumber?: string; name?: string; email?: string } | null;
  currencyExponent?: number;
  lines: ReceiptLineInput[];
  /** Basket-level promotions, coupons, staff discounts: title and amount each (positive). */
  basketDiscounts: ReceiptLineDiscount[];
  /** Other charges shown in the summary (bag fee when not a line). */
  otherCharges?: Array<{ label: string; amount: bigint }>;
  pricesIncludeTax: boolean;
  totals: {
    /** Σ line gross amounts (before any discount). */
    subtotal: bigint;
    totalDiscount: bigint;
    totalTax: bigint;
    totalExclTax: bigint;
    totalAfterTax: bigint;
    /** Savings against list prices; defaults to `totalDiscount`. */
    totalSavings?: bigint;
  };
  taxBreakup: ReceiptTaxRow[];
  taxExemption?: { label?: string; reference?: string; programId?: string } | null;
  tenders: ReceiptTender[];
  /** Refund receipts (spec §5.3 "Refund receipt adds"). */
  refund?: {
    refundId: string;
    refundPoslog?: string;
    originalOrderNumber: string;
    originalDate: string;
    reason?: string;
    staffId?: string;
  };
  /** Payment-failed slips: what was attempted and the reference for support. */
  paymentFailure?: { attemptedAmount: bigint; sessionReference: string };
  /** Fiscal QR value where the jurisdiction has one (`qrContent: 'fiscal_qr'`). */
  fiscalQr?: string;
  /** Link for a feedback prompt (signed by the hub). */
  feedbackUrl?: string;
}

// ---------------------------------------------------------------------------------------------
// Store receipt configuration (spec §5.4 keys, merged broad → specific by the hub)

export const storeReceiptConfigSchema = z.object({
  store: z.object({
    name: z.string().min(1),
    retailerName: z.string().optional(),
    addressLines: z.array(z.string()).default([]),
    phone: z.string().optional(),
    /** "VAT No." — printed with the number when both are set. */
    taxRegistrationHeader: z.string().optional(),
    taxRegistrationNumber: z.string().optional(),
    retailerStoreId: z.string().optional(),
  }),
  /** IANA zone the date-time is printed in. */
  timezone: z.string().min(1).refine(isTimeZone, 'an IANA time zone, e.g. "Europe/London"'),
  /** strftime subset: %d %m %Y %y %H %M %S %I %p. */
  datetimeFormat: z.string().default('%d/%m/%Y %H:%M'),
  /** Printed before the TOTAL amount and in the payment block ("£"). */
  currencySign: z.string().default(''),
  orderTotalHeader: z.string().default('TOTAL'),
  /** Non-zero breakup rows (true) or a single statement (false), spec §4.7. */
  showTaxBreakup: z.boolean().default(true),
  vatStatement: z.string().optional(),
  showVatTypeOnLines: z.boolean().default(false),
  /** Tax code → short mark printed next to a line ("STD" → "A"). Unmapped codes print as is. */
  taxMarks: z.record(z.string(), z.string()).default({}),
  showItemLevelDiscount: z.boolean().default(true),
  printPromoAfterEveryItem: z.boolean().default(false),
  showOriginalPrice: z.boolean().default(false),
  printItemCode: z.boolean().default(false),
  showSubtotal: z.boolean().default(true),
  /** Subtotal before discounts (true) or after line discounts (false). */
  showSubtotalWithoutDiscount: z.boolean().default(true),
  /**
   * Item table with column headers (spec §5.3/§5.4 `basket_item_header_*`; original defaults
   * Item 21 / Qty 4 / Price 8 / Total 10). Absent = the compact layout: name and total on one
   * row, quantity × unit price beneath, which reads well at every width including 32.
   */
  itemTable: z
    .object({
      item: z.string().default('Item'),
      qty: z.string().default('Qty'),
      price: z.string().default('Price'),
      total: z.string().default('Total'),
      qtyWidth: z.number().int().min(2).max(10).default(4),
      priceWidth: z.number().int().min(4).max(14).default(8),
      totalWidth: z.number().int().min(4).max(14).default(10),
    })
    .optional(),
  /** Receipt QR content (spec §5.3): the order id, an e-receipt URL, the fiscal QR, or none. */
  qrContent: z.enum(['order_id', 'receipt_url', 'fiscal_qr', 'none']).default('order_id'),
  /** For `receipt_url`: tokens {order_id}, {receipt_number}. */
  receiptUrlTemplate: z.string().optional(),
  /** A CODE128 of the receipt number for returns lookup. */
  transactionBarcode: z.boolean().default(true),
  labels: z
    .object({
      orderNo: z.string().default('Order no.'),
      transaction: z.string().default('Trans.'),
      receiptNo: z.string().default('Receipt no.'),
      date: z.string().default('Date'),
      till: z.string().default('Till'),
      cashier: z.string().default('Cashier'),
      member: z.string().default('Member'),
      items: z.string().default('Items'),
      subtotal: z.string().default('Subtotal'),
      savings: z.string().default('You saved'),
      taxIncluded: z.string().default('of which'),
      change: z.string().default('CHANGE'),
      qrCaption: z.string().default('Scan at the exit or for your e-receipt'),
    })
    .default({
      orderNo: 'Order no.',
      transaction: 'Trans.',
      receiptNo: 'Receipt no.',
      date: 'Date',
      till: 'Till',
      cashier: 'Cashier',
      member: 'Member',
      items: 'Items',
      subtotal: 'Subtotal',
      savings: 'You saved',
      taxIncluded: 'of which',
      change: 'CHANGE',
      qrCaption: 'Scan at the exit or for your e-receipt',
    }),
  footer: z
    .object({
      returnPolicy: z.string().optional(),
      termsAndConditions: z.string().optional(),
      storeFooterNote: z.string().optional(),
      exitInstructions: z.string().optional(),
      feedbackPrompt: z.string().optional(),
    })
    .default({}),
  /** Passed through to the printer (same shape as the hardware package's logo). */
  logo: z
    .object({
      bitmap: z.string().min(1),
      width: z.number().int().min(8).max(576),
      height: z.number().int().min(1),
    })
    .optional(),
  cut: z.enum(['full', 'partial', 'none']).default('partial'),
});
export type StoreReceiptConfigInput = z.input<typeof storeReceiptConfigSchema>;
export type StoreReceiptConfig = z.output<typeof storeReceiptConfigSchema>;

// ---------------------------------------------------------------------------------------------
// The document

export const receiptAlignSchema = z.enum(['left', 'center', 'right']);

/**
 * What a line means, for screens, e-receipts and tests (printers ignore it):
 * `item` an item line, `item_detail` its quantity / unit price / notes, `discount` a line or
 * basket discount, `total` the amount due, `tax` a tax row or statement, `tender`, `change`, …
 */
export const RECEIPT_ROLES = [
  'store',
  'title',
  'copy',
  'transaction',
  'column_header',
  'item',
  'item_detail',
  'discount',
  'count',
  'subtotal',
  'savings',
  'charge',
  'tax',
  'tax_exemption',
  'total',
  'tender',
  'tender_detail',
  'change',
  'refund',
  'qr',
  'barcode',
  'footer',
] as const;
export const receiptRoleSchema = z.enum(RECEIPT_ROLES);
export type ReceiptRole = z.infer<typeof receiptRoleSchema>;

const role = receiptRoleSchema.optional();

/** A column of a `columns` line: a width in characters or `fill` for the column taking the rest. */
export const receiptColumnSchema = z.object({
  text: z.string(),
  width: z.union([z.number().int().min(1), z.literal('fill')]),
  align: receiptAlignSchema,
});

export type ReceiptColumn = z.infer<typeof receiptColumnSchema>;

export const receiptLineSchema = z.discriminatedUnion('type', [
  /** Free text, wrapped at the printer width (at width / size for enlarged text). */
  z.object({
    type: z.literal('text'),
    text: z.string(),
    align: receiptAlignSchema,
    bold: z.boolean(),
    underline: z.boolean(),
    invert: z.boolean(),
    /** Character magnification 1..4; 2 = double width and height. */
    size: z.number().int().min(1).max(4),
    role,
  }),
  /** A row of columns; money columns are fixed-width and right-aligned, names `fill` and wrap. */
  z.object({
    type: z.literal('columns'),
    columns: z.array(receiptColumnSchema).min(1).max(6),
    bold: z.boolean(),
    role,
  }),
  z.object({ type: z.literal('rule'), style: z.enum(['single', 'double']), role }),
  z.object({
    type: z.literal('qr'),
    data: z.string().min(1).max(2000),
    size: z.number().int().min(1).max(8),
    align: receiptAlignSchema,
    role,
  }),
  z.object({
    type: z.literal('barcode'),
    data: z.string().min(1).max(80),
    symbology: z.enum(['code128', 'ean13', 'ean8', 'upca', 'code39', 'itf']),
    height: z.number().int().min(16).max(255),
    align: receiptAlignSchema,
    role,
  }),
  z.object({ type: z.literal('feed'), lines: z.number().int().min(1).max(10), role }),
]);
export type ReceiptLine = z.infer<typeof receiptLineSchema>;

export const RECEIPT_SECTIONS = [
  'header',
  'transaction',
  'items',
  'summary',
  'tax',
  'payment',
  'refund',
  'footer',
] as const;

export const receiptDocumentSchema = z.object({
  version: z.literal(1),
  /** Facts about the receipt for indexing, e-receipt subjects and the console. */
  meta: z.object({
    type: z.enum(['order', 'refund', 'gift', 'payment_failed']),
    orderId: z.string(),
    receiptNumber: z.string(),
    /** Formatted with the store's currency decimals, e.g. "6.20". */
    total: z.string(),
    currencySign: z.string(),
    completedAt: z.string(),
    /** The QR payload printed (null when `qrContent` is `none`). */
    qr: z.string().nullable(),
  }),
  copy: z.boolean(),
  logo: z.object({ bitmap: z.string(), width: z.number().int(), height: z.number().int() }).optional(),
  sections: z.array(z.object({ name: z.enum(RECEIPT_SECTIONS), lines: z.array(receiptLineSchema) })).min(1),
  drawer: z.enum(['none', 'pin2', 'pin5', 'both']),
  cut: z.enum(['full', 'partial', 'none']),
});
export type ReceiptDocument = z.infer<typeof receiptDocumentSchema>;
export type ReceiptSectionName = (typeof RECEIPT_SECTIONS)[number];
