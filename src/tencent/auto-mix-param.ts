/**
 * Tencent's automatic mixing parameter on a push URL (seed, "自动混流"):
 * `mixv2=t_id:1;session_id:<id>;layer:b|s`. `session_id` names the mix, `layer:b` is the big
 * picture (the anchor), `layer:s` a small one (a co-anchor), `t_id:1` a picture-in-picture,
 * `t_id:2` a voice-only mix. The platform mixes only two streams this way; mixkeeper reads the same
 * parameter as room membership, so such an app gets rooms of any size without a client change.
 * Only the format lives here; what it means for a room is src/rooms/membership.ts's.
 */
export interface AutoMixParam {
  /** 1: picture-in-picture; 2: audio only. */
  templateId: 1 | 2;
  sessionId: string;
  layer: 'b' | 's';
}

export type AutoMixResult = { ok: true; param: AutoMixParam } | { ok: false; why: string };

/** Parses the value of `mixv2`; fields in any order, separated by `;`, each `name:value`. */
export function parseAutoMixParam(value: string): AutoMixResult {
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf(':');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!fields.has(name)) fields.set(name, part.slice(at + 1).trim());
  }
  const sessionId = fields.get('session_id');
  if (!sessionId) return { ok: false, why: 'mixv2 has no session_id' };
  const t = fields.get('t_id') ?? '1';
  if (t !== '1' && t !== '2') return { ok: false, why: `mixv2 t_id ${JSON.stringify(t)} is neither 1 nor 2` };
  const layer = fields.get('layer') ?? 's';
  if (layer !== 'b' && layer !== 's')
    return { ok: false, why: `mixv2 layer ${JSON.stringify(layer)} is neither b nor s` };
  return { ok: true, param: { templateId: t === '2' ? 2 : 1, sessionId, layer } };
}
