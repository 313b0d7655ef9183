import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Lanes, laneScaleView, weighOnLane } from '../src/lanes';

const log = pino({ level: 'silent' });
// The constructor only validates the file and builds devices; nothing else is touched here.
const lanes = (config: unknown) => new Lanes(config, {} as never, {} as never, {} as never, log);
const scale = { id: 's1', kind: 'scale', transport: 'serial', match: { path: '/nonexistent/scale' } };
const printer = { id: 'p1', kind: 'printer', transport: 'serial', match: { path: '/nonexistent/printer' } };
const kiosk = { device_id: 'd1', retailer_device_id: 'K1' } as never;

describe('a lane scale in the hardware file', () => {
  it('is accepted on a lane and named by it', () => {
    const l = lanes({ devices: [scale], lanes: [{ kiosk: 'K1', scale: 's1' }] });
    expect(l.manager.scale('s1').kind).toBe('scale');
    // Not started: attached, but not online yet.
    expect(l.scaleView(kiosk)).toMatchObject({ attached: true, device_id: 's1', reading: null });
  });

  it('refuses a lane whose scale is another kind of device, or unknown', () => {
    expect(() => lanes({ devices: [printer], lanes: [{ kiosk: 'K1', scale: 'p1' }] })).toThrow(/not a scale/);
    expect(() => lanes({ devices: [scale], lanes: [{ kiosk: 'K1', scale: 'nope' }] })).toThrow(
      /unknown device nope/,
    );
  });

  it('a hub without a hardware file has no scale for anyone', async () => {
    expect(laneScaleView(null, kiosk)).toEqual({
      attached: false,
      device_id: null,
      health: null,
      reading: null,
    });
    await expect(weighOnLane(null, kiosk)).rejects.toMatchObject({ code: 'SCALE_NOT_ATTACHED', status: 409 });
  });

  it('an unplugged scale is SCALE_OFFLINE, and typed weights are refused on its lane only', async () => {
    const l = lanes({ devices: [scale], lanes: [{ kiosk: 'K1', scale: 's1' }, { kiosk: 'K2' }] });
    await expect(l.weigh(kiosk)).rejects.toMatchObject({ code: 'SCALE_OFFLINE' });
    expect(() => l.refuseTypedWeight(kiosk)).toThrow(/weighs on its scale/);
    expect(() => l.refuseTypedWeight({ device_id: 'd2', retailer_device_id: 'K2' } as never)).not.toThrow();
  });
});
