/**
 * The device manager: builds devices from the configuration file, finds them among what is
 * plugged in, runs their lifecycle, nudges reconnects when discovery sees them again, and fans
 * every device's events into one emitter for the hub.
 */
import { existsSync } from 'node:fs';
import { parseConfig, type DeviceConfig, type HardwareConfig, type HardwareConfigInput } from './config';
import type { BaseDeviceEvents, DeviceFault, DeviceSnapshot } from './device';
import { listHidCandidates, listSerial, matchCandidate, type Candidate, type Preference } from './discovery';
import { TypedEmitter } from './emitter';
import { HardwareError } from './errors';
import type { HidOpener } from './hid-link';
import type { PrintJobInfo } from './printer/jobs';
import { CashDrawer, Printer } from './printer/printer';
import type { PrinterStatus } from './printer/status';
import { FileTransport, HidTransport, SerialTransport, type PrinterTransport } from './printer/transport';
import { HidScanner, SerialScanner, type ScanEvent, type Scanner } from './scanner/scanner';
import { SerialScale, type ScaleReading } from './scale/scale';

export type ManagedDevice = Scanner | Printer | CashDrawer | SerialScale;

export type ManagerEvents = {
  scan: [ScanEvent];
  job: [{ deviceId: string; job: PrintJobInfo }];
  status: [{ deviceId: string; status: PrinterStatus }];
  drawer: [{ deviceId: string; open: boolean }];
  weight: [ScaleReading];
  health: [DeviceSnapshot];
  lifecycle: [DeviceSnapshot];
  fault: [DeviceFault];
};

export interface ManagerOptions {
  listSerial?: () => Promise<Candidate[]>;
  listHid?: () => Promise<Candidate[]>;
  /** Opens HID devices; tests and simulators pass their own (no USB HID device exists in CI). */
  hidOpener?: HidOpener;
}

export class DeviceManager extends TypedEmitter<ManagerEvents> {
  readonly config: HardwareConfig;
  private readonly byId = new Map<string, ManagedDevice>();
  private discoveryTimer: ReturnType<typeof setInterval> | null = null;
  private readonly options: ManagerOptions;

  constructor(config: HardwareConfigInput | HardwareConfig, options: ManagerOptions = {}) {
    super();
    this.config = parseConfig(config);
    this.options = options;
    const printers = this.config.devices.filter((d) => d.kind === 'printer');
    const others = this.config.devices.filter((d) => d.kind !== 'printer');
    // Printers first: drawers hang off them.
    for (const device of [...printers, ...others]) this.add(this.build(device));
  }

  private build(cfg: DeviceConfig): ManagedDevice {
    const backoff = this.config.reconnect;
    // A configured path is used even when it does not exist yet: the device reconnects once it appears.
    const initialPath = cfg.kind === 'drawer' ? null : (cfg.match.path ?? null);
    if (cfg.kind === 'scanner') {
      if (cfg.transport === 'serial') {
        return new SerialScanner(cfg.id, initialPath, { serial: cfg.serial, framing: cfg.framing, backoff });
      }
      const opener = this.options.hidOpener ? { opener: this.options.hidOpener } : {};
      return cfg.transport === 'hid-pos'
        ? new HidScanner(cfg.id, initialPath, { mode: 'pos', pos: cfg.hidPos, backoff, ...opener })
        : new HidScanner(cfg.id, initialPath, {
            mode: 'keyboard',
            keyboard: cfg.keyboard,
            backoff,
            ...opener,
          });
    }
    if (cfg.kind === 'scale') {
      return new SerialScale(cfg.id, initialPath, {
        serial: cfg.serial,
        answerTimeoutMs: cfg.answerTimeoutMs,
        stableTimeoutMs: cfg.stableTimeoutMs,
        pollIntervalMs: cfg.pollIntervalMs,
        backoff,
      });
    }
    if (cfg.kind === 'printer') {
      let pipe: PrinterTransport;
      if (cfg.transport === 'serial') pipe = new SerialTransport(cfg.serial);
      else if (cfg.transport === 'usb-file') pipe = new FileTransport();
      else pipe = new HidTransport(this.options.hidOpener, cfg.reportSize, cfg.reportId);
      return new Printer(cfg.id, initialPath, pipe, {
        columns: cfg.columns,
        statusIntervalMs: cfg.statusIntervalMs,
        statusTimeoutMs: cfg.statusTimeoutMs,
        backoff,
        ...(cfg.printerModel ? { printerModel: cfg.printerModel } : {}),
      });
    }
    const printer = this.byId.get(cfg.printer);
    if (!(printer instanceof Printer))
      throw new HardwareError('INVALID_CONFIG', `drawer ${cfg.id}: no printer ${cfg.printer}`);
    return new CashDrawer(cfg.id, printer, cfg.pin);
  }

  private add(device: ManagedDevice): void {
    this.byId.set(device.id, device);
    const common = device as unknown as TypedEmitter<BaseDeviceEvents>;
    common.on('health', (s) => this.emit('health', s));
    common.on('lifecycle', (s) => this.emit('lifecycle', s));
    common.on('fault', (f) => this.emit('fault', f));
    if (device instanceof Printer) {
      device.on('job', (job) => this.emit('job', { deviceId: device.id, job }));
      device.on('status', (status) => this.emit('status', { deviceId: device.id, status }));
    } else if (device instanceof CashDrawer) {
      device.on('drawer', (d) => this.emit('drawer', d));
    } else if (device instanceof SerialScale) {
      device.on('weight', (w) => this.emit('weight', w));
    } else {
      device.on('scan', (s) => this.emit('scan', s));
    }
  }

  devices(): ManagedDevice[] {
    return [...this.byId.values()];
  }

  snapshot(): DeviceSnapshot[] {
    return this.devices().map((d) => d.snapshot());
  }

  get(id: string): ManagedDevice {
    const device = this.byId.get(id);
    if (!device)
      throw new HardwareError('DEVICE_NOT_FOUND', `no device ${id} in the configuration`, { deviceId: id });
    return device;
  }

  scanner(id: string): Scanner {
    const d = this.get(id);
    if (d.kind !== 'scanner')
      throw new HardwareError('DEVICE_NOT_FOUND', `${id} is a ${d.kind}, not a scanner`);
    return d;
  }

  printer(id: string): Printer {
    const d = this.get(id);
    if (!(d instanceof Printer))
      throw new HardwareError('DEVICE_NOT_FOUND', `${id} is a ${d.kind}, not a printer`);
    return d;
  }

  scale(id: string): SerialScale {
    const d = this.get(id);
    if (!(d instanceof SerialScale))
      throw new HardwareError('DEVICE_NOT_FOUND', `${id} is a ${d.kind}, not a scale`);
    return d;
  }

  drawer(id: string): CashDrawer {
    const d = this.get(id);
    if (!(d instanceof CashDrawer))
      throw new HardwareError('DEVICE_NOT_FOUND', `${id} is a ${d.kind}, not a drawer`);
    return d;
  }

  /** Discovers, then opens, claims and enables every device (absent ones stay offline and retry). */
  async start(): Promise<void> {
    await this.discover();
    for (const device of this.devices()) {
      if (device.state === 'closed') await device.start();
    }
    if (this.config.discoveryIntervalMs > 0 && !this.discoveryTimer) {
      this.discoveryTimer = setInterval(() => void this.discover(), this.config.discoveryIntervalMs);
      this.discoveryTimer.unref?.();
    }
  }

  async stop(): Promise<void> {
    if (this.discoveryTimer) clearInterval(this.discoveryTimer);
    this.discoveryTimer = null;
    // Drawers before their printers.
    const order = this.devices().sort((a, b) => Number(a instanceof Printer) - Number(b instanceof Printer));
    for (const device of order) await device.close();
  }

  /** Lists what is plugged in and points each configured device at it; returns device id → path. */
  async discover(): Promise<Map<string, string | null>> {
    const needsSerial = this.config.devices.some(
      (d) => d.kind !== 'drawer' && d.transport === 'serial' && !d.match.path,
    );
    const needsHid = this.config.devices.some(
      (d) => d.kind !== 'drawer' && d.transport.startsWith('hid') && !d.match.path,
    );
    const [serial, hid] = await Promise.all([
      needsSerial ? (this.options.listSerial ?? listSerial)() : Promise.resolve([]),
      needsHid ? (this.options.listHid ?? listHidCandidates)() : Promise.resolve([]),
    ]);
    const found = new Map<string, string | null>();
    for (const cfg of this.config.devices) {
      if (cfg.kind === 'drawer') continue;
      const isHid = cfg.transport.startsWith('hid');
      const prefer: Preference =
        cfg.transport === 'hid-pos' ? 'hid-pos' : cfg.transport === 'hid-keyboard' ? 'hid-keyboard' : 'none';
      let path = matchCandidate(cfg.match, isHid ? hid : serial, prefer);
      // A configured path that does not exist (unplugged) is not worth a connection attempt.
      if (cfg.match.path !== undefined && !existsSync(cfg.match.path)) path = null;
      found.set(cfg.id, path);
      const device = this.get(cfg.id);
      if (path !== null && !device.isConnected && device.state !== 'closed') await device.reconnectNow(path);
      else if (path !== null && device.state === 'closed') await device.reconnectNow(path);
    }
    return found;
  }
}
