/**
 * GS1 element strings read against the AI table (gs1-ai-table.ts): segmentation into AIs,
 * each value checked against its components (character set, length, check digit, date, time,
 * currency), then the pairing rules between AIs (an AI that requires or excludes another) and
 * repeated AIs. Anything that does not read cleanly is refused with a named reason: the
 * resolver never sees half an element string.
 */
import { hasValidCheckDigit } from './gtin';
import { AI_ROWS } from './gs1-ai-table';
import { isIso4217Numeric } from './iso4217';

export const GS = '\u001d';

export type Gs1ErrorCode =
  | 'GS1_UNKNOWN_AI'
  | 'GS1_TRUNCATED'
  | 'GS1_MISSING_SEPARATOR'
  | 'GS1_BAD_VALUE'
  | 'GS1_REPEATED_AI'
  | 'GS1_CONFLICTING_AI'
  | 'GS1_MISSING_AI'
  | 'BAD_CHECK_DIGIT';

export interface Gs1SyntaxError {
  code: Gs1ErrorCode;
  message: string;
  ai?: string;
}

type CharSet = 'N' | 'X' | 'Y' | 'Z';

interface Component {
  set: CharSet;
  min: number;
  max: number;
  optional: boolean;
  checks: readonly string[];
}

export interface AiDefinition {
  ai: string;
  title: string;
  /** Predefined length (GS1 General Specifications figure 7.8.5-2): no separator needed after it. */
  predefined: boolean;
  components: readonly Component[];
  minLength: number;
  maxLength: number;
  /** One length only (no optional or variable component). */
  fixed: boolean;
  /** Groups that must each be satisfied; a group is alternatives; an alternative is AIs that must all be present. */
  requires: readonly (readonly (readonly string[])[])[];
  excludes: readonly string[];
  /** Decimal-point position for the measure (31nn–36nn) and amount (390n–395n) families. */
  decimals: number | null;
}

export interface Gs1Element {
  ai: string;
  value: string;
  definition: AiDefinition;
}

export type Gs1SyntaxResult = { ok: true; elements: Gs1Element[] } | { ok: false; error: Gs1SyntaxError };

// ---------------------------------------------------------------------------------------------
// The table, compiled once

function parseComponent(spec: string): Component {
  const m = /^(\?)?([NXYZ])(\d+)(?:-(\d+))?((?::\w+)*)$/.exec(spec);
  if (!m) throw new Error(`AI table: bad component ${spec}`);
  const min = Number(m[3]);
  return {
    optional: m[1] === '?',
    set: m[2] as CharSet,
    min,
    max: m[4] === undefined ? min : Number(m[4]),
    checks: m[5] ? m[5].slice(1).split(':') : [],
  };
}

function expandRange(ais: string): string[] {
  const [first, last = first] = ais.split('-') as [string, string?];
  const out: string[] = [];
  for (let n = Number(first); n <= Number(last); n++) out.push(String(n).padStart(first.length, '0'));
  return out;
}

const DEFINITIONS = new Map<string, AiDefinition>();
/** AI length by its first two digits (the GS1 table is prefix-free: two digits fix the length). */
const AI_LENGTH = new Map<string, number>();

for (const [ais, length, spec, requires, excludes, title] of AI_ROWS) {
  const components = spec.split(' ').map(parseComponent);
  const minLength = components.reduce((n, c) => n + (c.optional ? 0 : c.min), 0);
  const maxLength = components.reduce((n, c) => n + c.max, 0);
  for (const ai of expandRange(ais)) {
    const family = ai.length === 4 && /^(3[1-6]|39[0-5])/.test(ai);
    DEFINITIONS.set(ai, {
      ai,
      title,
      predefined: length === 'P',
      components,
      minLength,
      maxLength,
      fixed: minLength === maxLength,
      requires:
        requires === '' ? [] : requires.split(' ').map((g) => g.split(',').map((alt) => alt.split('+'))),
      excludes: excludes === '' ? [] : excludes.split(','),
      decimals: family ? Number(ai[3]) : null,
    });
    const prefix = ai.slice(0, 2);
    const known = AI_LENGTH.get(prefix);
    if (known !== undefined && known !== ai.length)
      throw new Error(`AI table: prefix ${prefix} has two lengths`);
    AI_LENGTH.set(prefix, ai.length);
  }
}

/** The table entry of an AI, or undefined when GS1 defines no such AI. */
export const aiDefinition = (ai: string): AiDefinition | undefined => DEFINITIONS.get(ai);

/** Every AI the table defines, in AI order. */
export const allAiDefinitions = (): AiDefinition[] => [...DEFINITIONS.values()];

// ---------------------------------------------------------------------------------------------
// Values

const CHARSET: Record<CharSet, RegExp> = {
  N: /^[0-9]*$/,
  // GS1 AI encodable character set 82 (General Specifications figure 7.11-1).
  X: /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/,
  // Character set 39.
  Y: /^[#\-/0-9A-Z]*$/,
  // File-safe base64 (RFC 4648 §5) with its padding.
  Z: /^[A-Za-z0-9\-_]*=*$/,
};

const SET_NAME: Record<CharSet, string> = {
  N: 'digits',
  X: 'characters of GS1 set 82',
  Y: 'characters of GS1 set 39',
  Z: 'base64url characters',
};

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The four-digit year of a two-digit GS1 year (General Specifications §7.12): more than 50
 * years ahead of the reference year is last century, 50 or more behind is next century.
 */
export function gs1Year(yy: number, referenceYear: number): number {
  const century = Math.floor(referenceYear / 100) * 100;
  const diff = yy - (referenceYear % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

function validDate(year: number, month: number, day: number, dayZero: boolean): boolean {
  if (month < 1 || month > 12) return false;
  if (day === 0) return dayZero;
  return day <= daysInMonth(year, month);
}

const two = (s: string, at: number): number => (s.charCodeAt(at) - 48) * 10 + (s.charCodeAt(at + 1) - 48);

/** A reason the component value fails the named check, or null. Checks not listed here are not applied. */
function failsCheck(check: string, v: string, referenceYear: number): string | null {
  switch (check) {
    case 'csum':
      return hasValidCheckDigit(v) ? null : 'check digit';
    case 'yymmd0':
    case 'yymmdd':
      return validDate(gs1Year(two(v, 0), referenceYear), two(v, 2), two(v, 4), check === 'yymmd0')
        ? null
        : 'not a calendar date (YYMMDD)';
    case 'yyyymmdd':
      return validDate(Number(v.slice(0, 4)), two(v, 4), two(v, 6), false)
        ? null
        : 'not a calendar date (YYYYMMDD)';
    case 'hh':
      return two(v, 0) <= 23 ? null : 'not an hour';
    case 'mi':
    case 'ss':
      return two(v, 0) <= 59 ? null : 'not minutes or seconds';
    case 'hhmi':
      return two(v, 0) <= 23 && two(v, 2) <= 59 ? null : 'not a time (HHMM)';
    case 'iso4217':
      return isIso4217Numeric(v) ? null : 'not an ISO 4217 currency code';
    case 'yesno':
      return v === '0' || v === '1' ? null : 'must be 0 or 1';
    case 'zero':
      return v === '0' ? null : 'must be 0';
    case 'nonzero':
      return /^0+$/.test(v) ? 'must not be zero' : null;
    case 'winding':
      return v === '0' || v === '1' || v === '9' ? null : 'winding direction must be 0, 1 or 9';
    case 'hyphen':
      return v === '-' ? null : 'must be a hyphen';
    case 'pieceoftotal': {
      const piece = two(v, 0);
      const total = two(v, 2);
      return piece >= 1 && total >= 1 && piece <= total ? null : 'piece must be 1 to the total';
    }
    case 'nozeroprefix':
      return v.length > 1 && v[0] === '0' ? 'must not start with 0' : null;
    case 'hasnondigit':
      return /^\d*$/.test(v) ? 'must contain a non-digit' : null;
    case 'pcenc':
      return /%(?![0-9A-Fa-f]{2})/.test(v) ? 'bad percent-encoding' : null;
    default:
      // Country lists, IBAN, coupon layouts, media types…: values of AIs a till does not act on.
      return null;
  }
}

/** Checks a whole AI value against its definition (length, components, character sets, content checks). */
export function checkValue(def: AiDefinition, value: string, referenceYear: number): Gs1SyntaxError | null {
  const bad = (code: Gs1ErrorCode, what: string): Gs1SyntaxError => ({
    code,
    ai: def.ai,
    message: `AI (${def.ai}) ${def.title}: ${what}: ${JSON.stringify(value)}`,
  });
  if (value.length < def.minLength)
    return bad('GS1_TRUNCATED', `shorter than its ${def.minLength} characters`);
  if (value.length > def.maxLength) return bad('GS1_BAD_VALUE', `longer than ${def.maxLength} characters`);
  let at = 0;
  for (const c of def.components) {
    if (at >= value.length) {
      if (c.optional) break;
      return bad('GS1_TRUNCATED', 'a part is missing');
    }
    const len = c.min === c.max ? c.min : Math.min(c.max, value.length - at);
    const part = value.slice(at, at + len);
    if (part.length < c.min) return bad('GS1_TRUNCATED', 'a part is too short');
    if (!CHARSET[c.set].test(part)) return bad('GS1_BAD_VALUE', `must be ${SET_NAME[c.set]}`);
    for (const check of c.checks) {
      const why = failsCheck(check, part, referenceYear);
      if (why !== null) return bad(check === 'csum' ? 'BAD_CHECK_DIGIT' : 'GS1_BAD_VALUE', why);
    }
    at += len;
  }
  return at === value.length ? null : bad('GS1_BAD_VALUE', 'extra characters');
}

// ---------------------------------------------------------------------------------------------
// Segmentation

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Splits a GS1 element string whose FNC1 separators arrive as GS (the leading FNC1 / symbology
 * identifier already removed). Variable-length values run to the next GS or the end; a value
 * longer than its AI allows means a separator is missing, and is refused rather than cut.
 */
export function parseElementString(data: string, referenceYear: number): Gs1SyntaxResult {
  const elements: Gs1Element[] = [];
  const n = data.length;
  let pos = 0;
  while (pos < n) {
    if (data.charCodeAt(pos) === 0x1d) {
      // An empty field between two separators carries nothing; skip it.
      pos++;
      continue;
    }
    if (pos + 2 > n || !isDigit(data.charCodeAt(pos)) || !isDigit(data.charCodeAt(pos + 1))) {
      return pos + 2 > n && isDigit(data.charCodeAt(pos))
        ? fail('GS1_TRUNCATED', `the string ends inside an AI: ${JSON.stringify(data.slice(pos))}`)
        : fail('GS1_UNKNOWN_AI', `no AI at ${JSON.stringify(data.slice(pos, pos + 4))}`);
    }
    const aiLength = AI_LENGTH.get(data.slice(pos, pos + 2));
    if (aiLength === undefined)
      return fail('GS1_UNKNOWN_AI', `GS1 defines no AI starting ${data.slice(pos, pos + 2)}`);
    const gs = data.indexOf(GS, pos);
    const fieldEnd = gs === -1 ? n : gs;
    if (pos + aiLength > fieldEnd) {
      const rest = data.slice(pos, fieldEnd);
      return /^\d*$/.test(rest)
        ? fail('GS1_TRUNCATED', `the string ends inside an AI: ${JSON.stringify(rest)}`)
        : fail('GS1_UNKNOWN_AI', `no AI ${JSON.stringify(rest)}`);
    }
    const ai = data.slice(pos, pos + aiLength);
    const def = DEFINITIONS.get(ai);
    if (def === undefined) return fail('GS1_UNKNOWN_AI', `GS1 defines no AI (${ai})`, ai);
    pos += aiLength;
    let value: string;
    if (def.fixed) {
      if (pos + def.maxLength > fieldEnd) {
        return fail(
          'GS1_TRUNCATED',
          `AI (${ai}) ${def.title} needs ${def.maxLength} characters, got ${JSON.stringify(data.slice(pos, fieldEnd))}`,
          ai,
        );
      }
      value = data.slice(pos, pos + def.maxLength);
      pos += def.maxLength;
      if (!def.predefined && pos < n && data.charCodeAt(pos) !== 0x1d) {
        return fail(
          'GS1_MISSING_SEPARATOR',
          `AI (${ai}) ${def.title} must be followed by a separator (FNC1) before ${JSON.stringify(data.slice(pos))}`,
          ai,
        );
      }
    } else {
      value = data.slice(pos, fieldEnd);
      if (value.length > def.maxLength) {
        return fail(
          'GS1_MISSING_SEPARATOR',
          `AI (${ai}) ${def.title} holds at most ${def.maxLength} characters, got ${value.length} (${JSON.stringify(value)}): a separator is missing`,
          ai,
        );
      }
      pos = fieldEnd;
    }
    if (pos < n && data.charCodeAt(pos) === 0x1d) pos++;
    const err = checkValue(def, value, referenceYear);
    if (err) return { ok: false, error: err };
    elements.push({ ai, value, definition: def });
  }
  return checkPairs(elements);
}

const HRI_RE = /\((\d{2,4})\)([^(]*)/g;

/**
 * The human-readable form `(01)09501101530003(17)250630(10)AB`: every AI in brackets, its value
 * up to the next bracket. Null when the text is not in that form at all (it is then no GS1 code).
 */
export function parseBracketed(code: string, referenceYear: number): Gs1SyntaxResult | null {
  if (code.charCodeAt(0) !== 0x28) return null;
  const pairs: [string, string][] = [];
  let consumed = 0;
  for (const m of code.matchAll(HRI_RE)) {
    if (m.index !== consumed) return null;
    pairs.push([m[1]!, m[2]!]);
    consumed += m[0].length;
  }
  if (consumed !== code.length || pairs.length === 0) return null;
  const elements: Gs1Element[] = [];
  for (const [ai, value] of pairs) {
    const def = DEFINITIONS.get(ai);
    if (def === undefined) return fail('GS1_UNKNOWN_AI', `GS1 defines no AI (${ai})`, ai);
    if (value.length === 0) return fail('GS1_TRUNCATED', `AI (${ai}) has no value`, ai);
    const err = checkValue(def, value, referenceYear);
    if (err) return { ok: false, error: err };
    elements.push({ ai, value, definition: def });
  }
  return checkPairs(elements);
}

/**
 * The GS-separated element string of a bracketed one; the bracketed text unchanged when its
 * values do not read cleanly (the resolver then reports why); null when it is not that form.
 */
export function fromHumanReadable(code: string): string | null {
  const r = parseBracketed(code, 2000);
  if (r === null) return null;
  return r.ok ? r.elements.map((e) => e.ai + e.value).join(GS) : code;
}

const fail = (code: Gs1ErrorCode, message: string, ai?: string): Gs1SyntaxResult => ({
  ok: false,
  error: ai === undefined ? { code, message } : { code, message, ai },
});

/** `310n` / `31nn` patterns of the table: `n` is any digit. */
function matches(pattern: string, ai: string): boolean {
  if (pattern.length !== ai.length) return false;
  for (let i = 0; i < ai.length; i++) if (pattern[i] !== 'n' && pattern[i] !== ai[i]) return false;
  return true;
}

/**
 * The one pairing rule not enforced: GS1 asks a price (392n, 393n) to travel with a measure of
 * the variable-measure item (30, 31nn, 32nn, 35nn, 36nn). A price-only label still states
 * exactly what to charge, and such labels are in use (issue 10 items 2 and 4 scan them), so it
 * is read; the price still needs its GTIN (01).
 */
export const waivedRequirement = (ai: string, group: readonly (readonly string[])[]): boolean =>
  (ai.startsWith('392') || ai.startsWith('393')) && group.some((alt) => alt.includes('31nn'));

/**
 * Repeated AIs (the same value twice is one fact and is kept once; two values are a
 * contradiction), AIs that exclude each other (two net weights in different decimal positions,
 * a price with and without currency), and AIs that need another (a batch needs a trade item).
 */
function checkPairs(all: Gs1Element[]): Gs1SyntaxResult {
  const elements: Gs1Element[] = [];
  const seen = new Map<string, string>();
  for (const e of all) {
    const prior = seen.get(e.ai);
    if (prior === undefined) {
      seen.set(e.ai, e.value);
      elements.push(e);
    } else if (prior !== e.value) {
      return fail(
        'GS1_REPEATED_AI',
        `AI (${e.ai}) ${e.definition.title} appears twice with different values: ${JSON.stringify(prior)} and ${JSON.stringify(e.value)}`,
        e.ai,
      );
    }
  }
  const present = (p: string): boolean => {
    for (const ai of seen.keys()) if (matches(p, ai)) return true;
    return false;
  };
  for (const e of elements) {
    for (const p of e.definition.excludes) {
      for (const other of seen.keys()) {
        if (other !== e.ai && matches(p, other)) {
          return fail(
            'GS1_CONFLICTING_AI',
            `AI (${e.ai}) and AI (${other}) cannot be in one element string`,
            e.ai,
          );
        }
      }
    }
    for (const group of e.definition.requires) {
      if (!group.some((alt) => alt.every(present)) && !waivedRequirement(e.ai, group)) {
        const need = group.map((alt) => alt.map((a) => `(${a})`).join('+')).join(' or ');
        return fail('GS1_MISSING_AI', `AI (${e.ai}) ${e.definition.title} needs ${need}`, e.ai);
      }
    }
  }
  return { ok: true, elements };
}
