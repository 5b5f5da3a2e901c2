import { runService } from './run-service.js';

export const run = (args: string[]) => runService('worker', { api: false, workers: true }, args);
