/**
 * ESC/POS real-time status (DLE EOT n). The printer answers each request with one byte, even
 * while busy or offline, which is how we tell paper low/out and an open cover from a dead link.
 * Every status byte has bits 1 and 4 set and bits 0 and 7 clear; anything else is not a reply.
 */
export type StatusQuery = 1 | 2 | 3 | 4;

export const DLE_EOT = (n: StatusQuery): Uint8Array => Uint8Array.from([0x10, 0x04, n]);

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperLow: boolean;
  paperOut: boolean;
  error: boolean;
  /** Drawer kick connector pin 3 level; most drawers report "open" as high. */
  drawerOpen: boolean;
}

export const okStatus: PrinterStatus = {
  online: true,
  coverOpen: false,
  paperLow: false,
  paperOut: false,
  error: false,
  drawerOpen: false,
};

export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/** Folds one reply into the status; `n` is the query it answers. */
export function applyStatus(status: PrinterStatus, n: StatusQuery, byte: number): PrinterStatus {
  switch (n) {
    case 1:
      return { ...status, online: (byte & 0x08) === 0, drawerOpen: (byte & 0x04) !== 0 };
    case 2:
      return {
        ...status,
        coverOpen: (byte & 0x04) !== 0,
        paperOut: (byte & 0x20) !== 0 || status.paperOut,
        error: (byte & 0x40) !== 0,
      };
    case 3:
      return { ...status, error: (byte & 0x68) !== 0 || status.error };
    case 4:
      return { ...status, paperLow: (byte & 0x0c) !== 0, paperOut: (byte & 0x60) !== 0 };
  }
}

/** The byte a printer in `status` sends for query `n` (the simulator's side of the exchange). */
export function encodeStatus(status: PrinterStatus, n: StatusQuery): number {
  let b = 0x12;
  switch (n) {
    case 1:
      if (!status.online || status.coverOpen || status.paperOut || status.error) b |= 0x08;
      if (status.drawerOpen) b |= 0x04;
      return b;
    case 2:
      if (status.coverOpen) b |= 0x04;
      if (status.paperOut) b |= 0x20;
      if (status.error) b |= 0x40;
      return b;
    case 3:
      if (status.error) b |= 0x40;
      return b;
    case 4:
      if (status.paperLow || status.paperOut) b |= 0x0c;
      if (status.paperOut) b |= 0x60;
      return b;
  }
}

export type PrinterHealth = 'online' | 'offline' | 'error' | 'paper_out' | 'cover_open' | 'paper_low';

/** The single health a person needs to act on first: an empty roll matters more than a low one. */
export function healthOf(status: PrinterStatus): { state: PrinterHealth; reason?: string } {
  if (status.paperOut) return { state: 'paper_out', reason: 'paper end sensor' };
  if (status.coverOpen) return { state: 'cover_open', reason: 'cover open' };
  if (status.error) return { state: 'error', reason: 'printer reports an error (cutter or mechanism)' };
  if (!status.online) return { state: 'offline', reason: 'printer reports offline' };
  if (status.paperLow) return { state: 'paper_low', reason: 'paper near end' };
  return { state: 'online' };
}
