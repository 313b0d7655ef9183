// Runs every workspace's tests one after another (as `npm run test --workspaces` did) and ends
// with a short summary: which packages passed, how long each took, and the failed tests' report
// from each failing package. CI shows only the tail of the output, so the tail is where the
// failure has to be; without this it showed the last package's green summary and exit code 1.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Outcome {
  name: string;
  code: number;
  seconds: number;
  failures: string[];
}

const root = join(import.meta.dirname, '..');
const workspaces = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;

// eslint-disable-next-line no-control-regex -- ANSI colour codes are control characters by definition
const ansi = /\u001b\[[0-9;]*m/g;

/** The lines worth repeating at the end: vitest's "Failed Tests" section, else every ✗/FAIL line. */
export function failureReport(output: string, maxLines = 120): string[] {
  const lines = output.replace(ansi, '').split('\n');
  const start = lines.findIndex(
    (l) => /⎯+ Failed Tests? \d+ ⎯+/.test(l) || /⎯+ Unhandled Errors? ⎯+/.test(l),
  );
  let picked: string[];
  if (start >= 0) {
    const end = lines.findIndex((l, i) => i > start && /^\s*Test Files\s/.test(l));
    picked = lines.slice(start, end < 0 ? undefined : end);
  } else {
    picked = lines.filter((l) => /\bFAIL\b|[×✗]|Error:/.test(l));
  }
  if (picked.length > maxLines) {
    picked = [...picked.slice(0, maxLines), `… ${picked.length - maxLines} more lines above in the log`];
  }
  return picked;
}

function run(name: string): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'test', '--if-present', '-w', name], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      out += chunk.toString();
    });
    child.on('close', (code, signal) => {
      const exit = code ?? (signal ? 1 : 0);
      resolve({
        name,
        code: exit,
        seconds: Math.round((Date.now() - started) / 1000),
        failures: exit === 0 ? [] : failureReport(out),
      });
    });
  });
}

async function main(): Promise<void> {
  const outcomes: Outcome[] = [];
  for (const name of workspaces) outcomes.push(await run(name));
  console.log('\n=== package tests ===');
  for (const o of outcomes) {
    console.log(`${o.code === 0 ? 'passed' : `FAILED (exit ${o.code})`}  ${o.name}  ${o.seconds} s`);
  }
  for (const o of outcomes.filter((x) => x.code !== 0)) {
    console.log(`\n--- ${o.name}: what failed ---`);
    console.log(
      o.failures.length > 0 ? o.failures.join('\n') : '(no vitest failure report; see the log above)',
    );
  }
  process.exitCode = outcomes.some((o) => o.code !== 0) ? 1 : 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) void main();
