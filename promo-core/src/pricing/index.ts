/** The one basket pricing pipeline (spec/store.md §4.3): contract and implementation. */
export * from './types';
