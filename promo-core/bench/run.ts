/**
 * promo-core benchmarks: runs every section in bench/sections, prints the figures and
 * appends them with the machine and date to docs/benchmarks.md.
 * Usage: npm run bench -w promo-core [-- section-name ...]
 */
import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const docs = join(here, '..', '..', 'docs', 'benchmarks.md');
const only = process.argv.slice(2);

const files = readdirSync(join(here, 'sections'))
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
  .sort();

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
let out = `\n## promo-core — ${date} UTC\n\nMachine: ${machine}.\n`;
for (const f of files) {
  const mod = (await import(join(here, 'sections', f))) as {
    default: () => Promise<{ title: string; markdown: string }>;
  };
  console.error(`bench: ${f} …`);
  const { title, markdown } = await mod.default();
  const section = `\n### ${title}\n\n${markdown.trim()}\n`;
  process.stdout.write(section);
  out += section;
}
if (!existsSync(docs))
  writeFileSync(
    docs,
    '# Benchmarks\n\nFigures recorded by `npm run bench`; each section names its machine and date.\n',
  );
appendFileSync(docs, out);
console.error(`bench: recorded in ${docs}`);
