/**
 * Helpers the array op handlers share: rebuilding this rank's view of a distribution
 * from its wire form, making LocalArrays on pool memory, looking arrays up in the
 * registry with a typed error, and storing JS scalars into typed arrays.
 */
import {
  type Complex,
  DistArrayError,
  Distribution,
  DTYPE_INFO,
  type DType,
  isDType,
  LocalArray,
  type LocalDistribution,
  LocalView,
  type TypedArray,
} from "../../core/index.js";
import type { EngineContext, OpHandler } from "../op-types.js";
import type { DistributionWire } from "./array-types.js";

/** This engine's rank within a distribution's targets, or -1 when it holds no piece. */
export function rankIn(dist: Distribution, engineRank: number): number {
  return dist.targets.indexOf(engineRank);
}

/** The distribution of a wire header and this engine's view of it. */
export function localDistributionFromWire(
  ectx: EngineContext,
  wire: DistributionWire,
): { dist: Distribution; local: LocalDistribution } {
  const dist = Distribution.fromJSON(wire as Parameters<typeof Distribution.fromJSON>[0]);
  const r = rankIn(dist, ectx.rank);
  if (r < 0) {
    throw new DistArrayError(
      `engine ${ectx.rank} is not among the distribution's targets [${dist.targets.join(", ")}]`,
      { code: "DA_ERR_PROTOCOL" },
    );
  }
  return { dist, local: dist.forRank(r) };
}

/** Checks a header's dtype field. */
export function argDType(x: unknown): DType {
  if (!isDType(x))
    throw new DistArrayError(`unknown dtype ${String(x)}`, { code: "DA_ERR_PROTOCOL" });
  return x;
}

/** Checks a header's key field. */
export function argKey(x: unknown, what = "key"): string {
  if (typeof x !== "string" || x.length === 0) {
    throw new DistArrayError(`op needs a string ${what}`, { code: "DA_ERR_PROTOCOL" });
  }
  return x;
}

/**
 * What a pipelined op leaves under the key it should have created when it fails: later
 * ops reading that key fail with the same error (class and code), so the root cause, not
 * a "missing key", reaches the client whichever array it awaits.
 */
export class FailedArray {
  constructor(readonly error: unknown) {}
}

/**
 * Wraps the handler of a pipelined op that creates the array named by `args[keyField]`:
 * when it throws, a FailedArray is stored under that key and the error is rethrown.
 */
export function producing(keyField: string, handle: OpHandler["handle"]): OpHandler["handle"] {
  return (ectx, op) => {
    const fail = (err: unknown): never => {
      const key = op.args[keyField];
      if (typeof key === "string" && key.length > 0) ectx.registry.set(key, new FailedArray(err));
      throw err;
    };
    try {
      const r = handle(ectx, op);
      if (r instanceof Promise) return r.catch(fail);
      return r;
    } catch (err) {
      return fail(err);
    }
  };
}

/** The LocalArray stored under `key`; rethrows the error of the op that failed to make it. */
export function getLocalArray(ectx: EngineContext, key: string): LocalArray {
  const v = ectx.registry.get(key);
  if (v instanceof FailedArray) throw v.error;
  // A view (core/view.ts) reads as a contiguous copy of its elements.
  if (v instanceof LocalView) return new LocalArray(v.distribution, v.dtype, v.toContiguous());
  if (!(v instanceof LocalArray)) {
    throw new DistArrayError(
      `the object under key ${key} on engine ${ectx.rank} is not a LocalArray`,
      {
        code: "DA_ERR_VALUE",
      },
    );
  }
  return v;
}

/** A new LocalArray on pool memory (zeroed when `zero`). */
export function newLocalArray(
  ectx: EngineContext,
  local: LocalDistribution,
  dtype: DType,
  zero: boolean,
): LocalArray {
  const data = ectx.pool.allocate(dtype, local.localSize, { zero });
  return new LocalArray(local, dtype, data);
}

/**
 * A function that stores a JS value at element `pos` of `data` (dtype `dtype`) with
 * NumPy's unsafe-cast rules: to bool `!= 0`; float to integer truncates toward zero and
 * integers wrap modulo 2^bits; complex to real keeps the real part; bigint to float
 * rounds to nearest.
 */
export function scalarStorer(
  dtype: DType,
  data: TypedArray,
): (pos: number, value: unknown) => void {
  const { kind, bits } = DTYPE_INFO[dtype];
  const parts = (v: unknown): [number, number] | bigint => {
    if (typeof v === "number") return [v, 0];
    if (typeof v === "boolean") return [v ? 1 : 0, 0];
    if (typeof v === "bigint") return v;
    if (typeof v === "object" && v !== null && typeof (v as Complex).re === "number") {
      return [(v as Complex).re, (v as Complex).im];
    }
    throw new TypeError(`cannot store ${typeof v} ${String(v)} in a ${dtype} array`);
  };
  switch (kind) {
    case "b": {
      const d = data as Uint8Array;
      return (pos, v) => {
        const p = parts(v);
        d[pos] = typeof p === "bigint" ? (p !== 0n ? 1 : 0) : p[0] !== 0 || p[1] !== 0 ? 1 : 0;
      };
    }
    case "i":
    case "u": {
      if (bits === 64) {
        const d = data as BigInt64Array | BigUint64Array;
        const wrap = kind === "i" ? BigInt.asIntN : BigInt.asUintN;
        const nanValue = kind === "i" ? -(1n << 63n) : 1n << 63n;
        return (pos, v) => {
          const p = parts(v);
          if (typeof p === "bigint") d[pos] = wrap(64, p);
          else d[pos] = Number.isFinite(p[0]) ? wrap(64, BigInt(Math.trunc(p[0]))) : nanValue;
        };
      }
      const d = data as Int32Array;
      return (pos, v) => {
        const p = parts(v);
        d[pos] = typeof p === "bigint" ? Number(BigInt.asIntN(32, p)) : Math.trunc(p[0]);
      };
    }
    case "f": {
      const d = data as Float64Array;
      return (pos, v) => {
        const p = parts(v);
        d[pos] = typeof p === "bigint" ? Number(p) : p[0];
      };
    }
    case "c": {
      const d = data as Float64Array;
      return (pos, v) => {
        const p = parts(v);
        if (typeof p === "bigint") {
          d[2 * pos] = Number(p);
          d[2 * pos + 1] = 0;
        } else {
          d[2 * pos] = p[0];
          d[2 * pos + 1] = p[1];
        }
      };
    }
  }
}
