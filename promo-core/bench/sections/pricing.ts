/**
 * priceBasket end to end (issue 3, "Speed"): a 60-line basket (scanned EAN-13s, weighed
 * items, a GS1-128 label, a markdown label, a return) against 200 promotions and a two-rate
 * VAT table, against a same-run baseline of the promotions engine alone on the same lines.
 */
import {
  CatalogIndex,
  barcodeConfigSchema,
  createPromotionSet,
  evaluateDetailed,
  formatDecimal,
  formatMoney,
  gtinCheckDigit,
  luhnCheckDigit,
  parseStoreTaxConfig,
  parseTaxTable,
  priceBasket,
  pricedBasketToJson,
} from '../../src';
import type { BasketInput, StoreData } from '../../src';
import { benchPromotion } from '../fixtures';
import { ms, rate, summarise } from '../stats';

const ean13 = (data12: string): string => data12 + String(gtinCheckDigit(data12));
const code = (i: number) => ean13(`5${String(i).padStart(11, '0')}`);

/** The pricing bench's promotions: each-unit values, up to 5 sets, one group. */
const promo = (
  id: string,
  family: string,
  min: number | string,
  nodes: string[],
  extra: Record<string, unknown> = {},
) =>
  benchPromotion(id, family, [{ min, nodes }], {
    discount_type_strategy: 'e',
    max_application_limit: 5,
    ...extra,
  });

export default async () => {
  const items = [];
  for (let i = 0; i < 5000; i++) {
    items.push({
      item_id: `item-${i}`,
      product_identifier: code(i),
      retailer_product_id: `SKU${i}`,
      base_price: formatMoney(BigInt(99 + ((i * 37) % 2000))),
      tax_code: i % 3 === 0 ? 'RED' : 'STD',
      promo_categories: [{ name: 'c1', value: `CAT${i % 25}` }],
    });
  }
  items.push({
    item_id: 'cheese',
    product_identifier: '2812345',
    base_price: '18.90',
    price_per_unit_measure: '18.90',
    unit_of_measure: 'kg',
    tax_code: 'RED',
  });
  const promotions = [];
  for (let p = 0; p < 150; p++) promotions.push(promo(`E${p}`, 'e', 2, [`SKU${p * 3}`, `SKU${p * 3 + 1}`]));
  for (let p = 0; p < 40; p++)
    promotions.push(promo(`C${p}`, 'p', 3, [`CAT${p % 25}`], { discount_value: '5.00' }));
  for (let p = 0; p < 10; p++)
    promotions.push(
      promo(`B${p}`, 'b', `${20 + p * 10}.00`, ['ALL'], {
        discount_type: 'v',
        discount_value: '2.00',
        layer: 100 + p,
      }),
    );
  const store: StoreData = {
    store_id: 'store-1',
    timezone: 'Europe/London',
    catalog: CatalogIndex.build({ items }).index,
    promotions: createPromotionSet(promotions),
    tax: {
      config: parseStoreTaxConfig({ prices_include_tax: true }),
      table: parseTaxTable([
        { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '20.00' },
        { tax_code: 'RED', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '5.00' },
      ]),
    },
    barcodes: barcodeConfigSchema.parse({
      variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
    }),
    allow_negative_basket: true,
  };
  const lines: BasketInput['lines'] = [];
  for (let l = 0; l < 54; l++) {
    const i = (l * 7) % 450;
    lines.push({ line_id: `l${l}`, scanned_code: `${code(i)}\r\n`, quantity: 1 + (l % 3) });
  }
  for (let w = 0; w < 3; w++)
    lines.push({ line_id: `w${w}`, scanned_code: ean13(`2812345${String(250 + w * 111).padStart(5, '0')}`) });
  lines.push({ line_id: 'gs1', scanned_code: `010${code(4)}17301231\u001d10LOT1`, symbology: 'GS1_128' });
  const body = `1${'0' + code(5)}00150`;
  lines.push({ line_id: 'rtc', scanned_code: `MP1${'0' + code(5)}A00150${luhnCheckDigit(body)}` });
  lines.push({ line_id: 'ret', item_id: 'item-9', is_return_item: true });
  const basket: BasketInput = { basket_id: 'bench', evaluation_time: '2026-06-01T10:00:00Z', lines };

  const priced = priceBasket(basket, store);
  const units = priced.lines.reduce((s, l) => s + l.quantity, 0);
  // Baseline: the engine alone on the lines priceBasket sends it.
  const engineRequest = {
    store_id: 'store-1',
    evaluation_time: basket.evaluation_time,
    store_timezone: store.timezone,
    basket: {
      items: priced.lines
        .filter((l) => l.sku !== null)
        .map((l) => ({
          id: l.line_id,
          sku: l.sku,
          mrp: formatMoney(l.base_price),
          sp: formatMoney(l.selling_price),
          qty: l.quantity,
          ...(l.weight_g !== null && { weight: formatDecimal(BigInt(l.weight_g), 3) }),
          categories: store.catalog.promoCategoriesOf(store.catalog.getItem(l.item_id)!),
        })),
    },
  };
  // Interleaved runs, so that load from other processes falls on every variant alike.
  const variants = {
    full: () => priceBasket(basket, store),
    json: () => pricedBasketToJson(priceBasket(basket, store)),
    engine: () => evaluateDetailed(engineRequest, store.promotions!),
  };
  const samples: Record<keyof typeof variants, number[]> = { full: [], json: [], engine: [] };
  for (let i = 0; i < 50; i++) for (const f of Object.values(variants)) f();
  for (let i = 0; i < 600; i++) {
    for (const [k, f] of Object.entries(variants) as [keyof typeof variants, () => unknown][]) {
      const t0 = performance.now();
      f();
      samples[k].push(performance.now() - t0);
    }
  }
  const full = summarise(samples.full);
  const json = summarise(samples.json);
  const engine = summarise(samples.engine);
  return {
    title: 'Basket pricing: priceBasket, 60 lines end to end',
    markdown: `
Basket: ${lines.length} lines (${units} units: 54 scanned EAN-13 lines with CR/LF, 3 weighed, 1 GS1-128 with expiry, 1 markdown label, 1 return); ${priced.refusals.length} refused.
Store: 5,001 items, 200 promotions (${priced.promotions.length} applied, discount ${formatMoney(priced.totals.total_discount)}), VAT 20 % / 5 % inclusive.

| variant | median | p99 | baskets/s |
|---|---|---|---|
| \`priceBasket\` (resolve, prices, engine, allocation, tax, totals, explanations) | ${ms(full.median)} | ${ms(full.p99)} | ${rate(full.perSecond)} |
| \`priceBasket\` + canonical JSON | ${ms(json.median)} | ${ms(json.p99)} | ${rate(json.perSecond)} |
| baseline: promotions engine alone on the same lines | ${ms(engine.median)} | ${ms(engine.p99)} | ${rate(engine.perSecond)} |

600 interleaved runs of each variant after 50 warm-ups. Ratio (priceBasket / engine alone, medians): ${(full.median / engine.median).toFixed(2)}×. Spec target (store.md §2.1): < 100 ms p95 for 50 lines.
`,
  };
};
