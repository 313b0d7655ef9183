/**
 * The catalogue and the barcode rules do not import each other (issue 10): barcodes resolve
 * against the `ScanCatalog` shape, the catalogue indexes codes without knowing GTIN rules, and
 * src/catalog-scan.ts, above both, is where the two meet.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');
const imports = (dir: string): string[] =>
  readdirSync(join(src, dir))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [...readFileSync(join(src, dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map(
        (m) => `${dir}/${f} → ${m[1]}`,
      ),
    );

describe('module structure', () => {
  it('catalog/ imports nothing from barcodes/', () => {
    expect(imports('catalog').filter((i) => i.includes('barcodes'))).toEqual([]);
  });

  it('barcodes/ imports only the catalogue item types, never the index', () => {
    const fromCatalog = imports('barcodes').filter((i) => i.includes('/catalog'));
    expect(fromCatalog.every((i) => i.endsWith('→ ../catalog/schema'))).toBe(true);
    expect(fromCatalog.length).toBeGreaterThan(0);
  });
});
