/**
 * The printable receipt this package accepts: device-independent sections of lines (spec §5.4),
 * with amounts already formatted by the caller (promo-core formats money; no arithmetic here).
 */
import { z } from 'zod';

export const alignSchema = z.enum(['left', 'center', 'right']);
export const textStyleSchema = z.object({
  align: alignSchema.default('left'),
  bold: z.boolean().default(false),
  underline: z.boolean().default(false),
  invert: z.boolean().default(false),
  /** Character magnification 1..4 (2 = double width and height). */
  size: z.number().int().min(1).max(4).default(1),
});

const columnSchema = z.object({
  text: z.string(),
  /** Characters, or 'fill' for the column that takes what the others leave (usually the item name). */
  width: z.union([z.number().int().min(1), z.literal('fill')]).default('fill'),
  align: alignSchema.default('left'),
});

export const lineSchema = z.discriminatedUnion('type', [
  textStyleSchema.extend({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('columns'),
    columns: z.array(columnSchema).min(1).max(6),
    bold: z.boolean().default(false),
  }),
  z.object({ type: z.literal('rule'), style: z.enum(['single', 'double']).default('single') }),
  z.object({
    type: z.literal('qr'),
    data: z.string().min(1).max(2000),
    size: z.number().int().min(1).max(8).default(6),
    align: alignSchema.default('center'),
  }),
  z.object({
    type: z.literal('barcode'),
    data: z.string().min(1).max(80),
    symbology: z.enum(['code128', 'ean13', 'ean8', 'upca', 'code39', 'itf']).default('code128'),
    height: z.number().int().min(16).max(255).default(60),
    align: alignSchema.default('center'),
  }),
  z.object({ type: z.literal('feed'), lines: z.number().int().min(1).max(10).default(1) }),
]);

export const logoSchema = z.object({
  /** Monochrome bitmap, one bit per pixel, rows padded to whole bytes, 1 = black. Base64. */
  bitmap: z.string().min(1),
  width: z.number().int().min(8).max(576),
  height: z.number().int().min(1).max(1024),
});

export const receiptPrintableSchema = z.object({
  logo: logoSchema.optional(),
  /** Reprint marker ("COPY") printed under the header (spec §5.1). */
  copy: z.boolean().default(false),
  sections: z.array(z.object({ name: z.string().optional(), lines: z.array(lineSchema) })).min(1),
  drawer: z.enum(['none', 'pin2', 'pin5', 'both']).default('none'),
  cut: z.enum(['full', 'partial', 'none']).default('partial'),
});

export type ReceiptPrintable = z.infer<typeof receiptPrintableSchema>;
export type ReceiptPrintableInput = z.input<typeof receiptPrintableSchema>;
export type ReceiptLine = z.infer<typeof lineSchema>;
export type ReceiptColumn = z.infer<typeof columnSchema>;
