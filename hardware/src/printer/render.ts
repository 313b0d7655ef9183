/**
 * ReceiptPrintable → ESC/POS bytes through @point-of-sale/receipt-printer-encoder, which owns the
 * byte tables (styles, code pages, QR and barcode commands, images, cut, drawer pulse) per model.
 * We own only the layout decisions: columns at the paper width, sections, COPY marker, drawer.
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { HardwareError } from '../errors';
import { layoutColumns } from './columns';
import { receiptPrintableSchema, type ReceiptLine, type ReceiptPrintable } from './receipt';

export type PaperColumns = 32 | 42 | 48;

export interface RenderOptions {
  columns: PaperColumns;
  /** A printer model known to the encoder (e.g. `epson-tm-t88vi`): picks code pages and image mode. */
  printerModel?: string;
}

type EncoderOptions = ConstructorParameters<typeof ReceiptPrinterEncoder>[0];

export function createEncoder(options: RenderOptions): ReceiptPrinterEncoder {
  const opts: EncoderOptions = { language: 'esc-pos', columns: options.columns, feedBeforeCut: 3 };
  if (options.printerModel) (opts as Record<string, unknown>).printerModel = options.printerModel;
  return new ReceiptPrinterEncoder(opts);
}

/** Expands a packed 1-bit bitmap into the RGBA image the encoder dithers (it wants image data). */
function logoImage(logo: NonNullable<ReceiptPrintable['logo']>): {
  data: Uint8ClampedArray;
  width: number;
  height: number;
} {
  const bits = Buffer.from(logo.bitmap, 'base64');
  const rowBytes = Math.ceil(logo.width / 8);
  if (bits.length < rowBytes * logo.height) {
    throw new HardwareError('INVALID_RECEIPT', 'logo bitmap is shorter than width × height', {
      expected: rowBytes * logo.height,
      actual: bits.length,
    });
  }
  // The encoder prints whole bands: widths in multiples of 8, heights in multiples of 24.
  const width = Math.ceil(logo.width / 8) * 8;
  const height = Math.ceil(logo.height / 24) * 24;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < logo.height; y++) {
    for (let x = 0; x < logo.width; x++) {
      const black = ((bits[y * rowBytes + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1;
      if (black) {
        const o = (y * width + x) * 4;
        data[o] = data[o + 1] = data[o + 2] = 0;
      }
    }
  }
  return { data, width, height };
}

function renderLine(e: ReceiptPrinterEncoder, line: ReceiptLine, columns: number): void {
  switch (line.type) {
    case 'text':
      e.align(line.align).bold(line.bold).underline(line.underline).invert(line.invert);
      if (line.size > 1) e.size(line.size, line.size);
      e.line(line.text);
      if (line.size > 1) e.size(1, 1);
      e.bold(false).underline(false).invert(false).align('left');
      return;
    case 'columns':
      e.bold(line.bold);
      for (const text of layoutColumns(line.columns, columns)) e.line(text);
      e.bold(false);
      return;
    case 'rule':
      e.rule({ style: line.style });
      return;
    case 'qr':
      e.align(line.align).qrcode(line.data, { model: 2, size: line.size, errorlevel: 'm' }).align('left');
      return;
    case 'barcode':
      e.align(line.align)
        .barcode(line.data, line.symbology, { height: line.height, text: 'below' })
        .align('left');
      return;
    case 'feed':
      e.newline(line.lines);
      return;
  }
}

export function renderReceipt(input: unknown, options: RenderOptions): Uint8Array {
  const parsed = receiptPrintableSchema.safeParse(input);
  if (!parsed.success) {
    throw new HardwareError('INVALID_RECEIPT', 'receipt does not match the printable model', {
      issues: parsed.error.issues,
    });
  }
  const receipt = parsed.data;
  const e = createEncoder(options);
  e.initialize();
  if (receipt.logo) {
    const img = logoImage(receipt.logo);
    e.align('center').image(img, img.width, img.height, 'threshold').align('left');
  }
  receipt.sections.forEach((section, index) => {
    for (const line of section.lines) renderLine(e, line, options.columns);
    if (index === 0 && receipt.copy)
      e.align('center').bold(true).line('*** COPY ***').bold(false).align('left');
  });
  if (receipt.drawer === 'pin2' || receipt.drawer === 'both') e.pulse(0);
  if (receipt.drawer === 'pin5' || receipt.drawer === 'both') e.pulse(1);
  if (receipt.cut !== 'none') e.cut(receipt.cut);
  return e.encode();
}

/** ESC p on the given connector pin (2 or 5), built by the encoder. */
export function drawerKick(pin: 2 | 5): Uint8Array {
  return new ReceiptPrinterEncoder({ language: 'esc-pos' }).pulse(pin === 2 ? 0 : 1).encode();
}
