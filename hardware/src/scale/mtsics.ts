/**
 * Mettler Toledo MT-SICS (Standard Interface Command Set), the level-0/1 subset a checkout scale
 * needs, written from the published command reference:
 *   - ASCII commands and answers, each line ended by CR LF; commands are upper case.
 *   - `S` sends the next stable weight (the scale waits for stability itself), `SI` the weight
 *     at once: `S S      0.456 kg` (stable) or `S D      0.456 kg` (dynamic, still moving).
 *   - Refusals of S/SI: `S I` (cannot now: busy, or no stability in time), `S +` overload,
 *     `S -` underload.
 *   - `Z` zero: `Z A` done, `Z I` / `Z +` / `Z -`; `T` tare: `T S <tare> <unit>`, `T I` / `T +` / `T -`.
 *   - `@` reset cancels every command awaiting an answer and answers `I4 A "<serial number>"`.
 *   - `ES` syntax error (unknown command), `ET` transmission error, `EL` logical error: these
 *     carry no command name and answer whatever was asked last.
 * Pure and synchronous, so framing and parsing are testable with any chunking of the bytes.
 */

export type SicsCommand = 'S' | 'SI' | 'Z' | 'T' | 'TAC' | '@' | 'I4';

/** The bytes of one command line. */
export function encodeCommand(cmd: SicsCommand): Buffer {
  return Buffer.from(`${cmd}\r\n`, 'ascii');
}

export type SicsResponse =
  | { kind: 'weight'; cmd: 'S' | 'T'; stable: boolean; value: string; unit: string; raw: string }
  /** `<cmd> I`: understood but not executable now (busy, or stability not reached in time). */
  | { kind: 'busy'; cmd: string; raw: string }
  | { kind: 'overload'; cmd: string; raw: string }
  | { kind: 'underload'; cmd: string; raw: string }
  /** `Z A`, `TAC A`, `I4 A "…"`: done. */
  | { kind: 'ack'; cmd: string; text: string; raw: string }
  | { kind: 'error'; code: 'ES' | 'ET' | 'EL'; raw: string }
  /** A line that is no MT-SICS answer (noise on the link, a mis-set baud rate). */
  | { kind: 'unknown'; raw: string };

/** A weight field: optional minus, digits, optional decimals (MT-SICS right-aligns it in 10 characters). */
const WEIGHT = /^-?\d+(\.\d+)?$/;
const UNIT = /^[A-Za-z%]{1,5}$/;

/** Parses one line (without CR LF). Never throws: what it does not recognise is `unknown`. */
export function parseSicsLine(line: string): SicsResponse {
  const raw = line;
  const tokens = line.trim().split(/ +/);
  const [cmd = '', status = '', ...rest] = tokens;
  if (tokens.length === 1 && (cmd === 'ES' || cmd === 'ET' || cmd === 'EL'))
    return { kind: 'error', code: cmd, raw };
  if (cmd === 'S' || cmd === 'T') {
    if (tokens.length === 2) {
      if (status === 'I') return { kind: 'busy', cmd, raw };
      if (status === '+') return { kind: 'overload', cmd, raw };
      if (status === '-') return { kind: 'underload', cmd, raw };
    }
    // T answers `T S <tare> <unit>`; a tare is never "dynamic".
    const stableOk = status === 'S' || (cmd === 'S' && status === 'D');
    const [value = '', unit = ''] = rest;
    if (stableOk && rest.length === 2 && WEIGHT.test(value) && UNIT.test(unit))
      return { kind: 'weight', cmd, stable: status === 'S', value, unit, raw };
    return { kind: 'unknown', raw };
  }
  if ((cmd === 'Z' || cmd === 'TAC') && tokens.length === 2) {
    if (status === 'A') return { kind: 'ack', cmd, text: '', raw };
    if (status === 'I') return { kind: 'busy', cmd, raw };
    if (status === '+') return { kind: 'overload', cmd, raw };
    if (status === '-') return { kind: 'underload', cmd, raw };
  }
  if (cmd === 'I4' && status === 'A' && rest.length > 0) {
    const text = rest.join(' ');
    if (/^".*"$/.test(text)) return { kind: 'ack', cmd, text: text.slice(1, -1), raw };
  }
  return { kind: 'unknown', raw };
}

/** Which answers belong to which command (`@` is answered by `I4`; `SI` by `S`). */
export function answersTo(cmd: SicsCommand): string {
  if (cmd === 'SI') return 'S';
  if (cmd === '@') return 'I4';
  return cmd;
}

const UNIT_GRAMS: Record<string, [bigint, bigint]> = {
  // grams per unit as an exact fraction: the pound is defined as 0.45359237 kg.
  mg: [1n, 1000n],
  g: [1n, 1n],
  kg: [1000n, 1n],
  lb: [45_359_237n, 100_000n],
  oz: [45_359_237n, 1_600_000n],
};

export function isKnownUnit(unit: string): boolean {
  return Object.hasOwn(UNIT_GRAMS, unit);
}

/**
 * A weight field and its unit → whole grams, rounded half away from zero, with exact integer
 * arithmetic (no float ever touches a weight that is then priced). Null for an unknown unit.
 */
export function toGrams(value: string, unit: string): number | null {
  const factor = UNIT_GRAMS[unit];
  if (!factor || !WEIGHT.test(value)) return null;
  const negative = value.startsWith('-');
  const [whole = '0', frac = ''] = (negative ? value.slice(1) : value).split('.');
  const num = BigInt(whole + frac) * factor[0];
  const den = 10n ** BigInt(frac.length) * factor[1];
  const grams = (num * 2n + den) / (den * 2n);
  return Number(negative ? -grams : grams);
}

/** Grams → a weight field as a scale shows it in `unit` (kg: 3 decimals, g: none). */
export function formatWeight(grams: number, unit: 'g' | 'kg'): string {
  if (unit === 'g') return String(grams);
  const sign = grams < 0 ? '-' : '';
  const abs = Math.abs(grams);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

/** An answer line as a scale sends it: `S S` + the value right-aligned in 10 + ` kg` + CR LF. */
export function weightLine(cmd: 'S' | 'T', status: 'S' | 'D', value: string, unit: string): string {
  return `${cmd} ${status} ${value.padStart(10)} ${unit}\r\n`;
}

export type LineOutcome =
  { kind: 'line'; line: string } | { kind: 'garbage'; code: 'LINE_TOO_LONG' | 'LINE_NOT_ASCII'; raw: string };

/**
 * Splits the byte stream into lines at LF (a lone CR before it is dropped; some adapters send
 * bare LF). A line with bytes outside printable ASCII, or longer than `maxLength`, is reported
 * as garbage and never parsed, so noise can never read as a weight.
 */
export class SicsLineFramer {
  private buffer: number[] = [];
  private bad = false;
  private overlong = false;

  constructor(readonly maxLength = 128) {}

  reset(): string | null {
    const partial = this.buffer.length > 0 ? Buffer.from(this.buffer).toString('latin1') : null;
    this.buffer = [];
    this.bad = false;
    this.overlong = false;
    return partial;
  }

  push(chunk: Uint8Array): LineOutcome[] {
    const out: LineOutcome[] = [];
    for (const byte of chunk) {
      if (byte === 0x0a) {
        if (this.buffer[this.buffer.length - 1] === 0x0d) this.buffer.pop();
        const raw = Buffer.from(this.buffer).toString('latin1');
        if (this.overlong) out.push({ kind: 'garbage', code: 'LINE_TOO_LONG', raw });
        else if (this.bad) out.push({ kind: 'garbage', code: 'LINE_NOT_ASCII', raw });
        // Blank lines (a keep-alive, a CR LF pair after an adapter's own) carry nothing.
        else if (raw.trim().length > 0) out.push({ kind: 'line', line: raw });
        this.buffer = [];
        this.bad = false;
        this.overlong = false;
        continue;
      }
      if (this.overlong) continue;
      // CR is allowed only as the last byte before LF; anywhere else it is noise like any control.
      if (this.buffer[this.buffer.length - 1] === 0x0d) this.bad = true;
      if (byte !== 0x0d && (byte < 0x20 || byte > 0x7e)) this.bad = true;
      this.buffer.push(byte);
      if (this.buffer.length > this.maxLength) {
        this.overlong = true;
        this.buffer = this.buffer.slice(0, 40);
      }
    }
    return out;
  }
}
