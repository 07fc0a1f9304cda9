/**
 * `Distribution`: how an n-d array's indices are spread over a C-order grid of
 * processes (DistArray's client `globalapi/maps.py` Distribution). Pure: it
 * needs only an object with `targets` (a Context, or `{targets: [0, 1, 2, 3]}`),
 * so all of the mathematics works with no engines.
 */
import type { AnyDimDict, ClientDimDict, DimData } from "./dap.js";
import { dapBufferShape, isDapDict } from "./dap.js";
import {
  DISTRIBUTION_CACHE_SIZE,
  LruCache,
  sameUnstructuredIndices,
  wireKey,
} from "./distribution-wire.js";
import { DistArrayError, IndexError } from "./errors.js";
import type { DistSpec, DistType } from "./grid.js";
import {
  checkDistTypes,
  gridCoordsFromRank,
  makeGridShape,
  normalizeDistSpecs,
  normalizeGridShape,
  rankFromGridCoords,
} from "./grid.js";
import { LocalDistribution } from "./local-distribution.js";
import type { AxisMap, GlobalDimData } from "./maps.js";
import { mapFromAxisDimDicts, mapFromGlobalDimData, mapFromSizes } from "./maps-build.js";
import { checkShape, describe, fmtShape, product } from "./maps-util.js";

export { DISTRIBUTION_CACHE_SIZE } from "./distribution-wire.js";

/** Anything with engine target ids: a Context, or `{targets: [...]}` for engine-free math. */
export interface TargetsLike {
  readonly targets: readonly number[];
}

/** Options of {@link Distribution.fromShape}. */
export interface FromShapeOptions {
  /** Default `{0: 'b'}`: block on axis 0, the other axes undistributed. */
  readonly dist?: DistSpec;
  /** Processes per axis; default from {@link makeGridShape}. */
  readonly gridShape?: readonly number[];
  /** Engine ids to use (sorted); default all of the context's. */
  readonly targets?: readonly number[];
}

/** The plain, structured-clone-able form of a Distribution (for the wire). */
export interface DistributionJSON {
  readonly globalDimData: readonly GlobalDimData[];
  readonly targets: readonly number[];
}

/**
 * What {@link Distribution.fromDimDataPerRank} accepts per rank: a `dim_data`, or
 * `{dim_data, buffer}` (a distbuffer) or `{dim_data, localShape}`, whose shape sizes
 * `{}` dicts.
 */
export type RankDimData =
  | readonly (AnyDimDict | unknown)[]
  | {
      readonly dim_data: readonly (AnyDimDict | unknown)[];
      readonly buffer?: unknown;
      readonly localShape?: readonly number[];
    };

const wireCache = new LruCache<Distribution>(DISTRIBUTION_CACHE_SIZE);

function valueError(message: string): DistArrayError {
  return new DistArrayError(message, { code: "DA_ERR_VALUE" });
}

function checkTargetsLike(ctx: unknown): TargetsLike {
  if (typeof ctx !== "object" || ctx === null || !Array.isArray((ctx as TargetsLike).targets)) {
    throw new TypeError(
      `expected a Context or an object with a targets array; got ${describe(ctx)}`,
    );
  }
  return ctx as TargetsLike;
}

function checkTargetList(targets: unknown, what: string): number[] {
  if (!Array.isArray(targets) || targets.some((t) => typeof t !== "number")) {
    throw new TypeError(`${what} must be an array of engine ids; got ${describe(targets)}`);
  }
  const list = targets as number[];
  if (list.some((t) => !Number.isInteger(t) || t < 0)) {
    throw valueError(`${what} must be integers >= 0; got ${fmtShape(list)}`);
  }
  if (new Set(list).size !== list.length)
    throw valueError(`${what} must not repeat; got ${fmtShape(list)}`);
  return [...list].sort((a, b) => a - b);
}

// Sorted targets: the explicit ones (which must belong to the context) or the context's.
function chooseTargets(ctx: TargetsLike, targets: readonly number[] | undefined): number[] {
  const all = checkTargetList(ctx.targets, "context targets");
  if (targets === undefined) {
    if (all.length === 0) throw valueError("the context has no targets");
    return all;
  }
  const chosen = checkTargetList(targets, "targets");
  if (chosen.length === 0) throw valueError("targets must not be empty");
  const known = new Set(all);
  const unknown = chosen.filter((t) => !known.has(t));
  if (unknown.length > 0) {
    throw valueError(
      `targets must be engines of the context ${fmtShape(all)}; unknown ${fmtShape(unknown)}`,
    );
  }
  return chosen;
}

/**
 * The distribution of an n-d array over a grid of processes: one 1-D map per
 * axis, a grid shape, and the engine ids (`targets`) of the grid's ranks in
 * C order (rank r lives on `targets[r]`). Immutable.
 */
export class Distribution {
  /** The Context (or `{targets}` object) it was made for. */
  readonly context: TargetsLike;
  readonly maps: readonly AxisMap[];
  readonly shape: readonly number[];
  readonly ndim: number;
  readonly dist: readonly DistType[];
  readonly gridShape: readonly number[];
  /** Engine ids of ranks 0..nprocs-1, sorted. */
  readonly targets: readonly number[];
  /** Number of ranks (= targets.length = product of gridShape). */
  readonly nprocs: number;
  /** Global element count (1 for 0-d). */
  readonly size: number;
  #local = new Map<number, LocalDistribution>();
  #dimDataPerRank: DimData[] | undefined;

  private constructor(context: TargetsLike, maps: readonly AxisMap[], targets: readonly number[]) {
    this.context = context;
    this.maps = Object.freeze([...maps]);
    this.shape = Object.freeze(maps.map((m) => m.size));
    this.ndim = maps.length;
    this.dist = Object.freeze(maps.map((m) => m.distType));
    this.gridShape = Object.freeze(maps.map((m) => m.gridSize));
    this.nprocs = product(this.gridShape);
    this.targets = Object.freeze(targets.slice(0, this.nprocs));
    this.size = product(this.shape);
  }

  /**
   * A Distribution from 1-D maps (DistArray's `from_maps`). Targets are sorted
   * and cut to the grid's size; the grid may use fewer targets than given.
   *
   * @throws InvalidGridShapeError if the grid needs more targets than there are.
   * @throws DistArrayError `DA_ERR_VALUE` for targets that repeat or are not the context's.
   */
  static fromMaps(
    ctxOrTargets: TargetsLike,
    maps: readonly AxisMap[],
    targets?: readonly number[],
  ): Distribution {
    const ctx = checkTargetsLike(ctxOrTargets);
    const chosen = chooseTargets(ctx, targets);
    normalizeGridShape(
      maps.map((m) => m.gridSize),
      maps.length,
      maps.map((m) => m.distType),
      chosen.length,
    );
    return new Distribution(ctx, maps, chosen);
  }

  /**
   * DistArray's `Distribution(context, shape, dist, grid_shape, targets)`
   * (REFERENCE 1.5): regular blocks, (block-)cyclic or undistributed axes.
   * `dist` defaults to `{0: 'b'}`; an axis may be `{dist_type: 'c', block_size: B}`.
   * The grid defaults to {@link makeGridShape} over the targets (capped at the
   * axis lengths), minus block positions that would be empty, as DistArray v0.4+
   * does: `[5, 3]` on 4 engines is blocks of 2, 2, 1 rows on targets `[0, 1, 2]`.
   * A `gridShape` given is used as is (9 rows over `[4]` is 3, 3, 3, 0). An
   * all-`'n'` dist lives on one target (the first, unless one is given).
   *
   * @throws TypeError for a shape, dist or targets of the wrong type.
   * @throws DistArrayError `DA_ERR_DIST_TYPE` for an unknown dist type or `'u'`,
   *   `DA_ERR_TARGET_DIST_CONFLICT` for an all-`'n'` dist with several explicit
   *   targets, `DA_ERR_VALUE` for a bad shape or targets or a dist longer than the shape.
   * @throws InvalidGridShapeError / GridShapeError for an unusable grid.
   */
  static fromShape(
    ctxOrTargets: TargetsLike,
    shape: readonly number[],
    options: FromShapeOptions = {},
  ): Distribution {
    const ctx = checkTargetsLike(ctxOrTargets);
    const dims = checkShape(shape);
    const specs = normalizeDistSpecs(options.dist ?? { 0: "b" }, dims.length);
    const dist = specs.map((s) => (typeof s === "string" ? s : s.dist_type));
    checkDistTypes(dist);
    if (dist.length !== dims.length) {
      throw valueError(
        `dist has ${dist.length} entries; shape ${fmtShape(dims)} has ${dims.length} axes`,
      );
    }
    let targets = options.targets;
    if (options.dist !== undefined && dist.every((d) => d === "n")) {
      // DistArray: an undistributed array lives on one target.
      if (targets !== undefined && targets.length !== 1) {
        throw new DistArrayError(
          `an undistributed (all 'n') array lives on one target; got targets ${fmtShape(targets)}`,
          { code: "DA_ERR_TARGET_DIST_CONFLICT" },
        );
      }
      targets ??= [checkTargetList(ctx.targets, "context targets")[0]!];
    }
    const chosen = chooseTargets(ctx, targets);
    const blockSizes = specs.map((spec, axis) => {
      const b = typeof spec === "string" ? undefined : spec.block_size;
      if (b !== undefined && (dist[axis] !== "c" || !Number.isInteger(b) || b < 1)) {
        throw valueError(
          `block_size must be an integer >= 1 on a 'c' axis; axis ${axis} has ${describe(spec)}`,
        );
      }
      return b ?? 1;
    });
    const grid =
      options.gridShape === undefined
        ? withoutEmptyBlocks(makeGridShape(dims, dist, chosen.length), dims, dist, blockSizes)
        : normalizeGridShape(options.gridShape, dims.length, dist, chosen.length);
    const maps = dims.map((size, axis) => {
      const blockSize = blockSizes[axis]!;
      return mapFromSizes(dist[axis], size, grid[axis]!, { blockSize });
    });
    return Distribution.fromMaps(ctx, maps, chosen);
  }

  /**
   * DistArray's `Distribution.from_global_dim_data` (REFERENCE 3.3): one global
   * dim data entry per axis (see {@link GlobalDimData}); block-cyclic, irregular
   * block, padded and unstructured layouts are made this way.
   *
   * @throws DistArrayError `DA_ERR_DIM_DATA` / `DA_ERR_DIST_TYPE` for malformed entries.
   * @throws InvalidGridShapeError if the grid needs more targets than there are.
   */
  static fromGlobalDimData(
    ctxOrTargets: TargetsLike,
    globalDimData: readonly GlobalDimData[],
    targets?: readonly number[],
  ): Distribution {
    if (!Array.isArray(globalDimData)) {
      throw new TypeError(
        `global dim data must be an array, one entry per axis; got ${describe(globalDimData)}`,
      );
    }
    return Distribution.fromMaps(ctxOrTargets, globalDimData.map(mapFromGlobalDimData), targets);
  }

  /**
   * DistArray's `from_dim_data_per_rank` (REFERENCE 3.4): rebuilds a
   * Distribution from what each rank exports, in rank order. Each entry is a
   * `dim_data` (engine or client form; `'n'` dicts and, with a local shape, `{}`
   * are undistributed), a distbuffer `{dim_data, buffer}`, or `{dim_data, localShape}`. Axes exported as
   * one-process `'b'` come back as `'b'`.
   *
   * @throws DistArrayError `DA_ERR_DIM_DATA` if ranks disagree, positions are
   *   missing, the number of entries is not the grid's size, or entry r is not
   *   at grid coordinates r (C order).
   */
  static fromDimDataPerRank(
    ctxOrTargets: TargetsLike,
    dimDataPerRank: readonly RankDimData[],
    targets?: readonly number[],
  ): Distribution {
    if (!Array.isArray(dimDataPerRank)) {
      throw new TypeError(`dim data per rank must be an array; got ${describe(dimDataPerRank)}`);
    }
    const entries = dimDataPerRank.map((e, r) => {
      if (Array.isArray(e)) return { dims: e as readonly unknown[], lengths: undefined };
      if (isDapDict(e) && Array.isArray(e.dim_data)) {
        const lengths = Array.isArray(e.localShape)
          ? (e.localShape as readonly number[])
          : e.buffer === undefined
            ? undefined
            : dapBufferShape(e.buffer);
        return { dims: e.dim_data as readonly unknown[], lengths };
      }
      throw new TypeError(
        `dim data of rank ${r} must be an array or a distbuffer; got ${describe(e)}`,
      );
    });
    const ndim = entries.length === 0 ? 0 : entries[0]!.dims.length;
    entries.forEach((e, r) => {
      if (e.dims.length !== ndim) {
        throw new DistArrayError(`rank ${r} has ${e.dims.length} dim dicts; rank 0 has ${ndim}`, {
          code: "DA_ERR_DIM_DATA",
        });
      }
    });
    const maps: AxisMap[] = [];
    for (let axis = 0; axis < ndim; axis++) {
      maps.push(
        mapFromAxisDimDicts(
          entries.map((e) => e.dims[axis]),
          { lengths: entries.map((e) => e.lengths?.[axis]) },
        ),
      );
    }
    const grid = maps.map((m) => m.gridSize);
    const expected = Math.max(entries.length, 1);
    if (product(grid) !== expected) {
      throw new DistArrayError(
        `${entries.length} ranks exported dim data, but their grid ${fmtShape(grid)} has ${product(grid)} positions`,
        { code: "DA_ERR_DIM_DATA" },
      );
    }
    entries.forEach((e, r) => {
      const want = gridCoordsFromRank(r, grid);
      const got = maps.map((m, axis) => gridRankOf(e.dims[axis], m));
      if (got.some((c, axis) => c !== want[axis])) {
        throw new DistArrayError(
          `rank ${r} exported grid coordinates ${fmtShape(got)}; C order puts rank ${r} at ${fmtShape(want)}`,
          { code: "DA_ERR_DIM_DATA" },
        );
      }
    });
    return Distribution.fromMaps(ctxOrTargets, maps, targets);
  }

  /**
   * Rebuilds a Distribution from {@link Distribution.toJSON}. Without a context,
   * the context is `{targets}` and equal wire forms give the same (immutable)
   * Distribution object from a small cache of the
   * {@link DISTRIBUTION_CACHE_SIZE} most recent ones, since engines rebuild the
   * distribution of every operation they run.
   *
   * @throws TypeError if `json` is not `{globalDimData, targets}`.
   * @throws DistArrayError as {@link Distribution.fromGlobalDimData}.
   */
  static fromJSON(json: DistributionJSON, ctxOrTargets?: TargetsLike): Distribution {
    if (!isDapDict(json) || !Array.isArray(json.globalDimData) || !Array.isArray(json.targets)) {
      throw new TypeError(`not a Distribution JSON object: ${describe(json)}`);
    }
    if (ctxOrTargets !== undefined) {
      return Distribution.fromGlobalDimData(ctxOrTargets, json.globalDimData, json.targets);
    }
    const key = wireKey(json.globalDimData, json.targets);
    const hit = wireCache.get(key);
    if (hit !== undefined && sameUnstructuredIndices(hit.maps, json.globalDimData)) return hit;
    const d = Distribution.fromGlobalDimData(
      { targets: [...json.targets] },
      json.globalDimData,
      json.targets,
    );
    wireCache.set(key, d);
    return d;
  }

  /** Plain, structured-clone-able form: `{globalDimData, targets}`. */
  toJSON(): DistributionJSON {
    return { globalDimData: this.globalDimData(), targets: [...this.targets] };
  }

  /** Per axis, the global dim data an engine rebuilds this distribution from. */
  globalDimData(): GlobalDimData[] {
    return this.maps.map((m) => m.globalDimData());
  }

  /** False when an axis is unstructured: `owningRanks` then names every candidate. */
  get hasPreciseIndex(): boolean {
    return this.maps.every((m) => m.precise);
  }

  /**
   * Ranks that may own the element at `index` (REFERENCE 3.2): one rank, or for
   * unstructured axes every candidate along them. Negative indices wrap.
   *
   * @throws TypeError if an index is not an integer number.
   * @throws IndexError if the index has the wrong length or is out of range.
   */
  owningRanks(index: number | readonly number[]): number[] {
    const idx = this.#positivify(index);
    let ranks = [0];
    idx.forEach((g, axis) => {
      const owners = this.maps[axis]!.owners(g);
      const g_ = this.gridShape[axis]!;
      const next: number[] = [];
      for (const r of ranks) for (const o of owners) next.push(r * g_ + o);
      ranks = next;
    });
    return ranks;
  }

  /** {@link owningRanks} mapped to engine ids through `targets`. */
  owningTargets(index: number | readonly number[]): number[] {
    return this.owningRanks(index).map((r) => this.targets[r]!);
  }

  #positivify(index: number | readonly number[]): number[] {
    const idx = typeof index === "number" ? [index] : index;
    if (!Array.isArray(idx))
      throw new TypeError(`an index must be an array of integers; got ${describe(index)}`);
    if (idx.length !== this.ndim) {
      throw new IndexError(
        `index ${fmtShape(idx)} needs ${this.ndim} entries for shape ${fmtShape(this.shape)}`,
      );
    }
    return idx.map((i, axis) => {
      if (typeof i !== "number" || !Number.isInteger(i)) {
        throw new TypeError(`index entries must be integers; got ${describe(i)}`);
      }
      const n = this.shape[axis]!;
      const p = i < 0 ? i + n : i;
      if (p < 0 || p >= n) {
        throw new IndexError(`index ${i} is out of bounds for axis ${axis} with size ${n}`);
      }
      return p;
    });
  }

  /**
   * True iff same context, targets, shape, dist, grid and identical maps
   * (REFERENCE 3.5): arrays so distributed can be combined element by element.
   */
  isCompatible(other: Distribution): boolean {
    return (
      other instanceof Distribution &&
      other.context === this.context &&
      sameList(other.targets, this.targets) &&
      sameList(other.shape, this.shape) &&
      sameList(other.dist, this.dist) &&
      sameList(other.gridShape, this.gridShape) &&
      this.maps.every((m, i) => m.equals(other.maps[i]!))
    );
  }

  /**
   * The distribution of a reduction's result (REFERENCE 3.6): the reduced axes
   * removed, the other maps kept, on the ranks with coordinate 0 along every
   * reduced axis. `axes` undefined or null reduces all (0-d on `targets[0]`);
   * negative axes wrap.
   *
   * @throws IndexError for an axis out of range.
   * @throws DistArrayError `DA_ERR_INVALID_DIMENSION` for a repeated axis.
   */
  reduce(axes?: number | readonly number[] | null): Distribution {
    const list =
      axes === undefined || axes === null
        ? this.shape.map((_, i) => i)
        : typeof axes === "number"
          ? [axes]
          : axes;
    if (!Array.isArray(list))
      throw new TypeError(`axes must be a number or an array; got ${describe(axes)}`);
    const reduced = new Set<number>();
    for (const a of list) {
      if (typeof a !== "number" || !Number.isInteger(a))
        throw new TypeError(`an axis must be an integer; got ${describe(a)}`);
      const p = a < 0 ? a + this.ndim : a;
      if (p < 0 || p >= this.ndim)
        throw new IndexError(`axis ${a} is out of bounds for an array of dimension ${this.ndim}`);
      if (reduced.has(p)) {
        throw new DistArrayError(`axis ${a} is repeated in ${fmtShape(list)}`, {
          code: "DA_ERR_INVALID_DIMENSION",
        });
      }
      reduced.add(p);
    }
    const kept = this.shape.flatMap((_, i) => (reduced.has(i) ? [] : [i]));
    const keptGrid = kept.map((i) => this.gridShape[i]!);
    const targets: number[] = [];
    for (let k = 0; k < product(keptGrid); k++) {
      const sub = gridCoordsFromRank(k, keptGrid);
      const coords = this.gridShape.map(() => 0);
      kept.forEach((axis, j) => {
        coords[axis] = sub[j]!;
      });
      targets.push(this.targets[rankFromGridCoords(coords, this.gridShape)]!);
    }
    return Distribution.fromMaps(
      this.context,
      kept.map((i) => this.maps[i]!),
      targets,
    );
  }

  /**
   * Each rank's DAP `dim_data` in engine form (REFERENCE 4.2), a tuple per rank in
   * rank order; every one passes `validateDap` with a buffer of the rank's local
   * shape. A 0-d distribution gives `[]`, as DistArray's does.
   */
  getDimDataPerRank(): DimData[] {
    if (this.#dimDataPerRank === undefined) {
      this.#dimDataPerRank =
        this.ndim === 0
          ? []
          : Array.from({ length: this.nprocs }, (_, r) => this.forRank(r).dimData);
    }
    return [...this.#dimDataPerRank];
  }

  /** Each rank's dim dicts in DistArray's client form (REFERENCE 3.1: `'n'` kept, padding a list, `block_size` always). */
  getClientDimDataPerRank(): ClientDimDict[][] {
    if (this.ndim === 0) return [];
    return Array.from({ length: this.nprocs }, (_, r) => {
      const coords = this.coordsFromRank(r);
      return this.maps.map((m, axis) => m.clientDimDict(coords[axis]!));
    });
  }

  /** Local shape of `rank` (padding included). @throws IndexError for a rank out of range. */
  localShape(rank: number): number[] {
    const coords = this.coordsFromRank(rank);
    return this.maps.map((m, axis) => m.localSize(coords[axis]!));
  }

  /** Every rank's local shape, in rank order. */
  localShapes(): number[][] {
    return Array.from({ length: this.nprocs }, (_, r) => this.localShape(r));
  }

  /** C-order rank of grid coordinates. @throws IndexError if out of the grid. */
  rankFromCoords(coords: readonly number[]): number {
    return rankFromGridCoords(coords, this.gridShape);
  }

  /** Grid coordinates of a rank. @throws IndexError if not in `[0, nprocs)`. */
  coordsFromRank(rank: number): number[] {
    return gridCoordsFromRank(rank, this.gridShape);
  }

  /** Rank `rank`'s view, as its engine sees it (cached). @throws IndexError for a rank out of range. */
  forRank(rank: number): LocalDistribution {
    let local = this.#local.get(rank);
    if (local === undefined) {
      const coords = this.coordsFromRank(rank);
      local = new LocalDistribution(this.maps.map((m, axis) => m.forRank(coords[axis]!)));
      this.#local.set(rank, local);
    }
    return local;
  }

  /** `<Distribution(shape=[4, 5], dist=['b', 'n'], gridShape=[4, 1], targets=[0, 1, 2, 3])>` */
  toString(): string {
    const dist = `[${this.dist.map((d) => `'${d}'`).join(", ")}]`;
    return `<Distribution(shape=${fmtShape(this.shape)}, dist=${dist}, gridShape=${fmtShape(this.gridShape)}, targets=${fmtShape(this.targets)})>`;
  }
}

// DistArray v0.4+ slices a block distribution made from a shape so that no rank
// is left empty: N over P regular blocks of ceil(N/P) fill only ceil(N/ceil(N/P))
// ranks (5 over 4 is 2, 2, 1), so a grid chosen automatically keeps only those;
// likewise a block-cyclic axis gets no more ranks than it has blocks. A grid the
// caller gives is kept as is (empty trailing blocks allowed).
function withoutEmptyBlocks(
  grid: number[],
  shape: readonly number[],
  dist: readonly DistType[],
  blockSizes: readonly number[],
): number[] {
  return grid.map((p, axis) => {
    const n = shape[axis]!;
    if (n === 0) return p;
    if (dist[axis] === "b") return Math.ceil(n / Math.ceil(n / p));
    if (dist[axis] === "c") return Math.min(p, Math.ceil(n / blockSizes[axis]!));
    return p;
  });
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// The grid position a rank's dim dict claims on an axis ('n' and {} are position 0).
function gridRankOf(dd: unknown, map: AxisMap): number {
  if (!isDapDict(dd) || dd.dist_type === undefined || dd.dist_type === "n") return 0;
  if (dd.proc_grid_rank !== undefined) return Number(dd.proc_grid_rank);
  if (map.distType === "c" && dd.start !== undefined) return Number(dd.start) / map.blockSize;
  return 0;
}
