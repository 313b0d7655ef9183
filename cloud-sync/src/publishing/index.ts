export * from './validate';
export * from './publish';
export * from './sender';
