/**
 * Client side of fancy indexing and of the reductions over truth values and positions:
 * `a.at(indexArray | mask)`, `a.setAt(mask, value)`, `a.any()`, `a.all()`,
 * `a.countNonzero()`, `a.argmin({axis})`, `a.argmax({axis})`. Engine side:
 * engines/src/engine/ops/fancy.ts and ops/redistribute.ts (take).
 *
 * Which indices come here (`isFancyIndex`): an NDArray, a DistArray or a typed array. An
 * integer one selects along axis 0 (as `take`); a bool one of the array's shape is a mask.
 * A mask given as an NDArray is scattered to the array's layout; a mask DistArray laid out
 * differently is redistributed to it (engine to engine). `at(mask)` resolves once the
 * engines have counted the selected elements, so the result's size is known at once.
 */
import {
  DistArrayError,
  Distribution,
  IndexError,
  isScalar,
  NDArray,
  type Scalar,
} from "@distarray/engines/core";
import type { OpName } from "@distarray/engines/core/protocol";
import { scalarToWire } from "@distarray/engines/engine/ops/array-types";
import type {
  ArgReduceHeader,
  ArgReduction,
  MaskHeader,
  SetAtHeader,
} from "@distarray/engines/engine/ops/fancy";
import { DistArray } from "./distarray.js";
import { wrapNew } from "./distarray-ops.js";
import { takeArray } from "./distarray-redistribute.js";
import { normalizeReductionAxes } from "./distarray-reduce.js";

/** Options of any, all and countNonzero. */
export interface BoolReductionOptions {
  /** An axis, a list of axes, or none for all axes. */
  axis?: number | readonly number[] | null;
}

/** Options of argmin and argmax. */
export interface ArgReductionOptions {
  /** One axis, or none for the flat index over the whole array. */
  axis?: number | null;
}

/** An index array: an integer or bool NDArray or DistArray, or an integer typed array. */
export type FancyIndex =
  | NDArray
  | DistArray
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

declare module "./distarray.js" {
  interface DistArray {
    /**
     * Fancy indexing: an integer NDArray selects along axis 0 (a DistArray at once); a bool
     * mask (NDArray or DistArray) of this shape, or an integer DistArray, gives a Promise of
     * the result, which resolves once the engines have counted the selection.
     */
    at(index: FancyIndex): DistArray | Promise<DistArray>;
    /** Masked assignment: a scalar, or one value per selected element (a 1-d array). */
    setAt(
      index: NDArray | DistArray,
      value: Scalar | NDArray | DistArray | readonly unknown[],
    ): Promise<void>;
  }
}

/** True for the index kinds handled here: NDArray, DistArray or typed array. */
export function isFancyIndex(index: unknown): boolean {
  return (
    index instanceof NDArray ||
    index instanceof DistArray ||
    (ArrayBuffer.isView(index) && !(index instanceof DataView))
  );
}

/** Body of `a.at(fancyIndex)`: a DistArray for integer indices, a Promise for a mask or a DistArray index. */
export function fancyAt(a: DistArray, index: unknown): DistArray | Promise<DistArray> {
  if (index instanceof DistArray) {
    if (index.dtype === "bool") return selectMask(a, index);
    return index.toArray().then((ix) => takeArray(a, ix, { axis: 0 }));
  }
  if (index instanceof NDArray && index.dtype === "bool") {
    return selectMask(a, maskOnLayout(a, index));
  }
  return takeArray(a, index, { axis: 0 });
}

function checkMaskShape(a: DistArray, shape: readonly number[]): void {
  if (shape.join() !== a.shape.join()) {
    throw new IndexError(
      `boolean index of shape [${shape.join(", ")}] does not match the array's shape [${a.shape.join(", ")}]`,
    );
  }
}

/** An NDArray mask scattered to `a`'s layout. */
function maskOnLayout(a: DistArray, mask: NDArray): DistArray {
  checkMaskShape(a, mask.shape);
  return a.context.fromArray(mask, { distribution: a.distribution });
}

/** A mask DistArray laid out as `a` (redistributed engine to engine when it is not). */
function alignedMask(a: DistArray, mask: DistArray): DistArray {
  checkMaskShape(a, mask.shape);
  if (mask.context !== a.context) {
    throw new DistArrayError("the mask belongs to another context", { code: "DA_ERR_CONTEXT" });
  }
  return mask.distribution.isCompatible(a.distribution) ? mask : mask.redistribute(a.distribution);
}

async function selectMask(a: DistArray, mask: DistArray): Promise<DistArray> {
  const m = alignedMask(a, mask);
  const count = Number(await m.countNonzero().item());
  const ctx = a.context;
  const out = Distribution.fromShape(ctx, [count], { targets: a.targets });
  const newKey = ctx.newKey();
  const args: MaskHeader = { key: a.key, maskKey: m.key, newKey, out: out.toJSON() };
  ctx.sendOp("mask" as OpName, {
    targets: a.targets,
    keys: [newKey],
    args: args as unknown as Record<string, unknown>,
  });
  return wrapNew(ctx, out, a.dtype, newKey);
}

/**
 * Body of `await a.setAt(mask, value)`: `value` is a scalar, or a 1-d NDArray, array or
 * DistArray with one value per selected element (a size-1 one is broadcast).
 */
export async function setAtMask(a: DistArray, index: unknown, value: unknown): Promise<void> {
  let mask: DistArray;
  if (index instanceof DistArray && index.dtype === "bool") mask = alignedMask(a, index);
  else if (index instanceof NDArray && index.dtype === "bool") mask = maskOnLayout(a, index);
  else {
    throw new TypeError("setAt with an array index needs a bool mask of the array's shape");
  }
  const ctx = a.context;
  if (isScalar(value)) {
    const args: SetAtHeader = { key: a.key, maskKey: mask.key, value: scalarToWire(value) };
    await ctx.requestOp("set-at" as OpName, {
      targets: a.targets,
      keys: [a.key, mask.key],
      args: args as unknown as Record<string, unknown>,
    });
    return;
  }
  let values: DistArray;
  if (value instanceof DistArray) values = value;
  else if (value instanceof NDArray || Array.isArray(value) || ArrayBuffer.isView(value)) {
    values = ctx.fromArray(value as NDArray, { targets: a.targets });
  } else {
    throw new TypeError("setAt value must be a scalar, an NDArray, an array or a DistArray");
  }
  const count = Number(await mask.countNonzero().item());
  if (values.size === 1 && count !== 1) {
    const v = await values.get(values.shape.map(() => 0));
    await setAtMask(a, mask, v);
    return;
  }
  if (values.ndim !== 1 || values.size !== count) {
    throw new DistArrayError(
      `NumPy boolean array indexing assignment cannot assign ${values.size} input values to the ${count} output values where the mask is true`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  const args: SetAtHeader = {
    key: a.key,
    maskKey: mask.key,
    valuesKey: values.key,
    values: values.distribution.toJSON(),
  };
  const targets = [...new Set([...a.targets, ...values.targets])].sort((x, y) => x - y);
  await ctx.requestOp("set-at" as OpName, {
    targets,
    keys: [a.key, mask.key, values.key],
    args: args as unknown as Record<string, unknown>,
  });
}

function sendArgReduce(a: DistArray, op: ArgReduction, axes: number[]): DistArray {
  const ctx = a.context;
  const out = a.distribution.reduce(axes);
  const newKey = ctx.newKey();
  const args: ArgReduceHeader = { op, key: a.key, newKey, axes, out: out.toJSON() };
  ctx.sendOp("argreduce" as OpName, {
    targets: a.targets,
    keys: [newKey],
    args: args as unknown as Record<string, unknown>,
  });
  return wrapNew(ctx, out, op === "any" || op === "all" ? "bool" : "int64", newKey);
}

/** Body of `a.any()`, `a.all()` and `a.countNonzero()` (pipelined). */
export function boolReduce(
  a: DistArray,
  op: "any" | "all" | "countNonzero",
  options: BoolReductionOptions = {},
): DistArray {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("reduction options must be an object such as {axis: 0}");
  }
  return sendArgReduce(a, op, normalizeReductionAxes(options.axis, a.ndim));
}

/** Body of `a.argmin()` / `a.argmax()` (pipelined): int64 indices, the first occurrence. */
export function argReduce(
  a: DistArray,
  op: "argmin" | "argmax",
  options: ArgReductionOptions = {},
): DistArray {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("argmin/argmax options must be an object such as {axis: 0}");
  }
  if (options.axis !== undefined && options.axis !== null && typeof options.axis !== "number") {
    throw new TypeError(`${op} takes one axis (a number); got ${String(options.axis)}`);
  }
  const axes = normalizeReductionAxes(options.axis, a.ndim);
  if (a.size === 0 || (axes.length === 1 && a.shape[axes[0]!] === 0)) {
    throw new DistArrayError(`attempt to get ${op} of an empty sequence`, {
      code: "DA_ERR_VALUE",
    });
  }
  return sendArgReduce(a, op, axes);
}
