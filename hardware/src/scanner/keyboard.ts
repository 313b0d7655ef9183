/**
 * HID keyboard-wedge scanners "type" a code as boot-keyboard reports:
 *   [0] modifiers (bit 1 left shift, bit 5 right shift)  [1] reserved  [2..7] pressed key usages
 * A key press is a usage present in a report that was not in the previous one. Enter ends a code.
 * Layouts map a usage id to [unshifted, shifted]; a store abroad overrides the few keys that differ.
 */
import { z } from 'zod';
import { parseAim, type Symbology } from './aim';

export type KeyLayout = Record<number, readonly [string, string]>;

const ENTER = 0x28;
const KEYPAD_ENTER = 0x58;
const TAB = 0x2b;
const SHIFT_MASK = 0x02 | 0x20;

function usLayout(): KeyLayout {
  const layout: Record<number, readonly [string, string]> = {};
  for (let i = 0; i < 26; i++) {
    const c = String.fromCharCode(0x61 + i);
    layout[0x04 + i] = [c, c.toUpperCase()];
  }
  const digits = '1234567890';
  const shiftedDigits = '!@#$%^&*()';
  for (let i = 0; i < 10; i++) layout[0x1e + i] = [digits[i] ?? '', shiftedDigits[i] ?? ''];
  const punctuation: Array<[number, string, string]> = [
    [0x2c, ' ', ' '],
    [0x2d, '-', '_'],
    [0x2e, '=', '+'],
    [0x2f, '[', '{'],
    [0x30, ']', '}'],
    [0x31, '\\', '|'],
    [0x33, ';', ':'],
    [0x34, "'", '"'],
    [0x35, '`', '~'],
    [0x36, ',', '<'],
    [0x37, '.', '>'],
    [0x38, '/', '?'],
    // keypad: scanners set to "emulate keypad" send digits here
    [0x54, '/', '/'],
    [0x55, '*', '*'],
    [0x56, '-', '-'],
    [0x57, '+', '+'],
    [0x63, '.', '.'],
  ];
  for (const [usage, plain, shifted] of punctuation) layout[usage] = [plain, shifted];
  for (let i = 0; i < 9; i++) layout[0x59 + i] = [String(i + 1), String(i + 1)];
  layout[0x62] = ['0', '0'];
  return layout;
}

export const US_LAYOUT: KeyLayout = Object.freeze(usLayout());

/** German QWERTZ differences from US, as an example of a layout table (and used by tests). */
const DE_OVERRIDES: KeyLayout = {
  0x1c: ['z', 'Z'],
  0x1d: ['y', 'Y'],
  0x1f: ['2', '"'],
  0x20: ['3', '§'],
  0x23: ['6', '&'],
  0x24: ['7', '/'],
  0x25: ['8', '('],
  0x26: ['9', ')'],
  0x27: ['0', '='],
  0x2d: ['ß', '?'],
  0x30: ['+', '*'],
  0x32: ['#', "'"],
  0x36: [',', ';'],
  0x37: ['.', ':'],
  0x38: ['-', '_'],
};
export const DE_LAYOUT: KeyLayout = Object.freeze({ ...US_LAYOUT, ...DE_OVERRIDES });

export const LAYOUTS: Record<string, KeyLayout> = { us: US_LAYOUT, de: DE_LAYOUT };

export const keyboardConfigSchema = z.object({
  layout: z
    .union([z.enum(['us', 'de']), z.record(z.string(), z.tuple([z.string(), z.string()]))])
    .default('us'),
  /** Also end a code on Tab (some wedges are programmed that way). */
  tabEndsCode: z.boolean().default(false),
  aim: z.boolean().default(true),
  maxLength: z.number().int().min(1).default(512),
});
export type KeyboardConfig = z.infer<typeof keyboardConfigSchema>;

export interface WedgeScan {
  data: string;
  symbology: Symbology;
  aimId: string | null;
}

export type WedgeOutcome =
  | { kind: 'scan'; scan: WedgeScan }
  | { kind: 'error'; code: 'FRAME_TOO_LONG' | 'UNKNOWN_KEY'; detail: string };

export function resolveLayout(layout: KeyboardConfig['layout']): KeyLayout {
  if (typeof layout === 'string') return LAYOUTS[layout] ?? US_LAYOUT;
  // A custom table is a partial override of US, keyed by usage id in decimal or 0x-hex.
  const merged: Record<number, readonly [string, string]> = { ...US_LAYOUT };
  for (const [key, value] of Object.entries(layout)) merged[Number(key)] = value;
  return merged;
}

export class KeyboardWedgeDecoder {
  readonly config: KeyboardConfig;
  private readonly layout: KeyLayout;
  private previous = new Set<number>();
  private text = '';
  private overflow = false;

  constructor(config: z.input<typeof keyboardConfigSchema> = {}) {
    this.config = keyboardConfigSchema.parse(config);
    this.layout = resolveLayout(this.config.layout);
  }

  reset(): void {
    this.previous = new Set();
    this.text = '';
    this.overflow = false;
  }

  push(report: Uint8Array): WedgeOutcome[] {
    // node-hid prefixes a report id on some platforms; a boot report is exactly 8 bytes.
    const r = report.length === 9 ? report.subarray(1) : report;
    if (r.length < 3) return [];
    const shift = ((r[0] ?? 0) & SHIFT_MASK) !== 0;
    const pressed = new Set<number>();
    for (let i = 2; i < r.length; i++) {
      const usage = r[i] ?? 0;
      // 0 = no key, 1 = rollover error: neither is a key press.
      if (usage > 1) pressed.add(usage);
    }
    const out: WedgeOutcome[] = [];
    for (const usage of pressed) {
      if (this.previous.has(usage)) continue;
      const outcome = this.press(usage, shift);
      if (outcome) out.push(outcome);
    }
    this.previous = pressed;
    return out;
  }

  private press(usage: number, shift: boolean): WedgeOutcome | null {
    if (usage === ENTER || usage === KEYPAD_ENTER || (usage === TAB && this.config.tabEndsCode)) {
      const text = this.text;
      const overflow = this.overflow;
      this.text = '';
      this.overflow = false;
      if (overflow || text.length === 0) return null;
      const parsed = this.config.aim
        ? parseAim(text)
        : { aimId: null, symbology: 'unknown' as const, data: text };
      return { kind: 'scan', scan: parsed };
    }
    const key = this.layout[usage];
    if (!key) return { kind: 'error', code: 'UNKNOWN_KEY', detail: `0x${usage.toString(16)}` };
    if (this.overflow) return null;
    this.text += shift ? key[1] : key[0];
    if (this.text.length > this.config.maxLength) {
      this.overflow = true;
      const detail = this.text;
      this.text = '';
      return { kind: 'error', code: 'FRAME_TOO_LONG', detail };
    }
    return null;
  }
}

/** Encodes text as the boot-keyboard reports a US wedge would send (press, release per char). */
export function encodeWedgeReports(text: string, layout: KeyLayout = US_LAYOUT): Uint8Array[] {
  const reverse = new Map<string, [number, boolean]>();
  for (const [usage, [plain, shifted]] of Object.entries(layout)) {
    if (!reverse.has(plain)) reverse.set(plain, [Number(usage), false]);
    if (!reverse.has(shifted)) reverse.set(shifted, [Number(usage), true]);
  }
  const reports: Uint8Array[] = [];
  for (const ch of text) {
    const entry = reverse.get(ch);
    if (!entry) throw new Error(`no key for ${JSON.stringify(ch)}`);
    const [usage, shifted] = entry;
    reports.push(Uint8Array.from([shifted ? 0x02 : 0, 0, usage, 0, 0, 0, 0, 0]));
    reports.push(new Uint8Array(8));
  }
  reports.push(Uint8Array.from([0, 0, ENTER, 0, 0, 0, 0, 0]));
  reports.push(new Uint8Array(8));
  return reports;
}
