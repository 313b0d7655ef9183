/**
 * CPU profile of the real hub process under scan load (how issue 8 §3's regression was found):
 *
 *   BENCH_VIEW=delta npx tsx store-hub/bench/profile-hub.ts
 *
 * Starts the hub on the demo store with `node --cpu-prof`, builds baskets to 60 and to 5 lines
 * one scan at a time (PROFILE_REPS baskets each), stops the hub (the profile is written on a
 * clean exit) and prints the functions with the most self time and the most inclusive time.
 * Native work (SQLite, fsync) counts as self time of the JS function that called it. The
 * .cpuprofile stays in PROFILE_DIR (default a temp dir) for Chrome DevTools.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import { perScanCost, startStore } from './store-load';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function top(file: string, n: number): string[] {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const dt = new Map<number, number>();
  p.samples.forEach((s, i) => dt.set(s, (dt.get(s) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const name = (x: ProfileNode): string =>
    `${x.callFrame.functionName || '(anonymous)'} ${x.callFrame.url.replace(/^.*?\/(store-hub|promo-core|node_modules)\//, '$1/')}:${x.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const x of p.nodes) {
    const t = dt.get(x.id) ?? 0;
    if (t === 0) continue;
    self.set(name(x), (self.get(name(x)) ?? 0) + t);
    const seen = new Set<string>();
    for (let id: number | undefined = x.id; id !== undefined; id = parent.get(id)) {
      const k = name(byId.get(id)!);
      if (!seen.has(k)) incl.set(k, (incl.get(k) ?? 0) + t);
      seen.add(k);
    }
  }
  const skip = /^\((root|idle|program)\)|node:internal|tsx\/dist/;
  const list = (m: Map<string, number>): string[] =>
    [...m]
      .filter(([k]) => !skip.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  return ['self time:', ...list(self), '', 'inclusive time:', ...list(incl)];
}

async function main(): Promise<void> {
  const dir = process.env.PROFILE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-hub-profile-'));
  fs.mkdirSync(dir, { recursive: true });
  // The harness spawns the hub with process.execPath: a wrapper adds --cpu-prof to that node.
  const wrapper = path.join(dir, 'node-cpu-prof.sh');
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\nexec "${process.execPath}" --cpu-prof --cpu-prof-dir="${dir}" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  const demoFile = path.join(dir, 'demo.json');
  fs.writeFileSync(demoFile, JSON.stringify(generateDemoStore()));
  const node = process.execPath;
  process.execPath = wrapper;
  const store = await startStore(demoFile, 2);
  process.execPath = node;
  const reps = Number(process.env.PROFILE_REPS ?? 10);
  const c60 = await perScanCost(store, 60, reps);
  const c5 = await perScanCost(store, 5, reps * 4);
  await store.stop();
  const profiles = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  console.log(
    `hub-side per-scan median: 5th line ${c5.toFixed(2)} ms, 60th line ${c60.toFixed(2)} ms (load ${os.loadavg()[0]!.toFixed(2)})`,
  );
  if (profiles.length === 0) throw new Error('the hub wrote no profile');
  // The hub's main thread writes the largest profile (workers write small ones).
  console.log(`profile: ${profiles[0]}\n`);
  console.log(top(profiles[0]!, Number(process.env.PROFILE_TOP ?? 25)).join('\n'));
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
