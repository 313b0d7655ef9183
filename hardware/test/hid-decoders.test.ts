import { describe, expect, it } from 'vitest';
import { HidPosDecoder } from '../src/scanner/hid-pos';
import { DE_LAYOUT, KeyboardWedgeDecoder, encodeWedgeReports } from '../src/scanner/keyboard';

/** A 64-byte HID POS input report as a Honeywell-style scanner sends it. */
function posReport(data: string, aim = ']E0', continued = false): Uint8Array {
  const r = new Uint8Array(64);
  r[0] = 0x02;
  r[1] = data.length;
  r.set(Buffer.from(aim, 'latin1'), 2);
  r.set(Buffer.from(data, 'latin1'), 5);
  r[63] = continued ? 1 : 0;
  return r;
}

describe('HID POS scanner reports (usage page 0x8C)', () => {
  // Reference report (HID POS layout, EAN-13 4006381333931 with AIM ]E0), written from the format.
  const recorded =
    '020d5d45303430303633383133333339333100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000';

  it('decodes a recorded report', () => {
    const out = new HidPosDecoder().push(Buffer.from(recorded, 'hex'));
    expect(out).toEqual([
      { kind: 'scan', scan: { aimId: ']E0', symbology: 'ean13', data: '4006381333931' } },
    ]);
  });

  it('joins a long code spread over continued reports', () => {
    const url = `https://kassa.example/receipt/${'x'.repeat(60)}`;
    const d = new HidPosDecoder();
    expect(d.push(posReport(url.slice(0, 56), ']Q1', true))).toEqual([]);
    expect(d.push(posReport(url.slice(56), ']Q1'))).toEqual([
      { kind: 'scan', scan: { aimId: ']Q1', symbology: 'qr', data: url } },
    ]);
  });

  it('ignores reports with another report id and rejects impossible lengths', () => {
    const d = new HidPosDecoder();
    const other = posReport('123');
    other[0] = 0x04;
    expect(d.push(other)).toEqual([]);
    const bad = posReport('123');
    bad[1] = 200;
    expect(d.push(bad)).toMatchObject([{ kind: 'error', code: 'REPORT_LENGTH_INVALID' }]);
    expect(d.push(posReport('5901234123457'))).toMatchObject([
      { kind: 'scan', scan: { data: '5901234123457' } },
    ]);
  });

  it('supports a device without AIM ids through the layout', () => {
    const r = new Uint8Array(32);
    r[0] = 0x01;
    r[1] = 4;
    r.set(Buffer.from('9876'), 2);
    const d = new HidPosDecoder({
      reportId: 1,
      aimOffset: null,
      dataOffset: 2,
      dataCapacity: 30,
      continuedOffset: null,
    });
    expect(d.push(r)).toEqual([{ kind: 'scan', scan: { aimId: null, symbology: 'unknown', data: '9876' } }]);
  });
});

describe('HID keyboard-wedge scanner (boot keyboard reports)', () => {
  // Reference reports for "Ab1-" then Enter: press/release pairs, shift (0x02) for the capital.
  const recorded = [
    '0200040000000000',
    '0000000000000000',
    '0000050000000000',
    '0000000000000000',
    '00001e0000000000',
    '0000000000000000',
    '00002d0000000000',
    '0000000000000000',
    '0000280000000000',
    '0000000000000000',
  ];

  it('decodes recorded reports into a code framed on Enter', () => {
    const d = new KeyboardWedgeDecoder({ aim: false });
    const out = recorded.flatMap((hex) => d.push(Buffer.from(hex, 'hex')));
    expect(out).toEqual([{ kind: 'scan', scan: { aimId: null, symbology: 'unknown', data: 'Ab1-' } }]);
  });

  it('reads AIM ids typed by the wedge and round-trips every printable ASCII character', () => {
    const text =
      ']E0' +
      Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i))
        .join('')
        .replace(/ /g, '');
    const d = new KeyboardWedgeDecoder();
    const out = encodeWedgeReports(text).flatMap((r) => d.push(r));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'scan', scan: { aimId: ']E0', data: text.slice(3) } });
  });

  it('counts a held key once and a repeated key twice', () => {
    const d = new KeyboardWedgeDecoder({ aim: false });
    const one = Buffer.from('00001e0000000000', 'hex');
    const up = new Uint8Array(8);
    const out = [one, one, up, one, up, Buffer.from('0000280000000000', 'hex'), up].flatMap((r) => d.push(r));
    expect(out).toEqual([{ kind: 'scan', scan: expect.objectContaining({ data: '11' }) }]);
  });

  it('uses a configured layout table (German QWERTZ swaps y and z)', () => {
    const reports = encodeWedgeReports('zy', DE_LAYOUT);
    // Under DE the usage for 'z' is 0x1c, which a US decoder reads as 'y'.
    expect(new KeyboardWedgeDecoder({ aim: false }).push(reports[0] ?? new Uint8Array(8))).toEqual([]);
    const us = new KeyboardWedgeDecoder({ aim: false });
    const de = new KeyboardWedgeDecoder({ aim: false, layout: 'de' });
    expect(reports.flatMap((r) => us.push(r))).toMatchObject([{ scan: { data: 'yz' } }]);
    expect(reports.flatMap((r) => de.push(r))).toMatchObject([{ scan: { data: 'zy' } }]);
    const custom = new KeyboardWedgeDecoder({ aim: false, layout: { '28': ['z', 'Z'] } });
    expect(reports.flatMap((r) => custom.push(r))).toMatchObject([{ scan: { data: 'zz' } }]);
  });

  it('accepts the 9-byte form with a leading report id and reports unknown keys', () => {
    const d = new KeyboardWedgeDecoder({ aim: false });
    expect(d.push(Buffer.from('000000e90000000000', 'hex'))).toMatchObject([
      { kind: 'error', code: 'UNKNOWN_KEY' },
    ]);
    d.push(Buffer.from('000000270000000000', 'hex'));
    expect(d.push(Buffer.from('000000280000000000', 'hex'))).toMatchObject([{ scan: { data: '0' } }]);
  });
});
