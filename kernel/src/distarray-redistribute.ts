/**
 * Client side of `a.redistribute(distributionOrSpec)` (alias `distributeAs`) and of
 * `a.take(indices, {axis})`: both send one pipelined `redistribute` op to the union of the
 * old and new targets (engines/src/engine/ops/redistribute.ts) and return the new
 * DistArray at once. The data moves engine to engine; the client sends only the two
 * distributions (and, for take, the index list).
 */
import {
  type AxisDist,
  DistArrayError,
  Distribution,
  type DistSpec,
  IndexError,
  NDArray,
} from "@distarray/engines/core";
import type { OpName } from "@distarray/engines/core/protocol";
import type { RedistributeHeader } from "@distarray/engines/engine/ops/redistribute";
import type { Context } from "./context.js";
import type { DistArray } from "./distarray.js";
import { wrapNew } from "./distarray-ops.js";

/** A new layout for an array of the same shape: any of these may be left out. */
export interface RedistributeSpec {
  /** Dist types per axis, as `Distribution.fromShape` takes them (default: the current ones). */
  dist?: DistSpec;
  /** Processes per axis (default: chosen for the targets). */
  gridShape?: readonly number[];
  /** Engines to use (default: the current targets). */
  targets?: readonly number[];
  /** Bytes each engine sends per exchange round (default: about one local block). */
  pieceBytes?: number;
}

/** The current dist of `d` as a spec `fromShape` accepts ('u' becomes 'b'; block sizes kept). */
export function distSpecOf(d: Distribution): AxisDist[] {
  return d.maps.map((m) => {
    if (m.distType === "u") return "b";
    if (m.distType === "c" && m.blockSize > 1) return { dist_type: "c", block_size: m.blockSize };
    return m.distType;
  });
}

/** The distribution a spec asks for, for an array laid out as `a`. */
export function resolveRedistribution(
  a: DistArray,
  spec: Distribution | RedistributeSpec,
): Distribution {
  if (spec instanceof Distribution) {
    if (spec.shape.join() !== a.distribution.shape.join()) {
      throw new DistArrayError(
        `redistribute: the distribution's shape [${spec.shape.join(", ")}] differs from the array's [${a.shape.join(", ")}]`,
        { code: "DA_ERR_SHAPE" },
      );
    }
    checkTargets(a.context, spec.targets);
    return spec;
  }
  if (typeof spec !== "object" || spec === null) {
    throw new TypeError("redistribute needs a Distribution or {dist?, gridShape?, targets?}");
  }
  const opts: { dist: DistSpec; gridShape?: readonly number[]; targets?: readonly number[] } = {
    dist: spec.dist ?? distSpecOf(a.distribution),
  };
  if (spec.gridShape !== undefined) opts.gridShape = spec.gridShape;
  const allN = a.distribution.dist.every((t) => t === "n");
  if (spec.targets !== undefined) opts.targets = spec.targets;
  else if (!allN || spec.dist !== undefined) opts.targets = a.targets;
  return Distribution.fromShape(a.context, a.shape, opts);
}

function checkTargets(ctx: Context, targets: readonly number[]): void {
  for (const t of targets) {
    if (!ctx.targets.includes(t)) {
      throw new DistArrayError(
        `target ${t} is not one of this context's targets [${ctx.targets.join(", ")}]`,
        { code: "DA_ERR_VALUE" },
      );
    }
  }
}

/** Sends the exchange from `a` onto `dst` and wraps the result (pipelined). */
export function sendRedistribute(
  a: DistArray,
  dst: Distribution,
  extra: { take?: { axis: number; indices: number[] }; pieceBytes?: number } = {},
): DistArray {
  const ctx = a.context;
  const newKey = ctx.newKey();
  const args: RedistributeHeader = {
    key: a.key,
    newKey,
    dtype: a.dtype,
    src: a.distribution.toJSON(),
    dst: dst.toJSON(),
  };
  if (extra.take !== undefined) args.take = extra.take;
  if (extra.pieceBytes !== undefined) args.pieceBytes = extra.pieceBytes;
  const targets = [...new Set([...a.targets, ...dst.targets])].sort((x, y) => x - y);
  ctx.sendOp("redistribute" as OpName, {
    targets,
    keys: [newKey],
    args: args as unknown as Record<string, unknown>,
  });
  return wrapNew(ctx, dst, a.dtype, newKey);
}

/** Body of `a.redistribute(spec)`. */
export function redistributeArray(a: DistArray, spec: Distribution | RedistributeSpec): DistArray {
  const dst = resolveRedistribution(a, spec);
  const pieceBytes = spec instanceof Distribution ? undefined : spec.pieceBytes;
  if (pieceBytes !== undefined && (!Number.isInteger(pieceBytes) || pieceBytes < 1)) {
    throw new DistArrayError(`pieceBytes must be a positive integer; got ${pieceBytes}`, {
      code: "DA_ERR_VALUE",
    });
  }
  return sendRedistribute(a, dst, pieceBytes === undefined ? {} : { pieceBytes });
}

/** Index values given as an NDArray, a typed array or a JS array, as plain numbers. */
export function indexList(indices: unknown, what: string): number[] {
  let values: ArrayLike<number | bigint>;
  if (indices instanceof NDArray) {
    if (indices.ndim !== 1) {
      throw new IndexError(`${what} must be 1-d; got shape [${indices.shape.join(", ")}]`, {
        code: "DA_ERR_VALUE",
      });
    }
    const k = indices.dtype;
    if (!(k.startsWith("int") || k.startsWith("uint"))) {
      throw new IndexError(`${what} must be integers; got ${k}`, { code: "DA_ERR_VALUE" });
    }
    values = indices.data as ArrayLike<number | bigint>;
  } else if (ArrayBuffer.isView(indices) && !(indices instanceof DataView)) {
    values = indices as unknown as ArrayLike<number | bigint>;
  } else if (Array.isArray(indices)) {
    values = indices as (number | bigint)[];
  } else {
    throw new TypeError(`${what} must be an integer NDArray, typed array or array`);
  }
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const n = typeof v === "bigint" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw new TypeError(`${what} must be integers; got ${String(v)}`);
    }
    out[i] = n;
  }
  return out;
}

/** Options of `take`. */
export interface TakeOptions {
  /** The axis to index along (default 0; negatives count from the end). */
  axis?: number;
}

/**
 * Body of `a.take(indices, {axis})`: the elements at `indices` along `axis` (negatives wrap),
 * laid out like `a` with that axis as long as the index list.
 */
export function takeArray(a: DistArray, indices: unknown, options: TakeOptions = {}): DistArray {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("take options must be an object such as {axis: 0}");
  }
  const ndim = a.ndim;
  const axis0 = options.axis ?? 0;
  if (typeof axis0 !== "number" || !Number.isInteger(axis0)) {
    throw new TypeError(`axis must be an integer; got ${String(axis0)}`);
  }
  const axis = axis0 < 0 ? axis0 + ndim : axis0;
  if (axis < 0 || axis >= ndim) {
    throw new IndexError(`axis ${axis0} is out of bounds for an array of dimension ${ndim}`, {
      code: "DA_ERR_INVALID_DIMENSION",
    });
  }
  const n = a.shape[axis]!;
  const list = indexList(indices, "take indices").map((i) => {
    const g = i < 0 ? i + n : i;
    if (g < 0 || g >= n) {
      throw new IndexError(`index ${i} is out of bounds for axis ${axis} with size ${n}`);
    }
    return g;
  });
  const shape = a.shape;
  shape[axis] = list.length;
  const grid = a.gridShape;
  const dist = distSpecOf(a.distribution);
  const dst = Distribution.fromShape(a.context, shape, {
    dist,
    gridShape: grid,
    targets: a.targets,
  });
  return sendRedistribute(a, dst, { take: { axis, indices: list } });
}
