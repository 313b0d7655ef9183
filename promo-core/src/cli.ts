/**
 * promo-core CLI.
 *   promo-core evaluate [--promotions file.json] < request.json   → spec §12 response on stdout
 *   promo-core validate < promotions.json                         → every problem, exit 1 if any
 * The request may carry its promotions inline as `promotions`.
 */
import { readFileSync } from 'node:fs';
import { evaluate, validatePromotions } from './promotions';

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`${what} is not valid JSON: ${(err as Error).message}`, 'INVALID_JSON');
  }
}

function fail(message: string, code: string, details: unknown = null): never {
  process.stdout.write(
    JSON.stringify({ status: false, status_msg: message, error: { code, message, details } }) + '\n',
  );
  process.exit(1);
}

const [command, ...rest] = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};

switch (command) {
  case 'evaluate': {
    const request = parseJson(readStdin(), 'the request');
    const file = flag('--promotions');
    const promotions = file ? (parseJson(readFileSync(file, 'utf8'), file) as unknown[]) : undefined;
    const response = evaluate(request, promotions);
    process.stdout.write(JSON.stringify(response, null, rest.includes('--pretty') ? 2 : undefined) + '\n');
    process.exit(response.status ? 0 : 1);
    break;
  }
  case 'validate': {
    const r = validatePromotions(parseJson(readStdin(), 'the promotions'));
    if (r.ok) {
      process.stdout.write(JSON.stringify({ ok: true, count: r.promotions.length }) + '\n');
      process.exit(0);
    }
    fail(`${r.issues.length} problem(s) in the promotions`, 'INVALID_PROMOTIONS', r.issues);
    break;
  }
  default:
    process.stderr.write(
      'usage: promo-core evaluate [--promotions file.json] [--pretty] < request.json\n       promo-core validate < promotions.json\n',
    );
    process.exit(2);
}
