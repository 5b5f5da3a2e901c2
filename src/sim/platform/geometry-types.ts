/** Geometry in output pixels, as the platform resolves a request. */

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One input of a session with its geometry resolved to output pixels. */
export interface ResolvedInput {
  streamId: string;
  layer: number;
  inputType: number;
  /** Where the picture lands on the output; absent for audio-only inputs. */
  rect?: Rect;
  /** The region of the source kept before scaling, in source pixels. */
  crop?: Rect;
  /** Canvas colour, `0xRRGGBB`. */
  color?: string;
  pictureId?: number;
  /** The stream's resolution when the layout was resolved. */
  source?: Size;
}

export interface ResolvedLayout {
  /** The output picture: the background's size. */
  canvas: Size;
  /** In layer order, background first. */
  inputs: ResolvedInput[];
  /** Some tile came from a template default, whose real geometry Tencent does not publish. */
  approximate: boolean;
}
