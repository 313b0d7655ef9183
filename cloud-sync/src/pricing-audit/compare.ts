/**
 * The audit's functional core: HQ's canonical priced basket against the hub's, field by field.
 * Both sides are promo-core's canonical JSON (pricedBasketToJson); the hub's has been through
 * PostgreSQL's jsonb, which reorders keys, so the comparison is structural, not textual. The
 * data-version label is the one field that may legitimately differ (the hub names its version
 * its own way), and the human explanation strings are not figures.
 */
export interface Difference {
  path: string;
  hub: unknown;
  hq: unknown;
}

const IGNORED = new Set(['data_version', 'explanation', 'diagnostics']);

export function compareCanonical(hub: unknown, hq: unknown, limit = 25): Difference[] {
  const out: Difference[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push({ path: `${path}.length`, hub: a.length, hq: b.length });
      for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of [...keys].sort()) {
        if (IGNORED.has(k)) continue;
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      }
      return;
    }
    if (a !== b) out.push({ path, hub: a ?? null, hq: b ?? null });
  };
  walk(hub, hq, '');
  return out;
}

/** The §6.4 totals the hub sent against HQ's re-priced totals (used when the snapshot has no priced JSON). */
export function compareTotals(hub: Record<string, unknown>, hq: Record<string, unknown>): Difference[] {
  const keys = [
    'total_mrp',
    'total_discount',
    'total_after_discount',
    'total_tax',
    'total_excl_tax',
    'total_after_tax',
  ];
  return keys
    .filter((k) => hub[k] !== hq[k])
    .map((k) => ({ path: `totals.${k}`, hub: hub[k] ?? null, hq: hq[k] ?? null }));
}
