/**
 * The printer simulator's eyes: parses an ESC/POS byte stream back into what a person would see
 * on the paper (text lines with their styles, QR payloads, barcodes, images, cuts, drawer kicks)
 * and notices real-time status requests so the simulator can answer them.
 * Incremental: a command split across serial reads waits for its remaining bytes.
 */
import CodepageEncoder from '@point-of-sale/codepage-encoder';
import type { StatusQuery } from './status';

type Codepage = Parameters<typeof CodepageEncoder.getCodepoints>[0];

export interface TextStyle {
  bold: boolean;
  underline: boolean;
  invert: boolean;
  width: number;
  height: number;
  align: 'left' | 'center' | 'right';
}

export type PaperItem =
  | ({ type: 'text'; text: string; raw: string } & TextStyle)
  | { type: 'qr'; data: string; size: number }
  | { type: 'barcode'; symbology: string; data: string }
  | { type: 'image'; width: number; height: number }
  | { type: 'cut'; partial: boolean }
  | { type: 'drawer'; pin: 2 | 5 };

export type ParserEvent = { type: 'paper'; item: PaperItem } | { type: 'status-request'; n: StatusQuery };

const BARCODE_NAMES: Record<number, string> = {
  0: 'upca',
  1: 'upce',
  2: 'ean13',
  3: 'ean8',
  4: 'code39',
  5: 'itf',
  6: 'codabar',
  65: 'upca',
  66: 'upce',
  67: 'ean13',
  68: 'ean8',
  69: 'code39',
  70: 'itf',
  71: 'codabar',
  72: 'code93',
  73: 'code128',
};

/** Code 128 data in GS k carries code-set selectors (`{A`, `{B`, `{C`); set C packs two digits per byte. */
function decodeCode128(bytes: Uint8Array): string {
  let set = 'B';
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0x7b && i + 1 < bytes.length) {
      const next = String.fromCharCode(bytes[i + 1] ?? 0);
      if (next === 'A' || next === 'B' || next === 'C') {
        set = next;
        i++;
        continue;
      }
      if (next === '{') {
        out += '{';
        i++;
        continue;
      }
      i++; // FNC1..4 and shift: not part of the human-readable data
      continue;
    }
    out += set === 'C' ? String(b).padStart(2, '0') : String.fromCharCode(b);
  }
  return out;
}

const NEED_MORE = -1;

/**
 * ESC t n selects a code page; these are Epson's numbers (the encoder's default mapping). The
 * byte → code point tables themselves come from @point-of-sale/codepage-encoder.
 */
const EPSON_CODEPAGES: Record<number, Codepage> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  16: 'windows1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
};

const tables = new Map<Codepage, number[]>();
function codepoints(page: Codepage): number[] {
  let table = tables.get(page);
  if (!table) {
    table = CodepageEncoder.getCodepoints(page, true);
    tables.set(page, table);
  }
  return table;
}

function decodeText(bytes: readonly number[], page: Codepage): string {
  const table = codepoints(page);
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : String.fromCodePoint(table[b] ?? 0xfffd);
  return out;
}

export class EscPosParser {
  private buf: Uint8Array = new Uint8Array(0);
  private style: TextStyle = EscPosParser.defaultStyle();
  private line: number[] = [];
  private lineStyle: TextStyle | null = null;
  private qrData = '';
  private qrSize = 3;
  private codepage: Codepage = 'cp437';

  static defaultStyle(): TextStyle {
    return { bold: false, underline: false, invert: false, width: 1, height: 1, align: 'left' };
  }

  push(chunk: Uint8Array): ParserEvent[] {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf, 0);
    merged.set(chunk, this.buf.length);
    const events: ParserEvent[] = [];
    let i = 0;
    while (i < merged.length) {
      const used = this.step(merged, i, events);
      if (used === NEED_MORE) break;
      i += used;
    }
    this.buf = merged.slice(i);
    return events;
  }

  /** Text received but not yet ended by a line feed (a receipt always ends with one before the cut). */
  get pendingText(): string {
    return String.fromCharCode(...this.line);
  }

  private flushLine(events: ParserEvent[]): void {
    const raw = decodeText(this.line, this.codepage);
    const style = this.lineStyle ?? this.style;
    events.push({ type: 'paper', item: { type: 'text', text: raw.trim(), raw, ...style } });
    this.line = [];
    this.lineStyle = null;
  }

  /** Returns the number of bytes consumed, or NEED_MORE. */
  private step(b: Uint8Array, i: number, events: ParserEvent[]): number {
    const c = b[i] ?? 0;
    const avail = b.length - i;
    const at = (k: number): number => b[i + k] ?? 0;
    if (c === 0x0a) {
      this.flushLine(events);
      return 1;
    }
    if (c === 0x0d) return 1;
    if (c === 0x10) {
      if (avail < 3) return NEED_MORE;
      if (at(1) === 0x04) {
        const n = at(2);
        if (n >= 1 && n <= 4) events.push({ type: 'status-request', n: n as StatusQuery });
        return 3;
      }
      if (at(1) === 0x14) {
        // DLE DC4 1 m t: real-time drawer pulse
        if (avail < 5) return NEED_MORE;
        if (at(2) === 1) events.push({ type: 'paper', item: { type: 'drawer', pin: at(3) === 0 ? 2 : 5 } });
        return 5;
      }
      return 2;
    }
    if (c === 0x1b) return this.esc(b, i, events);
    if (c === 0x1d) return this.gs(b, i, events);
    if (c === 0x1c) return avail < 2 ? NEED_MORE : 2; // FS . (cancel kanji) and friends
    if (c >= 0x20) {
      if (this.line.length === 0)
        this.lineStyle = { ...this.style, bold: false, underline: false, invert: false };
      const ls = this.lineStyle;
      // Alignment padding is printed before the style switches on: a line takes the styles of its ink.
      if (ls && c !== 0x20) {
        ls.bold ||= this.style.bold;
        ls.underline ||= this.style.underline;
        ls.invert ||= this.style.invert;
        ls.width = Math.max(ls.width, this.style.width);
        ls.height = Math.max(ls.height, this.style.height);
        ls.align = this.style.align;
      }
      this.line.push(c);
      return 1;
    }
    return 1;
  }

  private esc(b: Uint8Array, i: number, events: ParserEvent[]): number {
    const avail = b.length - i;
    if (avail < 2) return NEED_MORE;
    const at = (k: number): number => b[i + k] ?? 0;
    const cmd = String.fromCharCode(at(1));
    switch (cmd) {
      case '@':
        this.style = EscPosParser.defaultStyle();
        this.codepage = 'cp437';
        return 2;
      case 't':
        if (avail < 3) return NEED_MORE;
        this.codepage = EPSON_CODEPAGES[at(2)] ?? 'cp437';
        return 3;
      case '2':
        return 2;
      case 'E':
      case 'G':
        if (avail < 3) return NEED_MORE;
        this.style.bold = (at(2) & 1) === 1;
        return 3;
      case '-':
        if (avail < 3) return NEED_MORE;
        this.style.underline = (at(2) & 3) !== 0 && at(2) !== 0x30;
        return 3;
      case 'a':
        if (avail < 3) return NEED_MORE;
        this.style.align = (['left', 'center', 'right'] as const)[at(2) % 0x30] ?? 'left';
        return 3;
      case '!': {
        if (avail < 3) return NEED_MORE;
        const n = at(2);
        this.style.bold = (n & 0x08) !== 0;
        this.style.height = n & 0x10 ? 2 : 1;
        this.style.width = n & 0x20 ? 2 : 1;
        this.style.underline = (n & 0x80) !== 0;
        return 3;
      }
      case 'd':
        if (avail < 3) return NEED_MORE;
        for (let k = 0; k < at(2); k++) this.flushLine(events);
        return 3;
      case 'p':
        if (avail < 5) return NEED_MORE;
        events.push({ type: 'paper', item: { type: 'drawer', pin: at(2) % 0x30 === 0 ? 2 : 5 } });
        return 5;
      case '*': {
        if (avail < 5) return NEED_MORE;
        const m = at(2);
        const n = at(3) + at(4) * 256;
        const len = m >= 32 ? n * 3 : n;
        if (avail < 5 + len) return NEED_MORE;
        events.push({ type: 'paper', item: { type: 'image', width: n, height: m >= 32 ? 24 : 8 } });
        return 5 + len;
      }
      case '$':
      case '\\':
        return avail < 4 ? NEED_MORE : 4;
      default:
        // ESC J/M/t/3/R/SP/V/{/4/U/c…: one parameter byte
        return avail < 3 ? NEED_MORE : 3;
    }
  }

  private gs(b: Uint8Array, i: number, events: ParserEvent[]): number {
    const avail = b.length - i;
    if (avail < 2) return NEED_MORE;
    const at = (k: number): number => b[i + k] ?? 0;
    const cmd = String.fromCharCode(at(1));
    switch (cmd) {
      case '!':
        if (avail < 3) return NEED_MORE;
        this.style.width = ((at(2) >> 4) & 7) + 1;
        this.style.height = (at(2) & 7) + 1;
        return 3;
      case 'B':
        if (avail < 3) return NEED_MORE;
        this.style.invert = (at(2) & 1) === 1;
        return 3;
      case 'V': {
        if (avail < 3) return NEED_MORE;
        const m = at(2);
        const withFeed = m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104;
        if (withFeed && avail < 4) return NEED_MORE;
        if (this.line.length > 0) this.flushLine(events);
        const partial = m === 1 || m === 49 || m === 66 || m === 98 || m === 104;
        events.push({ type: 'paper', item: { type: 'cut', partial } });
        return withFeed ? 4 : 3;
      }
      case 'k': {
        if (avail < 3) return NEED_MORE;
        const m = at(2);
        const name = BARCODE_NAMES[m] ?? `barcode-${m}`;
        let data: Uint8Array;
        let used: number;
        if (m <= 6) {
          const end = b.indexOf(0, i + 3);
          if (end < 0) return NEED_MORE;
          data = b.subarray(i + 3, end);
          used = end + 1 - i;
        } else {
          if (avail < 4) return NEED_MORE;
          const n = at(3);
          if (avail < 4 + n) return NEED_MORE;
          data = b.subarray(i + 4, i + 4 + n);
          used = 4 + n;
        }
        const text = m === 73 ? decodeCode128(data) : Buffer.from(data).toString('latin1');
        events.push({ type: 'paper', item: { type: 'barcode', symbology: name, data: text } });
        return used;
      }
      case '(': {
        if (avail < 5) return NEED_MORE;
        const fn = String.fromCharCode(at(2));
        const len = at(3) + at(4) * 256;
        if (avail < 5 + len) return NEED_MORE;
        if (fn === 'k') this.symbol(b.subarray(i + 5, i + 5 + len), events);
        return 5 + len;
      }
      case 'v': {
        // GS v 0 m xL xH yL yH d…: raster image, xL/xH in bytes
        if (avail < 8) return NEED_MORE;
        const x = at(4) + at(5) * 256;
        const y = at(6) + at(7) * 256;
        if (avail < 8 + x * y) return NEED_MORE;
        events.push({ type: 'paper', item: { type: 'image', width: x * 8, height: y } });
        return 8 + x * y;
      }
      case 'L':
      case 'W':
        return avail < 4 ? NEED_MORE : 4;
      default:
        // GS h/w/H/f/a/b/r…: one parameter byte
        return avail < 3 ? NEED_MORE : 3;
    }
  }

  /** GS ( k: 2D symbols; only QR (cn 0x31) is printed by our renderer. */
  private symbol(params: Uint8Array, events: ParserEvent[]): void {
    const cn = params[0];
    const fn = params[1];
    if (cn !== 0x31) return;
    if (fn === 0x43) this.qrSize = params[2] ?? this.qrSize;
    if (fn === 0x50) this.qrData = Buffer.from(params.subarray(3)).toString('latin1');
    if (fn === 0x51) {
      if (this.line.length > 0) this.flushLine(events);
      events.push({ type: 'paper', item: { type: 'qr', data: this.qrData, size: this.qrSize } });
    }
  }
}

const hasInk = (item: PaperItem): boolean => item.type !== 'text' || item.text !== '';

/** Groups paper items into receipts at each cut; the blank feed after the last cut is no receipt. */
export function splitReceipts(items: readonly PaperItem[]): PaperItem[][] {
  const receipts: PaperItem[][] = [[]];
  for (const item of items) {
    receipts[receipts.length - 1]?.push(item);
    if (item.type === 'cut') receipts.push([]);
  }
  return receipts.filter((r) => r.some(hasInk));
}

/** A plain-text view of the paper, the way the CLI simulator shows it. */
export function paperToText(items: readonly PaperItem[]): string {
  const out: string[] = [];
  for (const item of items) {
    switch (item.type) {
      case 'text': {
        const marks = [
          item.bold ? 'B' : '',
          item.width > 1 || item.height > 1 ? `x${item.width}` : '',
          item.underline ? 'U' : '',
          item.invert ? 'I' : '',
        ]
          .filter(Boolean)
          .join('');
        out.push(marks ? `${item.raw.trimEnd()}   [${marks}]` : item.raw.trimEnd());
        break;
      }
      case 'qr':
        out.push(`[QR ${item.data}]`);
        break;
      case 'barcode':
        out.push(`[${item.symbology.toUpperCase()} ${item.data}]`);
        break;
      case 'image':
        out.push(`[image ${item.width}x${item.height}]`);
        break;
      case 'cut':
        out.push(item.partial ? '-------- partial cut --------' : '========= full cut ==========');
        break;
      case 'drawer':
        out.push(`[drawer kick pin ${item.pin}]`);
        break;
    }
  }
  return out.join('\n');
}
