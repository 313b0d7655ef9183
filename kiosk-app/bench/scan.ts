/**
 * Scan → line on screen, measured inside the page the way a shopper meets it: codes arrive from
 * the keyboard wedge at a human rate (a random gap between scans, so a scan lands anywhere in a
 * display frame), after a warm-up, with the hub live (its answers, the comparison and the RxDB
 * writes happen between scans, as they do at a real lane).
 *
 * Per scan, three figures:
 *   - `dom`: Enter → the changed line is in the DOM (a MutationObserver's first callback after
 *     the change): the kiosk's own work (wedge, pricing, React commit);
 *   - `paint`: Enter → the end of the first frame that shows it (the rAF after the change, then a
 *     message posted from it, which runs once that frame's rendering is done);
 *   - `frames`: which frame after Enter shows it, from that frame's start time (the rAF
 *     timestamp): 1 = the next frame (it began within 16.7 ms of Enter), which is what "one
 *     display frame" asks. The wait for the frame boundary itself is 0–16.7 ms whatever the
 *     kiosk does, so `paint` cannot be < 16 ms at p99 by construction; `dom` and `frames` can.
 */
import type { Page } from 'playwright-core';

export interface ScanSample {
  dom: number;
  paint: number;
  frames: number;
}

export interface ScanOptions {
  samples: number;
  warmup: number;
  /** Uniform random gap between scans, ms (a brisk shopper scans about one item a second). */
  gapMs: [number, number];
}

export const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
};

/** Scans `code` through the keyboard wedge and times each scan until its line is on screen. */
export async function scanTimes(page: Page, code: string, opts: ScanOptions): Promise<ScanSample[]> {
  // A string, not a function: tsx's helpers (__name) do not exist in the page.
  const script = `(async () => {
    const code = ${JSON.stringify(code)};
    const [gapMin, gapMax] = ${JSON.stringify(opts.gapMs)};
    const total = ${opts.warmup + opts.samples};
    const warmup = ${opts.warmup};
    const out = [];
    const lineOf = () => document.querySelector('[data-testid=line][data-code="' + code + '"] [data-testid=qty]');
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    for (let i = 0; i < total; i++) {
      await sleep(gapMin + Math.random() * (gapMax - gapMin));
      const before = lineOf()?.textContent ?? '';
      const sample = await new Promise((resolve) => {
        let dom = -1;
        let t0 = 0;
        const mo = new MutationObserver(() => {
          if (dom >= 0 || (lineOf()?.textContent ?? '') === before) return;
          dom = performance.now() - t0;
          mo.disconnect();
          requestAnimationFrame((frameStart) => {
            // A frame that began before Enter cannot show it; frames are 1000/60 ms apart.
            const frames = Math.max(1, Math.ceil((frameStart - t0) / (1000 / 60) - 0.01));
            const ch = new MessageChannel();
            ch.port1.onmessage = () => resolve({ dom, paint: performance.now() - t0, frames });
            ch.port2.postMessage(0);
          });
        });
        mo.observe(document.body, { subtree: true, childList: true, characterData: true });
        for (const ch of code) window.dispatchEvent(new KeyboardEvent('keydown', { key: ch }));
        t0 = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
      });
      if (i >= warmup) out.push(sample);
    }
    return out;
  })()`;
  return (await page.evaluate(script)) as ScanSample[];
}

export interface Summary {
  domP50: number;
  domP99: number;
  paintP50: number;
  paintP99: number;
  /** Share of scans on screen in the first frame after Enter. */
  nextFrame: number;
  maxFrames: number;
}

export function summarise(xs: ScanSample[]): Summary {
  return {
    domP50: quantile(
      xs.map((x) => x.dom),
      0.5,
    ),
    domP99: quantile(
      xs.map((x) => x.dom),
      0.99,
    ),
    paintP50: quantile(
      xs.map((x) => x.paint),
      0.5,
    ),
    paintP99: quantile(
      xs.map((x) => x.paint),
      0.99,
    ),
    nextFrame: xs.filter((x) => x.frames <= 1).length / xs.length,
    maxFrames: Math.max(...xs.map((x) => x.frames)),
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

/**
 * Runs `body` under Chromium's sampling CPU profiler and prints where the page's time went:
 * self time per function (top `top`), and the total under each function that owns a scan step.
 */
export async function profile(
  page: Page,
  body: () => Promise<unknown>,
  top = 30,
  focus: string[] = [],
): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await body();
  const { profile: p } = (await cdp.send('Profiler.stop')) as unknown as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const name = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(name(n), (self.get(name(n)) ?? 0) + us);
  }
  // Inclusive time per function name (counted once per stack, recursion-safe).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) =>
          `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`,
      )
      .join('\n');
  // For each focused function: which of its descendants take the time (inclusive, by name).
  const focused = focus.map((f) => {
    const under = new Map<string, number>();
    for (const [id, us] of selfUs) {
      const chain: string[] = [];
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
        chain.push(name(byId.get(cur)!));
      const at = chain.findIndex((k) => k.startsWith(f + ' '));
      if (at < 0) continue;
      for (const k of new Set(chain.slice(0, at))) under.set(k, (under.get(k) ?? 0) + us);
    }
    return `--- under ${f} ---\n${fmt(under)}`;
  });
  return [
    `profile: ${(total / 1000).toFixed(0)} ms sampled`,
    `--- self ---\n${fmt(self)}`,
    `--- inclusive ---\n${fmt(incl)}`,
    ...focused,
  ].join('\n');
}
