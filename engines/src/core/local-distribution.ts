/**
 * `LocalDistribution`: one rank's view of a distribution, what an engine (and its
 * LocalArray) needs (DistArray's engine `localapi/maps.py` Distribution): local
 * and global shapes, index translation, and the DAP `dim_data` it exports.
 */
import type { DimData } from "./dap.js";
import { isTuple } from "./dap.js";
import { Distribution } from "./distribution.js";
import { DistArrayError, IndexError } from "./errors.js";
import type { DistSpec } from "./grid.js";
import { rankFromGridCoords } from "./grid.js";
import type { GlobalIndexArray, LocalAxisMap } from "./maps-local.js";
import { mapFromDimDict } from "./maps-local.js";
import { describe, fmtShape, product } from "./maps-util.js";

/** Options of {@link LocalDistribution.fromDimData}. */
export interface FromDimDataOptions {
  /** The local buffer's shape; sizes `{}` dim dicts. */
  readonly localShape?: readonly number[];
}

/** Options of {@link LocalDistribution.fromShape}. */
export interface LocalFromShapeOptions {
  readonly dist?: DistSpec;
  readonly gridShape?: readonly number[];
  /** Number of processes (engines) the array is spread over. */
  readonly commSize: number;
  /** This process's rank in `[0, commSize)`. */
  readonly rank: number;
}

/** One rank's view of an n-d distribution. Immutable. */
export class LocalDistribution {
  /** Per axis, this rank's 1-D map. */
  readonly maps: readonly LocalAxisMap[];
  /** C-order rank in the grid. */
  readonly rank: number;
  /** Grid coordinates (`proc_grid_rank` per axis). */
  readonly coords: readonly number[];
  readonly gridShape: readonly number[];
  /** Processes in the grid (product of `gridShape`). */
  readonly commSize: number;
  readonly globalShape: readonly number[];
  readonly globalSize: number;
  readonly localShape: readonly number[];
  readonly localSize: number;
  readonly ndim: number;
  /** Engine-form dist types: an undistributed axis reports `'b'` (REFERENCE 4.2). */
  readonly dist: readonly ("b" | "c" | "u")[];
  /** The engine-form DAP `dim_data`: a tuple (frozen array) of frozen dim dicts. */
  readonly dimData: DimData;

  /** From one rank's 1-D maps (what `Distribution.forRank` does). */
  constructor(maps: readonly LocalAxisMap[]) {
    this.maps = Object.freeze([...maps]);
    this.ndim = maps.length;
    this.coords = Object.freeze(maps.map((m) => m.gridRank));
    this.gridShape = Object.freeze(maps.map((m) => m.gridSize));
    this.commSize = product(this.gridShape);
    this.rank = rankFromGridCoords(this.coords, this.gridShape);
    this.globalShape = Object.freeze(maps.map((m) => m.size));
    this.globalSize = product(this.globalShape);
    this.localShape = Object.freeze(maps.map((m) => m.localSize));
    this.localSize = product(this.localShape);
    this.dist = Object.freeze(maps.map((m) => m.distType));
    this.dimData = Object.freeze(maps.map((m) => m.dimDict()));
  }

  /**
   * From a DAP `dim_data` (engine or client form; `'n'` dicts, and `{}` with
   * `options.localShape`, are undistributed).
   *
   * @throws TypeError if `dimData` is not an array.
   * @throws DistArrayError `DA_ERR_DIM_DATA` for a malformed dim dict.
   */
  static fromDimData(
    dimData: readonly unknown[],
    options: FromDimDataOptions = {},
  ): LocalDistribution {
    if (!Array.isArray(dimData) && !isTuple(dimData)) {
      throw new TypeError(`dim_data must be an array of dim dicts; got ${describe(dimData)}`);
    }
    return new LocalDistribution(
      dimData.map((dd, axis) => mapFromDimDict(dd, { length: options.localShape?.[axis] })),
    );
  }

  /**
   * The view of rank `rank` when `shape` is spread over `commSize` processes as
   * `Distribution.fromShape` would (DistArray's engine `Distribution.from_shape`).
   */
  static fromShape(shape: readonly number[], options: LocalFromShapeOptions): LocalDistribution {
    const targets = Array.from({ length: options.commSize }, (_, i) => i);
    const d = Distribution.fromShape({ targets }, shape, {
      dist: options.dist,
      gridShape: options.gridShape,
    });
    return d.forRank(options.rank);
  }

  #axis(axis: number): LocalAxisMap {
    if (!Number.isInteger(axis) || axis < 0 || axis >= this.ndim) {
      throw new DistArrayError(`axis must be in [0, ${this.ndim}); got ${axis}`, {
        code: "DA_ERR_INVALID_DIMENSION",
      });
    }
    return this.maps[axis]!;
  }

  #checkLength(index: readonly number[], what: string): void {
    if (!Array.isArray(index))
      throw new TypeError(`a ${what} index must be an array; got ${describe(index)}`);
    if (index.length !== this.ndim) {
      throw new IndexError(`${what} index ${fmtShape(index)} needs ${this.ndim} entries`);
    }
    for (const i of index) {
      if (typeof i !== "number" || !Number.isInteger(i)) {
        throw new TypeError(`index entries must be integers; got ${describe(i)}`);
      }
    }
  }

  /**
   * The local position of a global index. Negative entries wrap by the global
   * shape.
   *
   * @throws IndexError if out of the global bounds or not held by this rank.
   */
  localFromGlobal(global: readonly number[]): number[] {
    this.#checkLength(global, "global");
    return global.map((g, axis) => {
      const n = this.globalShape[axis]!;
      const p = g < 0 ? g + n : g;
      if (p < 0 || p >= n)
        throw new IndexError(`index ${g} is out of bounds for axis ${axis} with size ${n}`);
      return this.maps[axis]!.localFromGlobal(p);
    });
  }

  /** The global index of a local position. @throws IndexError if out of the local shape. */
  globalFromLocal(local: readonly number[]): number[] {
    this.#checkLength(local, "local");
    return local.map((l, axis) => this.maps[axis]!.globalFromLocal(l));
  }

  /** True if this rank holds the element at global index `global` (no wrapping). */
  owns(global: readonly number[]): boolean {
    return global.length === this.ndim && global.every((g, axis) => this.maps[axis]!.owns(g));
  }

  /**
   * Global index of every local position along `axis`, in local order (cached; do
   * not modify).
   * @throws DistArrayError `DA_ERR_INVALID_DIMENSION` for a bad axis.
   */
  globalIndices(axis: number): GlobalIndexArray {
    return this.#axis(axis).globalIndices();
  }

  /**
   * `[first, last]` global index held along `axis` (DistArray's `global_limits`):
   * `(16, 16)` `('c','n')` on 4 ranks, rank 1, axis 0 gives `[1, 13]`.
   *
   * @throws DistArrayError `DA_ERR_INVALID_DIMENSION` for a bad axis (negative included).
   * @throws IndexError if this rank holds nothing along `axis`.
   */
  globalLimits(axis: number): [number, number] {
    const m = this.#axis(axis);
    if (m.localSize === 0)
      throw new IndexError(`rank ${this.rank} holds no elements along axis ${axis}`);
    return [m.globalFromLocal(0), m.globalFromLocal(m.localSize - 1)];
  }

  /** Same layout on every axis and the same rank position. */
  equals(other: LocalDistribution): boolean {
    return (
      other instanceof LocalDistribution &&
      other.ndim === this.ndim &&
      this.maps.every((m, i) => m.equals(other.maps[i]!))
    );
  }

  /** Arrays with equal local distributions can be combined element by element ({@link equals}). */
  isCompatible(other: LocalDistribution): boolean {
    return this.equals(other);
  }
}
