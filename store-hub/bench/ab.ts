/**
 * Before/after store load in one run (issue 8 §3), for docs/benchmarks.md:
 *
 *   git worktree add --detach /tmp/kassa-before 43c400d      # once; see README "Performance"
 *   npx tsx store-hub/bench/ab.ts                              # from the repository root
 *
 * Runs bench/run.ts against the hub of the BEFORE tree and of this tree, alternately (round 1
 * before → after, round 2 after → before, …) so that a change in the machine's load falls on
 * both sides. Both sides run the SAME bench code: this tree's bench/run.ts and store-load.ts are
 * copied into the before tree first (the bench drives the hub only over HTTP and socket.io,
 * and reads its database for payload sizes). A worktree needs a node_modules that resolves
 * @kassa/* to its own packages: made here as symlinks into this tree's node_modules.
 *
 * Knobs: BENCH_BEFORE (default /tmp/kassa-before), BENCH_AFTER (default this tree; a worktree
 * of a commit leaves out uncommitted work), BENCH_ROUNDS (default 2), BENCH_START_ROUND, and
 * everything bench/run.ts reads (BENCH_VIEW, BENCH_LEVELS, BENCH_WARMUP_S, BENCH_MEASURE_S, …), passed to
 * both sides. BENCH_OUT=<file> also writes the markdown there.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures } from './run';

const here = path.dirname(fileURLToPath(import.meta.url));
const thisRoot = path.resolve(here, '../..');
// AFTER defaults to this tree; BENCH_AFTER=<worktree> measures a commit without anyone's
// uncommitted work (the shared tree may hold other people's work in progress).
const afterRoot = path.resolve(process.env.BENCH_AFTER ?? thisRoot);
const beforeRoot = path.resolve(process.env.BENCH_BEFORE ?? '/tmp/kassa-before');
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
/** The first round's number: 2 starts with AFTER (to continue an earlier, interrupted run). */
const firstRound = Number(process.env.BENCH_START_ROUND ?? 1);

/** Gives `root` this tree's bench code and a node_modules resolving @kassa/* to its own packages. */
function prepareTree(root: string): string {
  if (!fs.existsSync(path.join(root, 'store-hub', 'src')))
    throw new Error(`no tree at ${root}: git worktree add --detach ${root} <commit> (e.g. 43c400d)`);
  const rev = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (root === thisRoot) return rev.stdout.trim();
  for (const f of ['run.ts', 'store-load.ts'])
    fs.copyFileSync(path.join(here, f), path.join(root, 'store-hub', 'bench', f));
  // Dependencies from this tree; the workspace packages from that tree itself.
  const nm = path.join(root, 'node_modules');
  fs.mkdirSync(path.join(nm, '@kassa'), { recursive: true });
  for (const e of fs.readdirSync(path.join(thisRoot, 'node_modules'))) {
    if (e === '@kassa') continue;
    const link = path.join(nm, e);
    if (!fs.existsSync(link)) fs.symlinkSync(path.join(thisRoot, 'node_modules', e), link);
  }
  for (const p of fs.readdirSync(path.join(thisRoot, 'node_modules', '@kassa'))) {
    const link = path.join(nm, '@kassa', p);
    if (!fs.existsSync(link)) fs.symlinkSync(path.join(root, p), link);
  }
  return rev.stdout.trim();
}

function runSide(side: 'before' | 'after', root: string, label: string): { md: string; fig: Figures | null } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-ab-'));
  const out = path.join(tmp, 'out.md');
  const json = path.join(tmp, 'fig.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
    cwd: path.join(root, 'store-hub'),
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_LABEL: label, BENCH_OUT: out, BENCH_JSON: json },
  });
  if (r.status !== 0 || !fs.existsSync(json)) {
    // A side that collapses (connections refused past saturation) is a result, not the end of the run.
    fs.rmSync(tmp, { recursive: true, force: true });
    return { md: `### ${label}\n\nThe bench failed (exit ${r.status}); see its output above.\n`, fig: null };
  }
  const res = { md: fs.readFileSync(out, 'utf8'), fig: JSON.parse(fs.readFileSync(json, 'utf8')) as Figures };
  fs.rmSync(tmp, { recursive: true, force: true });
  return res;
}

const ms = (x: number | undefined): string =>
  x === undefined || Number.isNaN(x) ? '–' : `${x.toFixed(1)} ms`;

function summary(runs: { side: string; round: number; fig: Figures | null }[]): string[] {
  const kiosks = [...new Set(runs.flatMap((r) => r.fig?.levels.map((l) => l.kiosks) ?? []))];
  const rows = [
    `| run | ${kiosks.map((k) => `${k} kiosks: client p50 / p99 · hub p99 (load)`).join(' | ')} | largest kiosk count at client p99 < 50 ms (scans/s) | per-scan 5 / 60 lines (ratio) | end-to-end hub scans / raw commits, NORMAL | storage path / raw NORMAL: 1 kiosk · 20 kiosks (scans per commit) |`,
    `|---|${kiosks.map(() => '---|').join('')}---|---|---|---|`,
  ];
  for (const r of runs) {
    const f = r.fig;
    if (!f) {
      rows.push(
        `| ${r.side} (round ${r.round}) | ${kiosks.map(() => 'failed').join(' | ')} | – | – | – | – |`,
      );
      continue;
    }
    const cells = kiosks.map((k) => {
      const l = f.levels.find((x) => x.kiosks === k);
      return l
        ? `${ms(l.client.p50)} / ${ms(l.client.p99)} · ${ms(l.server.p99)} (${l.load.toFixed(1)})${l.errors ? `, ${l.errors} errors` : ''}`
        : '–';
    });
    rows.push(
      `| ${r.side} (round ${r.round}) | ${cells.join(' | ')} | ${f.best ? `${f.best.kiosks} (${f.best.scansPerSec.toFixed(1)}/s)` : 'none'} | ${f.c5.toFixed(2)} / ${f.c60.toFixed(2)} ms (${(f.c60 / f.c5).toFixed(2)}×) | ${f.hubCps.toFixed(0)} / ${f.rawNormal.toFixed(0)} = ${((100 * f.hubCps) / f.rawNormal).toFixed(0)} % | ${f.path1 !== undefined && f.pathMany ? `${((100 * f.path1) / f.rawNormal).toFixed(0)} % · ${((100 * f.pathMany.scansPerSec) / f.rawNormal).toFixed(0)} % (${f.pathMany.perCommit.toFixed(1)})` : 'n/a'} |`,
    );
  }
  return rows;
}

const beforeRev = prepareTree(beforeRoot);
const afterRev = prepareTree(afterRoot);
const runs: { side: string; round: number; md: string; fig: Figures | null }[] = [];
for (let round = firstRound; round < firstRound + rounds; round++) {
  const order: ('before' | 'after')[] = round % 2 === 1 ? ['before', 'after'] : ['after', 'before'];
  for (const side of order) {
    const label =
      side === 'before'
        ? `BEFORE (hub of ${beforeRev}), round ${round}`
        : `AFTER (hub of ${afterRev}${spawnSync('git', ['-C', afterRoot, 'diff', '--quiet', '--', 'store-hub/src', 'promo-core/src']).status ? ' + uncommitted changes' : ''}), round ${round}`;
    const r = runSide(side, side === 'before' ? beforeRoot : afterRoot, label);
    runs.push({ side, round, ...r });
  }
}
const lines = [
  `Before/after, interleaved (${rounds} round${rounds === 1 ? '' : 's'}), ${process.env.BENCH_VIEW === 'delta' ? 'delta answers and basket.version events' : 'full-basket answers'}: \`${[
    'BENCH_VIEW',
    'BENCH_LEVELS',
    'BENCH_WARMUP_S',
    'BENCH_MEASURE_S',
    'BENCH_ROUNDS',
  ]
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${process.env[k]}`)
    .join(' ')} npx tsx store-hub/bench/ab.ts\``,
  '',
  ...summary(runs),
  '',
  ...runs.map((r) => r.md),
];
console.log('\n' + lines.join('\n'));
if (process.env.BENCH_OUT) fs.writeFileSync(process.env.BENCH_OUT, lines.join('\n') + '\n');
