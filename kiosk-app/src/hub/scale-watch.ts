/**
 * The live weight of this kiosk's lane scale while the scale screen is open: pushed by the hub
 * over the socket (`scale.watch` → `scale.reading`), and asked for with GET /v1/lane/scale
 * every POLL_MS only while the socket cannot carry it (down, or the hub did not take the watch).
 */
import type { LaneScale, ScaleReadingEvent } from '@kassa/store-hub/client';
import type { HubEvents } from './events';

/** The pause between two GETs while the socket is down. */
export const POLL_MS = 250;

/** A pushed reading as the lane-scale view the screen shows (the GET's shape). */
export function withReading(e: ScaleReadingEvent): LaneScale {
  if (e.state === 'offline')
    return { attached: true, device_id: e.device_id, health: 'offline', reading: null };
  return {
    attached: true,
    device_id: e.device_id,
    health: 'online',
    reading: { status: e.state, weight_g: e.weight_g, at: e.at },
  };
}

/**
 * Calls `onView` with the lane's scale whenever it is known anew (null: the hub cannot be
 * asked). Returns the stop function.
 */
export function watchLaneScale(
  events: HubEvents | null,
  ask: () => Promise<LaneScale | null>,
  onView: (v: LaneScale | null) => void,
  pollMs = POLL_MS,
): () => void {
  let live = true;
  let pushed = false;
  let attached = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let asking = false;
  // One GET at a time: a slow hub must not pile up requests.
  const poll = async (): Promise<void> => {
    timer = null;
    if (!live || pushed) return;
    asking = true;
    const v = await ask();
    asking = false;
    if (!live || pushed) return;
    onView(v);
    timer = setTimeout(() => void poll(), pollMs);
  };
  const stopPolling = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const stopWatch = events?.watchScale({
    watching: (v) => {
      if (!live) return;
      pushed = true;
      attached = v.attached;
      stopPolling();
      onView(v);
    },
    // Readings sent before the watch was acknowledged are in the acknowledgement's view.
    reading: (e) => {
      if (live && pushed && attached) onView(withReading(e));
    },
    down: () => {
      pushed = false;
      if (live && !timer && !asking) void poll();
    },
  });
  if (!events) void poll();
  return () => {
    live = false;
    stopWatch?.();
    stopPolling();
  };
}
