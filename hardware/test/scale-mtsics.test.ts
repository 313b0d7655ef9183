import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SicsLineFramer,
  formatWeight,
  parseSicsLine,
  toGrams,
  weightLine,
  type SicsResponse,
} from '../src/scale/mtsics';
import { parseWeightArg } from '../src/sim/scale-cli';

describe('MT-SICS answers', () => {
  it('reads the answers of the command reference', () => {
    expect(parseSicsLine('S S      0.456 kg')).toMatchObject({
      kind: 'weight',
      cmd: 'S',
      stable: true,
      value: '0.456',
      unit: 'kg',
    });
    expect(parseSicsLine('S D     12.5 g')).toMatchObject({ kind: 'weight', stable: false, value: '12.5' });
    expect(parseSicsLine('S S     -0.012 kg')).toMatchObject({ kind: 'weight', value: '-0.012' });
    expect(parseSicsLine('S I')).toMatchObject({ kind: 'busy', cmd: 'S' });
    expect(parseSicsLine('S +')).toMatchObject({ kind: 'overload', cmd: 'S' });
    expect(parseSicsLine('S -')).toMatchObject({ kind: 'underload', cmd: 'S' });
    expect(parseSicsLine('Z A')).toMatchObject({ kind: 'ack', cmd: 'Z' });
    expect(parseSicsLine('Z I')).toMatchObject({ kind: 'busy', cmd: 'Z' });
    expect(parseSicsLine('T S      0.120 kg')).toMatchObject({ kind: 'weight', cmd: 'T', value: '0.120' });
    expect(parseSicsLine('I4 A "B021002593"')).toMatchObject({ kind: 'ack', cmd: 'I4', text: 'B021002593' });
    for (const code of ['ES', 'ET', 'EL'] as const)
      expect(parseSicsLine(code)).toMatchObject({ kind: 'error', code });
  });

  it('never reads a weight out of a line that is not one', () => {
    for (const line of [
      'S S',
      'S S 0.456',
      'S S abc kg',
      'S X 1.0 kg',
      'T D 1.0 kg',
      'SS 1.0 kg',
      'S S 1.0 kg x',
    ])
      expect(parseSicsLine(line).kind).not.toBe('weight');
  });

  it('converts weights to whole grams exactly, rounding half away from zero', () => {
    expect(toGrams('0.456', 'kg')).toBe(456);
    expect(toGrams('0.4565', 'kg')).toBe(457);
    expect(toGrams('0.4564', 'kg')).toBe(456);
    expect(toGrams('-0.0005', 'kg')).toBe(-1);
    expect(toGrams('12.5', 'g')).toBe(13);
    expect(toGrams('1', 'lb')).toBe(454); // 453.59237 g
    expect(toGrams('16', 'oz')).toBe(454);
    expect(toGrams('1500', 'mg')).toBe(2);
    expect(toGrams('1.0', 'ct')).toBeNull();
  });

  it('formats and reads back every weight in kg and g', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom('g', 'kg'), (g, unit) => {
        const r = parseSicsLine(weightLine('S', 'S', formatWeight(g, unit), unit).trimEnd());
        expect(r.kind).toBe('weight');
        if (r.kind === 'weight') expect(toGrams(r.value, r.unit)).toBe(g);
      }),
    );
  });

  it('agrees with a rational reference for any decimal kg value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.integer({ min: 0, max: 7 }),
        (n, scale) => {
          const abs = n < 0n ? -n : n;
          const digits = abs.toString().padStart(scale + 1, '0');
          const value = `${n < 0n ? '-' : ''}${scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`;
          // grams = n * 1000 / 10^scale, rounded half away from zero
          const den = 10n ** BigInt(scale);
          const q = (abs * 1000n) / den;
          const rem = (abs * 1000n) % den;
          const rounded = rem * 2n >= den ? q + 1n : q;
          expect(toGrams(value, 'kg')).toBe(Number(n < 0n ? -rounded : rounded));
        },
      ),
    );
  });
});

/** Answers a scale may send, as lines, with what the parser must make of each. */
const answer = fc.oneof(
  fc
    .tuple(fc.integer({ min: -20_000, max: 20_000 }), fc.boolean(), fc.constantFrom('g', 'kg'))
    .map(([g, stable, unit]) =>
      weightLine('S', stable ? 'S' : 'D', formatWeight(g, unit), unit).slice(0, -2),
    ),
  fc.constantFrom('S I', 'S +', 'S -', 'Z A', 'Z I', 'ES', 'ET', 'EL', 'I4 A "X1"', 'T S      0.100 kg'),
);
/** Noise lines: control bytes or bytes above ASCII somewhere in the line. */
const noise = fc
  .tuple(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(0x00, 0x07, 0x1b, 0x7f, 0x80, 0xfe, 0xff),
    fc.string({ maxLength: 20 }),
  )
  .map(([a, b, c]) =>
    Buffer.concat([
      Buffer.from(a.replace(/[\r\n]/g, ''), 'latin1'),
      Buffer.from([b]),
      Buffer.from(c.replace(/[\r\n]/g, ''), 'latin1'),
    ]),
  );

type Item = { kind: 'answer'; line: string } | { kind: 'noise'; bytes: Buffer } | { kind: 'long' };
const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 5, arbitrary: answer.map((line) => ({ kind: 'answer' as const, line })) },
  { weight: 2, arbitrary: noise.map((bytes) => ({ kind: 'noise' as const, bytes })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'long' as const }) },
);

function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

describe('MT-SICS line framing', () => {
  it('gives the same answers, in order, for any chunking, with noise and over-long lines around them', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        (items, cuts, bareLf) => {
          const eol = bareLf ? '\n' : '\r\n';
          const bytes = Buffer.concat(
            items.map((i) =>
              i.kind === 'answer'
                ? Buffer.from(i.line + eol, 'latin1')
                : i.kind === 'noise'
                  ? Buffer.concat([i.bytes, Buffer.from(eol)])
                  : Buffer.from('S S ' + '9'.repeat(200) + ' kg' + eol),
            ),
          );
          const framer = new SicsLineFramer();
          const got: SicsResponse[] = [];
          let garbage = 0;
          for (const chunk of chunked(bytes, cuts))
            for (const o of framer.push(chunk)) {
              if (o.kind === 'line') got.push(parseSicsLine(o.line));
              else garbage++;
            }
          const expected = items.flatMap((i) => (i.kind === 'answer' ? [parseSicsLine(i.line)] : []));
          expect(got).toEqual(expected);
          expect(garbage).toBe(items.length - expected.length);
          expect(framer.reset()).toBeNull();
        },
      ),
    );
  });

  it('keeps a partial line across chunks until its LF arrives, and drops it on reset', () => {
    const f = new SicsLineFramer();
    expect(f.push(Buffer.from('S S    0.4'))).toEqual([]);
    expect(f.push(Buffer.from('56 kg\r'))).toEqual([]);
    expect(f.push(Buffer.from('\nS '))).toEqual([{ kind: 'line', line: 'S S    0.456 kg' }]);
    expect(f.reset()).toBe('S ');
    expect(f.push(Buffer.from('I\r\n'))).toEqual([{ kind: 'line', line: 'I' }]);
  });

  it('treats a CR inside a line as noise', () => {
    const f = new SicsLineFramer();
    expect(f.push(Buffer.from('S S\r 1.000 kg\r\n'))).toMatchObject([
      { kind: 'garbage', code: 'LINE_NOT_ASCII' },
    ]);
  });
});

describe('the simulator CLI weight argument', () => {
  it('reads kg and g exactly', () => {
    expect(parseWeightArg('0.456kg')).toBe(456);
    expect(parseWeightArg('1.2 kg')).toBe(1200);
    expect(parseWeightArg('456g')).toBe(456);
    expect(parseWeightArg('456')).toBe(456);
    expect(parseWeightArg('empty')).toBe(0);
    expect(parseWeightArg('-0.050kg')).toBe(-50);
    expect(() => parseWeightArg('lots')).toThrow(/not a weight/);
    expect(() => parseWeightArg('1.5g')).toThrow(/whole number/);
  });
});
