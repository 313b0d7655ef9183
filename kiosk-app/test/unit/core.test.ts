/** Pure parts of the kiosk: data-version comparability, canonical key order, strings, money. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inCanonicalOrder } from '../../src/basket/controller';
import { comparable, hubStamp } from '../../src/basket/versions';
import { toReferenceDoc } from '../../src/data/collections';
import { money, translate } from '../../src/i18n';
import { de } from '../../src/i18n/de';
import { en } from '../../src/i18n/en';

describe('data versions', () => {
  it('compares only when the hub’s stamp covers what the kiosk holds and the kiosk pulled up to it', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (kioskMax, s, caughtUpTo) => {
        expect(comparable(`hub:${s}`, { kioskMax, caughtUpTo })).toBe(kioskMax <= s && s <= caughtUpTo);
      }),
    );
    expect(comparable(null, { kioskMax: 0, caughtUpTo: 9 })).toBe(false);
    expect(hubStamp('catalog:41/promos:17')).toBeNull();
  });
});

describe('canonical key order', () => {
  it('restores the template’s key order without adding or dropping anything', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        const shuffled = JSON.parse(JSON.stringify(v), (_k, x: unknown) =>
          x && typeof x === 'object' && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x as object).reverse())
            : x,
        ) as unknown;
        expect(JSON.stringify(inCanonicalOrder(v, shuffled))).toBe(JSON.stringify(v));
      }),
    );
    expect(JSON.stringify(inCanonicalOrder({ a: 1 }, { b: 2, a: 1 }))).toBe('{"a":1,"b":2}');
  });
});

describe('replicated rows', () => {
  it('keeps the hub’s document as imported (promotions keep their own id)', () => {
    expect(
      toReferenceDoc('items', { id: 'i1', updatedAt: 5, _deleted: false, item_id: 'i1', base_price: '1.00' }),
    ).toEqual({
      id: 'i1',
      updatedAt: 5,
      _deleted: false,
      doc: { item_id: 'i1', base_price: '1.00' },
    });
    expect(toReferenceDoc('promotions', { id: 'P1', updatedAt: 5, _deleted: true }).doc).toEqual({
      id: 'P1',
    });
  });
});

describe('strings', () => {
  it('has every English key in German, with the same placeholders', () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(ph(de[k]), k).toEqual(ph(en[k]));
    }
    expect(translate('de', 'scan.pay', { total: '4,99 £' })).toBe('4,99 £ bezahlen');
  });

  it('formats money from decimal strings without floats', () => {
    expect(money('en', '1234.50', '£')).toBe('£1234.50');
    expect(money('de', '0.05', '€')).toBe('0,05 €');
    expect(money('en', '-2.00', '£')).toBe('−£2.00');
  });
});
