import { existsSync } from 'node:fs';
import { runConformance } from './runner';

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: npm run conformance -- <file-or-directory> [more ...]');
  process.exit(2);
}
const missing = paths.filter((p) => !existsSync(p));
const report = runConformance(paths.filter((p) => existsSync(p)));
for (const p of missing) {
  report.failed++;
  report.failures.push({ id: p, passed: false, diff: ['no such file or directory'] });
}
for (const f of report.failures) {
  console.log(`FAIL ${f.id}`);
  for (const line of f.diff) console.log(`     ${line}`);
}
console.log(`conformance: ${report.passed} passed, ${report.failed} failed`);
process.exit(report.failed === 0 ? 0 : 1);
