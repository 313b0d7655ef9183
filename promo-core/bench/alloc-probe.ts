/**
 * Allocation probe for scenario (a): bytes per evaluation for the typed result and the
 * priceBasket path, without the timing runs (quick to run while changing the engine).
 * Usage: npx tsx bench/alloc-probe.ts
 */
import { evaluateDetailed } from '../src';
import { evaluateBuilt } from '../src/promotions/evaluate';
import { evaluateRequestSchema } from '../src/promotions/request';
import { scenarioAInputs } from './sections/promotions';
import { measureWithAllocation, kb } from './stats';

const { req, set } = scenarioAInputs();
const built = evaluateRequestSchema.parse(req);
for (let round = 0; round < 2; round++) {
  const typed = measureWithAllocation(() => evaluateDetailed(req, set).result, { runs: 1500 });
  const inProcess = measureWithAllocation(() => evaluateBuilt(built, set).result, { runs: 1500 });
  console.log(
    `typed ${kb(typed.allocatedBytes)}  built ${kb(inProcess.allocatedBytes)}  p50 ${typed.median.toFixed(3)} ms  p99 ${typed.p99.toFixed(3)} ms`,
  );
}
