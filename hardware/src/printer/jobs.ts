/**
 * Print job states. The hub persists jobs; this layer says what happened to each one.
 *
 *   queued ──► printing ──► printed
 *                 │  └────► uncertain  (every byte left us, but the printer did not confirm:
 *                 │                     it may have printed; only the caller may print it again)
 *                 └───────► interrupted (the link dropped mid-job: part of it at most was printed;
 *                                        retried automatically, in full, once the printer is back)
 *   queued/interrupted ──► cancelled;  uncertain/failed/cancelled ──retry()──► queued
 */
export type JobState =
  'queued' | 'printing' | 'printed' | 'interrupted' | 'uncertain' | 'failed' | 'cancelled';

export interface PrintJobInfo {
  id: string;
  state: JobState;
  kind: 'receipt' | 'raw' | 'drawer';
  attempts: number;
  bytesTotal: number;
  bytesSent: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PrintJob extends PrintJobInfo {
  bytes: Uint8Array;
}

/** States the printer picks up on its own (never `uncertain`: that would risk a second full print). */
export const AUTO_STATES: ReadonlySet<JobState> = new Set(['queued', 'interrupted']);
export const RETRYABLE_STATES: ReadonlySet<JobState> = new Set(['uncertain', 'failed', 'cancelled']);
export const CANCELLABLE_STATES: ReadonlySet<JobState> = new Set(['queued', 'interrupted']);

export function jobInfo(job: PrintJob): PrintJobInfo {
  const { bytes: _bytes, ...info } = job;
  return { ...info };
}

/** A job the hub stored as `printing` when it went down may have printed: treat it as uncertain. */
export function restoredState(state: JobState): JobState {
  return state === 'printing' ? 'uncertain' : state;
}
