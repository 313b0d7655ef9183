/**
 * HID POS barcode scanners (usage page 0x8C) send decoded data in input reports. The common
 * layout (Honeywell, Zebra, Datalogic in "HID POS" mode) is a 64-byte report:
 *   [0] report id (2)  [1] data length in this report  [2..4] AIM identifier (`]E0`)
 *   [5..60] data (56 bytes)  [63] bit 0 = more reports follow for this code
 * Offsets are configurable because vendors shift them; long codes (QR) span several reports.
 */
import { z } from 'zod';
import { parseAim, type Symbology } from './aim';

export const HID_POS_USAGE_PAGE = 0x8c;

export const hidPosLayoutSchema = z.object({
  reportId: z.number().int().min(0).max(255).default(2),
  lengthOffset: z.number().int().min(0).default(1),
  /** Offset of the 3-byte AIM identifier, or null when the device sends none. */
  aimOffset: z.number().int().min(0).nullable().default(2),
  dataOffset: z.number().int().min(0).default(5),
  dataCapacity: z.number().int().min(1).default(56),
  continuedOffset: z.number().int().min(0).nullable().default(63),
  continuedMask: z.number().int().min(1).max(255).default(0x01),
});
export type HidPosLayout = z.infer<typeof hidPosLayoutSchema>;

export interface HidPosScan {
  data: string;
  symbology: Symbology;
  aimId: string | null;
}

export type HidPosOutcome =
  | { kind: 'scan'; scan: HidPosScan }
  | { kind: 'error'; code: 'REPORT_TOO_SHORT' | 'REPORT_LENGTH_INVALID'; report: string };

function hex(report: Uint8Array): string {
  return Buffer.from(report).toString('hex');
}

export class HidPosDecoder {
  readonly layout: HidPosLayout;
  private parts: string[] = [];
  private aimId: string | null = null;

  constructor(layout: z.input<typeof hidPosLayoutSchema> = {}) {
    this.layout = hidPosLayoutSchema.parse(layout);
  }

  reset(): void {
    this.parts = [];
    this.aimId = null;
  }

  /** Feeds one input report; returns a scan once the last report of a code has arrived. */
  push(report: Uint8Array): HidPosOutcome[] {
    const l = this.layout;
    // Reports with another id (status, feature echoes) are not scan data.
    if (report[0] !== l.reportId) return [];
    if (report.length <= l.lengthOffset)
      return [{ kind: 'error', code: 'REPORT_TOO_SHORT', report: hex(report) }];
    const length = report[l.lengthOffset] ?? 0;
    if (length > l.dataCapacity || l.dataOffset + length > report.length) {
      this.reset();
      return [{ kind: 'error', code: 'REPORT_LENGTH_INVALID', report: hex(report) }];
    }
    if (this.parts.length === 0 && l.aimOffset !== null) {
      const aim = Buffer.from(report.subarray(l.aimOffset, l.aimOffset + 3)).toString('latin1');
      this.aimId = aim.startsWith(']') ? aim : null;
    }
    this.parts.push(Buffer.from(report.subarray(l.dataOffset, l.dataOffset + length)).toString('latin1'));
    const continued =
      l.continuedOffset !== null && ((report[l.continuedOffset] ?? 0) & l.continuedMask) !== 0;
    if (continued) return [];
    const text = this.parts.join('');
    const aimId = this.aimId;
    this.reset();
    if (text.length === 0) return [];
    const parsed = aimId
      ? parseAim(aimId + text)
      : { aimId: null, symbology: 'unknown' as const, data: text };
    return [{ kind: 'scan', scan: parsed }];
  }
}
