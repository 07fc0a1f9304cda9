/**
 * NumPy basic indexing, parsed and normalised: integers (the axis is dropped), slices
 * with start/stop/step (CPython's `slice.indices` rules, negative steps included), one
 * ellipsis and `null` (NumPy's `newaxis`). An index is given as a NumPy-style string
 * (`':-1, 2::2'`, `'..., 1'`, `':, None'`), as one item, or as an array of items.
 */
import { DistArrayError, IndexError } from "./errors.js";

/** A slice `start:stop:step`; `null` parts take their defaults. */
export class Slice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;

  constructor(start: number | null = null, stop: number | null = null, step: number | null = null) {
    for (const [name, v] of [
      ["start", start],
      ["stop", stop],
      ["step", step],
    ] as const) {
      if (v !== null && (typeof v !== "number" || !Number.isInteger(v))) {
        throw new TypeError(`slice ${name} must be an integer or null; got ${String(v)}`);
      }
    }
    this.start = start;
    this.stop = stop;
    this.step = step;
    Object.freeze(this);
  }

  /** `start:stop:step` as NumPy writes it (empty parts for null). */
  toString(): string {
    const p = (v: number | null): string => (v === null ? "" : String(v));
    return this.step === null
      ? `${p(this.start)}:${p(this.stop)}`
      : `${p(this.start)}:${p(this.stop)}:${p(this.step)}`;
  }
}

/**
 * `slice(stop)` or `slice(start, stop, step)`, as Python's `slice`: one argument is the
 * stop; `null`/omitted parts take their defaults.
 */
export function slice(
  startOrStop?: number | null,
  stop?: number | null,
  step?: number | null,
): Slice {
  if (stop === undefined && step === undefined) return new Slice(null, startOrStop ?? null, null);
  return new Slice(startOrStop ?? null, stop ?? null, step ?? null);
}

/** NumPy's `newaxis`: inserts an axis of length 1. */
export const newaxis = null;

/** NumPy's `Ellipsis`: as many full slices as the other items leave axes. */
export const ellipsis = "...";

/** One item of a basic index. */
export type IndexItem = number | Slice | null | typeof ellipsis;

/** What `at` and `setAt` accept: a NumPy-style string, one item, or an array of items. */
export type BasicIndex = string | IndexItem | readonly IndexItem[];

/** One step of a normalised index, in output order. */
export type AxisSelection =
  /** Base axis `axis` at one (non-negative) coordinate; the axis is dropped. */
  | { readonly kind: "int"; readonly axis: number; readonly index: number }
  /** Base axis `axis`: `length` coordinates `start, start + step, ...`. */
  | {
      readonly kind: "slice";
      readonly axis: number;
      readonly start: number;
      readonly step: number;
      readonly length: number;
    }
  /** A new axis of length 1. */
  | { readonly kind: "newaxis" };

/**
 * CPython's `slice.indices(length)`: `[start, stop, step]` clipped to the axis, and the
 * number of selected elements.
 * @throws DistArrayError DA_ERR_VALUE for a zero step.
 */
export function sliceIndices(
  s: Slice,
  length: number,
): { start: number; stop: number; step: number; length: number } {
  const step = s.step ?? 1;
  if (step === 0) throw new DistArrayError("slice step cannot be zero", { code: "DA_ERR_VALUE" });
  const lower = step < 0 ? -1 : 0;
  const upper = step < 0 ? length - 1 : length;
  const clip = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + length, lower);
    return Math.min(v, upper);
  };
  const start = clip(s.start, step < 0 ? upper : lower);
  const stop = clip(s.stop, step < 0 ? lower : upper);
  let n = 0;
  if (step > 0 && start < stop) n = Math.ceil((stop - start) / step);
  else if (step < 0 && stop < start) n = Math.ceil((start - stop) / -step);
  return { start, stop, step, length: n };
}

function parseInteger(text: string, whole: string): number {
  if (!/^[+-]?\d+$/.test(text)) {
    throw new DistArrayError(`invalid index '${whole}': '${text}' is not an integer`, {
      code: "DA_ERR_VALUE",
    });
  }
  return Number.parseInt(text, 10);
}

/**
 * Parses a NumPy-style index string: comma-separated items, each an integer, a slice
 * `start:stop:step` (any part may be empty), `...`, or `None`/`newaxis`. Whitespace is
 * ignored; surrounding brackets or parentheses are allowed. `''` is the empty index.
 * @throws DistArrayError DA_ERR_VALUE for text that is not such an index.
 */
export function parseIndexString(text: string): IndexItem[] {
  let s = text.trim();
  if ((s.startsWith("[") && s.endsWith("]")) || (s.startsWith("(") && s.endsWith(")"))) {
    s = s.slice(1, -1).trim();
  }
  if (s === "") return [];
  const parts = s.split(",").map((p) => p.trim());
  // A trailing comma (`'1,'`) is a one-item tuple, as in Python.
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts.map((p): IndexItem => {
    if (p === "...") return ellipsis;
    if (p === "None" || p === "newaxis" || p === "np.newaxis") return null;
    if (p.includes(":")) {
      const q = p.split(":").map((x) => x.trim());
      if (q.length > 3) {
        throw new DistArrayError(`invalid index '${text}': '${p}' has too many colons`, {
          code: "DA_ERR_VALUE",
        });
      }
      const num = (x: string | undefined): number | null =>
        x === undefined || x === "" ? null : parseInteger(x, text);
      return new Slice(num(q[0]), num(q[1]), num(q[2]));
    }
    if (p === "") {
      throw new DistArrayError(`invalid index '${text}': an item is empty`, {
        code: "DA_ERR_VALUE",
      });
    }
    return parseInteger(p, text);
  });
}

/** The items of any accepted index form. @throws TypeError for an item of another type. */
export function indexItems(index: BasicIndex): IndexItem[] {
  const items: unknown[] =
    typeof index === "string" && index !== ellipsis
      ? parseIndexString(index)
      : Array.isArray(index)
        ? [...index]
        : [index];
  for (const it of items) {
    if (it === null || it === ellipsis || it instanceof Slice) continue;
    if (typeof it === "number" && Number.isInteger(it)) continue;
    throw new TypeError(
      `only integers, slices (da.slice), ellipsis ('...') and newaxis (null) are valid indices; got ${typeof it === "object" ? JSON.stringify(it) : String(it)}`,
    );
  }
  return items as IndexItem[];
}

/**
 * Normalises a basic index against `shape`: the ellipsis (or the missing trailing items)
 * becomes full slices, integers are wrapped and checked, slices are clipped.
 * @throws IndexError for too many indices, an integer out of bounds or two ellipses;
 *   DistArrayError DA_ERR_VALUE for a zero slice step; TypeError for a bad item.
 */
export function normalizeBasicIndex(index: BasicIndex, shape: readonly number[]): AxisSelection[] {
  const items = indexItems(index);
  const ellipses = items.filter((it) => it === ellipsis).length;
  if (ellipses > 1) throw new IndexError("an index can only have a single ellipsis ('...')");
  const consumed = items.filter((it) => it !== null && it !== ellipsis).length;
  if (consumed > shape.length) {
    throw new IndexError(
      `too many indices for array: array is ${shape.length}-dimensional, but ${consumed} were indexed`,
    );
  }
  if (ellipses === 0) items.push(ellipsis);
  const out: AxisSelection[] = [];
  let axis = 0;
  for (const it of items) {
    if (it === null) {
      out.push({ kind: "newaxis" });
    } else if (it === ellipsis) {
      const fill = shape.length - consumed;
      for (let k = 0; k < fill; k++) {
        out.push({ kind: "slice", axis, start: 0, step: 1, length: shape[axis]! });
        axis++;
      }
    } else if (typeof it === "number") {
      const n = shape[axis]!;
      const g = it < 0 ? it + n : it;
      if (g < 0 || g >= n) {
        throw new IndexError(`index ${it} is out of bounds for axis ${axis} with size ${n}`);
      }
      out.push({ kind: "int", axis, index: g });
      axis++;
    } else {
      const r = sliceIndices(it, shape[axis]!);
      out.push({ kind: "slice", axis, start: r.start, step: r.step, length: r.length });
      axis++;
    }
  }
  return out;
}

/** The shape a normalised index gives. */
export function selectionShape(sel: readonly AxisSelection[]): number[] {
  const shape: number[] = [];
  for (const s of sel) {
    if (s.kind === "slice") shape.push(s.length);
    else if (s.kind === "newaxis") shape.push(1);
  }
  return shape;
}
