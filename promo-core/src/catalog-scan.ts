/**
 * Where the catalogue and the barcode rules meet. `barcodes/` resolves scans against the
 * `ScanCatalog` shape and knows nothing of `CatalogIndex`; `catalog/` indexes codes and knows
 * nothing of barcodes (GTIN forms are tried by the resolver, not indexed). This module, above
 * both, is the one place that states the catalogue index is such a catalogue: if either side
 * changes shape, it stops compiling here rather than at a caller.
 */
import type { ScanCatalog } from './barcodes/types';
import type { CatalogIndex } from './catalog/catalog-index';

/** The catalogue index as the barcode resolver sees it. */
export const scanCatalog = (index: CatalogIndex): ScanCatalog => index;
