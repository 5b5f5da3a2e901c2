/**
 * One audit entry in a line of words, for the timeline and `mixkeeper room`. Unknown entry types
 * fall back to their fields, so a new kind of entry shows up before anyone teaches this file.
 */
export interface AuditLike {
  at: number;
  v: number;
  type: string;
  [detail: string]: unknown;
}

export function auditLine(entry: AuditLike): string {
  const s = (key: string) => (entry[key] === undefined ? '' : String(entry[key]));
  switch (entry.type) {
    case 'callback': {
      const reason =
        entry.errcode !== undefined && `errcode ${s('errcode')}${entry.errmsg ? `: ${s('errmsg')}` : ''}`;
      const extra = [entry.notes, entry.unmixable && `unmixable: ${s('unmixable')}`, reason].filter(Boolean);
      return `${s('kind')} ${s('stream')} (seq ${s('seq')}) → ${s('outcome')}${extra.length ? `; ${extra.join('; ')}` : ''}`;
    }
    case 'decision':
      return `${s('decision')}${entry.until !== undefined ? ` until ${clock(Number(entry.until))}` : ''}: ${s('reason')}`;
    case 'request': {
      const causes =
        Array.isArray(entry.causes) && entry.causes.length ? ` (after ${entry.causes.join(', ')})` : '';
      return `${s('op')} ${s('session')}: ${s('reason')}${causes}${tiles(entry)}`;
    }
    case 'answer':
      return `${s('op')} answered ${s('code')}${entry.code === 0 ? ' (ok)' : ''} in ${s('ms')} ms`;
    case 'config':
      return `config set: ${JSON.stringify(entry.config ?? {})}`;
    case 'operator':
      return operatorLine(entry);
    case 'webhook': {
      const answer = entry.status ? `HTTP ${s('status')}` : s('error') || 'no answer';
      return `webhook ${s('event')} → ${s('endpoint')}: ${s('outcome')} (${answer}, attempt ${s('attempt')}, ${s('ms')} ms)`;
    }
    default:
      return fields(entry);
  }
}

/**
 * What a start asked for: what an update changed (the plan's scalars, then its inputs: `+` added,
 * `~` changed, `-` removed), or all the inputs of a new session.
 */
function tiles(entry: AuditLike): string {
  if (Array.isArray(entry.changes)) {
    const changes = entry.changes.map(String);
    const inputs = changes.some((change) => /^[+~-]/.test(change)) ? [] : ['inputs unchanged'];
    return `; ${[...changes, ...inputs].join(', ')}`;
  }
  if (Array.isArray(entry.inputs)) return `; inputs ${entry.inputs.join(', ')}`;
  return '';
}

function operatorLine(entry: AuditLike): string {
  switch (entry.action) {
    case 'override':
      return `override ${JSON.stringify(entry.config ?? {})} until ${clock(Number(entry.until))}`;
    case 'override-ended':
      return 'override ended by an operator';
    case 'reconcile':
      return `reconcile forced by an operator${entry.cleared ? ' (failure cleared)' : ''}`;
    case 'delete':
      return 'deletion requested by an operator';
    default:
      return fields(entry);
  }
}

function fields(entry: AuditLike): string {
  const { at: _at, v: _v, type: _type, ...rest } = entry;
  const text = JSON.stringify(rest);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** `12:34:56.789` UTC. */
export function clock(at: number): string {
  return Number.isFinite(at) ? new Date(at).toISOString().slice(11, 23) : '?';
}
