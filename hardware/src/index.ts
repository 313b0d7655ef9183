/**
 * @kassa/hardware: scanners, receipt printers and cash drawers for the hub (and a kiosk's
 * Electron main process). Everything public is exported from here.
 */
export { HardwareError, type HardwareErrorCode } from './errors';
export { TypedEmitter } from './emitter';
export { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
export {
  Device,
  type DeviceFault,
  type DeviceKind,
  type DeviceSnapshot,
  type DeviceStats,
  type Health,
  type HealthState,
  type LifecycleState,
} from './device';
export {
  hardwareConfigSchema,
  loadConfig,
  parseConfig,
  type DeviceConfig,
  type DeviceMatch,
  type HardwareConfig,
  type HardwareConfigInput,
} from './config';
export { listHidCandidates, listSerial, matchCandidate, type Candidate } from './discovery';
export { DeviceManager, type ManagedDevice, type ManagerEvents, type ManagerOptions } from './manager';
export { openNodeHid, type HidHandle, type HidOpener } from './hid-link';

// scanners
export { parseAim, type AimParse, type Symbology } from './scanner/aim';
export {
  ScanFramer,
  framingSchema,
  type DecodedScan,
  type FrameOutcome,
  type FramingConfig,
} from './scanner/framing';
export { HidPosDecoder, HID_POS_USAGE_PAGE, hidPosLayoutSchema, type HidPosLayout } from './scanner/hid-pos';
export {
  KeyboardWedgeDecoder,
  DE_LAYOUT,
  US_LAYOUT,
  encodeWedgeReports,
  type KeyLayout,
} from './scanner/keyboard';
export { HidScanner, Scanner, SerialScanner, type ScanEvent, type ScannerEvents } from './scanner/scanner';

// printers and drawers
export {
  receiptPrintableSchema,
  type ReceiptColumn,
  type ReceiptLine,
  type ReceiptPrintable,
  type ReceiptPrintableInput,
} from './printer/receipt';
export { drawerKick, renderReceipt, type PaperColumns, type RenderOptions } from './printer/render';
export { layoutColumns } from './printer/columns';
export { printableFromDocument } from './printer/from-promo-core';
export { applyStatus, encodeStatus, healthOf, okStatus, type PrinterStatus } from './printer/status';
export type { JobState, PrintJobInfo } from './printer/jobs';
export { CashDrawer, Printer, type PrinterEvents, type PrinterOptions } from './printer/printer';
export { FileTransport, HidTransport, SerialTransport, type PrinterTransport } from './printer/transport';
export { EscPosParser, paperToText, splitReceipts, type PaperItem } from './printer/escpos-parser';

// simulators (tests, the CLI and the hub's demo)
export { PtyPair } from './sim/pty';
export { PrinterSimulator } from './sim/printer-sim';
export { ScannerSimulator, frameScan, type SimScanOptions } from './sim/scanner-sim';
export { SimulatedHidBus, SimulatedHidDevice } from './sim/hid-sim';
export { paperToPng, paperToSvg } from './sim/paper-png';

// scales (MT-SICS)
export {
  SicsLineFramer,
  encodeCommand,
  formatWeight,
  parseSicsLine,
  toGrams,
  weightLine,
  type LineOutcome,
  type SicsCommand,
  type SicsResponse,
} from './scale/mtsics';
export { SerialScale, type ScaleEvents, type ScaleReading, type SerialScaleOptions } from './scale/scale';
export { ScaleSimulator, defaultScaleSimState, type ScaleSimState } from './sim/scale-sim';
