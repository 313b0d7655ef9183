export * from './extension';
export * from './filters';
export * from './fleet';
export * from './kpis';
export * from './orders';
export * from './routes';
export * from './sales';
