/**
 * node-hid behind a small interface: the real opener talks to hidraw/libusb; tests and the
 * simulators pass their own opener, because a USB HID device cannot exist on a CI machine.
 */
import * as HID from 'node-hid';

export interface HidHandle {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  write(report: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

export type HidOpener = (path: string) => Promise<HidHandle>;

export const openNodeHid: HidOpener = async (path) => {
  const device = await HID.HIDAsync.open(path);
  return device as unknown as HidHandle;
};

export interface HidDeviceInfo {
  path: string | null;
  vendorId: number;
  productId: number;
  serialNumber: string | null;
  manufacturer: string | null;
  product: string | null;
  usagePage: number | null;
  usage: number | null;
  interface: number;
}

export async function listHid(): Promise<HidDeviceInfo[]> {
  const devices = await HID.devicesAsync();
  return devices.map((d) => ({
    path: d.path ?? null,
    vendorId: d.vendorId,
    productId: d.productId,
    serialNumber: d.serialNumber || null,
    manufacturer: d.manufacturer ?? null,
    product: d.product ?? null,
    usagePage: d.usagePage ?? null,
    usage: d.usage ?? null,
    interface: d.interface,
  }));
}
