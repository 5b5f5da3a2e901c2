import { runService } from './run-service.js';

export const run = (args: string[]) => runService('api', { api: true, workers: false }, args);
