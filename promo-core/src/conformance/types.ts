/** One case's outcome in the conformance runner. `diff` lines are printed under a failing case. */
export interface CaseResult {
  id: string;
  passed: boolean;
  diff: string[];
}

/** A suite runs every case of one parsed case file (already JSON-parsed, not yet validated). */
export type SuiteRunner = (doc: unknown, file: string) => CaseResult[];
