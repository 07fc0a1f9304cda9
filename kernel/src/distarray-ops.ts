/**
 * The client halves of the array ops: each function validates nothing more (DistArray
 * and the Context creation methods did), builds the op header (engines/src/engine/ops/
 * array-types.ts), sends it to the array's targets through the Context, and wraps or
 * decodes the result.
 *
 * Pipelined ops (new arrays) return a DistArray at once; requests return Promises.
 */
import {
  allocate,
  ContextError,
  DistArrayError,
  Distribution,
  DTYPE_INFO,
  type DType,
  IndexError,
  NDArray,
  type Scalar,
  type TypedArray,
} from "@distarray/engines/core";
import type { OpName } from "@distarray/engines/core/protocol";
import { product } from "@distarray/engines/core/shape";
import {
  ARRAY_OPS,
  type AstypeHeader,
  type FillHeader,
  type GatherReply,
  type GetItemHeader,
  type GetItemReply,
  type MetaReply,
  type OperandWire,
  type ReduceHeader,
  type ReduceOpName,
  type SetItemHeader,
  type SetItemReply,
  scalarFromWire,
  scalarToWire,
  type UfuncHeader,
} from "@distarray/engines/engine/ops/array-types";
import { Context, type OpReply, type OpRequestOptions, type OpSendOptions } from "./context.js";
import { DistArray } from "./distarray.js";

function newArrayKey(ctx: Context): string {
  return ctx.newKey();
}

/** Op options whose `args` is one of the typed headers of array-types.ts. */
type WithHeader<O> = Omit<O, "args"> & { args: object };

function pipelineOp(ctx: Context, op: string, options: WithHeader<OpSendOptions>): void {
  ctx.sendOp(op as OpName, options as OpSendOptions);
}

function requestOp(
  ctx: Context,
  op: string,
  options: WithHeader<OpRequestOptions>,
): Promise<OpReply[]> {
  return ctx.requestOp(op as OpName, options as OpRequestOptions);
}

/** Wraps a key the engines are creating as a DistArray, tracked so the client frees it when dropped. */
export function wrapNew(
  context: Context,
  distribution: Distribution,
  dtype: DType,
  key: string,
): DistArray {
  const a = new DistArray({ context, distribution, dtype, key });
  const bytes = product(distribution.shape) * DTYPE_INFO[dtype].itemsize;
  context.track(a, key, distribution.targets, bytes);
  return a;
}

export function sendUfunc(
  first: DistArray,
  name: string,
  operands: readonly (DistArray | Scalar)[],
  dtype: DType,
): DistArray {
  const ctx = first.context;
  const newKey = newArrayKey(ctx);
  const wire: OperandWire[] = operands.map((o) =>
    o instanceof DistArray ? { key: o.key } : { scalar: scalarToWire(o) },
  );
  // Errors are recorded against the array being made, not the operands (which stay valid);
  // an operand that failed to be made fails this op with its own error on the engines.
  const keys = [newKey];
  const args: UfuncHeader = { name, newKey, dtype, operands: wire };
  pipelineOp(ctx, ARRAY_OPS.ufunc, { targets: first.targets, keys, args });
  return wrapNew(ctx, first.distribution, dtype, newKey);
}

export function sendReduce(
  a: DistArray,
  r: {
    op: ReduceOpName;
    axes: number[];
    dtype: DType;
    accumulate: DType | undefined;
    out: Distribution;
  },
): DistArray {
  const ctx = a.context;
  const newKey = newArrayKey(ctx);
  const args: ReduceHeader = {
    op: r.op,
    key: a.key,
    newKey,
    axes: r.axes,
    dtype: r.dtype,
    out: r.out.toJSON(),
  };
  if (r.accumulate !== undefined) args.accumulate = r.accumulate;
  pipelineOp(ctx, ARRAY_OPS.reduce, { targets: a.targets, keys: [newKey], args });
  return wrapNew(ctx, r.out, r.dtype, newKey);
}

export function astypeArray(a: DistArray, dtype: DType): DistArray {
  const ctx = a.context;
  const newKey = newArrayKey(ctx);
  const args: AstypeHeader = { key: a.key, newKey, dtype };
  const op = dtype === a.dtype ? ARRAY_OPS.copy : ARRAY_OPS.astype;
  pipelineOp(ctx, op, { targets: a.targets, keys: [newKey], args });
  return wrapNew(ctx, a.distribution, dtype, newKey);
}

export async function fillArray(a: DistArray, value: Scalar): Promise<void> {
  const args: FillHeader = { key: a.key, value: scalarToWire(value) };
  await requestOp(a.context, ARRAY_OPS.fill, { targets: a.targets, keys: [a.key], args });
}

export async function getItem(a: DistArray, index: number[]): Promise<Scalar> {
  const targets = a.distribution.owningTargets(index);
  const args: GetItemHeader = { key: a.key, index };
  const replies = await requestOp(a.context, ARRAY_OPS.getitem, { targets, keys: [a.key], args });
  for (const r of replies) {
    const rep = r.result as GetItemReply;
    if (rep.found && rep.value !== undefined) return scalarFromWire(rep.value);
  }
  throw new IndexError(`index [${index.join(", ")}] is owned by no engine of this array`);
}

export async function setItem(a: DistArray, index: number[], value: Scalar): Promise<void> {
  const targets = a.distribution.owningTargets(index);
  const args: SetItemHeader = { key: a.key, index, value: scalarToWire(value) };
  const replies = await requestOp(a.context, ARRAY_OPS.setitem, { targets, keys: [a.key], args });
  if (!replies.some((r) => (r.result as SetItemReply).found)) {
    throw new IndexError(`index [${index.join(", ")}] is owned by no engine of this array`);
  }
}

export async function localShapesOf(a: DistArray): Promise<number[][]> {
  const replies = await requestOp(a.context, ARRAY_OPS.localShapes, {
    targets: a.targets,
    keys: [a.key],
    args: { key: a.key },
  });
  return replies.map((r) => (r.result as MetaReply).localShape);
}

/** The local pieces of `a` as raw replies in target order (one round trip). */
async function fetchPieces(a: DistArray, op: string) {
  return requestOp(a.context, op, { targets: a.targets, keys: [a.key], args: { key: a.key } });
}

function pieceArray(dtype: DType, shape: number[], bytes: Uint8Array | undefined): TypedArray {
  let n = 1;
  for (const s of shape) n *= s;
  const { storage, lanes, itemsize } = DTYPE_INFO[dtype];
  if (bytes === undefined || n === 0) return allocate(dtype, n);
  if (bytes.byteLength !== n * itemsize) {
    throw new IndexError(
      `a gathered piece has ${bytes.byteLength} bytes; shape [${shape}] needs ${n * itemsize}`,
      {
        code: "DA_ERR_PROTOCOL",
      },
    );
  }
  if (bytes.byteOffset % storage.BYTES_PER_ELEMENT === 0) {
    return new storage(bytes.buffer as ArrayBuffer, bytes.byteOffset, n * lanes);
  }
  const copy = new Uint8Array(bytes);
  return new storage(copy.buffer, 0, n * lanes);
}

export async function gatherPieces(a: DistArray): Promise<NDArray[]> {
  const replies = await fetchPieces(a, ARRAY_OPS.getNdarrays);
  return replies.map((r) => {
    const rep = r.result as GatherReply;
    return new NDArray({
      data: pieceArray(rep.dtype, rep.localShape, r.buffers[0]),
      shape: rep.localShape,
      dtype: rep.dtype,
    });
  });
}

/**
 * Gathers `a` into one NDArray in one round trip: each engine sends its local buffer. A
 * piece that is one contiguous range of the result (e.g. a block on axis 0) is received
 * straight into the result buffer, piece by piece; any other piece is written into its
 * global positions afterwards (runs along the last axis with `TypedArray.set`).
 */
export async function gatherArray(a: DistArray): Promise<NDArray> {
  const dist = a.distribution;
  const shape = dist.shape;
  const dtype = a.dtype;
  const { lanes, itemsize } = DTYPE_INFO[dtype];
  const out = allocate(dtype, a.size);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const ndim = shape.length;
  const strides = new Array<number>(ndim);
  let s = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  const targets = a.targets;
  const gidxOf = (i: number): ArrayLike<number>[] => {
    const local = dist.forRank(i);
    const g: ArrayLike<number>[] = [];
    for (let d = 0; d < ndim; d++) g.push(local.globalIndices(d));
    return g;
  };
  const direct = targets.map((_, i) => sliceOffset(dist.forRank(i).maps, shape, strides));
  const received = new Set<number>();
  const replies = await requestOp(a.context, ARRAY_OPS.gather, {
    targets,
    keys: [a.key],
    args: { key: a.key },
    destination: (target, bufferIndex, byteLength) => {
      const i = targets.indexOf(target);
      const at = direct[i];
      if (bufferIndex !== 0 || at === undefined || at < 0) return undefined;
      const start = at * itemsize;
      if (start + byteLength > outBytes.byteLength) return undefined;
      received.add(i);
      return outBytes.subarray(start, start + byteLength);
    },
  });
  replies.forEach((r, i) => {
    if (received.has(i) && r.buffers[0]?.buffer === out.buffer) return;
    const rep = r.result as GatherReply;
    const local = pieceArray(dtype, rep.localShape, r.buffers[0]);
    if (local.length === 0) return;
    if (ndim === 0) {
      (out as Float64Array).set(local as Float64Array);
      return;
    }
    scatterInto(out, local, gidxOf(i), strides, lanes);
  });
  return new NDArray({ data: out, shape, dtype });
}

/**
 * The flat element offset where a piece starts if it is one contiguous C-order range of the
 * global array (leading axes of length 1, one contiguous axis, full trailing axes), else -1.
 * Read from each axis's global slice, so no per-element index array is built.
 */
export function sliceOffset(
  maps: readonly { globalSlice(): { start: number; stop: number; step: number } | null }[],
  shape: readonly number[],
  strides: number[],
): number {
  const ndim = shape.length;
  if (ndim === 0) return 0;
  const slices = [];
  for (const m of maps) {
    const sl = m.globalSlice();
    if (sl === null) return -1;
    const len = sl.step > 0 ? Math.max(0, Math.ceil((sl.stop - sl.start) / sl.step)) : 0;
    if (len === 0) return -1;
    slices.push({ start: sl.start, step: sl.step, len });
  }
  let k = ndim - 1;
  // Trailing axes that are complete, in order.
  while (k >= 0) {
    const sl = slices[k]!;
    if (sl.len !== shape[k] || sl.start !== 0 || (sl.step !== 1 && sl.len > 1)) break;
    k--;
  }
  if (k >= 0) {
    const sl = slices[k]!;
    if (sl.step !== 1 && sl.len > 1) return -1;
    for (let d = 0; d < k; d++) if (slices[d]!.len !== 1) return -1;
  }
  let off = 0;
  for (let d = 0; d <= k; d++) off += slices[d]!.start * strides[d]!;
  return off;
}

/** Writes a local C-order piece into a global C-order buffer at the given per-axis global indices. */
function scatterInto(
  out: TypedArray,
  local: TypedArray,
  gidx: ArrayLike<number>[],
  strides: number[],
  lanes: number,
): void {
  const ndim = gidx.length;
  const last = ndim - 1;
  const inner = gidx[last]!;
  const innerLen = inner.length;
  // Is the last axis a contiguous run of global indices?
  let contiguous = true;
  for (let i = 1; i < innerLen; i++) {
    if (inner[i] !== inner[0]! + i) {
      contiguous = false;
      break;
    }
  }
  const o = out as Float64Array;
  const l = local as Float64Array;
  const idx = new Array<number>(ndim).fill(0);
  let pos = 0;
  for (;;) {
    let base = 0;
    for (let d = 0; d < last; d++) base += gidx[d]![idx[d]!]! * strides[d]!;
    if (contiguous) {
      const start = (base + inner[0]!) * lanes;
      o.set(l.subarray(pos, pos + innerLen * lanes), start);
      pos += innerLen * lanes;
    } else if (lanes === 1) {
      for (let i = 0; i < innerLen; i++) o[base + inner[i]!] = l[pos++]!;
    } else {
      for (let i = 0; i < innerLen; i++) {
        const at = (base + inner[i]!) * 2;
        o[at] = l[pos++]!;
        o[at + 1] = l[pos++]!;
      }
    }
    let d = last - 1;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! < gidx[d]!.length) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/**
 * Body of `DistArray.fromLocalArrays`. The wrapper does not own the key (the engines' arrays
 * stay when it is garbage collected) unless `own` is set, as for the new key of an `apply`
 * result.
 */
export async function fromLocalArraysImpl(
  key: string,
  options: {
    context?: Context;
    distribution?: Distribution;
    dtype?: DType;
    targets?: readonly number[];
  },
  onTargets?: readonly number[],
  own = false,
): Promise<DistArray> {
  if (typeof key !== "string") throw new TypeError("key must be a string");
  const { context, distribution } = options;
  if ((context === undefined) === (distribution === undefined)) {
    throw new DistArrayError("fromLocalArrays needs exactly one of context and distribution", {
      code: "DA_ERR_VALUE",
    });
  }
  const ctx = context ?? distribution!.context;
  if (!(ctx instanceof Context)) {
    throw new ContextError("fromLocalArrays: the distribution was not made on a Context");
  }
  const wrap = (dist: Distribution, dtype: DType): DistArray =>
    own
      ? wrapNew(ctx, dist, dtype, key)
      : new DistArray({ context: ctx, distribution: dist, dtype, key });
  const targets = distribution?.targets ?? options.targets ?? onTargets ?? ctx.targets;
  if (distribution !== undefined && options.dtype !== undefined) {
    return wrap(distribution, options.dtype);
  }
  const replies = await requestOp(ctx, ARRAY_OPS.localShapes, {
    targets,
    keys: [key],
    args: { key },
  });
  const metas = replies.map((r) => r.result as MetaReply);
  const dtype = options.dtype ?? metas[0]!.dtype;
  const dist =
    distribution ??
    Distribution.fromDimDataPerRank(
      ctx,
      metas.map((m) => m.dimData),
      targets,
    );
  return wrap(dist, dtype);
}
