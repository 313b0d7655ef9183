/**
 * Hard outer bounds of the basket API. The store config picks its own limits inside them
 * (max_line_quantity, max_basket_lines, min/max_weight_g); the request schemas use these, so a
 * schema never admits what no store could allow.
 */
export const MAX_QUANTITY = 999;
export const MAX_BASKET_LINES = 1000;
export const MAX_WEIGHT_G = 100_000;
