/**
 * Just enough of Source Map v3 to map a position back: decode `mappings` (Base64 VLQ) and look
 * up the source line and column of a generated position. Used to report runtime errors at the
 * lines of the cell, through the two compile steps tslab makes (TypeScript -> ES module ->
 * CommonJS), each of which appends an inline map.
 */

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Map([...BASE64].map((c, i) => [c, i] as const));
const VLQ_CONTINUATION = 32;
const VLQ_MASK = 31;

/** One mapping segment: generated column, source line, source column (all zero-based). */
export interface Segment {
  column: number;
  sourceLine: number;
  sourceColumn: number;
}

/** Decodes one VLQ group (e.g. "AAgBC") into its signed integers. */
export function decodeVlq(group: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of group) {
    const digit = BASE64_VALUE.get(c);
    if (digit === undefined) throw new SyntaxError(`not a base64 VLQ digit: ${c}`);
    value += (digit & VLQ_MASK) << shift;
    if (digit & VLQ_CONTINUATION) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

/** Decodes `mappings` into segments per generated line (segments without a source are dropped). */
export function decodeMappings(mappings: string): Segment[][] {
  let sourceLine = 0;
  let sourceColumn = 0;
  return mappings.split(";").map((line) => {
    let column = 0;
    const segs: Segment[] = [];
    for (const group of line.split(",")) {
      if (group === "") continue;
      const f = decodeVlq(group);
      column += f[0]!;
      if (f.length < 4) continue;
      sourceLine += f[2]!;
      sourceColumn += f[3]!;
      segs.push({ column, sourceLine, sourceColumn });
    }
    return segs;
  });
}

/** A decoded map answering "where did this generated position come from". */
export class SourceMap {
  readonly #lines: Segment[][];

  constructor(mappings: string) {
    this.#lines = decodeMappings(mappings);
  }

  /**
   * The source position of a zero-based generated position: the last segment at or before the
   * column on that line (or the line's first segment), undefined when the line has none.
   */
  lookup(line: number, column: number): { line: number; column: number } | undefined {
    const segs = this.#lines[line];
    if (!segs || segs.length === 0) return undefined;
    let best = segs[0]!;
    for (const s of segs) {
      if (s.column > column) break;
      best = s;
    }
    return { line: best.sourceLine, column: best.sourceColumn };
  }
}

const INLINE_MAP =
  /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)/g;

/** The `mappings` of every inline source map comment in `code`, in order. */
export function inlineMappings(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(INLINE_MAP)) {
    try {
      const map = JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8")) as {
        mappings?: unknown;
      };
      if (typeof map.mappings === "string") out.push(map.mappings);
    } catch {
      // not a map we can read: skip it
    }
  }
  return out;
}
