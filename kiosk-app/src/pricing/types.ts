/** promo-core's canonical priced basket as JSON (money as decimal strings): what the screen shows. */
export interface PricedLineJson {
  line_id: string;
  item_id: string;
  item_name: string;
  product_identifier: string;
  sku: string | null;
  scanned_code: string | null;
  quantity: number;
  weight_g: number | null;
  unit_of_measure: 'each' | 'kg' | 'l';
  base_price: string;
  selling_price: string;
  unit_price: string;
  measure_price: string | null;
  gross: string;
  payable: string;
  savings: string;
  total_discount: string;
  is_return_item: boolean;
  requires_verification: boolean;
  promotions: { promo_id: string; title: string; discount: string; units: number; family: string }[];
  basket_discounts: { id: string; label: string; amount: string }[];
  labels: string[];
  explanation: string[];
}

export interface RefusalJson {
  line_id: string;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface PricedJson {
  basket_id: string;
  evaluation_time: string;
  data_version: string | null;
  lines: PricedLineJson[];
  refusals: RefusalJson[];
  totals: {
    total_mrp: string;
    total_after_tax: string;
    total_savings: string;
    total_tax: string;
    total_discount: string;
  };
  promotions: { promo_id: string; title: string; discount: string }[];
  requires_approval: boolean;
}
