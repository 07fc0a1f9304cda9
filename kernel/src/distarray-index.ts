/**
 * Basic indexing of DistArrays: `a.at(index)` returns a view (sharing the engines' data)
 * and `await a.setAt(index, value)` assigns a scalar, an NDArray or a DistArray with NumPy
 * broadcasting. Index forms: a NumPy-style string (`':-1, 2::2'`, `'..., 1'`, `':, None'`),
 * or an item or array of items: integers, `slice(start, stop, step)`, `'...'`/`ellipsis`
 * and `null`/`newaxis` (engines/src/core/index-parse.ts). The view's distribution is derived
 * from the base's (engines/src/core/view.ts).
 */
import {
  type BasicIndex,
  ContextError,
  DistArrayError,
  DTYPE_INFO,
  isScalar,
  NDArray,
  normalizeBasicIndex,
  type TypedArray,
  viewDistribution,
} from "@distarray/engines/core";
import type { OpName } from "@distarray/engines/core/protocol";
import { scalarToWire } from "@distarray/engines/engine/ops/array-types";
import type { AssignHeader, ViewHeader } from "@distarray/engines/engine/ops/view-ops";
import { broadcastShapeOf } from "./broadcast.js";
import { DistArray } from "./distarray.js";
import { wrapNew } from "./distarray-ops.js";

export { ellipsis, newaxis, Slice, slice } from "@distarray/engines/core";

/** Handlers of index arrays and boolean masks in `at`/`setAt` (fancy indexing). */
export interface AdvancedIndexing {
  /** `a.at(index)` for an index array or a boolean mask (a DistArray, or a Promise of one). */
  at(a: DistArray, index: NDArray | DistArray): unknown;
  /** `a.setAt(index, value)` for an index array or a boolean mask. */
  setAt(a: DistArray, index: NDArray | DistArray, value: unknown): Promise<void>;
}

let advanced: AdvancedIndexing | undefined;

/** The installed handler of index arrays and masks, if any. */
export function advancedIndexing(): AdvancedIndexing | undefined {
  return advanced;
}

/** Installs the handler of NDArray/DistArray indices (index arrays, masks). */
export function setAdvancedIndexing(handler: AdvancedIndexing): void {
  advanced = handler;
}

/** The view `index` of `a` (pipelined: returns at once). */
export function viewOf(a: DistArray, index: BasicIndex): DistArray {
  const sel = normalizeBasicIndex(index, a.shape);
  const dist = viewDistribution(a.distribution, sel);
  const ctx = a.context;
  const newKey = ctx.newKey();
  const args: ViewHeader = { key: a.key, newKey, selection: sel, distribution: dist.toJSON() };
  ctx.sendOp("view" as OpName, {
    targets: dist.targets,
    keys: [newKey],
    args: args as unknown as Record<string, unknown>,
  });
  return wrapNew(ctx, dist, a.dtype, newKey);
}

/** `a` with leading length-1 axes up to `ndim` axes (a view). */
export function withLeadingAxes(a: DistArray, ndim: number): DistArray {
  const items: BasicIndex = [...new Array<null>(ndim - a.ndim).fill(null), "..."];
  return viewOf(a, items);
}

/**
 * The elements of C-order NDArray `x` at the per-axis indices `idx` (one list per axis;
 * an axis of length 1 in `x` always reads index 0), as packed bytes and their shape.
 */
export function pieceOfIndices(
  x: NDArray,
  idx: readonly ArrayLike<number>[],
): { bytes: Uint8Array; shape: number[] } {
  const nd = x.shape.length;
  const shape = x.shape.map((n, k) => (n === 1 ? 1 : idx[k]!.length));
  const { lanes, storage } = DTYPE_INFO[x.dtype];
  let size = 1;
  for (const s of shape) size *= s;
  const out = new storage(size * lanes) as TypedArray;
  if (size > 0) {
    const strides = new Array<number>(nd);
    let s = 1;
    for (let k = nd - 1; k >= 0; k--) {
      strides[k] = s;
      s *= x.shape[k]!;
    }
    const src = x.data as Float64Array;
    const dst = out as Float64Array;
    const pos = new Array<number>(nd).fill(0);
    for (let i = 0; i < size; i++) {
      let e = 0;
      for (let k = 0; k < nd; k++) e += (x.shape[k] === 1 ? 0 : idx[k]![pos[k]!]!) * strides[k]!;
      if (lanes === 2) {
        dst[2 * i] = src[2 * e]!;
        dst[2 * i + 1] = src[2 * e + 1]!;
      } else dst[i] = src[e]!;
      for (let k = nd - 1; k >= 0; k--) {
        if (++pos[k]! < shape[k]!) break;
        pos[k] = 0;
      }
    }
  }
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), shape };
}

async function assign(view: DistArray, header: AssignHeader): Promise<void> {
  await view.context.requestOp("assign" as OpName, {
    targets: view.targets,
    keys: [view.key],
    args: header as unknown as Record<string, unknown>,
  });
}

/** Writes `value` into the view `v` with NumPy broadcasting and assignment casting. */
export async function assignToView(v: DistArray, value: unknown): Promise<void> {
  if (isScalar(value)) {
    await assign(v, { key: v.key, scalar: scalarToWire(value) });
    return;
  }
  let nd: NDArray;
  if (value instanceof DistArray) {
    if (value.context !== v.context) {
      throw new ContextError("setAt: the value belongs to another context");
    }
    if (value.shape.join() === v.shape.join()) {
      // Same shape: the value moves to the view's layout engine to engine.
      const src = value.distribution.isCompatible(v.distribution)
        ? value
        : value.redistribute(v.distribution);
      await assign(v, { key: v.key, source: src.key });
      return;
    }
    // A value of a smaller (broadcast) shape comes through the client.
    nd = await value.toArray();
  } else if (value instanceof NDArray) {
    nd = value;
  } else if (Array.isArray(value)) {
    throw new TypeError("setAt: give nested values as an NDArray (da.array(...))");
  } else {
    throw new TypeError(`setAt: cannot assign a ${typeof value}`);
  }
  const out = broadcastShapeOf([nd.shape, v.shape]);
  if (out.join() !== v.shape.join()) {
    throw new DistArrayError(
      `could not broadcast input array from shape (${nd.shape.join(",")}) into shape (${v.shape.join(",")})`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  const shape = [...new Array<number>(v.ndim - nd.ndim).fill(1), ...nd.shape];
  const x = new NDArray({ dtype: nd.dtype, shape, data: nd.data });
  const dist = v.distribution;
  const parts = dist.targets.map((_, i) => {
    const local = dist.forRank(i);
    return pieceOfIndices(
      x,
      shape.map((_n, k) => local.globalIndices(k)),
    );
  });
  // Every engine gets its own piece (shape 1 on the axes it broadcasts along).
  await v.context.requestOp("assign" as OpName, {
    targets: dist.targets,
    keys: [v.key],
    args: { key: v.key },
    perTarget: (_t, i) => ({
      args: { piece: { dtype: x.dtype, shape: parts[i]!.shape } },
      buffers: [parts[i]!.bytes],
    }),
  });
}

/** Body of `a.setAt(index, value)`. */
export async function setAtImpl(a: DistArray, index: unknown, value: unknown): Promise<void> {
  if (index instanceof NDArray || index instanceof DistArray) {
    if (advanced === undefined) throw new TypeError("index arrays and masks are not available");
    return advanced.setAt(a, index, value);
  }
  await assignToView(viewOf(a, index as BasicIndex), value);
}
