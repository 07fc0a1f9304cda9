/**
 * Ops that make a new array from nothing: `create` (empty, zeros, ones), `scatter` (the
 * local piece arrives as a raw buffer), `from-function` (a function's source text called
 * per element with its global indices, as DistArray's `fromfunction`) and `random`
 * (counter-based, see core/random.ts). All pipelined; each stores a LocalArray under the
 * header's key on pool memory.
 */
import {
  DistArrayError,
  DTYPE_INFO,
  fillRandom,
  LocalArray,
  type RandomSpec,
  type TypedArray,
} from "../../core/index.js";
import { registerOp } from "../op-types.js";
import {
  argDType,
  argKey,
  localDistributionFromWire,
  newLocalArray,
  producing,
  scalarStorer,
} from "./array-common.js";
import {
  ARRAY_OPS,
  type CreateHeader,
  type FromFunctionHeader,
  type RandomHeader,
} from "./array-types.js";

registerOp({
  name: ARRAY_OPS.create,
  kind: "pipelined",
  handle: producing("key", (ectx, { args }) => {
    const h = args as unknown as CreateHeader;
    const key = argKey(h.key);
    const dtype = argDType(h.dtype);
    if (h.init !== "empty" && h.init !== "zeros" && h.init !== "ones") {
      throw new DistArrayError(`create: init must be empty, zeros or ones; got ${String(h.init)}`, {
        code: "DA_ERR_PROTOCOL",
      });
    }
    const { local } = localDistributionFromWire(ectx, h.distribution);
    const a = newLocalArray(ectx, local, dtype, h.init !== "empty");
    if (h.init === "ones") {
      const data = a.data;
      if (DTYPE_INFO[dtype].lanes === 2) {
        for (let i = 0; i < data.length; i += 2) data[i] = 1;
      } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
        data.fill(1n);
      } else {
        data.fill(1);
      }
    }
    ectx.registry.set(key, a);
    return undefined;
  }),
});

registerOp({
  name: ARRAY_OPS.scatter,
  kind: "pipelined",
  handle: producing("key", (ectx, { args, buffers }) => {
    const h = args as unknown as CreateHeader;
    const key = argKey(h.key);
    const dtype = argDType(h.dtype);
    const { local } = localDistributionFromWire(ectx, h.distribution);
    const { itemsize, lanes, storage } = DTYPE_INFO[dtype];
    const bytes = buffers[0] ?? new Uint8Array(0);
    const want = local.localSize * itemsize;
    if (bytes.byteLength !== want) {
      throw new DistArrayError(
        `scatter: engine ${ectx.rank} needs ${want} bytes for local shape [${local.localShape.join(", ")}] of ${dtype}; got ${bytes.byteLength}`,
        { code: "DA_ERR_SHAPE" },
      );
    }
    if (want > 0 && bytes.byteOffset % storage.BYTES_PER_ELEMENT === 0) {
      // The received buffer is pool memory: the array adopts it (no copy).
      const data = new storage(
        bytes.buffer as ArrayBuffer,
        bytes.byteOffset,
        local.localSize * lanes,
      );
      ectx.registry.set(key, new LocalArray(local, dtype, data as TypedArray));
      return undefined;
    }
    const a = newLocalArray(ectx, local, dtype, false);
    new Uint8Array(a.data.buffer, a.data.byteOffset, want).set(bytes);
    ectx.registry.set(key, a);
    return undefined;
  }),
});

/** Evaluates a function's source text (sent by an authenticated client) on this engine. */
function functionFromSource(source: unknown): (...idx: number[]) => unknown {
  if (typeof source !== "string") {
    throw new DistArrayError("from-function needs the function's source text", {
      code: "DA_ERR_PROTOCOL",
    });
  }
  const fn: unknown = new Function(`"use strict"; return (${source});`)();
  if (typeof fn !== "function") {
    throw new TypeError(
      `fromFunction: the source does not evaluate to a function: ${source.slice(0, 80)}`,
    );
  }
  return fn as (...idx: number[]) => unknown;
}

registerOp({
  name: ARRAY_OPS.fromFunction,
  kind: "pipelined",
  handle: producing("key", (ectx, { args }) => {
    const h = args as unknown as FromFunctionHeader;
    const key = argKey(h.key);
    const dtype = argDType(h.dtype);
    const { local } = localDistributionFromWire(ectx, h.distribution);
    const fn = functionFromSource(h.source);
    const a = newLocalArray(ectx, local, dtype, false);
    const store = scalarStorer(dtype, a.data);
    const ndim = local.globalShape.length;
    const gidx: ArrayLike<number>[] = [];
    for (let d = 0; d < ndim; d++) gidx.push(local.globalIndices(d));
    const shape = gidx.map((g) => g.length);
    if (ndim === 0) {
      store(0, fn());
    } else if (!shape.includes(0)) {
      // Local C order, with the global index of each position.
      const idx = new Array<number>(ndim).fill(0);
      const g = new Array<number>(ndim);
      for (let d = 0; d < ndim; d++) g[d] = gidx[d]![0]!;
      const size = a.data.length / DTYPE_INFO[dtype].lanes;
      for (let pos = 0; pos < size; pos++) {
        store(pos, fn(...g));
        let d = ndim - 1;
        while (d >= 0) {
          idx[d]!++;
          if (idx[d]! < shape[d]!) {
            g[d] = gidx[d]![idx[d]!]!;
            break;
          }
          idx[d] = 0;
          g[d] = gidx[d]![0]!;
          d--;
        }
      }
    }
    ectx.registry.set(key, a);
    return undefined;
  }),
});

registerOp({
  name: ARRAY_OPS.random,
  kind: "pipelined",
  handle: producing("key", (ectx, { args }) => {
    const h = args as unknown as RandomHeader;
    const key = argKey(h.key);
    const dtype = argDType(h.dtype);
    const { local } = localDistributionFromWire(ectx, h.distribution);
    const a = newLocalArray(ectx, local, dtype, false);
    const gidx: ArrayLike<number>[] = [];
    for (let d = 0; d < local.globalShape.length; d++) gidx.push(local.globalIndices(d));
    fillRandom(h.spec as RandomSpec, dtype, a.data, gidx, local.globalShape);
    ectx.registry.set(key, a);
    return undefined;
  }),
});
