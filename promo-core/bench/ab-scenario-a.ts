/**
 * Same-run A/B of promotions scenario (a) (25-line basket, 5,000 promotions) against an
 * older engine, imported side by side in one process: allocation per evaluation does not
 * depend on the machine's load, timings do, so both engines run interleaved under the same load.
 *
 *   git archive <commit> promo-core | tar -x -C /tmp/engine-before
 *   ln -s "$PWD/node_modules" /tmp/engine-before/node_modules
 *   npx tsx promo-core/bench/ab-scenario-a.ts /tmp/engine-before [evaluations per variant]
 *
 * A second table matches the slowest 1 % of evaluations with the collections that ran
 * (PerformanceObserver 'gc' entries; the same counts `node --trace-gc` prints), per engine.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as after from '../src';
import * as afterEval from '../src/promotions/evaluate';
import { evaluateRequestSchema } from '../src/promotions/request';
import { scenarioAInputs } from './sections/promotions';
import {
  kb,
  measureWithAllocation,
  ms,
  recordCollections,
  stampRuns,
  summarise,
  tailAgainstCollections,
  type TimingWithAllocation,
} from './stats';

const root = process.argv[2];
if (!root) throw new Error('usage: ab-scenario-a.ts <root of an archived tree with promo-core/> [runs]');
const runs = Number(process.argv[3] ?? 3000);
const before = (await import(join(root, 'promo-core/src/index.ts'))) as typeof after;
const beforeEval = (await import(join(root, 'promo-core/src/promotions/evaluate.ts'))) as typeof afterEval;

const { req, promos } = scenarioAInputs();
const setAfter = after.createPromotionSet(promos);
const setBefore = before.createPromotionSet(promos);
const built = evaluateRequestSchema.parse(req);
const same =
  JSON.stringify(after.evaluate(req, setAfter)) === JSON.stringify(before.evaluate(req, setBefore));
console.log(`identical wire response: ${same}`);

const variants: [string, () => unknown, () => unknown][] = [
  [
    'typed result (`evaluateDetailed(…).result`, request validated)',
    () => before.evaluateDetailed(req, setBefore).result,
    () => after.evaluateDetailed(req, setAfter).result,
  ],
  [
    'request built in-process (`evaluateBuilt`, the priceBasket path)',
    () => beforeEval.evaluateBuilt(built, setBefore).result,
    () => afterEval.evaluateBuilt(built, setAfter).result,
  ],
  [
    'wire response (`evaluate`, spec §12 JSON)',
    () => before.evaluate(req, setBefore),
    () => after.evaluate(req, setAfter),
  ],
];
const rows = [
  '| scenario (a) | engine | p50 | p95 | p99 | allocated per evaluation | evaluations with a GC |',
  '|---|---|---|---|---|---|---|',
];
for (const [name, runBefore, runAfter] of variants) {
  // two interleaved halves each (before, after, before, after); figures are their means
  const b: TimingWithAllocation[] = [];
  const a: TimingWithAllocation[] = [];
  for (let k = 0; k < 2; k++) {
    b.push(measureWithAllocation(runBefore, { runs: runs / 2 }));
    a.push(measureWithAllocation(runAfter, { runs: runs / 2 }));
  }
  for (const [tag, rs] of [
    ['before', b],
    ['after', a],
  ] as const) {
    const mean = (f: (t: TimingWithAllocation) => number) => (f(rs[0]!) + f(rs[1]!)) / 2;
    rows.push(
      `| ${name} | ${tag} | ${ms(mean((t) => t.median))} | ${ms(mean((t) => t.p95))} | ${ms(mean((t) => t.p99))} | ${kb(mean((t) => t.allocatedBytes))} | ${(mean((t) => t.gcShare) * 100).toFixed(1)} % |`,
    );
  }
}
console.log(rows.join('\n'));

// The tail against the collector: 5,000 stamped evaluations per engine and variant, in the
// order before, after, before, after (so both meet the same load), default heap.
const tailRuns = Number(process.argv[4] ?? 5000);
const tail = [
  '',
  `| scenario (a), ${tailRuns} evaluations | engine | p50 | p99 | scavenges | slowest 1 % overlapping a scavenge | mark-compacts |`,
  '|---|---|---|---|---|---|---|',
];
for (const [name, runBefore, runAfter] of variants.slice(0, 2)) {
  for (const [tag, fn] of [
    ['before', runBefore],
    ['after', runAfter],
  ] as const) {
    for (let i = 0; i < 500; i++) fn();
    const rec = recordCollections();
    const stamps = stampRuns(fn, tailRuns);
    const spans = await rec.stop();
    const t = tailAgainstCollections(stamps, spans);
    const times = Array.from(stamps.end, (e, i) => e - stamps.start[i]!);
    const sum = summarise(times);
    tail.push(
      `| ${name.split(' (')[0]} | ${tag} | ${ms(sum.median)} | ${ms(sum.p99)} | ${t.scavenges} | ${t.slowestWithScavenge} of ${t.slowest} | ${t.markCompacts} |`,
    );
  }
}
console.log(tail.join('\n'));
console.log(
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
