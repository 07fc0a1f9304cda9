/**
 * NumPy broadcasting for binary ufuncs between DistArrays of different shapes or
 * distributions, NDArrays and scalars (docs/guide/14-indexing-broadcasting.md).
 *
 * The result takes the layout of the LEFTMOST DistArray operand whose shape is the
 * broadcast shape (the "leader"). Every other operand moves to match it:
 * - a DistArray of the same shape but another distribution is redistributed to the
 *   leader's distribution (engine to engine, `redistribute`);
 * - a DistArray of a smaller (broadcast) shape is redistributed to a layout on the
 *   leader's grid whose broadcast axes hold their one element on every position, so
 *   each engine receives only the part its piece needs;
 * - an NDArray is scattered in that same layout (each engine gets its part only).
 * The engines then broadcast locally (length-1 axes). When no DistArray has the result
 * shape, the first DistArray is first broadcast onto a new default distribution of the
 * result shape.
 */
import {
  type AxisMap,
  ContextError,
  DistArrayError,
  Distribution,
  NDArray,
  NoDistMap,
  type Scalar,
  UnstructuredMap,
} from "@distarray/engines/core";
import { ARRAY_OPS, type ScatterHeader } from "@distarray/engines/engine/ops/array-types";
import type { Context } from "./context.js";
import { DistArray } from "./distarray.js";
import { pieceOfIndices, withLeadingAxes } from "./distarray-index.js";
import { wrapNew } from "./distarray-ops.js";

/** A ufunc operand after alignment: a DistArray laid out for the leader, or a scalar. */
export type AlignedOperand = DistArray | Scalar;

/** The result of {@link alignOperands}. */
export interface AlignedOperands {
  /** The operand whose layout the result takes (it has the broadcast shape). */
  leader: DistArray;
  /** Every operand, in the order given, laid out to match `leader` (scalars unchanged). */
  operands: AlignedOperand[];
}

function shapesText(shapes: (readonly number[])[]): string {
  return shapes.map((s) => `(${s.join(",")})`).join(" ");
}

/** NumPy's broadcast shape, or a DA_ERR_SHAPE error naming the operand shapes. */
export function broadcastShapeOf(shapes: (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let k = 0; k < s.length; k++) {
      const axis = nd - s.length + k;
      const n = s[k]!;
      if (n === out[axis] || n === 1) continue;
      if (out[axis] !== 1) {
        throw new DistArrayError(
          `operands could not be broadcast together with shapes ${shapesText(shapes)}`,
          { code: "DA_ERR_SHAPE" },
        );
      }
      out[axis] = n;
    }
  }
  return out;
}

/**
 * The layout, on `leader`'s grid and targets, of an operand of shape `shape` (same number
 * of axes) broadcast against it: full axes keep the leader's map, length-1 axes hold their
 * one element on every grid position.
 */
export function broadcastLayout(leader: Distribution, shape: readonly number[]): Distribution {
  const maps: AxisMap[] = leader.maps.map((m, k) => {
    if (shape[k] === m.size) return m;
    if (m.gridSize === 1) return new NoDistMap(1);
    return new UnstructuredMap(
      Array.from({ length: m.gridSize }, () => [0]),
      1,
      false,
    );
  });
  return Distribution.fromMaps(leader.context, maps, leader.targets);
}

/** `x` laid out as `dist` (itself when it already is): redistributed engine to engine. */
function moveTo(x: DistArray, dist: Distribution): DistArray {
  if (x.distribution.isCompatible(dist)) return x;
  return x.redistribute(dist);
}

/** Scatters the parts of NDArray `x` (already with the leader's number of axes) in `dist`. */
function scatterParts(ctx: Context, x: NDArray, dist: Distribution): DistArray {
  const key = ctx.newKey();
  const args: ScatterHeader = { key, dtype: x.dtype, distribution: dist.toJSON() };
  const pieces = dist.targets.map((_, i) => {
    const local = dist.forRank(i);
    const idx = x.shape.map((_n, k) => local.globalIndices(k));
    return pieceOfIndices(x, idx).bytes;
  });
  ctx.sendOp(ARRAY_OPS.scatter, {
    targets: dist.targets,
    keys: [key],
    args: args as unknown as Record<string, unknown>,
    perTarget: (_t, i) => ({ buffers: [pieces[i]!] }),
  });
  return wrapNew(ctx, dist, x.dtype, key);
}

/**
 * Aligns the operands of a binary ufunc. Returns undefined when there is nothing to do
 * (no NDArray; every DistArray of one shape and distribution) or when the DistArrays are
 * of different contexts (the caller reports that).
 * @throws DistArrayError DA_ERR_SHAPE when the shapes do not broadcast.
 */
export function alignOperands(operands: readonly unknown[]): AlignedOperands | undefined {
  const arrays = operands.filter((o): o is DistArray => o instanceof DistArray);
  if (arrays.length === 0) return undefined;
  const ctx = arrays[0]!.context;
  if (arrays.some((a) => a.context !== ctx)) {
    throw new ContextError("the DistArrays belong to different contexts");
  }
  const hasNd = operands.some((o) => o instanceof NDArray);
  const firstDist = arrays[0]!.distribution;
  const same = (a: DistArray) =>
    a.distribution === firstDist || a.distribution.isCompatible(firstDist);
  if (!hasNd && arrays.every(same)) {
    return undefined;
  }
  const shapes = operands
    .filter((o) => o instanceof DistArray || o instanceof NDArray)
    .map((o) => (o as DistArray | NDArray).shape);
  const out = broadcastShapeOf(shapes);
  let leader = arrays.find((a) => a.shape.join() === out.join());
  const ops = [...operands];
  if (leader === undefined) {
    // No operand has the result shape: broadcast the first DistArray onto a default layout.
    const first = arrays[0]!;
    const dist = Distribution.fromShape(ctx, out);
    const zeros = ctx.zeros(dist, { dtype: "bool" });
    const placed =
      first.distribution.ndim < out.length ? withLeadingAxes(first, out.length) : first;
    const moved = moveTo(placed, broadcastLayout(dist, placed.shape));
    leader = zeros.add(moved);
    ops[ops.indexOf(first)] = leader;
  }
  const lead: DistArray = leader;
  const target = lead.distribution;
  const aligned = ops.map((o): AlignedOperand => {
    if (o === lead) return lead;
    if (o instanceof DistArray) {
      if (o.shape.join() === out.join()) return moveTo(o, target);
      const placed = o.ndim < out.length ? withLeadingAxes(o, out.length) : o;
      return moveTo(placed, broadcastLayout(target, placed.shape));
    }
    if (o instanceof NDArray) {
      const shape = [...new Array<number>(out.length - o.shape.length).fill(1), ...o.shape];
      const x = new NDArray({ dtype: o.dtype, shape, data: o.data });
      return scatterParts(ctx, x, broadcastLayout(target, shape));
    }
    return o as Scalar;
  });
  return { leader: lead, operands: aligned };
}
