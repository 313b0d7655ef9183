/**
 * Generates the demo store: a realistic grocery/convenience catalogue (~3,000 items with valid
 * EAN-13 codes, weighed produce on a variable-measure layout, age-restricted items, two tax
 * codes) and ~40 promotions covering all 8 families, as one `store-hub import` document.
 * Deterministic: the same seed gives the same store.
 *
 *   tsx scripts/demo-data/generate.ts [out.json] [--items 3000] [--seed 7]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const DEMO_STORE_ID = '5e1f0c9a-3b7d-4c2e-9a6f-0d4b8e2c1a77';

function rng(seed: number): () => number {
  // mulberry32: small, fast, good enough for fake data
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + String((10 - (sum % 10)) % 10);
}

interface Dept {
  code: string;
  name: string;
  tax: 'STD' | 'ZERO';
  products: string[];
  variants: string[];
  price: [number, number]; // pence
  age?: number;
}

const DEPTS: Dept[] = [
  {
    code: 'DAIRY',
    name: 'Dairy & Eggs',
    tax: 'ZERO',
    products: [
      'Whole Milk',
      'Semi-Skimmed Milk',
      'Greek Yogurt',
      'Natural Yogurt',
      'Cheddar',
      'Mozzarella',
      'Butter',
      'Free Range Eggs',
      'Double Cream',
      'Soft Cheese',
      'Oat Drink',
      'Kefir',
    ],
    variants: ['500ml', '1l', '2l', '4 pack', '6 pack', '250g', '400g'],
    price: [65, 450],
  },
  {
    code: 'BAKERY',
    name: 'Bakery',
    tax: 'ZERO',
    products: [
      'White Loaf',
      'Wholemeal Loaf',
      'Sourdough',
      'Croissants',
      'Bagels',
      'Crumpets',
      'Pitta Bread',
      'Tortilla Wraps',
      'Brioche Buns',
      'Rye Bread',
    ],
    variants: ['4 pack', '6 pack', '400g', '800g', 'Large', 'Small'],
    price: [85, 320],
  },
  {
    code: 'DRINKS',
    name: 'Soft Drinks',
    tax: 'STD',
    products: [
      'Cola',
      'Diet Cola',
      'Lemonade',
      'Sparkling Water',
      'Still Water',
      'Orange Juice',
      'Apple Juice',
      'Energy Drink',
      'Iced Tea',
      'Ginger Beer',
      'Tonic Water',
    ],
    variants: ['330ml', '500ml', '1l', '1.5l', '2l', '6x330ml', '12x330ml'],
    price: [55, 650],
  },
  {
    code: 'SNACKS',
    name: 'Crisps & Snacks',
    tax: 'STD',
    products: [
      'Ready Salted Crisps',
      'Salt & Vinegar Crisps',
      'Tortilla Chips',
      'Salted Peanuts',
      'Popcorn',
      'Pretzels',
      'Rice Cakes',
      'Trail Mix',
      'Cheese Puffs',
    ],
    variants: ['25g', '40g', '150g', '200g', '6 pack', 'Sharing bag'],
    price: [45, 350],
  },
  {
    code: 'CONFEC',
    name: 'Chocolate & Sweets',
    tax: 'STD',
    products: [
      'Milk Chocolate Bar',
      'Dark Chocolate',
      'Fruit Gums',
      'Mints',
      'Caramel Bar',
      'Chocolate Buttons',
      'Jelly Beans',
      'Toffee',
    ],
    variants: ['35g', '45g', '100g', '150g', 'Multipack'],
    price: [50, 400],
  },
  {
    code: 'PANTRY',
    name: 'Food Cupboard',
    tax: 'ZERO',
    products: [
      'Spaghetti',
      'Penne',
      'Basmati Rice',
      'Chopped Tomatoes',
      'Baked Beans',
      'Chickpeas',
      'Tuna Chunks',
      'Porridge Oats',
      'Cornflakes',
      'Granola',
      'Peanut Butter',
      'Strawberry Jam',
      'Honey',
      'Olive Oil',
      'Plain Flour',
      'Sugar',
      'Instant Coffee',
      'Tea Bags',
    ],
    variants: ['250g', '400g', '500g', '1kg', '80 pack', '160 pack'],
    price: [45, 700],
  },
  {
    code: 'FROZEN',
    name: 'Frozen',
    tax: 'ZERO',
    products: [
      'Garden Peas',
      'Oven Chips',
      'Fish Fingers',
      'Margherita Pizza',
      'Vanilla Ice Cream',
      'Mixed Berries',
      'Veggie Burgers',
      'Sweetcorn',
    ],
    variants: ['400g', '750g', '1kg', '10 pack', '1l'],
    price: [100, 550],
  },
  {
    code: 'MEAT',
    name: 'Meat & Fish',
    tax: 'ZERO',
    products: [
      'Chicken Breast',
      'Beef Mince',
      'Pork Sausages',
      'Smoked Bacon',
      'Salmon Fillets',
      'Cooked Ham',
      'Lamb Chops',
      'Turkey Slices',
    ],
    variants: ['250g', '400g', '500g', '1kg', '2 pack', '8 pack'],
    price: [180, 900],
  },
  {
    code: 'HOUSE',
    name: 'Household',
    tax: 'STD',
    products: [
      'Washing-up Liquid',
      'Laundry Pods',
      'Kitchen Roll',
      'Toilet Tissue',
      'Bin Bags',
      'Surface Spray',
      'Sponges',
      'Foil',
      'Cling Film',
    ],
    variants: ['Single', '2 pack', '4 pack', '9 pack', '500ml', '750ml'],
    price: [90, 1200],
  },
  {
    code: 'CARE',
    name: 'Health & Beauty',
    tax: 'STD',
    products: [
      'Toothpaste',
      'Shampoo',
      'Shower Gel',
      'Deodorant',
      'Hand Soap',
      'Razors',
      'Plasters',
      'Paracetamol',
      'Sun Cream',
      'Lip Balm',
    ],
    variants: ['50ml', '100ml', '250ml', '400ml', '16 pack', 'Travel size'],
    price: [80, 900],
  },
  {
    code: 'BEER',
    name: 'Beer & Cider',
    tax: 'STD',
    products: ['Lager', 'Pale Ale', 'IPA', 'Stout', 'Apple Cider', 'Pear Cider', 'Alcohol-Free Lager'],
    variants: ['330ml', '440ml', '500ml', '4x440ml', '10x330ml'],
    price: [150, 1400],
    age: 18,
  },
  {
    code: 'WINE',
    name: 'Wine & Spirits',
    tax: 'STD',
    products: [
      'Merlot',
      'Sauvignon Blanc',
      'Rosé',
      'Prosecco',
      'London Dry Gin',
      'Scotch Whisky',
      'Vodka',
      'Spiced Rum',
    ],
    variants: ['187ml', '750ml', '70cl', '1l'],
    price: [450, 3200],
    age: 18,
  },
  {
    code: 'TOBACCO',
    name: 'Tobacco & Lighters',
    tax: 'STD',
    products: ['Cigarette Papers', 'Lighter', 'Matches'],
    variants: ['Single', '5 pack'],
    price: [50, 300],
    age: 18,
  },
];
const BRANDS = [
  'Kassa',
  'Meadow',
  'Northfield',
  'Harbour',
  'Golden Acre',
  'Bluebell',
  'Oakridge',
  'Sunrise',
  'Riverside',
  'Highland',
  'Crisp & Co',
  'Little Farm',
];
const PRODUCE = [
  'Bananas',
  'Apples Gala',
  'Apples Braeburn',
  'Pears Conference',
  'Oranges',
  'Lemons',
  'Limes',
  'Grapes Red',
  'Grapes White',
  'Tomatoes',
  'Vine Tomatoes',
  'Cucumbers',
  'Carrots',
  'Parsnips',
  'Potatoes White',
  'Potatoes Sweet',
  'Onions Brown',
  'Onions Red',
  'Garlic',
  'Ginger',
  'Broccoli',
  'Cauliflower',
  'Courgettes',
  'Aubergines',
  'Peppers Red',
  'Peppers Green',
  'Mushrooms',
  'Leeks',
  'Beetroot',
  'Kiwi',
  'Mango',
  'Plums',
  'Nectarines',
  'Peaches',
  'Cherries',
  'Avocados',
  'Butternut Squash',
  'Celeriac',
  'Swede',
  'Shallots',
  'Fennel',
  'Pak Choi',
  'Green Beans',
  'Brussels Sprouts',
  'Rhubarb',
  'Pineapple',
  'Melon',
  'Watermelon',
  'Satsumas',
  'Grapefruit',
  'Apricots',
  'Figs',
  'Pomegranate',
  'Chillies',
  'Radishes',
  'Turnips',
  'Loose Salad Leaves',
  'Cabbage Savoy',
  'Cabbage Red',
  'Spring Onions',
];

export function generateDemoStore(opts: { items?: number; seed?: number } = {}): Record<string, unknown> {
  const target = opts.items ?? 3000;
  const r = rng(opts.seed ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const money = (pence: number): string => (pence / 100).toFixed(2);
  const items: Record<string, unknown>[] = [];
  const categories = [
    { category_id: 'PRODUCE', name: 'Fruit & Veg', retailer_category_id: 'PRODUCE' },
    ...DEPTS.map((d) => ({
      category_id: d.code,
      name: d.name,
      retailer_category_id: d.code,
      requires_approval: d.age !== undefined,
    })),
  ];
  const byDept = new Map<string, string[]>();

  // Weighed produce: price per kg, listed under the 28 + 5-digit item reference.
  PRODUCE.forEach((name, i) => {
    const ref = String(10001 + i).padStart(5, '0');
    const perKg = 49 + Math.floor(r() * 700);
    const sku = `P${ref}`;
    items.push({
      item_id: `item-${sku}`,
      product_identifier: `28${ref}`,
      retailer_product_id: sku,
      item_name: `${name} (loose)`,
      category_ids: ['PRODUCE'],
      promo_categories: [{ name: 'c1', value: 'PRODUCE' }],
      base_price: money(perKg),
      unit_of_measure: 'kg',
      price_per_unit_measure: money(perKg),
      tax_code: 'ZERO',
    });
    (byDept.get('PRODUCE') ?? byDept.set('PRODUCE', []).get('PRODUCE')!).push(sku);
  });

  let n = 0;
  while (items.length < target) {
    const d = DEPTS[n % DEPTS.length]!;
    n++;
    const product = pick(d.products);
    const brand = pick(BRANDS);
    const variant = pick(d.variants);
    const price = d.price[0] + Math.floor(r() * (d.price[1] - d.price[0]));
    const rounded = price - (price % 5) + (r() < 0.5 ? 4 : 9) - 4; // 9p/5p endings
    const seq = String(n).padStart(8, '0');
    const code = ean13(`50${seq}00`.slice(0, 12));
    const sku = `S${seq}`;
    const onSale = r() < 0.08;
    items.push({
      item_id: `item-${sku}`,
      product_identifier: code,
      retailer_product_id: sku,
      item_name: `${brand} ${product} ${variant}`,
      category_ids: [d.code],
      promo_categories: [{ name: 'c1', value: d.code }],
      base_price: money(Math.max(rounded, 25)),
      ...(onSale ? { selling_price: money(Math.max(Math.floor(rounded * 0.8), 20)) } : {}),
      tax_code: d.tax,
      ...(d.age ? { requires_approval: true, minimum_age_required: d.age } : {}),
    });
    (byDept.get(d.code) ?? byDept.set(d.code, []).get(d.code)!).push(sku);
  }

  const skus = (dept: string, k: number): string[] => (byDept.get(dept) ?? []).slice(0, k);
  const node = (id: string, type = 'i') => ({ node_id: id, node_type: type });
  const base = {
    retailer: 'KASSA-GB',
    start_date_time: '2025-01-01T00:00:00Z',
    end_date_time: '2030-12-31T23:59:59Z',
    stores: [DEMO_STORE_ID],
  };
  const promotions: Record<string, unknown>[] = [];
  let pid = 0;
  const add = (p: Record<string, unknown>): void => {
    pid++;
    promotions.push({
      ...base,
      id: `PROMO${String(pid).padStart(4, '0')}`,
      promo_id_retailer: `DEMO-${pid}`,
      ...p,
    });
  };
  const depts = DEPTS.map((d) => d.code);
  // e: buy N for a fixed price / percent off exact multiples
  for (const d of depts.slice(0, 6)) {
    add({
      family: 'e',
      title: `3 for 2 on ${d}`,
      discount_type: 'p',
      discount_value: '33.33',
      max_application_limit: 10,
      promo_groups: [{ name: 'G1', qty_or_value_min: '3', promo_group_nodes: [node(d, 'c1')] }],
    });
  }
  // p: easy+ — 10% off when buying 2 or more
  for (const d of depts.slice(6, 11)) {
    add({
      family: 'p',
      title: `10% off 2+ ${d}`,
      discount_type: 'p',
      discount_value: '10',
      max_application_limit: 100,
      promo_groups: [
        { name: 'G1', qty_or_value_min: '2', qty_or_value_max: '10', promo_group_nodes: [node(d, 'c1')] },
      ],
    });
  }
  // c: combo meal deals
  for (let i = 0; i < 5; i++) {
    add({
      family: 'c',
      title: `Meal deal ${i + 1}`,
      discount_type: 'f',
      discount_value: '3.50',
      max_application_limit: 5,
      promo_groups: [
        {
          name: 'MAIN',
          qty_or_value_min: '1',
          promo_group_nodes: skus('BAKERY', 20)
            .slice(i * 4, i * 4 + 4)
            .map((s) => node(s)),
        },
        {
          name: 'SNACK',
          qty_or_value_min: '1',
          promo_group_nodes: skus('SNACKS', 20)
            .slice(i * 4, i * 4 + 4)
            .map((s) => node(s)),
        },
        {
          name: 'DRINK',
          qty_or_value_min: '1',
          promo_group_nodes: skus('DRINKS', 20)
            .slice(i * 4, i * 4 + 4)
            .map((s) => node(s)),
        },
      ],
    });
  }
  // l: line specials with per-node prices
  for (let i = 0; i < 5; i++) {
    const ids = skus(depts[i % depts.length]!, 40).slice(i * 5, i * 5 + 5);
    add({
      family: 'l',
      title: `Line special ${i + 1}`,
      discount_type: 'v',
      discount_value: '0.20',
      max_application_limit: 20,
      promo_groups: [
        {
          name: 'G1',
          qty_or_value_min: '1',
          promo_group_nodes: ids.map((s, k) => ({
            ...node(s),
            discount_type: 'v',
            discount_value: (0.1 * (k + 1)).toFixed(2),
          })),
        },
      ],
    });
  }
  // b: spend thresholds
  for (const [min, pct] of [
    ['30.00', '5'],
    ['50.00', '7.5'],
    ['80.00', '10'],
  ] as const) {
    add({
      family: 'b',
      title: `Spend £${min} save ${pct}%`,
      discount_type: 'p',
      discount_value: pct,
      layer: 100,
      promo_groups: [{ name: 'B', qty_or_value_min: min, promo_group_nodes: [node('ALL')] }],
    });
  }
  // t: spend X on a department, get a target item discounted
  for (let i = 0; i < 4; i++) {
    add({
      family: 't',
      title: `Spend £20 on pantry, half-price dessert ${i + 1}`,
      discount_type: 'p',
      discount_value: '50',
      target_discounted_group_name: 'TARGET',
      layer: 100,
      promo_groups: [
        { name: 'SPEND', qty_or_value_min: '20.00', promo_group_nodes: [node('PANTRY', 'c1')] },
        {
          name: 'TARGET',
          qty_or_value_min: '1',
          promo_group_nodes: skus('FROZEN', 40)
            .slice(i * 5, i * 5 + 5)
            .map((s) => node(s)),
        },
      ],
    });
  }
  // r: buy a requisite, get a target discounted
  for (let i = 0; i < 5; i++) {
    add({
      family: 'r',
      title: `Buy pasta, sauce 30% off ${i + 1}`,
      discount_type: 'p',
      discount_value: '30',
      target_discounted_group_name: 'GET',
      max_application_limit: 5,
      promo_groups: [
        {
          name: 'BUY',
          qty_or_value_min: '1',
          promo_group_nodes: skus('PANTRY', 60)
            .slice(i * 6, i * 6 + 6)
            .map((s) => node(s)),
        },
        {
          name: 'GET',
          qty_or_value_min: '1',
          promo_group_nodes: skus('DAIRY', 60)
            .slice(i * 6, i * 6 + 6)
            .map((s) => node(s)),
        },
      ],
    });
  }
  // m: evenly distributed multiline
  for (let i = 0; i < 5; i++) {
    add({
      family: 'm',
      title: `Any 4 beers for £10 ${i + 1}`,
      discount_type: 'f',
      discount_value: '10.00',
      target_discounted_group_qty_min: 4,
      max_application_limit: 3,
      promo_groups: [
        {
          name: 'G1',
          qty_or_value_min: '4',
          promo_group_nodes: skus('BEER', 100)
            .slice(i * 10, i * 10 + 10)
            .map((s) => node(s)),
        },
      ],
    });
  }
  // produce: weighed items 20% off (category node)
  add({
    family: 'p',
    title: 'Fresh produce 20% off',
    discount_type: 'p',
    discount_value: '20',
    max_application_limit: 100,
    promo_groups: [{ name: 'G1', qty_or_value_min: '1', promo_group_nodes: [node('PRODUCE', 'c1')] }],
  });

  return {
    store_config: {
      store_id: DEMO_STORE_ID,
      retailer_id: 'kassa-demo',
      retailer_store_id: 'DEMO01',
      name: 'Kassa Demo Market',
      chain: 'KASSA',
      region: 'GB',
      address: '1 High Street, Demo Town',
      currency: 'GBP',
      currency_sign: '£',
      timezone: 'Europe/London',
      demo: true,
      tax: { prices_include_tax: true, default_tax_code: 'STD' },
      barcodes: {
        variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
      },
      receipt_prefix: 'DEMO01',
    },
    tax_table: [
      { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT20', tax_percent: '20.00' },
      { tax_code: 'ZERO', tax_level: 'VAT', retailer_tax_level_id: 'VAT0', tax_percent: '0.00' },
    ],
    categories,
    items,
    promotions,
    staff: [
      {
        username: 'manager',
        display_name: 'Demo Manager',
        retailer_staff_id: 'M001',
        password: 'kassa-demo',
        pin: '123456',
        permissions: {
          can_add: true,
          can_edit: true,
          can_delete: true,
          can_refund: true,
          can_override_price: true,
          can_approve_age: true,
          can_import: true,
          allow_analytics: true,
          allow_settlement_report: true,
        },
      },
      {
        // A supervisor without refunds, so that permissions can be seen at work in the console.
        username: 'clerk',
        display_name: 'Demo Clerk',
        retailer_staff_id: 'C001',
        password: 'kassa-clerk',
        pin: '654321',
        permissions: { can_add: true, can_edit: true, can_approve_age: true },
      },
    ],
  };
}

const isMain =
  process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { items: { type: 'string' }, seed: { type: 'string' } },
  });
  const out = positionals[0] ?? '.data/demo-store.json';
  const doc = generateDemoStore({
    items: values.items ? Number(values.items) : 3000,
    seed: values.seed ? Number(values.seed) : 7,
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(doc, null, 1));
  const d = doc as { items: unknown[]; promotions: unknown[] };
  console.log(`demo store: ${d.items.length} items, ${d.promotions.length} promotions → ${out}`);
}
