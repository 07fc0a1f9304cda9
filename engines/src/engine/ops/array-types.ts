/**
 * Wire headers of the array ops (client <-> engine), shared by the client DistArray code
 * (kernel) and the engine handlers (ops/array-*.ts). Headers are small structured
 * objects (msgpack on the wire); array data always travels as raw binary buffers beside
 * them, never inside a header.
 *
 * Every header that creates an array names the new `key` and carries the whole
 * `distribution` in its wire form (`Distribution.toJSON()`), so each engine rebuilds
 * its own rank's view (`forRank`) without asking anyone.
 */
import type { Complex, DType, Scalar } from "../../core/dtypes.js";
import type { RandomSpec } from "../../core/random.js";

/** The array ops this module's handlers serve (names from the protocol's closed op list). */
export const ARRAY_OPS = {
  /** pipelined: allocate a new local array, empty, zeros or ones ({@link CreateHeader}). */
  create: "create",
  /** pipelined: a new array from a function's source text, called per element. */
  fromFunction: "from-function",
  /** pipelined: a new counter-based random array. */
  random: "random",
  /** pipelined: a new array whose local piece arrives as one raw buffer per engine. */
  scatter: "scatter",
  /** request: each engine replies with its local buffer (raw) and local shape. */
  gather: "gather",
  /** request: as gather; the client keeps the pieces apart. */
  getNdarrays: "get-ndarrays",
  /** request: fill every local element with a scalar. */
  fill: "fill",
  /** request: read one element by global index; engines that do not own it reply `found: false`. */
  getitem: "getitem",
  /** request: write one element by global index on the engines that own it. */
  setitem: "setitem",
  /** pipelined: a new array, a cast of an existing one. */
  astype: "astype",
  /** pipelined: a new array, a copy of an existing one. */
  copy: "copy",
  /** pipelined: an elementwise ufunc into a new array. */
  ufunc: "ufunc",
  /** pipelined: a reduction; partials combine engine to engine onto the output ranks. */
  reduce: "reduce",
  /** request: dtype, local shape and engine-form dim data of a stored local array. */
  localShapes: "local-shapes",
} as const;

export type ArrayOpName = (typeof ARRAY_OPS)[keyof typeof ARRAY_OPS];

/** The wire form of a Distribution (`Distribution.toJSON()`), opaque here. */
export type DistributionWire = unknown;

/** A JS scalar in a msgpack-safe form (bigints as decimal strings). */
export type ScalarWire =
  | { t: "bool"; v: boolean }
  | { t: "num"; v: number }
  | { t: "big"; v: string }
  | { t: "complex"; re: number; im: number };

export function scalarToWire(x: Scalar): ScalarWire {
  if (typeof x === "boolean") return { t: "bool", v: x };
  if (typeof x === "number") return { t: "num", v: x };
  if (typeof x === "bigint") return { t: "big", v: x.toString() };
  if (typeof x === "object" && x !== null && typeof (x as Complex).re === "number") {
    return { t: "complex", re: (x as Complex).re, im: (x as Complex).im };
  }
  throw new TypeError(`not a scalar: ${String(x)}`);
}

export function scalarFromWire(w: ScalarWire): Scalar {
  switch (w.t) {
    case "bool":
      return w.v;
    case "num":
      return w.v;
    case "big":
      return BigInt(w.v);
    case "complex":
      return { re: w.re, im: w.im };
  }
}

/** What every op making a new array from nothing names. */
export interface NewArrayHeader {
  key: string;
  dtype: DType;
  distribution: DistributionWire;
}

/** `create`: a new array, uninitialised (pool memory as it comes), zeros or ones. */
export interface CreateHeader extends NewArrayHeader {
  init: "empty" | "zeros" | "ones";
}

/** `from-function`: `source` is a function's source text, called with each element's global indices. */
export interface FromFunctionHeader extends NewArrayHeader {
  source: string;
}

/** `random`: the generator spec (engines fill their piece; values depend only on global indices). */
export interface RandomHeader extends NewArrayHeader {
  spec: RandomSpec;
}

/** `scatter`: the local piece arrives as the message's one buffer, in local C order. */
export type ScatterHeader = NewArrayHeader;

export interface KeyHeader {
  key: string;
}

export interface FillHeader {
  key: string;
  value: ScalarWire;
}

export interface GetItemHeader {
  key: string;
  /** Global index, already wrapped and range-checked by the client. */
  index: number[];
}

export interface GetItemReply {
  found: boolean;
  value?: ScalarWire;
}

export interface SetItemHeader {
  key: string;
  index: number[];
  value: ScalarWire;
}

export interface SetItemReply {
  found: boolean;
}

export interface AstypeHeader {
  key: string;
  newKey: string;
  dtype: DType;
}

/** A ufunc operand: a stored array or a scalar. */
export type OperandWire = { key: string } | { scalar: ScalarWire };

export interface UfuncHeader {
  name: string;
  newKey: string;
  dtype: DType;
  operands: OperandWire[];
}

export type ReduceOpName = "sum" | "mean" | "min" | "max" | "var" | "std";

export interface ReduceHeader {
  op: ReduceOpName;
  key: string;
  newKey: string;
  /** Normalised, sorted, distinct axes to reduce. */
  axes: number[];
  /** The result dtype (the client computed it). */
  dtype: DType;
  /** The `dtype` option given by the user, if any (the accumulation dtype). */
  accumulate?: DType;
  /** The output distribution (`distribution.reduce(axes)`), wire form. */
  out: DistributionWire;
}

export interface GatherReply {
  localShape: number[];
  dtype: DType;
}

/** The reply of `local-shapes`. */
export interface MetaReply {
  dtype: DType;
  localShape: number[];
  /** Engine-form DAP dim dicts of this rank. */
  dimData: unknown[];
}
