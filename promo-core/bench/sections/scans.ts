/**
 * Scan resolution throughput (issue 3, "Speed"): 1,000,000 scans against a 100,000-item
 * catalogue, a realistic mix of symbologies, against a same-run baseline of raw Map lookups
 * of the same codes (the floor any resolver must pay).
 */
import { CatalogIndex, barcodeConfigSchema, gtinCheckDigit, resolveScan } from '../../src';
import type { Item, Symbology } from '../../src';
import { seededRandom } from '../stats';

const N_ITEMS = 100_000;
const N_SCANS = 1_000_000;

const ean13 = (data12: string): string => data12 + String(gtinCheckDigit(data12));

function buildCatalog(): CatalogIndex {
  const items: Item[] = [];
  for (let i = 0; i < N_ITEMS; i++) {
    const weighed = i % 20 === 0;
    items.push({
      item_id: `item-${i}`,
      product_identifier: weighed
        ? `28${String(i).padStart(5, '0')}`
        : ean13(`5${String(i).padStart(11, '0')}`),
      original_product_identifier: null,
      retailer_product_id: `SKU${i}`,
      additional_barcodes: i % 10 === 1 ? [ean13(`4${String(i).padStart(11, '0')}`)] : [],
      item_name: `Item ${i}`,
      names: {},
      description: null,
      img: null,
      category_ids: [],
      promo_categories: [],
      base_price: 199n,
      selling_price: 199n,
      tax_code: 'STD',
      vat_rate_bp: null,
      is_restricted: false,
      not_for_self_checkout: false,
      requires_approval: false,
      minimum_age_required: null,
      max_basket_qty: 0,
      stock_quantity: null,
      is_item_sold: false,
      epc: null,
      item_type: 'REGULAR',
      addon_group_slugs: [],
      deposit_item_id: null,
      unit_of_measure: weighed ? 'kg' : 'each',
      price_per_unit_measure: weighed ? 1290n : null,
      pack_size: 1,
      is_refundable: true,
      allow_price_override: false,
      excluded_from_promotions: false,
      is_deposit: false,
      soft_deleted: false,
      catalog_version: 1,
    });
  }
  return CatalogIndex.fromItems(items);
}

export default async () => {
  const t0 = performance.now();
  const catalog = buildCatalog();
  const buildMs = performance.now() - t0;
  const config = barcodeConfigSchema.parse({
    variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
  });
  const rand = seededRandom(42);
  const scans: { code: string; sym: Symbology | null }[] = [];
  const mix = {
    'EAN-13 exact': 0,
    'additional barcode': 0,
    'GTIN-14 / UPC-A form': 0,
    'variable measure': 0,
    'GS1-128 with expiry and batch': 0,
    unknown: 0,
  };
  for (let s = 0; s < N_SCANS; s++) {
    const r = rand();
    const i = Math.floor(rand() * N_ITEMS);
    if (i % 20 === 0 || (r >= 0.7 && r < 0.8)) {
      const ref = i - (i % 20);
      const grams = 1 + Math.floor(rand() * 2000);
      scans.push({
        code: ean13(`28${String(ref).padStart(5, '0')}${String(grams).padStart(5, '0')}`),
        sym: 'EAN13',
      });
      mix['variable measure']++;
    } else if (r < 0.6) {
      scans.push({ code: ean13(`5${String(i).padStart(11, '0')}`) + '\r\n', sym: null });
      mix['EAN-13 exact']++;
    } else if (r < 0.65 && i % 10 === 1) {
      scans.push({ code: ean13(`4${String(i).padStart(11, '0')}`), sym: 'EAN13' });
      mix['additional barcode']++;
    } else if (r < 0.7) {
      scans.push({ code: '0' + ean13(`5${String(i).padStart(11, '0')}`), sym: 'ITF' });
      mix['GTIN-14 / UPC-A form']++;
    } else if (r < 0.95) {
      scans.push({
        code: `010${ean13(`5${String(i).padStart(11, '0')}`)}17261231\u001d10LOT${i % 97}`,
        sym: 'GS1_128',
      });
      mix['GS1-128 with expiry and batch']++;
    } else {
      scans.push({ code: ean13(`3${String(i).padStart(11, '0')}`), sym: 'EAN13' });
      mix.unknown++;
    }
  }
  const ctx = { now: '2026-06-01T10:00:00Z', timezone: 'Europe/London' };

  // Baseline: the bare Map lookup of each code as delivered (no sanitising, no rules).
  const raw = new Map<string, Item>();
  for (const it of catalog.items()) raw.set(it.product_identifier, it);
  const runBaseline = (): number => {
    let hits = 0;
    for (const s of scans) if (raw.get(s.code) !== undefined) hits++;
    return hits;
  };
  const runResolver = (): number => {
    let ok = 0;
    for (const s of scans) if (resolveScan(s.code, s.sym, catalog, config, ctx).ok) ok++;
    return ok;
  };
  runBaseline();
  runResolver(); // warm-up
  const times: { base: number; res: number }[] = [];
  let resolved = 0;
  for (let rep = 0; rep < 3; rep++) {
    const b0 = performance.now();
    runBaseline();
    const b1 = performance.now();
    resolved = runResolver();
    const b2 = performance.now();
    times.push({ base: b1 - b0, res: b2 - b1 });
  }
  const best = (k: 'base' | 'res') => Math.min(...times.map((t) => t[k]));
  const perSec = (msTotal: number) => Math.round((N_SCANS / msTotal) * 1000).toLocaleString('en-US');
  const mixText = Object.entries(mix)
    .map(([k, v]) => `${k} ${((v / N_SCANS) * 100).toFixed(1)} %`)
    .join(', ');
  return {
    title: 'Scan resolution: 1,000,000 scans, 100,000-item catalogue',
    markdown: `
Catalogue: ${N_ITEMS.toLocaleString('en-US')} items (5 % weighed, 10 % with an additional barcode), indexed in ${buildMs.toFixed(0)} ms (\`CatalogIndex.fromItems\`).
Scan mix: ${mixText}. ${resolved.toLocaleString('en-US')} resolved. Best of 3 runs.

| variant | 1M scans | scans/s |
|---|---|---|
| \`resolveScan\` (sanitise, rules of store.md §1.9, check digits, GS1 parsing, expiry) | ${best('res').toFixed(0)} ms | ${perSec(best('res'))} |
| baseline: raw \`Map.get\` of the code as delivered | ${best('base').toFixed(0)} ms | ${perSec(best('base'))} |

Ratio (resolver / raw Map lookup): ${(best('res') / best('base')).toFixed(1)}×.
`,
  };
};
