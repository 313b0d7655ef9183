/**
 * `hardware simulate scale`: an MT-SICS scale simulator on a pty, steered through a small JSON
 * state file so that another shell (or the demo's instructions) can put things on the platter:
 *   hardware simulate scale --port <pty> --state scale.json      keeps running, answers the host
 *   hardware simulate scale set --state scale.json 0.456kg        a settled 456 g
 *   hardware simulate scale set --state scale.json 1.2kg --moving still moving (S answers S I)
 *   hardware simulate scale set --state scale.json 0              empty
 * A file rather than a socket: it survives a restarted simulator and needs no port of its own.
 */
import { existsSync, readFileSync, renameSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { HardwareError } from '../errors';
import { ScaleSimulator, type ScaleSimState } from './scale-sim';

const stateFileSchema = z.object({
  grams: z.number().int().min(-1_000_000).max(1_000_000),
  stable: z.boolean().default(true),
  answers: z.boolean().default(true),
  busy: z.boolean().default(false),
});
type StateFile = z.output<typeof stateFileSchema>;

/** `0.456kg`, `456g`, `456` (grams), `empty` → whole grams; exact, no float rounding. */
export function parseWeightArg(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'empty' || t === 'off') return 0;
  const m = /^(-?\d+)(?:\.(\d{1,3}))?\s*(kg|g)?$/.exec(t);
  if (!m) throw new HardwareError('INVALID_CONFIG', `not a weight: ${text} (try 0.456kg or 456g)`);
  const [, whole, frac = '', unit = 'g'] = m;
  if (unit === 'g') {
    if (frac) throw new HardwareError('INVALID_CONFIG', `give grams as a whole number: ${text}`);
    return Number(whole);
  }
  const sign = whole!.startsWith('-') ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 1000 + Number(frac.padEnd(3, '0')));
}

function writeState(file: string, state: StateFile): void {
  // Written whole and renamed, so the simulator never reads half a file.
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  renameSync(tmp, file);
}

function readState(file: string): StateFile | null {
  try {
    return stateFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}

const describe = (s: Pick<ScaleSimState, 'grams' | 'stable'>): string =>
  `${(s.grams / 1000).toFixed(3)} kg${s.stable ? '' : ' (moving)'}`;

async function setScale(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      state: { type: 'string' },
      moving: { type: 'boolean', default: false },
      silent: { type: 'boolean', default: false },
      busy: { type: 'boolean', default: false },
    },
  });
  if (!values.state) throw new HardwareError('INVALID_CONFIG', '--state <file> is required');
  const [weight] = positionals;
  if (weight === undefined) throw new HardwareError('INVALID_CONFIG', 'give a weight, e.g. 0.456kg');
  const state: StateFile = {
    grams: parseWeightArg(weight),
    stable: !values.moving,
    answers: !values.silent,
    busy: values.busy ?? false,
  };
  writeState(values.state, state);
  console.log(
    `scale set to ${describe(state)}${state.answers ? '' : ', silent'}${state.busy ? ', busy' : ''}`,
  );
}

export async function simulateScale(args: string[], untilSignal: () => Promise<void>): Promise<void> {
  if (args[0] === 'set') return setScale(args.slice(1));
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      state: { type: 'string' },
      weight: { type: 'string', default: '0' },
      unit: { type: 'string', default: 'kg' },
      capacity: { type: 'string', default: '15kg' },
    },
  });
  if (!values.port) throw new HardwareError('INVALID_CONFIG', '--port is required');
  const unit = values.unit === 'g' ? 'g' : 'kg';
  const sim = new ScaleSimulator(values.port, {
    grams: parseWeightArg(values.weight ?? '0'),
    unit,
    capacityGrams: parseWeightArg(values.capacity ?? '15kg'),
  });
  const file = values.state;
  const apply = (): void => {
    if (!file) return;
    const s = readState(file);
    if (!s) return;
    const before = sim.state;
    sim.set(s);
    if (before.grams !== s.grams || before.stable !== s.stable) console.log(`platter: ${describe(s)}`);
  };
  if (file) {
    if (!existsSync(file))
      writeState(file, { grams: sim.state.grams, stable: true, answers: true, busy: false });
    apply();
    watchFile(file, { interval: 100 }, apply);
  }
  sim.on('command', (c) => {
    if (c !== 'SI') console.error(`host: ${c}`);
  });
  await sim.open();
  console.error(
    `scale simulator (MT-SICS) on ${values.port}${file ? `, state ${file}` : ''}; Ctrl-C to stop`,
  );
  await untilSignal();
  if (file) unwatchFile(file);
  await sim.close();
}
