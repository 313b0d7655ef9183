/**
 * Property tests for GS1 element strings (issue 10): strings generated from the AI table itself
 * (every AI, valid values for its components and checks), written with minimal separators, with
 * a separator after every field, and in the bracketed form; then truncated, repeated, and read
 * through resolveScan with AIM prefixes and boundary dates. Each must read as exactly what it
 * encodes, or be refused with a named reason. The oracles below are written from the GS1 rules
 * (pairing, century window, calendar) independently of the parser's code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CatalogIndex,
  allAiDefinitions,
  barcodeConfigSchema,
  gtinCheckDigit,
  parseBracketed,
  parseElementString,
  resolveScan,
} from '@kassa/promo-core';
import type { AiDefinition, Gs1SyntaxResult, ScanOutcome, Symbology } from '@kassa/promo-core';

const GS = '\u001d';
const REF_YEAR = 2025;
const DEFS = allAiDefinitions();
const BY_AI = new Map(DEFS.map((d) => [d.ai, d]));
const NAMED = new Set([
  'GS1_UNKNOWN_AI',
  'GS1_TRUNCATED',
  'GS1_MISSING_SEPARATOR',
  'GS1_BAD_VALUE',
  'GS1_REPEATED_AI',
  'GS1_CONFLICTING_AI',
  'GS1_MISSING_AI',
  'BAD_CHECK_DIGIT',
]);

// ---------------------------------------------------------------------------------------------
// Values from the table

const DIGITS = '0123456789'.split('');
// GS1 set 82 without `(` `)` (the bracketed form could not delimit them) and `%` (percent-encoded AIs).
const X_CHARS = '!"&\'*+,-./:;<=>?_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const Y_CHARS = '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const Z_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
const SET = { N: DIGITS, X: X_CHARS, Y: Y_CHARS, Z: Z_CHARS } as const;

const chars = (set: readonly string[], min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...set), minLength: min, maxLength: max });
const num = (min: number, max: number, width: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((n) => String(n).padStart(width, '0'));
const dim = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** A calendar date within the GS1 century window around REF_YEAR, as YYMMDD (day 00 allowed when asked). */
const yymmdd = (dayZero: boolean): fc.Arbitrary<string> =>
  fc
    .record({ y: fc.integer({ min: REF_YEAR - 49, max: REF_YEAR + 50 }), m: fc.integer({ min: 1, max: 12 }) })
    .chain(({ y, m }) =>
      fc
        .integer({ min: dayZero ? 0 : 1, max: dim(y, m) })
        .map(
          (d) =>
            `${String(y % 100).padStart(2, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`,
        ),
    );

function componentValue(
  c: AiDefinition['components'][number],
  len: fc.Arbitrary<number>,
): fc.Arbitrary<string> {
  const checks = new Set(c.checks);
  if (checks.has('csum'))
    return chars(DIGITS, c.min - 1, c.min - 1).map((d) => d + String(gtinCheckDigit(d)));
  if (checks.has('yymmd0')) return yymmdd(true);
  if (checks.has('yymmdd')) return yymmdd(false);
  if (checks.has('yyyymmdd'))
    return fc
      .record({ y: fc.integer({ min: 1900, max: 2100 }), m: fc.integer({ min: 1, max: 12 }) })
      .chain(({ y, m }) => num(1, dim(y, m), 2).map((d) => `${y}${String(m).padStart(2, '0')}${d}`));
  if (checks.has('hhmi')) return fc.tuple(num(0, 23, 2), num(0, 59, 2)).map(([h, m]) => h + m);
  if (checks.has('hh')) return num(0, 23, 2);
  if (checks.has('mi') || checks.has('ss')) return num(0, 59, 2);
  if (checks.has('iso4217')) return fc.constantFrom('978', '840', '826', '392', '756', '999');
  if (checks.has('yesno')) return fc.constantFrom('0', '1');
  if (checks.has('zero')) return fc.constant('0');
  if (checks.has('winding')) return fc.constantFrom('0', '1', '9');
  if (checks.has('hyphen')) return fc.constant('-');
  if (checks.has('pieceoftotal'))
    return fc
      .integer({ min: 1, max: 99 })
      .chain((t) => num(1, t, 2).map((p) => p + String(t).padStart(2, '0')));
  if (checks.has('nonzero')) return chars(DIGITS, c.min - 1, c.min - 1).map((d) => '1' + d);
  return len.chain((n) => {
    if (checks.has('nozeroprefix')) return chars(DIGITS, n - 1, n - 1).map((d) => '1' + d);
    if (checks.has('hasnondigit')) return chars(SET[c.set], n - 1, n - 1).map((d) => 'A' + d);
    return chars(SET[c.set], n, n);
  });
}

/** A valid value for an AI: every mandatory component, then some of the optional ones. */
function valueFor(def: AiDefinition): fc.Arbitrary<string> {
  const optional = def.components.filter((c) => c.optional).length;
  return fc.integer({ min: 0, max: optional }).chain((keep) => {
    const parts = def.components
      .slice(0, def.components.length - optional + keep)
      .map((c) => componentValue(c, fc.integer({ min: c.min, max: Math.max(c.min, Math.min(c.max, 24)) })));
    return fc.tuple(...parts).map((p) => p.join(''));
  });
}

interface El {
  ai: string;
  value: string;
}

const element = (def: AiDefinition): fc.Arbitrary<El> =>
  valueFor(def).map((value) => ({ ai: def.ai, value }));
const anyDef = fc.constantFrom(...DEFS);

/** 1–5 elements with distinct AIs, usually led by a GTIN (01) so that pairing rules can hold. */
const elements: fc.Arbitrary<El[]> = fc
  .tuple(fc.boolean(), fc.uniqueArray(anyDef, { minLength: 1, maxLength: 4, selector: (d) => d.ai }))
  .chain(([gtin, defs]) => {
    const list = gtin && !defs.some((d) => d.ai === '01') ? [BY_AI.get('01')!, ...defs] : defs;
    return fc.tuple(...list.map(element));
  });

// ---------------------------------------------------------------------------------------------
// Writing element strings

type Style = 'minimal' | 'every' | 'bracketed';

function write(els: El[], style: Style): string {
  if (style === 'bracketed') return els.map((e) => `(${e.ai})${e.value}`).join('');
  let s = '';
  els.forEach((e, i) => {
    s += e.ai + e.value;
    const last = i === els.length - 1;
    if (!last && (style === 'every' || !BY_AI.get(e.ai)!.predefined)) s += GS;
  });
  return s;
}

const parse = (s: string, style: Style): Gs1SyntaxResult =>
  style === 'bracketed' ? parseBracketed(s, REF_YEAR)! : parseElementString(s, REF_YEAR);

// ---------------------------------------------------------------------------------------------
// Oracle for GS1's pairing rules (one AI requires or excludes another)

const like = (pattern: string, ai: string): boolean =>
  pattern.length === ai.length && [...pattern].every((ch, i) => ch === 'n' || ch === ai[i]);

/** The pairing rules the elements break (empty when none). */
function broken(els: El[]): Set<string> {
  const ais = els.map((e) => e.ai);
  const has = (p: string): boolean => ais.some((a) => like(p, a));
  const out = new Set<string>();
  for (const a of ais) {
    const def = BY_AI.get(a)!;
    if (def.excludes.some((p) => ais.some((b) => b !== a && like(p, b)))) out.add('GS1_CONFLICTING_AI');
    // Kassa reads a price without a measure (GS1 asks for one): that one requirement is waived.
    const waived = (group: readonly (readonly string[])[]): boolean =>
      /^39[23]/.test(a) && group.some((alt) => alt.includes('31nn'));
    if (def.requires.some((group) => !waived(group) && !group.some((alt) => alt.every(has))))
      out.add('GS1_MISSING_AI');
  }
  return out;
}

const pairs = (r: Gs1SyntaxResult): El[] | string =>
  r.ok ? r.elements.map((e) => ({ ai: e.ai, value: e.value })) : r.error.code;

/** Read back exactly when no pairing rule is broken, else refused for one that is. */
function expectReadOrPairingRefusal(r: Gs1SyntaxResult, els: El[]): void {
  const rules = broken(els);
  if (rules.size === 0) expect(pairs(r)).toEqual(els);
  else expect(rules.has(r.ok ? 'read' : r.error.code)).toBe(true);
}

describe('GS1 element strings generated from the AI table', () => {
  it('the table is prefix-free and every AI has a value generator', () => {
    const len = new Map<string, number>();
    for (const d of DEFS) {
      const prior = len.get(d.ai.slice(0, 2));
      expect(prior === undefined || prior === d.ai.length).toBe(true);
      len.set(d.ai.slice(0, 2), d.ai.length);
    }
    expect(DEFS.length).toBeGreaterThan(500);
    // 310n..369n families: only n = 0..5 exist.
    expect(BY_AI.has('3105')).toBe(true);
    expect(BY_AI.has('3106')).toBe(false);
    expect(BY_AI.get('3932')).toMatchObject({ decimals: 2, predefined: false });
  });

  it('valid strings read back exactly, in every writing, or are refused for a pairing rule they break', () => {
    fc.assert(
      fc.property(elements, fc.constantFrom<Style>('minimal', 'every', 'bracketed'), (els, style) => {
        expectReadOrPairingRefusal(parse(write(els, style), style), els);
      }),
      { numRuns: 600 },
    );
  });

  it('a truncated string is refused by name, or reads as exactly the part that is left', () => {
    fc.assert(
      fc.property(elements, fc.nat(), (els, cut) => {
        const full = write(els, 'minimal');
        const s = full.slice(0, cut % full.length);
        if (s.length === 0) return;
        const r = parseElementString(s, REF_YEAR);
        if (!r.ok) {
          expect(NAMED.has(r.error.code)).toBe(true);
          return;
        }
        // What is left can only be whole elements, the last possibly a shorter variable-length value.
        const got = pairs(r) as El[];
        got.forEach((e, i) => {
          expect(e.ai).toBe(els[i]!.ai);
          if (i < got.length - 1) expect(e.value).toBe(els[i]!.value);
          else expect(els[i]!.value.startsWith(e.value)).toBe(true);
        });
        if (got.length > 0 && got[got.length - 1]!.value !== els[got.length - 1]!.value)
          expect(BY_AI.get(got[got.length - 1]!.ai)!.fixed).toBe(false);
      }),
      { numRuns: 600 },
    );
  });

  it('a required separator left out is refused, or the value visibly swallows the next AI', () => {
    fc.assert(
      fc.property(
        elements.filter((els) => els.length >= 2),
        fc.nat(),
        (els, pick) => {
          const at = pick % (els.length - 1);
          const def = BY_AI.get(els[at]!.ai)!;
          if (def.predefined) return;
          let s = '';
          let valueStart = 0;
          els.forEach((e, i) => {
            s += e.ai;
            if (i === at) valueStart = s.length;
            s += e.value;
            if (i < els.length - 1 && i !== at) s += GS;
          });
          const r = parseElementString(s, REF_YEAR);
          // Without the separator the value runs on to the next separator or the end.
          const next = s.indexOf(GS, valueStart);
          const merged = s.slice(valueStart, next === -1 ? s.length : next);
          if (def.fixed || merged.length > def.maxLength) {
            expect(r.ok ? 'read' : r.error.code).toBe('GS1_MISSING_SEPARATOR');
          } else if (r.ok) {
            expect(r.elements[at]!.value).toBe(merged);
          } else {
            expect(NAMED.has(r.error.code)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('an AI repeated with another value is refused; with the same value it is read once', () => {
    fc.assert(
      fc.property(elements, fc.nat(), fc.boolean(), (els, pick, same) => {
        const e = els[pick % els.length]!;
        const other = fc
          .sample(element(BY_AI.get(e.ai)!), { numRuns: 8, seed: pick })
          .find((o) => o.value !== e.value);
        const repeat = same ? e : other;
        if (repeat === undefined) return;
        const r = parseElementString(write([...els, repeat], 'every'), REF_YEAR);
        if (same) expectReadOrPairingRefusal(r, els);
        else expect(r.ok ? 'read' : r.error.code).toBe('GS1_REPEATED_AI');
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Through resolveScan: what a till acts on

const { index } = CatalogIndex.build({
  items: [
    { item_id: 'yoghurt', product_identifier: '9501101530003', base_price: '0.80' },
    {
      item_id: 'salmon',
      product_identifier: '5012345678931',
      base_price: '24.00',
      unit_of_measure: 'kg',
      price_per_unit_measure: '24.00',
    },
    {
      item_id: 'oil',
      product_identifier: '5012345678948',
      base_price: '9.00',
      unit_of_measure: 'l',
      price_per_unit_measure: '9.00',
    },
  ],
});
const config = barcodeConfigSchema.parse({ currency: 'EUR' });
const ITEMS = {
  yoghurt: { gtin: '09501101530003', unit: 'each', price: 80n },
  salmon: { gtin: '05012345678931', unit: 'kg', price: 2400n },
  oil: { gtin: '05012345678948', unit: 'l', price: 900n },
} as const;

const roundHalfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);
const p2 = (n: number): string => String(n).padStart(2, '0');

interface Retail {
  item: keyof typeof ITEMS;
  now: Date;
  weight: { n: number; v: number } | null;
  volume: { n: number; v: number } | null;
  price: { ai: '392' | '393'; n: number; v: number; currency: string } | null;
  expiry: { y: number; m: number; d: number } | null;
  expiryTime: { y: number; m: number; d: number; hh: number; mi: number } | null;
  batch: string | null;
  prefix: string;
  symbology: Symbology | null;
  order: number[];
}

/** Dates that matter: yesterday, today and tomorrow, day 00, 29 February of leap and other years. */
const expiryAround = (now: Date): fc.Arbitrary<{ y: number; m: number; d: number }> => {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const d = now.getUTCDate();
  const shift = (days: number): { y: number; m: number; d: number } => {
    const t = new Date(Date.UTC(y, m - 1, d + days));
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
  };
  return fc.oneof(
    fc.constantFrom(shift(-1), shift(0), shift(1), { y, m, d: 0 }, { y, m: m === 1 ? 12 : m - 1, d: 0 }),
    fc.integer({ min: y - 4, max: y + 4 }).map((yy) => ({ y: yy, m: 2, d: 29 })),
    fc.integer({ min: y - 4, max: y + 4 }).map((yy) => ({ y: yy, m: 2, d: 0 })),
    fc.record({
      y: fc.integer({ min: y - 3, max: y + 3 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
    }),
  );
};

const measure = fc.oneof(
  fc.record({ n: fc.integer({ min: 0, max: 5 }), v: fc.integer({ min: 0, max: 999999 }) }),
  fc.record({ n: fc.integer({ min: 3, max: 5 }), v: fc.integer({ min: 0, max: 600 }) }),
);

const retail: fc.Arbitrary<Retail> = fc
  .record({
    item: fc.constantFrom<keyof typeof ITEMS>('yoghurt', 'salmon', 'oil'),
    now: fc.date({
      min: new Date('2024-01-01T00:00:00Z'),
      max: new Date('2030-12-31T23:59:00Z'),
      noInvalidDate: true,
    }),
    weight: fc.option(measure, { freq: 2 }),
    volume: fc.option(measure, { freq: 4 }),
    price: fc.option(
      fc.record({
        ai: fc.constantFrom<'392' | '393'>('392', '393'),
        n: fc.integer({ min: 0, max: 9 }),
        v: fc.oneof(
          fc.integer({ min: 0, max: 99999 }),
          fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000_000),
        ),
        currency: fc.constantFrom('978', '978', '840'),
      }),
      { freq: 3 },
    ),
    batch: fc.option(chars(X_CHARS, 1, 20), { freq: 3 }),
    aim: fc.constantFrom('', ']C1', ']e0', ']d2', ']Q3', ']J1', 'sym'),
    sym: fc.constantFrom<Symbology>('GS1_128', 'DATABAR', 'DATAMATRIX', 'GS1_QR', 'GS1_DOTCODE'),
    seed: fc.nat(),
  })
  .chain((r) =>
    fc
      .record({
        expiry: fc.option(expiryAround(r.now), { freq: 2 }),
        expiryTime: fc.option(
          fc.integer({ min: -2, max: 2 }).map((mins) => {
            const t = new Date(Math.floor(r.now.getTime() / 60000) * 60000 + mins * 60000);
            return {
              y: t.getUTCFullYear(),
              m: t.getUTCMonth() + 1,
              d: t.getUTCDate(),
              hh: t.getUTCHours(),
              mi: t.getUTCMinutes(),
            };
          }),
          { freq: 3 },
        ),
        order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
      })
      .map((x): Retail => ({
        item: r.item,
        now: r.now,
        weight: r.weight,
        volume: r.volume,
        price: r.price,
        batch: r.batch,
        expiry: x.expiry,
        expiryTime: x.expiryTime,
        order: x.order,
        prefix: r.aim === 'sym' ? '' : r.aim,
        symbology: r.aim === 'sym' ? r.sym : null,
      })),
  );

function encode(r: Retail): string {
  const fields: { text: string; predefined: boolean }[] = [];
  const six = (v: number): string => String(v).padStart(6, '0');
  if (r.weight) fields.push({ text: `310${r.weight.n}${six(r.weight.v)}`, predefined: true });
  if (r.volume) fields.push({ text: `315${r.volume.n}${six(r.volume.v)}`, predefined: true });
  if (r.price)
    fields.push({
      text: `${r.price.ai}${r.price.n}${r.price.ai === '393' ? r.price.currency : ''}${r.price.v}`,
      predefined: false,
    });
  if (r.expiry)
    fields.push({ text: `17${p2(r.expiry.y % 100)}${p2(r.expiry.m)}${p2(r.expiry.d)}`, predefined: true });
  if (r.expiryTime) {
    const t = r.expiryTime;
    fields.push({
      text: `7003${p2(t.y % 100)}${p2(t.m)}${p2(t.d)}${p2(t.hh)}${p2(t.mi)}`,
      predefined: false,
    });
  }
  if (r.batch) fields.push({ text: `10${r.batch}`, predefined: false });
  const ordered = r.order.filter((i) => i < fields.length).map((i) => fields[i]!);
  let s = `01${ITEMS[r.item].gtin}`;
  ordered.forEach((f, i) => {
    s += f.text;
    if (!f.predefined && i < ordered.length - 1) s += GS;
  });
  return r.prefix + s;
}

type Expected =
  | { error: string }
  | {
      item_id: string;
      quantity: number;
      weight_g: number | null;
      line_price: bigint;
      expiry: string | null;
      expiry_time: string | null;
      batch: string | null;
    };

const validDate = (y: number, m: number, d: number): boolean => m >= 1 && m <= 12 && d >= 1 && d <= dim(y, m);
const iso = (y: number, m: number, d: number): string => `${y}-${p2(m)}-${p2(d)}`;

/** What the code encodes, from the GS1 rules (UTC store, EUR, 2 decimals). */
function expected(r: Retail): Expected {
  // The dates are within a few years of the scan: the GS1 century window keeps their century.
  let expiry: string | null = null;
  if (r.expiry) {
    const { y, m } = r.expiry;
    const d = r.expiry.d === 0 ? dim(y, m) : r.expiry.d;
    if (!validDate(y, m, d)) return { error: 'GS1_BAD_VALUE' };
    expiry = iso(y, m, d);
  }
  let expiryTime: string | null = null;
  if (r.expiryTime) {
    const t = r.expiryTime;
    expiryTime = `${iso(t.y, t.m, t.d)}T${p2(t.hh)}:${p2(t.mi)}`;
  }
  const now = r.now.toISOString();
  const today = now.slice(0, 10);
  if (expiry !== null && expiry < today) return { error: 'EXPIRED' };
  if (expiryTime !== null && expiryTime < now.slice(0, 16)) return { error: 'EXPIRED' };
  const thousandths = (x: { n: number; v: number }): number =>
    Number(roundHalfUp(BigInt(x.v) * 1000n, 10n ** BigInt(x.n)));
  if ((r.weight && thousandths(r.weight) === 0) || (r.volume && thousandths(r.volume) === 0))
    return { error: 'ZERO_WEIGHT' };
  const item = ITEMS[r.item];
  const m = item.unit === 'l' ? r.volume : item.unit === 'kg' ? r.weight : null;
  const base = {
    item_id: r.item,
    expiry: expiry ?? expiryTime?.slice(0, 10) ?? null,
    expiry_time: expiryTime,
    batch: r.batch,
  };
  if (r.price) {
    if (r.price.ai === '393' && r.price.currency !== '978') return { error: 'CURRENCY_MISMATCH' };
    const v = BigInt(r.price.v);
    const n = r.price.n;
    let minor: bigint;
    if (n <= 2) minor = v * 10n ** BigInt(2 - n);
    else if (v % 10n ** BigInt(n - 2) === 0n) minor = v / 10n ** BigInt(n - 2);
    else return { error: 'PRICE_PRECISION' };
    const info = m ?? r.weight;
    return { ...base, quantity: 1, weight_g: info ? thousandths(info) : null, line_price: minor };
  }
  if (item.unit === 'each') {
    return {
      ...base,
      quantity: 1,
      weight_g: r.weight ? thousandths(r.weight) : null,
      line_price: item.price,
    };
  }
  if (!m) return { error: 'WEIGHT_REQUIRED' };
  const g = thousandths(m);
  return {
    ...base,
    quantity: g,
    weight_g: g,
    line_price: roundHalfUp(item.price * BigInt(m.v), 10n ** BigInt(m.n)),
  };
}

const observed = (o: ScanOutcome): Expected =>
  o.ok
    ? {
        item_id: o.resolution.item.item_id,
        quantity: o.resolution.quantity,
        weight_g: o.resolution.weight_g,
        line_price: o.resolution.line_price,
        expiry: o.resolution.expiry,
        expiry_time: o.resolution.expiry_time,
        batch: o.resolution.batch,
      }
    : { error: o.error.code };

describe('resolveScan on generated retail element strings', () => {
  it('charges exactly what the code encodes (AIM prefixes, boundary dates, weights, prices) or refuses by name', () => {
    fc.assert(
      fc.property(retail, (r) => {
        const out = resolveScan(encode(r), r.symbology, index, config, { now: r.now.toISOString() });
        expect(observed(out)).toEqual(expected(r));
      }),
      { numRuns: 1500 },
    );
  });
});
