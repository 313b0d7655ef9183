import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runBarcodeSuite } from './suites/barcode';
import { runPromotionsSuite } from './suites/promotions';
import { runTaxSuite } from './suites/tax';
import type { CaseResult, SuiteRunner } from './types';

const SUITES: Record<string, SuiteRunner> = {
  promotions: runPromotionsSuite,
  tax: runTaxSuite,
  barcode: runBarcodeSuite,
};

/** Every *.json file under the given files and directories (recursively), sorted for a stable report. */
export function collectCaseFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else if (p.endsWith('.json')) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p);
  return out;
}

export function runFile(file: string): CaseResult[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return [{ id: file, passed: false, diff: [`cannot read or parse: ${(err as Error).message}`] }];
  }
  const suiteName =
    doc && typeof doc === 'object' && 'suite' in doc
      ? String((doc as { suite: unknown }).suite)
      : 'promotions';
  const suite = SUITES[suiteName];
  if (!suite) return [{ id: file, passed: false, diff: [`unknown suite "${suiteName}"`] }];
  try {
    return suite(doc, file);
  } catch (err) {
    return [{ id: file, passed: false, diff: [`suite crashed: ${(err as Error).stack ?? String(err)}`] }];
  }
}

export interface ConformanceReport {
  passed: number;
  failed: number;
  failures: CaseResult[];
}

export function runConformance(paths: string[]): ConformanceReport {
  const failures: CaseResult[] = [];
  let passed = 0;
  for (const file of collectCaseFiles(paths)) {
    for (const r of runFile(file)) {
      if (r.passed) passed++;
      else failures.push({ ...r, id: `${file} › ${r.id}` });
    }
  }
  return { passed, failed: failures.length, failures };
}
