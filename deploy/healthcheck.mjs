// The image's HEALTHCHECK, for every role: GET /healthz on the port the running role serves.
// The role is read off the main process's command line (`… cli.js sim`), so one image and one
// HEALTHCHECK fit api, worker and sim alike. Exit 0 = healthy, 1 = not.
import { readFileSync } from 'node:fs';

const pid = process.env.HEALTHCHECK_PID ?? '1';
let role = 'api';
try {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  role = args.find((arg) => ['api', 'worker', 'all', 'sim', 'dev'].includes(arg)) ?? role;
} catch {
  // No /proc (not Linux): assume the API's port.
}
const port = role === 'sim' ? (process.env.SIM_PORT ?? '9090') : (process.env.PORT ?? '8080');

try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
