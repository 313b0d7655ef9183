import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAim } from '../src/scanner/aim';
import { ScanFramer, type FrameOutcome } from '../src/scanner/framing';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const scans = (out: FrameOutcome[]): string[] => out.flatMap((o) => (o.kind === 'scan' ? [o.scan.data] : []));

describe('AIM symbology identifiers', () => {
  it.each([
    [']E04006381333931', 'ean13', '4006381333931'],
    [']E0012345678905', 'upca', '012345678905'],
    [']E001234565', 'upce', '01234565'],
    [']E496385074', 'ean8', '96385074'],
    [']C1\x1d0109501101530003', 'gs1-128', '\x1d0109501101530003'],
    [']C0ABC-123', 'code128', 'ABC-123'],
    [']A0CODE39', 'code39', 'CODE39'],
    [']I012345678', 'itf', '12345678'],
    [']d2010950110153000317250101', 'gs1-datamatrix', '010950110153000317250101'],
    [']d1hello', 'datamatrix', 'hello'],
    [']Q1https://kassa.example', 'qr', 'https://kassa.example'],
    [']Q3010950110153000', 'gs1-qr', '010950110153000'],
    [']e00109501101530003', 'gs1-databar', '0109501101530003'],
    [']L2pdf', 'pdf417', 'pdf'],
    [']z0aztec', 'aztec', 'aztec'],
  ])('%j → %s', (text, symbology, data) => {
    expect(parseAim(text)).toMatchObject({ symbology, data, aimId: text.slice(0, 3) });
  });

  it('leaves a code without an identifier alone', () => {
    expect(parseAim('4006381333931')).toEqual({ aimId: null, symbology: 'unknown', data: '4006381333931' });
    expect(parseAim(']')).toEqual({ aimId: null, symbology: 'unknown', data: ']' });
  });
});

describe('serial framing (recorded bytes)', () => {
  // Reference bytes of a scanner in CR mode with AIM ids on, three scans in one read (written from
  // the wire format; no physical scanner was captured on this machine).
  const recordedCr =
    '5d4530343030363338313333333933310d5d433141424331323334350d5d51316874747073' +
    '3a2f2f6b617373612e6578616d706c652f6f2f34320d';

  it('splits a recorded burst into codes with symbologies', () => {
    const out = new ScanFramer({ terminator: 'cr' }).push(Buffer.from(recordedCr, 'hex'));
    expect(out).toEqual([
      {
        kind: 'scan',
        scan: { aimId: ']E0', symbology: 'ean13', data: '4006381333931', raw: ']E04006381333931' },
      },
      { kind: 'scan', scan: { aimId: ']C1', symbology: 'gs1-128', data: 'ABC12345', raw: ']C1ABC12345' } },
      {
        kind: 'scan',
        scan: {
          aimId: ']Q1',
          symbology: 'qr',
          data: 'https://kassa.example/o/42',
          raw: ']Q1https://kassa.example/o/42',
        },
      },
    ]);
  });

  it('joins a frame split across reads', () => {
    const f = new ScanFramer({ terminator: 'crlf' });
    expect(f.push(bytes(']E0400638'))).toEqual([]);
    expect(f.push(bytes('1333931\r'))).toEqual([]);
    expect(scans(f.push(bytes('\n')))).toEqual(['4006381333931']);
  });

  it.each([
    ['cr', '123\r456\r'],
    ['lf', '123\n456\n'],
    ['crlf', '123\r\n456\r\n'],
    ['etx', '\x02123\x03\x02456\x03'],
    ['tab', '123\t456\t'],
  ] as const)('frames on %s', (terminator, wire) => {
    expect(scans(new ScanFramer({ terminator, aim: false }).push(bytes(wire)))).toEqual(['123', '456']);
  });

  it('frames fixed-length codes', () => {
    const f = new ScanFramer({ terminator: { fixedLength: 8 }, aim: false });
    expect(scans(f.push(bytes('9638507412')))).toEqual(['96385074']);
    expect(scans(f.push(bytes('345678')))).toEqual(['12345678']);
  });

  it('strips a programmed prefix and suffix', () => {
    const f = new ScanFramer({ terminator: 'cr', prefix: 'S:', suffix: '#' });
    expect(f.push(bytes('S:]E04006381333931#\r'))).toMatchObject([
      { kind: 'scan', scan: { data: '4006381333931', symbology: 'ean13' } },
    ]);
  });

  it('drops garbage between frames and keeps the GS1 separator', () => {
    const f = new ScanFramer({ terminator: 'cr' });
    const out = f.push(
      Buffer.from([0x00, 0xff, 0x11, ...bytes(']C1\x1d01095011015300'), 0x0d, 0x13, 0x0a, 0x0d]),
    );
    expect(out).toEqual([
      { kind: 'scan', scan: expect.objectContaining({ data: '\x1d01095011015300', symbology: 'gs1-128' }) },
    ]);
  });

  it('discards an over-long frame up to the next terminator and carries on', () => {
    const f = new ScanFramer({ terminator: 'cr', maxLength: 10, aim: false });
    const out = f.push(bytes('123456789012345\r777\r'));
    expect(out[0]).toMatchObject({ kind: 'error', code: 'FRAME_TOO_LONG' });
    expect(scans(out)).toEqual(['777']);
  });

  it('drops a stale partial frame (scanner replugged mid-code)', () => {
    const f = new ScanFramer({ terminator: 'cr', staleAfterMs: 500, aim: false });
    f.push(bytes('12345'), 1_000);
    const out = f.push(bytes('999\r'), 2_000);
    expect(out[0]).toEqual({ kind: 'error', code: 'FRAME_STALE', raw: '12345' });
    expect(scans(out)).toEqual(['999']);
  });

  it('property: any chunking of a byte stream yields the same codes', () => {
    const code = fc.stringMatching(/^[0-9A-Za-z]{1,40}$/);
    fc.assert(
      fc.property(
        fc.array(code, { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 17 })),
        (codes, cuts) => {
          const wire = bytes(codes.map((c) => `\x00${c}\r\n`).join(''));
          const whole = scans(new ScanFramer({ terminator: 'crlf', aim: false }).push(wire));
          const f = new ScanFramer({ terminator: 'crlf', aim: false });
          const pieces: string[] = [];
          let offset = 0;
          let k = 0;
          while (offset < wire.length) {
            const size = cuts.length > 0 ? (cuts[k++ % cuts.length] ?? 1) : wire.length;
            pieces.push(...scans(f.push(wire.subarray(offset, offset + size))));
            offset += size;
          }
          expect(whole).toEqual(codes);
          expect(pieces).toEqual(codes);
        },
      ),
    );
  });

  it('property: arbitrary noise never produces a code longer than maxLength nor throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (noise) => {
        const f = new ScanFramer({ terminator: 'cr', maxLength: 32 });
        for (const o of f.push(noise))
          if (o.kind === 'scan') expect(o.scan.raw.length).toBeLessThanOrEqual(33 + 3);
      }),
    );
  });
});
