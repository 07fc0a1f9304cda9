/**
 * Building {@link AxisMap}s: from a dist type and sizes (what `fromShape` does),
 * from global dim data (DistArray's `map_from_global_dim_dict`), and from the
 * dim dicts the ranks along one axis export (`_map_from_axis_dim_dicts`).
 */
import { isDapDict } from "./dap.js";
import { DistArrayError } from "./errors.js";
import { isDistType } from "./grid.js";
import type { AxisMap } from "./maps.js";
import { BlockMap, CyclicMap, NoDistMap, UnstructuredMap } from "./maps.js";
import type { LocalAxisMap } from "./maps-local.js";
import {
  type LocalBlockMap,
  LocalCyclicMap,
  LocalUnstructuredMap,
  mapFromDimDict,
} from "./maps-local.js";
import { describe } from "./maps-util.js";

function dimDataError(message: string): DistArrayError {
  return new DistArrayError(message, { code: "DA_ERR_DIM_DATA" });
}

function distTypeError(value: unknown, where: string): DistArrayError {
  return new DistArrayError(
    `unknown distribution type ${describe(value)} ${where}; expected 'b', 'c', 'n' or 'u'`,
    { code: "DA_ERR_DIST_TYPE" },
  );
}

/** Options of {@link mapFromSizes}. */
export interface MapFromSizesOptions {
  /** Block size of a `'c'` axis (default 1: plain cyclic). */
  readonly blockSize?: number;
}

/**
 * The map of an axis of length `size` over `gridSize` positions for dist type
 * `distType` (DistArray's `map_from_sizes`): regular blocks, (block-)cyclic, or
 * undistributed.
 *
 * @throws DistArrayError `DA_ERR_DIST_TYPE` for `'u'` (unstructured axes need
 *   their indices) or an unknown type; `DA_ERR_INVALID_GRID_SHAPE` for an `'n'`
 *   axis over more than one position.
 */
export function mapFromSizes(
  distType: unknown,
  size: number,
  gridSize: number,
  options: MapFromSizesOptions = {},
): AxisMap {
  switch (distType) {
    case "b":
      return BlockMap.regular(size, gridSize);
    case "c":
      return new CyclicMap(size, gridSize, options.blockSize ?? 1);
    case "n":
      if (gridSize !== 1) {
        throw new DistArrayError(`an undistributed ('n') axis needs grid size 1; got ${gridSize}`, {
          code: "DA_ERR_INVALID_GRID_SHAPE",
        });
      }
      return new NoDistMap(size);
    case "u":
      throw new DistArrayError(
        "an unstructured ('u') axis cannot be made from a shape; give its indices as global dim data",
        { code: "DA_ERR_DIST_TYPE" },
      );
    default:
      throw distTypeError(distType, "for a shape");
  }
}

function intOf(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw dimDataError(`${what} must be an integer; got ${describe(v)}`);
  }
  return v;
}

function intList(v: unknown, what: string): number[] {
  if (Array.isArray(v)) return v.map((x) => intOf(x, `${what} entry`));
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return Array.from(v as unknown as ArrayLike<number | bigint>, (x) =>
      intOf(Number(x), `${what} entry`),
    );
  }
  throw dimDataError(`${what} must be an array of integers; got ${describe(v)}`);
}

/**
 * The map described by one global dim data entry (REFERENCE 3.3):
 * `{dist_type: 'b', bounds, comm_padding?, boundary_padding?, periodic?}`,
 * `{dist_type: 'c', size, proc_grid_size, block_size?}`,
 * `{dist_type: 'u', indices: number[][], size?, one_to_one?}`, `{dist_type: 'n', size}`.
 *
 * @throws TypeError if `gdd` is not a plain object.
 * @throws DistArrayError `DA_ERR_DIST_TYPE` for an unknown `dist_type`,
 *   `DA_ERR_DIM_DATA` for missing or malformed fields.
 */
export function mapFromGlobalDimData(gdd: unknown): AxisMap {
  if (!isDapDict(gdd))
    throw new TypeError(`global dim data must be a plain object; got ${describe(gdd)}`);
  switch (gdd.dist_type) {
    case "b": {
      if (gdd.bounds === undefined) throw dimDataError("block global dim data needs 'bounds'");
      const bounds = intList(gdd.bounds, "bounds");
      const gridSize = bounds.length - 1;
      const cp = gdd.comm_padding ?? 0;
      const commPadding =
        typeof cp === "number"
          ? new Array<number>(Math.max(gridSize - 1, 0)).fill(intOf(cp, "comm_padding"))
          : intList(cp, "comm_padding");
      const bp = gdd.boundary_padding ?? 0;
      let boundaryPadding: [number, number];
      if (typeof bp === "number") {
        const b = intOf(bp, "boundary_padding");
        boundaryPadding = [b, b];
      } else {
        const pair = intList(bp, "boundary_padding");
        if (pair.length !== 2)
          throw dimDataError(`boundary_padding must be one number or a pair; got ${describe(bp)}`);
        boundaryPadding = [pair[0]!, pair[1]!];
      }
      const periodic = gdd.periodic ?? false;
      if (typeof periodic !== "boolean")
        throw dimDataError(`periodic must be a boolean; got ${describe(periodic)}`);
      return new BlockMap(bounds, { commPadding, boundaryPadding, periodic });
    }
    case "c":
      return new CyclicMap(
        intOf(gdd.size, "size"),
        intOf(gdd.proc_grid_size, "proc_grid_size"),
        gdd.block_size === undefined ? 1 : intOf(gdd.block_size, "block_size"),
      );
    case "u": {
      if (!Array.isArray(gdd.indices)) {
        throw dimDataError(
          `unstructured global dim data needs 'indices', one list per position; got ${describe(gdd.indices)}`,
        );
      }
      const indices = gdd.indices.map((ix, r) => intList(ix, `indices[${r}]`));
      const size = gdd.size === undefined ? undefined : intOf(gdd.size, "size");
      const oneToOne = gdd.one_to_one;
      if (oneToOne !== undefined && typeof oneToOne !== "boolean") {
        throw dimDataError(`one_to_one must be a boolean; got ${describe(oneToOne)}`);
      }
      return new UnstructuredMap(indices, size, oneToOne);
    }
    case "n":
      return new NoDistMap(intOf(gdd.size, "size"));
    default:
      throw distTypeError(gdd.dist_type, "in global dim data");
  }
}

/** Options of {@link mapFromAxisDimDicts}. */
export interface MapFromAxisDimDictsOptions {
  /** Local length of the axis for each dict (needed for `{}` dicts). */
  readonly lengths?: readonly (number | undefined)[];
}

/**
 * The map of one axis from the dim dicts its ranks export (DistArray's
 * `_map_from_axis_dim_dicts`), engine or client form, in any order and with
 * repeats (every rank of an N-d grid exports a dict per axis): `'n'` dicts give
 * an undistributed map, the rest are grouped by `proc_grid_rank`.
 *
 * @throws DistArrayError `DA_ERR_DIM_DATA` if dicts disagree (type, size, grid
 *   size, block size, or two different dicts for one position), a position in
 *   `0..proc_grid_size-1` is missing, or block dicts do not tile the axis (their
 *   owned ranges must be adjacent from 0 to `size`, and the communication
 *   padding on each side of an edge must match).
 */
export function mapFromAxisDimDicts(
  dimDicts: readonly unknown[],
  options: MapFromAxisDimDictsOptions = {},
): AxisMap {
  if (dimDicts.length === 0) throw dimDataError("an axis needs at least one dim dict");
  if (dimDicts.every((d) => isDapDict(d) && d.dist_type === "n")) {
    const sizes = new Set(dimDicts.map((d) => (d as Record<string, unknown>).size));
    if (sizes.size !== 1)
      throw dimDataError(`'n' dim dicts of one axis disagree on size: ${[...sizes].join(", ")}`);
    return new NoDistMap(intOf([...sizes][0], "size"));
  }
  const locals = dimDicts.map((dd, i) => {
    if (isDapDict(dd) && dd.dist_type !== undefined && !isDistType(dd.dist_type)) {
      throw distTypeError(dd.dist_type, "in a dim dict");
    }
    return mapFromDimDict(dd, { length: options.lengths?.[i] });
  });
  const first = locals[0]!;
  const byRank = new Map<number, LocalAxisMap>();
  for (const m of locals) {
    if (m.distType !== first.distType || m.size !== first.size || m.gridSize !== first.gridSize) {
      throw dimDataError(
        `dim dicts of one axis disagree: ${first.distType} of size ${first.size} over ${first.gridSize} vs ${m.distType} of size ${m.size} over ${m.gridSize}`,
      );
    }
    const seen = byRank.get(m.gridRank);
    if (seen === undefined) byRank.set(m.gridRank, m);
    else if (!seen.equals(m)) {
      throw dimDataError(`two different dim dicts for proc_grid_rank ${m.gridRank} of one axis`);
    }
  }
  const gridSize = first.gridSize;
  const ranks = [...byRank.keys()].sort((a, b) => a - b);
  if (ranks.length !== gridSize || ranks.some((r, i) => r !== i)) {
    throw dimDataError(
      `ranks of processes [${ranks.join(", ")}] not consistent with proc_grid_size ${gridSize}`,
    );
  }
  const sorted = ranks.map((r) => byRank.get(r)!);
  if (first instanceof LocalCyclicMap) {
    for (const m of sorted) {
      if (m.blockSize !== first.blockSize)
        throw dimDataError("cyclic dim dicts of one axis disagree on block_size");
    }
    return new CyclicMap(first.size, gridSize, first.blockSize);
  }
  if (first instanceof LocalUnstructuredMap) {
    const claims = new Set(sorted.map((m) => (m as LocalUnstructuredMap).oneToOne));
    const oneToOne = claims.size === 1 ? [...claims][0] : undefined;
    return new UnstructuredMap(
      sorted.map((m) => m.globalIndices()),
      first.size,
      oneToOne,
    );
  }
  return blockFromLocals(sorted as LocalBlockMap[]);
}

function blockFromLocals(sorted: readonly LocalBlockMap[]): BlockMap {
  const last = sorted.length - 1;
  const bounds = [0];
  const commPadding: number[] = [];
  sorted.forEach((m, r) => {
    const ownedStart = m.start + (r === 0 ? 0 : m.padding[0]);
    const ownedStop = m.stop - (r === last ? 0 : m.padding[1]);
    if (ownedStart !== bounds[r]) {
      throw dimDataError(
        `block dim dicts do not tile the axis: position ${r} owns from ${ownedStart}, expected ${bounds[r]}`,
      );
    }
    if (ownedStop < ownedStart)
      throw dimDataError(`block position ${r} is narrower than its padding`);
    bounds.push(ownedStop);
    if (r < last) {
      const right = m.padding[1];
      const left = sorted[r + 1]!.padding[0];
      if (right !== left) {
        throw dimDataError(
          `communication padding must match across an edge: position ${r} has ${right}, position ${r + 1} has ${left}`,
        );
      }
      commPadding.push(right);
    }
  });
  const size = sorted[0]!.size;
  if (bounds[bounds.length - 1] !== size) {
    throw dimDataError(
      `block dim dicts cover [0, ${bounds[bounds.length - 1]}) of an axis of size ${size}`,
    );
  }
  const periodic = sorted[0]!.periodic;
  if (sorted.some((m) => m.periodic !== periodic))
    throw dimDataError("block dim dicts disagree on periodic");
  return new BlockMap(bounds, {
    commPadding,
    boundaryPadding: [sorted[0]!.padding[0], sorted[last]!.padding[1]],
    periodic,
  });
}
