import type { Size } from './plan.js';
import type { Stage } from './stage.js';

/**
 * Voice rooms: every stream is mixed as sound (input_type 4) and takes no tile. The platform
 * still needs a picture size for an audio-only mix, so a small canvas is layer 1; DEMO-PY's
 * `demo_audio.py` uses 320×640 (reference §2.3).
 */
export const AUDIO_DEFAULT_CANVAS: Size = { width: 320, height: 640 };

export function audioStage(canvas: Size): Stage {
  return { canvas: { ...canvas }, cells: [] };
}
