/**
 * Where scenario (a)'s priceBasket-path allocation goes: a sampling heap profile of many
 * evaluateBuilt runs, summed per allocating function (self bytes) and divided by the runs.
 * Usage: npx tsx bench/alloc-profile.ts [runs] [built|typed]
 */
import { Session } from 'node:inspector/promises';
import { evaluateDetailed } from '../src';
import { evaluateBuilt } from '../src/promotions/evaluate';
import { evaluateRequestSchema } from '../src/promotions/request';
import { scenarioAInputs } from './sections/promotions';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const runs = Number(process.argv[2] ?? 2000);
const variant = process.argv[3] ?? 'built';
const { req, set } = scenarioAInputs();
const built = evaluateRequestSchema.parse(req);
const once =
  variant === 'typed' ? () => evaluateDetailed(req, set).result : () => evaluateBuilt(built, set).result;
for (let i = 0; i < 300; i++) once();

const session = new Session();
session.connect();
// A small interval so that even 16-byte objects are sampled often enough to add up.
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
let keep: unknown = null;
for (let i = 0; i < runs; i++) keep = once();
const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
  profile: { head: ProfileNode };
};
void keep;

const bySite = new Map<string, number>();
const name = (frame: ProfileNode['callFrame']): string => {
  const file = frame.url.split('/').slice(-2).join('/');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}:${frame.columnNumber}`;
};
// built-ins (Map.set, iterators' next, slice …) are named with their caller
const walk = (node: ProfileNode, parent: string): void => {
  const own = name(node.callFrame);
  const key = node.callFrame.url === '' ? `${own} ← ${parent}` : own;
  bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child, node.callFrame.url === '' ? parent : own);
};
walk(profile.head, '');
const rows = [...bySite].sort((a, b) => b[1] - a[1]);
const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0);
console.log(`${variant}: ${(total / runs / 1024).toFixed(1)} KB sampled per evaluation`);
for (const [site, bytes] of rows.slice(0, 45)) {
  console.log(`${(bytes / runs / 1024).toFixed(2).padStart(7)} KB  ${site}`);
}
