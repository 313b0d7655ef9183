// Worker entry: the project runs TypeScript through tsx (no build step), so a worker thread
// registers tsx's loader before importing its TypeScript module.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
