/**
 * Serial scanner framing: turns an arbitrary chunking of bytes into whole codes.
 * Pure and synchronous so every edge case (split frames, noise, over-long frames) is testable
 * with recorded bytes; the serial device only feeds it chunks and the current time.
 */
import { z } from 'zod';
import { parseAim, type Symbology } from './aim';

export const terminatorSchema = z.union([
  z.enum(['cr', 'lf', 'crlf', 'etx', 'tab']),
  z.object({ fixedLength: z.number().int().min(1).max(4096) }),
]);

export const framingSchema = z.object({
  terminator: terminatorSchema.default('cr'),
  /** Stripped from the front of a frame when present (scanner-programmed prefix). */
  prefix: z.string().default(''),
  /** Stripped from the end of a frame when present (scanner-programmed suffix before the terminator). */
  suffix: z.string().default(''),
  /** Whether frames start with an AIM symbology identifier (`]E0`, …). */
  aim: z.boolean().default(true),
  /** A frame longer than this is discarded and reported, up to the next terminator. */
  maxLength: z.number().int().min(1).max(65_536).default(512),
  /** A partial frame older than this when new bytes arrive is dropped (a scanner replugged mid-frame). */
  staleAfterMs: z.number().int().min(0).default(1_000),
});
export type FramingConfig = z.infer<typeof framingSchema>;
export type FramingInput = z.input<typeof framingSchema>;

export interface DecodedScan {
  data: string;
  symbology: Symbology;
  aimId: string | null;
  /** The frame as received, without the terminator, for diagnostics. */
  raw: string;
}

export type FrameOutcome =
  | { kind: 'scan'; scan: DecodedScan }
  | { kind: 'error'; code: 'FRAME_TOO_LONG' | 'FRAME_STALE' | 'FRAME_EMPTY'; raw: string };

const CR = 0x0d;
const LF = 0x0a;
const ETX = 0x03;
const STX = 0x02;
const TAB = 0x09;
const GS = 0x1d;

function terminatorBytes(t: FramingConfig['terminator']): number[] {
  switch (t) {
    case 'cr':
      return [CR];
    case 'lf':
      return [LF];
    case 'crlf':
      return [CR, LF];
    case 'etx':
      return [ETX];
    case 'tab':
      return [TAB];
    default:
      return [];
  }
}

/**
 * Noise is any byte that cannot be part of a barcode's text: C0 controls (but GS, the GS1
 * separator), DEL and anything above ASCII. STX starts an ETX-framed code, so it is dropped too.
 */
function isNoise(byte: number): boolean {
  if (byte === GS) return false;
  return byte < 0x20 || byte >= 0x7f;
}

function latin1(bytes: readonly number[]): string {
  return Buffer.from(bytes).toString('latin1');
}

export class ScanFramer {
  readonly config: FramingConfig;
  private buffer: number[] = [];
  /** Non-noise bytes in `buffer`, kept as we go so the length check stays O(1) per byte. */
  private printable = 0;
  private skipping = false;
  private lastByteAt = -Infinity;
  private readonly term: number[];

  constructor(config: FramingInput = {}) {
    this.config = framingSchema.parse(config);
    this.term = terminatorBytes(this.config.terminator);
  }

  /** Drops any partial frame, e.g. when the link went down in the middle of one. */
  reset(): string | null {
    const partial = this.buffer.length > 0 ? latin1(this.buffer) : null;
    this.buffer = [];
    this.printable = 0;
    this.skipping = false;
    return partial;
  }

  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array, now = 0): FrameOutcome[] {
    const out: FrameOutcome[] = [];
    if (this.buffer.length > 0 && now - this.lastByteAt > this.config.staleAfterMs) {
      const partial = this.reset();
      if (partial !== null) out.push({ kind: 'error', code: 'FRAME_STALE', raw: partial });
    }
    if (chunk.length > 0) this.lastByteAt = now;
    const fixed = typeof this.config.terminator === 'object' ? this.config.terminator.fixedLength : 0;
    for (const byte of chunk) {
      if (fixed > 0) {
        if (isNoise(byte)) continue;
        this.buffer.push(byte);
        this.printable++;
        if (this.buffer.length === fixed) {
          const outcome = this.finish();
          if (outcome) out.push(outcome);
        }
        continue;
      }
      if (byte === this.term[this.term.length - 1]) {
        // For CRLF the CR is already in the buffer, where it counts as noise; a bare LF also ends a frame.
        const outcome = this.skipping ? null : this.finish();
        this.skipping = false;
        this.buffer = [];
        this.printable = 0;
        if (outcome) out.push(outcome);
        continue;
      }
      if (this.skipping) continue;
      // STX opens an ETX-framed code: whatever came before it was noise.
      if (byte === STX) {
        this.buffer = [];
        this.printable = 0;
        continue;
      }
      this.buffer.push(byte);
      if (!isNoise(byte)) this.printable++;
      if (this.printable > this.config.maxLength) {
        out.push({ kind: 'error', code: 'FRAME_TOO_LONG', raw: latin1(this.buffer) });
        this.buffer = [];
        this.printable = 0;
        this.skipping = true;
      }
    }
    return out;
  }

  private finish(): FrameOutcome | null {
    const clean =
      this.printable === this.buffer.length ? this.buffer : this.buffer.filter((b) => !isNoise(b));
    const raw = latin1(this.buffer);
    this.buffer = [];
    this.printable = 0;
    // Back-to-back terminators (a CR LF pair under CR framing, a keep-alive) carry no code.
    if (clean.length === 0) return null;
    let text = latin1(clean);
    const { prefix, suffix } = this.config;
    // AIM identifiers come first on the wire unless a prefix was programmed ahead of them.
    if (prefix && text.startsWith(prefix)) text = text.slice(prefix.length);
    if (suffix && text.endsWith(suffix)) text = text.slice(0, text.length - suffix.length);
    if (text.length === 0) return { kind: 'error', code: 'FRAME_EMPTY', raw };
    const parsed = this.config.aim
      ? parseAim(text)
      : { aimId: null, symbology: 'unknown' as const, data: text };
    if (parsed.data.length === 0) return { kind: 'error', code: 'FRAME_EMPTY', raw };
    return { kind: 'scan', scan: { ...parsed, raw } };
  }
}
