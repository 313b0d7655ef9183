/**
 * A stand-in for a USB HID device, behind the same HidHandle interface node-hid gives us.
 * The one simulator that is not real I/O: a HID device cannot be created on a CI machine.
 */
import { EventEmitter } from 'node:events';
import { HardwareError } from '../errors';
import type { HidHandle, HidOpener } from '../hid-link';
import { encodeWedgeReports } from '../scanner/keyboard';

export class SimulatedHidDevice extends EventEmitter implements HidHandle {
  readonly written: Buffer[] = [];
  open = false;

  constructor(readonly path: string) {
    super();
  }

  async write(report: number[] | Buffer): Promise<number> {
    if (!this.open) throw new HardwareError('DEVICE_IO', `${this.path} is not open`);
    const b = Buffer.from(report);
    this.written.push(b);
    this.emit('written', b);
    return b.length;
  }

  async close(): Promise<void> {
    this.open = false;
  }

  /** The device sends an input report. */
  report(bytes: Uint8Array): void {
    if (this.open) this.emit('data', Buffer.from(bytes));
  }

  /** A keyboard wedge types `text` and Enter. */
  type(text: string): void {
    for (const r of encodeWedgeReports(text)) this.report(r);
  }

  /** The cable is pulled: node-hid reports a read error. */
  unplug(): void {
    const wasOpen = this.open;
    this.open = false;
    if (wasOpen) this.emit('error', new Error('could not read from HID device'));
  }
}

/** Devices by path; opening an absent path fails like node-hid does. */
export class SimulatedHidBus {
  private readonly devices = new Map<string, SimulatedHidDevice>();

  plug(path: string): SimulatedHidDevice {
    const device = this.devices.get(path) ?? new SimulatedHidDevice(path);
    this.devices.set(path, device);
    return device;
  }

  unplug(path: string): void {
    this.devices.get(path)?.unplug();
    this.devices.delete(path);
  }

  readonly opener: HidOpener = async (path) => {
    const device = this.devices.get(path);
    if (!device) throw new HardwareError('DEVICE_NOT_FOUND', `cannot open device with path ${path}`);
    device.open = true;
    return device;
  };
}
