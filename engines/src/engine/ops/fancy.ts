/**
 * Fancy indexing and the reductions over positions and truth values, engine side:
 *
 * - `argreduce` (pipelined): any, all, countNonzero, argmin, argmax over some axes, combined
 *   engine to engine as `reduce` does (ops/array-reduce.ts), with argmin/argmax carrying
 *   GLOBAL indices so the first occurrence wins across engines;
 * - `mask` (pipelined): the elements where a bool mask (laid out like the array) is true,
 *   in C order, into a new 1-d block array whose length the client already knows;
 * - `set-at` (request): masked assignment of a scalar or of a 1-d array of the selected count;
 * - `where` (pipelined): elementwise `cond ? x : y` with the dtype the client computed.
 *
 * Ordering the selected elements: every engine lists the global flat indices of its true
 * elements, the lists are gathered on every member, and an element's position in the
 * result is the number of true elements with a smaller global flat index.
 */
import {
  castInto,
  combinePartials,
  contiguousOperand,
  DistArrayError,
  Distribution,
  DTYPE_INFO,
  type DType,
  finalizePartial,
  type LocalArray,
  type LocalDistribution,
  LocalView,
  type Partial,
  type ReductionOp,
  reduceLocal,
  type TypedArray,
} from "../../core/index.js";
import { type Communicator, type EngineContext, registerOp } from "../op-types.js";
import {
  argDType,
  argKey,
  getLocalArray,
  newLocalArray,
  producing,
  scalarStorer,
} from "./array-common.js";
import { reductionGroupOf } from "./array-reduce.js";
import { type OperandWire, type ScalarWire, scalarFromWire } from "./array-types.js";

/** The reductions `argreduce` serves. */
export const ARG_REDUCTIONS = ["any", "all", "countNonzero", "argmin", "argmax"] as const;
export type ArgReduction = (typeof ARG_REDUCTIONS)[number];

/** The header of `argreduce`. */
export interface ArgReduceHeader {
  op: ArgReduction;
  key: string;
  newKey: string;
  /** Normalised, sorted, distinct axes. */
  axes: number[];
  /** The output distribution (`distribution.reduce(axes)`), wire form. */
  out: unknown;
}

/** The header of `mask`. */
export interface MaskHeader {
  key: string;
  /** A bool array laid out exactly as `key`. */
  maskKey: string;
  newKey: string;
  /** The 1-d result distribution (block), wire form. */
  out: unknown;
}

/** The header of `set-at`: a scalar `value`, or the 1-d `valuesKey` laid out as `values`. */
export interface SetAtHeader {
  key: string;
  maskKey: string;
  value?: ScalarWire;
  valuesKey?: string;
  values?: unknown;
}

/** The header of `where`. */
export interface WhereHeader {
  newKey: string;
  dtype: DType;
  cond: OperandWire;
  x: OperandWire;
  y: OperandWire;
}

function fromWire(w: unknown): Distribution {
  return Distribution.fromJSON(w as Parameters<typeof Distribution.fromJSON>[0]);
}

/** The global C-order flat index of every local element of `local`, in local order. */
function globalFlatIndices(local: LocalDistribution): Float64Array {
  const ndim = local.ndim;
  const out = new Float64Array(local.localSize);
  if (ndim === 0) return out;
  const shape = local.globalShape;
  const strides = new Array<number>(ndim);
  let s = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  const gidx = Array.from({ length: ndim }, (_, d) => local.globalIndices(d));
  const lshape = local.localShape;
  const idx = new Array<number>(ndim).fill(0);
  for (let k = 0; k < out.length; k++) {
    let g = 0;
    for (let d = 0; d < ndim; d++) g += gidx[d]![idx[d]!]! * strides[d]!;
    out[k] = g;
    for (let d = ndim - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < lshape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

registerOp({
  name: "argreduce",
  kind: "pipelined",
  handle: producing("newKey", async (ectx, { args }) => {
    const h = args as unknown as ArgReduceHeader;
    if (!(ARG_REDUCTIONS as readonly string[]).includes(h.op)) {
      throw new DistArrayError(`unknown reduction ${String(h.op)}`, { code: "DA_ERR_PROTOCOL" });
    }
    const op: ReductionOp = h.op;
    const a = getLocalArray(ectx, argKey(h.key));
    const newKey = argKey(h.newKey, "newKey");
    const axes = h.axes;
    const local = a.distribution;
    const full = axes.length === local.ndim;
    let globalIndex: ((l: number) => number) | undefined;
    if (op === "argmin" || op === "argmax") {
      if (full) {
        const flat = globalFlatIndices(local);
        globalIndex = (l) => flat[l]!;
      } else {
        const g = local.globalIndices(axes[0]!);
        globalIndex = (l) => g[l]!;
      }
    }
    const operand = contiguousOperand(a.dtype, a.data, a.localShape);
    let partial: Partial | undefined = reduceLocal(
      op,
      operand,
      axes,
      globalIndex === undefined ? {} : { globalIndex },
    );
    const { members, root } = reductionGroupOf(local, axes, ectx.targets);
    if (members.length > 1) {
      const comm = ectx.comm(members);
      partial = await comm.reduce<Partial>(
        partial,
        (x, y) => combinePartials(op, [x as Partial, y as Partial]),
        members.indexOf(root),
      );
    }
    if (ectx.rank !== root || partial === undefined) return undefined;
    const out = fromWire(h.out);
    const outLocal = out.forRank(out.targets.indexOf(ectx.rank));
    const res = finalizePartial(op, partial);
    const result = newLocalArray(ectx, outLocal, res.dtype, false);
    (result.data as Float64Array).set(res.data as Float64Array);
    ectx.registry.set(newKey, result);
    return undefined;
  }),
});

/** The mask of this engine as 0/1 bytes, checked against the array's layout. */
function maskBytes(ectx: EngineContext, a: LocalArray, maskKey: string): Uint8Array {
  const m = getLocalArray(ectx, argKey(maskKey, "maskKey"));
  if (m.localShape.join() !== a.localShape.join()) {
    throw new DistArrayError(
      `mask: local shapes differ on engine ${ectx.rank}: [${a.localShape}] vs [${m.localShape}]`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  if (m.dtype === "bool") return m.data as Uint8Array;
  const out = new Uint8Array(m.localSize);
  castInto(
    contiguousOperand(m.dtype, m.data, m.localShape),
    contiguousOperand("bool", out, m.localShape),
  );
  return out;
}

/**
 * This engine's selected elements: their local flat positions and their positions in the
 * C-order list of all selected elements (one allgather over `comm`).
 */
async function selectedPositions(
  comm: Communicator,
  a: LocalArray | undefined,
  mask: Uint8Array | undefined,
): Promise<{ local: Int32Array; pos: Float64Array }> {
  let local = new Int32Array(0);
  let mine = new Float64Array(0);
  if (a !== undefined && mask !== undefined) {
    let n = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
    local = new Int32Array(n);
    n = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) local[n++] = i;
    const flat = globalFlatIndices(a.distribution);
    mine = new Float64Array(local.length);
    for (let i = 0; i < local.length; i++) mine[i] = flat[local[i]!]!;
  }
  const all = await comm.allgather<Float64Array>(mine);
  let total = 0;
  for (const l of all) total += l.length;
  const merged = new Float64Array(total);
  let at = 0;
  for (const l of all) {
    merged.set(l instanceof Float64Array ? l : Float64Array.from(l as ArrayLike<number>), at);
    at += l.length;
  }
  merged.sort();
  const pos = new Float64Array(mine.length);
  for (let i = 0; i < mine.length; i++) {
    const g = mine[i]!;
    let lo = 0;
    let hi = merged.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (merged[mid]! < g) lo = mid + 1;
      else hi = mid;
    }
    pos[i] = lo;
  }
  return { local, pos };
}

/** The rank of a 1-d distribution that holds element `i`, and its local offset. */
function blockOwner(d: Distribution): (i: number) => [number, number] {
  const m = d.maps[0]!;
  return (i) => {
    const r = m.holders(i)[0]!;
    return [r, m.forRank(r).localFromGlobal(i)];
  };
}

function storageOf(dtype: DType, v: unknown): TypedArray {
  const { storage } = DTYPE_INFO[dtype];
  if (v instanceof storage) return v as TypedArray;
  const b = v as ArrayBufferView;
  const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
  return new storage(bytes.buffer, 0, bytes.byteLength / storage.BYTES_PER_ELEMENT);
}

registerOp({
  name: "mask",
  kind: "pipelined",
  handle: producing("newKey", async (ectx, { args }) => {
    const h = args as unknown as MaskHeader;
    const newKey = argKey(h.newKey, "newKey");
    const out = fromWire(h.out);
    const comm = ectx.comm();
    const a = ectx.registry.has(argKey(h.key)) ? getLocalArray(ectx, h.key) : undefined;
    const mask = a === undefined ? undefined : maskBytes(ectx, a, h.maskKey);
    const { local, pos } = await selectedPositions(comm, a, mask);
    const dtype = a?.dtype ?? "float64";
    const { lanes, storage } = DTYPE_INFO[dtype];
    const owner = blockOwner(out);
    // Per member: [positions in its piece, values].
    const buckets = comm.targets.map(() => ({ at: [] as number[], from: [] as number[] }));
    for (let i = 0; i < local.length; i++) {
      const [r, l] = owner(pos[i]!);
      const m = comm.targets.indexOf(out.targets[r]!);
      buckets[m]!.at.push(l);
      buckets[m]!.from.push(local[i]!);
    }
    const values = buckets.map((b) => {
      if (a === undefined || b.at.length === 0) return null;
      const v = new storage(b.at.length * lanes) as TypedArray;
      const src = a.data as Float64Array;
      const dst = v as Float64Array;
      for (let k = 0; k < b.from.length; k++) {
        const f = b.from[k]!;
        if (lanes === 1) dst[k] = src[f]!;
        else {
          dst[2 * k] = src[2 * f]!;
          dst[2 * k + 1] = src[2 * f + 1]!;
        }
      }
      return { at: Int32Array.from(b.at), v };
    });
    const got = await comm.alltoall(values);
    const outRank = out.targets.indexOf(ectx.rank);
    if (outRank < 0) return undefined;
    const result = newLocalArray(ectx, out.forRank(outRank), dtype, false);
    for (const g of got) {
      if (g === null || g === undefined) continue;
      const at = g.at instanceof Int32Array ? g.at : Int32Array.from(g.at as ArrayLike<number>);
      const v = storageOf(dtype, g.v) as Float64Array;
      const dst = result.data as Float64Array;
      for (let k = 0; k < at.length; k++) {
        const l = at[k]!;
        if (lanes === 1) dst[l] = v[k]!;
        else {
          dst[2 * l] = v[2 * k]!;
          dst[2 * l + 1] = v[2 * k + 1]!;
        }
      }
    }
    ectx.registry.set(newKey, result);
    return undefined;
  }),
});

registerOp({
  name: "set-at",
  kind: "request",
  handle: async (ectx, { args }) => {
    const h = args as unknown as SetAtHeader;
    const key = argKey(h.key);
    const a = ectx.registry.has(key) ? getLocalArray(ectx, key) : undefined;
    const mask = a === undefined ? undefined : maskBytes(ectx, a, h.maskKey);
    // A view reads as a contiguous copy; what is written to the copy goes back through it.
    const entry = a === undefined ? undefined : ectx.registry.get(key);
    const writeBack = (): { result: null } => {
      if (entry instanceof LocalView && a !== undefined) {
        entry.assign(contiguousOperand(a.dtype, a.data, a.localShape));
      }
      return { result: null };
    };
    if (h.value !== undefined) {
      if (a === undefined || mask === undefined) return { result: null };
      const store = scalarStorer(a.dtype, a.data);
      const v = scalarFromWire(h.value);
      for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) store(i, v);
      return writeBack();
    }
    const comm = ectx.comm();
    const valuesDist = fromWire(h.values);
    const { local, pos } = await selectedPositions(comm, a, mask);
    const owner = blockOwner(valuesDist);
    // Ask each holder of the values for the ones this engine needs.
    const asks = comm.targets.map(() => ({ at: [] as number[], into: [] as number[] }));
    for (let i = 0; i < local.length; i++) {
      const [r, l] = owner(pos[i]!);
      const m = comm.targets.indexOf(valuesDist.targets[r]!);
      asks[m]!.at.push(l);
      asks[m]!.into.push(local[i]!);
    }
    const got = await comm.alltoall(asks.map((q) => Int32Array.from(q.at)));
    const vkey = argKey(h.valuesKey, "valuesKey");
    const vals = ectx.registry.has(vkey) ? getLocalArray(ectx, vkey) : undefined;
    const replies = got.map((q) => {
      const at = q instanceof Int32Array ? q : Int32Array.from(q as ArrayLike<number>);
      if (vals === undefined || at.length === 0) return null;
      const { lanes, storage } = DTYPE_INFO[vals.dtype];
      const out = new storage(at.length * lanes) as Float64Array;
      const src = vals.data as Float64Array;
      for (let k = 0; k < at.length; k++) {
        if (lanes === 1) out[k] = src[at[k]!]!;
        else {
          out[2 * k] = src[2 * at[k]!]!;
          out[2 * k + 1] = src[2 * at[k]! + 1]!;
        }
      }
      return { dtype: vals.dtype, v: out };
    });
    const answers = await comm.alltoall(replies);
    if (a === undefined) return { result: null };
    answers.forEach((ans, m) => {
      if (ans === null || ans === undefined) return;
      const into = asks[m]!.into;
      const v = storageOf(ans.dtype, ans.v);
      const target = new DTYPE_INFO[a.dtype].storage(into.length * DTYPE_INFO[a.dtype].lanes);
      castInto(
        contiguousOperand(ans.dtype, v, [into.length]),
        contiguousOperand(a.dtype, target, [into.length]),
      );
      const dst = a.data as Float64Array;
      const t = target as Float64Array;
      const lanes = DTYPE_INFO[a.dtype].lanes;
      for (let k = 0; k < into.length; k++) {
        const l = into[k]!;
        if (lanes === 1) dst[l] = t[k]!;
        else {
          dst[2 * l] = t[2 * k]!;
          dst[2 * l + 1] = t[2 * k + 1]!;
        }
      }
    });
    return writeBack();
  },
});

registerOp({
  name: "where",
  kind: "pipelined",
  handle: producing("newKey", (ectx, { args }) => {
    const h = args as unknown as WhereHeader;
    const newKey = argKey(h.newKey, "newKey");
    const dtype = argDType(h.dtype);
    if (!("key" in h.cond)) {
      throw new DistArrayError("where: the condition must be an array", {
        code: "DA_ERR_PROTOCOL",
      });
    }
    const cond = getLocalArray(ectx, argKey(h.cond.key));
    const shape = cond.localShape;
    const arrayOf = (o: OperandWire): LocalArray | undefined => {
      if (!("key" in o)) return undefined;
      const a = getLocalArray(ectx, argKey(o.key));
      if (a.localShape.join() !== shape.join()) {
        throw new DistArrayError(
          `where: local shapes differ on engine ${ectx.rank}: [${shape}] vs [${a.localShape}]`,
          { code: "DA_ERR_SHAPE" },
        );
      }
      return a;
    };
    const x = arrayOf(h.x);
    const y = arrayOf(h.y);
    const flags = new Uint8Array(cond.localSize);
    castInto(
      contiguousOperand(cond.dtype, cond.data, shape),
      contiguousOperand("bool", flags, shape),
    );
    const out = newLocalArray(ectx, cond.distribution, dtype, false);
    const fillFrom = (o: OperandWire, a: LocalArray | undefined, into: TypedArray): void => {
      if (a !== undefined) {
        castInto(contiguousOperand(a.dtype, a.data, shape), contiguousOperand(dtype, into, shape));
      } else if ("scalar" in o) {
        const store = scalarStorer(dtype, into);
        const v = scalarFromWire(o.scalar);
        const n = cond.localSize;
        if (n > 0) {
          store(0, v);
          const { lanes } = DTYPE_INFO[dtype];
          for (let i = 1; i < n; i++) {
            for (let k = 0; k < lanes; k++)
              (into as Float64Array)[i * lanes + k] = into[k] as number;
          }
        }
      }
    };
    fillFrom(h.x, x, out.data);
    const other = new DTYPE_INFO[dtype].storage(out.data.length) as TypedArray;
    fillFrom(h.y, y, other);
    const { lanes } = DTYPE_INFO[dtype];
    const o = out.data as Float64Array;
    const t = other as Float64Array;
    for (let i = 0; i < flags.length; i++) {
      if (flags[i] !== 0) continue;
      for (let k = 0; k < lanes; k++) o[i * lanes + k] = t[i * lanes + k]!;
    }
    ectx.registry.set(newKey, out);
    return undefined;
  }),
});
