export * from './audit';
export * from './compare';
