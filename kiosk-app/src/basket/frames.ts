/**
 * Scheduling around the display frame: work that the shopper does not see (RxDB writes, the
 * replay to the hub, suggestions) runs after the frame that shows a change, not before it.
 * Outside a browser (tests in Node) both fall back to timers.
 */

/** Resolves once the next frame has been rendered (rAF, then a task after it). */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve();
    };
    if (typeof requestAnimationFrame === 'function' && typeof MessageChannel === 'function') {
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = finish;
        ch.port2.postMessage(0);
      });
      // A hidden page gets no frames: the write must not wait for the tab to be shown.
      setTimeout(finish, 100);
    } else setTimeout(finish, 0);
  });
}

/** Runs `fn` when the page is idle (at the latest after `timeoutMs`). */
export function whenIdle(fn: () => void, timeoutMs = 200): void {
  const ric = (globalThis as { requestIdleCallback?: (cb: () => void, o: { timeout: number }) => number })
    .requestIdleCallback;
  if (typeof ric === 'function') ric(fn, { timeout: timeoutMs });
  else setTimeout(fn, 0);
}
