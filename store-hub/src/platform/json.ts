/**
 * The hub's one copy of the JSON helpers: bigint-exact round trips for stored documents, a
 * bigint-as-string replacer for logs and wire details, and canonical JSON (sorted keys) for
 * comparing request bodies. None of them recurse on the JS stack, so hostile nesting cannot
 * overflow it (bodies are depth-checked before they reach here anyway).
 */

/** JSON with bigints kept exact: encoded as {"$big": "…"} and revived as bigint. */
export const stringifyExact = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? { $big: x.toString() } : x));

export const parseExact = <T>(text: string): T =>
  JSON.parse(text, (_k, x: unknown) =>
    x !== null &&
    typeof x === 'object' &&
    typeof (x as { $big?: unknown }).$big === 'string' &&
    Object.keys(x).length === 1
      ? BigInt((x as { $big: string }).$big)
      : x,
  ) as T;

/** bigint → decimal-digit string (logs, terminal results); everything else unchanged. */
export const bigintToString = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

/** Canonical JSON: object keys sorted, arrays in order; iterative, so depth costs heap, not stack. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  const CLOSE_OBJ = Symbol('}');
  const CLOSE_ARR = Symbol(']');
  const COMMA = Symbol(',');
  class Key {
    constructor(readonly text: string) {}
  }
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === CLOSE_OBJ) out.push('}');
    else if (v === CLOSE_ARR) out.push(']');
    else if (v === COMMA) out.push(',');
    else if (v instanceof Key) out.push(v.text);
    else if (Array.isArray(v)) {
      out.push('[');
      stack.push(CLOSE_ARR);
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i] === undefined ? null : v[i]);
        if (i > 0) stack.push(COMMA);
      }
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort();
      out.push('{');
      stack.push(CLOSE_OBJ);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        stack.push((v as Record<string, unknown>)[k]);
        stack.push(new Key(`${JSON.stringify(k)}:`));
        if (i > 0) stack.push(COMMA);
      }
    } else out.push(JSON.stringify(typeof v === 'bigint' ? v.toString() : (v ?? null)));
  }
  return out.join('');
}

/**
 * Nesting depth of a JSON text, counted without parsing (brackets outside strings). Used to
 * refuse hostile bodies before JSON.parse and anything recursive sees them.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
