import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutColumns, resolveWidths, wrapText } from '../src/printer/columns';
import { EscPosParser, splitReceipts, type PaperItem } from '../src/printer/escpos-parser';
import { drawerKick, renderReceipt } from '../src/printer/render';
import {
  applyStatus,
  encodeStatus,
  healthOf,
  isStatusByte,
  okStatus,
  type PrinterStatus,
} from '../src/printer/status';
import { sampleReceipt } from './fixtures';

function paper(bytes: Uint8Array, chunk = bytes.length): PaperItem[] {
  const p = new EscPosParser();
  const items: PaperItem[] = [];
  for (let i = 0; i < bytes.length; i += chunk) {
    for (const e of p.push(bytes.subarray(i, i + chunk))) if (e.type === 'paper') items.push(e.item);
  }
  return items;
}

const lastInk = (items: PaperItem[]): PaperItem | undefined =>
  items.filter((i) => i.type !== 'text' || i.text !== '').pop();

const textOf = (items: PaperItem[]): string[] =>
  items.flatMap((i) => (i.type === 'text' && i.text !== '' ? [i.text] : []));

describe('column layout', () => {
  it('gives the fill column what fixed columns leave, at every paper width', () => {
    for (const total of [32, 42, 48]) {
      const widths = resolveWidths([{ width: 'fill' }, { width: 4 }, { width: 8 }], total);
      expect(widths.reduce((a, b) => a + b, 0) + 2).toBe(total);
      expect(widths.slice(1)).toEqual([4, 8]);
    }
  });

  it('property: every laid-out line is exactly the paper width and no word is lost', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9.,-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(32, 42, 48),
        fc.stringMatching(/^[0-9]{1,3}\.[0-9]{2}$/),
        (words, total, amount) => {
          const name = words.join(' ');
          const lines = layoutColumns(
            [
              { text: name, width: 'fill', align: 'left' },
              { text: amount, width: 8, align: 'right' },
            ],
            total,
          );
          for (const l of lines) expect(l.length).toBe(total);
          expect(lines[0]?.trimEnd().endsWith(amount)).toBe(true);
          const fill = total - 9;
          const text = lines.map((l) => l.slice(0, fill).trim()).join(' ');
          expect(text.replace(/\s+/g, '')).toBe(name.replace(/\s+/g, ''));
        },
      ),
    );
  });

  it('wraps long names inside their column and keeps every line at the paper width', () => {
    const lines = layoutColumns(
      [
        { text: 'Organic whole milk 1 l, glass bottle', width: 'fill', align: 'left' },
        { text: '3.98', width: 8, align: 'right' },
      ],
      32,
    );
    expect(lines).toEqual(['Organic whole milk 1 l,     3.98', 'glass bottle                    ']);
    expect(wrapText('ABCDEFGHIJ', 4)).toEqual(['ABCD', 'EFGH', 'IJ']);
  });
});

describe('receipt rendering read back by the simulator', () => {
  it.each([32, 42, 48] as const)('prints what a person should read at %i columns', (columns) => {
    const items = paper(renderReceipt({ ...sampleReceipt, drawer: 'both' }, { columns }));
    const lines = textOf(items);
    expect(lines[0]).toBe('Kassa Market');
    expect(lines).toContain('Main Street 1, Springfield');
    expect(lines.some((l) => /^Bread +1 +2\.49$/.test(l))).toBe(true);
    expect(lines.some((l) => /^TOTAL +EUR 6\.47$/.test(l))).toBe(true);
    expect(lines.some((l) => /^─+$/.test(l) && l.length === columns)).toBe(true);
    expect(lines.some((l) => /^═+$/.test(l))).toBe(true);
    for (const item of items) if (item.type === 'text') expect(item.raw.length).toBeLessThanOrEqual(columns);

    const title = items.find((i) => i.type === 'text' && i.text === 'Kassa Market');
    expect(title).toMatchObject({ bold: true, width: 2, height: 2 });
    expect(items.find((i) => i.type === 'text' && i.text === 'Thank you!')).toMatchObject({
      underline: true,
    });
    expect(items.filter((i) => i.type === 'qr')).toEqual([
      { type: 'qr', data: 'https://kassa.example/r/ord_000123', size: 6 },
    ]);
    expect(items.filter((i) => i.type === 'barcode')).toEqual([
      { type: 'barcode', symbology: 'code128', data: 'ORD000123' },
    ]);
    expect(items.filter((i) => i.type === 'drawer')).toEqual([
      { type: 'drawer', pin: 2 },
      { type: 'drawer', pin: 5 },
    ]);
    expect(lastInk(items)).toEqual({ type: 'cut', partial: true });
  });

  it('wraps the item name differently at 32 and 48 columns', () => {
    const at32 = textOf(paper(renderReceipt(sampleReceipt, { columns: 32 })));
    const at48 = textOf(paper(renderReceipt(sampleReceipt, { columns: 48 })));
    expect(at32).toContain('1 l, glass bottle');
    expect(at48.some((l) => /^Organic whole milk 1 l, glass +2 +3\.98$/.test(l))).toBe(true);
    expect(at48).toContain('bottle');
  });

  it('parses the same paper however the bytes are chunked', () => {
    const bytes = renderReceipt(sampleReceipt, { columns: 42 });
    expect(paper(bytes, 1)).toEqual(paper(bytes));
    expect(paper(bytes, 7)).toEqual(paper(bytes));
  });

  it('prints a logo, a COPY marker and a full cut when asked', () => {
    const logo = { width: 16, height: 16, bitmap: Buffer.alloc(32, 0xf0).toString('base64') };
    const items = paper(renderReceipt({ ...sampleReceipt, logo, copy: true, cut: 'full' }, { columns: 42 }));
    expect(items[0]).toMatchObject({ type: 'image', width: 16 });
    expect(textOf(items)).toContain('*** COPY ***');
    expect(lastInk(items)).toEqual({ type: 'cut', partial: false });
  });

  it('splits a stream of two receipts at the cuts', () => {
    const one = renderReceipt(sampleReceipt, { columns: 32 });
    const both = new Uint8Array([...one, ...one]);
    expect(splitReceipts(paper(both))).toHaveLength(2);
  });

  it('rejects a malformed receipt with a structured error', () => {
    expect(() =>
      renderReceipt({ sections: [{ lines: [{ type: 'qr', data: '' }] }] }, { columns: 42 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_RECEIPT' }));
  });

  it('kicks the drawer with ESC p on pin 2 and pin 5', () => {
    expect(Buffer.from(drawerKick(2)).subarray(0, 3)).toEqual(Buffer.from([0x1b, 0x70, 0x00]));
    expect(Buffer.from(drawerKick(5)).subarray(0, 3)).toEqual(Buffer.from([0x1b, 0x70, 0x01]));
  });
});

describe('DLE EOT status', () => {
  const cases: Array<[string, Partial<PrinterStatus>, string]> = [
    ['ok', {}, 'online'],
    ['paper low', { paperLow: true }, 'paper_low'],
    ['paper out', { paperOut: true }, 'paper_out'],
    ['cover open', { coverOpen: true }, 'cover_open'],
    ['offline', { online: false }, 'offline'],
    ['error', { error: true }, 'error'],
  ];

  it.each(cases)('%s round-trips through the status bytes', (_name, patch, health) => {
    const truth = { ...okStatus, ...patch };
    let seen = { ...okStatus };
    for (const n of [1, 2, 4] as const) {
      const byte = encodeStatus(truth, n);
      expect(isStatusByte(byte)).toBe(true);
      seen = applyStatus(seen, n, byte);
    }
    expect(healthOf(seen).state).toBe(health);
  });

  it('reads recorded replies of a printer with its cover open', () => {
    // DLE EOT 1 → 0x1e (offline), 2 → 0x16 (cover open), 4 → 0x12 (paper fine)
    let s = applyStatus(okStatus, 1, 0x1e);
    s = applyStatus(s, 2, 0x16);
    s = applyStatus(s, 4, 0x12);
    expect(s).toMatchObject({ online: false, coverOpen: true, paperOut: false });
    expect(isStatusByte(0x41)).toBe(false);
  });
});

describe('paper picture for a visual check', () => {
  it('draws the parsed paper as a PNG taller than wide', async () => {
    const { paperToPng, paperToSvg } = await import('../src/sim/paper-png');
    const items = paper(renderReceipt(sampleReceipt, { columns: 42 }));
    const svg = paperToSvg(items, 42);
    expect(svg).toContain('Kassa Market');
    const png = await paperToPng(items, 42);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBeGreaterThan(42 * 10);
    expect(height).toBeGreaterThan(width);
  });
});

describe('simulator robustness', () => {
  it('property: arbitrary bytes never throw and every byte is eventually consumed or held', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (bytes, chunk) => {
        const p = new EscPosParser();
        for (let i = 0; i < bytes.length; i += chunk) p.push(bytes.subarray(i, i + chunk));
        // A trailing receipt still parses after the noise once a reset arrives.
        const after = p.push(new Uint8Array([0x0a, 0x1b, 0x40, ...Buffer.from('OK\n')]));
        expect(Array.isArray(after)).toBe(true);
      }),
    );
  });
});
