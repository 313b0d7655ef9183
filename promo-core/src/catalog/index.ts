/** Catalogue model, schemas and the constant-time code index (spec/store.md §1.2). */
export * from './schema';
export * from './catalog-index';
export * from './regulations';
export * from './csv';
