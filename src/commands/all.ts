import { runService } from './run-service.js';

export const run = (args: string[]) => runService('all', { api: true, workers: true }, args);
