export * from './apply';
export * from './projection';
export * from './recompute';
