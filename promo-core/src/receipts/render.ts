/**
 * Plain-text rendering of a ReceiptDocument at a printer width (32, 42 or 48 columns): the
 * console preview, logs and tests read this; the hardware package renders the same lines to
 * ESC/POS. Every output line is at most `width` characters (code points); money columns are
 * right-aligned and never cut, long names wrap inside their column.
 */
import type { ReceiptColumn, ReceiptDocument, ReceiptLine } from './types';

export type ReceiptWidth = 32 | 42 | 48;

const len = (s: string) => [...s].length;
const slice = (s: string, a: number, b?: number) => [...s].slice(a, b).join('');

/** Word wrap; a word longer than the width is broken. Always returns at least one line. */
export function wrapText(s: string, width: number): string[] {
  // A leading indent (add-ons, details) is kept on every wrapped line while it leaves room.
  const indent = /^ */.exec(s)![0];
  if (indent.length > 0 && indent.length < width / 2) {
    return wrapText(s.slice(indent.length), width - indent.length).map((l) => indent + l);
  }
  const words = s.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let cur = '';
  for (let w of words) {
    while (len(w) > width) {
      if (cur) {
        lines.push(cur);
        cur = '';
      }
      lines.push(slice(w, 0, width));
      w = slice(w, width);
    }
    if (!w) continue;
    if (!cur) cur = w;
    else if (len(cur) + 1 + len(w) <= width) cur += ` ${w}`;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur || lines.length === 0) lines.push(cur);
  return lines;
}

function align(s: string, width: number, how: 'left' | 'center' | 'right'): string {
  const space = Math.max(0, width - len(s));
  if (how === 'right') return ' '.repeat(space) + s;
  if (how === 'center') {
    const left = Math.floor(space / 2);
    return ' '.repeat(left) + s + ' '.repeat(space - left);
  }
  return s + ' '.repeat(space);
}

/** Fixed columns keep their width (money must not be cut); `fill` columns share the rest. */
function columnWidths(cols: readonly ReceiptColumn[], width: number): number[] {
  const gaps = cols.length - 1;
  const fixed = cols.reduce((n, c) => n + (c.width === 'fill' ? 0 : c.width), 0);
  const fills = cols.filter((c) => c.width === 'fill').length;
  const rest = Math.max(fills, width - gaps - fixed);
  let extra = fills > 0 ? rest % fills : 0;
  return cols.map((c) => {
    if (c.width !== 'fill') return c.width;
    const w = Math.floor(rest / fills) + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    return Math.max(1, w);
  });
}

/** Below this a name column is unreadable: the name gets its own line(s) above the figures. */
const MIN_FILL = 12;

function renderColumns(cols: readonly ReceiptColumn[], width: number): string[] {
  const widths = columnWidths(cols, width);
  const first = cols[0];
  if (cols.length > 2 && first?.width === 'fill' && widths[0]! < MIN_FILL && first.text.trim() !== '') {
    const figures = renderColumns([{ ...first, text: '' }, ...cols.slice(1)], width);
    return [...wrapText(first.text, width).map((l) => align(l, width, first.align).trimEnd()), ...figures];
  }
  if (widths.reduce((a, b) => a + b, 0) + cols.length - 1 > width) {
    // Does not fit even with a one-character name column: stack the cells instead of cutting them.
    return cols.flatMap((c) => wrapText(c.text, width).map((l) => align(l, width, c.align)));
  }
  const cells = cols.map((c, i) => wrapText(c.text, widths[i]!));
  const height = Math.max(...cells.map((c) => c.length));
  const out: string[] = [];
  for (let row = 0; row < height; row++) {
    // Amounts sit on the last line of a wrapped name, where the eye finishes reading it.
    const parts = cols.map((c, i) => {
      const cell = cells[i]!;
      const offset = c.width === 'fill' ? 0 : height - cell.length;
      return align(cell[row - offset] ?? '', widths[i]!, c.align);
    });
    out.push(parts.join(' ').trimEnd());
  }
  return out;
}

function renderLine(line: ReceiptLine, width: number): string[] {
  switch (line.type) {
    case 'text': {
      // Enlarged characters take `size` columns each on paper.
      const budget = Math.max(1, Math.floor(width / line.size));
      return wrapText(line.text, budget).map((l) => align(l, width, line.align).trimEnd());
    }
    case 'columns':
      return renderColumns(line.columns, width);
    case 'rule':
      return [(line.style === 'double' ? '=' : '-').repeat(width)];
    case 'qr':
      return wrapText(`[QR] ${line.data}`, width).map((l) => align(l, width, line.align).trimEnd());
    case 'barcode':
      return wrapText(`|| ${line.data} ||`, width).map((l) => align(l, width, line.align).trimEnd());
    case 'feed':
      return Array.from({ length: line.lines }, () => '');
  }
}

export function renderReceiptText(doc: ReceiptDocument, options: { width: ReceiptWidth | number }): string[] {
  const width = options.width;
  if (!Number.isInteger(width) || width < 16 || width > 200) {
    throw new RangeError(
      'renderReceiptText: width must be an integer from 16 to 200 (printers use 32, 42, 48)',
    );
  }
  const out: string[] = [];
  if (doc.logo) out.push(align('[logo]', width, 'center').trimEnd());
  doc.sections.forEach((section) => {
    for (const line of section.lines) out.push(...renderLine(line, width));
    if (section.name === 'header' && doc.copy) out.push(align('*** COPY ***', width, 'center').trimEnd());
  });
  return out;
}
