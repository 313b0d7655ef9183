/**
 * Fixed-pitch column layout: the item table must read the same at 32, 42 and 48 characters.
 * Long text wraps within its column (spec §5.4: pad, truncate, wrap); numbers never wrap, they
 * are kept whole by shrinking the fill column first.
 */
import type { ReceiptColumn } from './receipt';

export function resolveWidths(columns: readonly Pick<ReceiptColumn, 'width'>[], total: number): number[] {
  const gaps = columns.length - 1;
  const fixed = columns.map((c) => (c.width === 'fill' ? 0 : c.width));
  const fills = columns.filter((c) => c.width === 'fill').length;
  let fixedSum = fixed.reduce((a, b) => a + b, 0);
  const available = total - gaps;
  // Too wide: shrink the widest fixed columns one character at a time, never below 1.
  while (fixedSum + fills > available) {
    let widest = 0;
    for (let i = 1; i < fixed.length; i++) if ((fixed[i] ?? 0) > (fixed[widest] ?? 0)) widest = i;
    if ((fixed[widest] ?? 0) <= 1) break;
    fixed[widest] = (fixed[widest] ?? 1) - 1;
    fixedSum--;
  }
  const rest = Math.max(fills, available - fixedSum);
  let extra = rest - Math.floor(rest / Math.max(1, fills)) * fills;
  return columns.map((c, i) => {
    if (c.width !== 'fill') return fixed[i] ?? 1;
    const share = Math.floor(rest / fills) + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    return share;
  });
}

export function wrapText(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let current = '';
  for (let word of words) {
    while (word.length > width) {
      if (current) {
        lines.push(current);
        current = '';
      }
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!word) continue;
    if (!current) current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}

export function pad(text: string, width: number, align: 'left' | 'center' | 'right'): string {
  const t = text.length > width ? text.slice(0, width) : text;
  const space = width - t.length;
  if (align === 'right') return ' '.repeat(space) + t;
  if (align === 'center') {
    const left = Math.floor(space / 2);
    return ' '.repeat(left) + t + ' '.repeat(space - left);
  }
  return t + ' '.repeat(space);
}

/** Lays a row out into one or more physical lines of exactly `total` characters. */
export function layoutColumns(columns: readonly ReceiptColumn[], total: number): string[] {
  const widths = resolveWidths(columns, total);
  const cells = columns.map((c, i) => wrapText(c.text, widths[i] ?? 1));
  const height = Math.max(...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    const parts = columns.map((c, i) => pad(cells[i]?.[row] ?? '', widths[i] ?? 1, c.align));
    lines.push(parts.join(' '));
  }
  return lines;
}
