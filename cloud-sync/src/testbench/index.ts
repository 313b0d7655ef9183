export * from './replay';
export * from './runner';
export * from './store-data';
