/**
 * The 1-D maps of a distribution, one per dist type, each knowing every rank
 * along its axis (DistArray's client `globalapi/maps.py` and engine
 * `localapi/maps.py` in one place): block (regular from a shape, irregular
 * bounds, DAP padding and `periodic`), cyclic and block-cyclic, unstructured, and
 * not distributed. A rank's own view is a {@link LocalAxisMap} (maps-local.ts),
 * which is what engines hold.
 */
import type { ClientDimDict, DimDict } from "./dap.js";
import { DistArrayError, IndexError } from "./errors.js";
import type { DistType } from "./grid.js";
import type { GlobalIndexArray, LocalAxisMap } from "./maps-local.js";
import { LocalBlockMap, LocalCyclicMap, LocalUnstructuredMap } from "./maps-local.js";
import { describe } from "./maps-util.js";

/**
 * The global description of one axis (DistArray's `global_dim_data` entry), from
 * which every rank's map follows. Block `bounds` are the owned ranges
 * `[bounds[i], bounds[i+1])` (size = last bound, grid size = bounds - 1);
 * `comm_padding` widens each interior edge by that many ghost cells on both
 * sides (one number, or one per interior edge), `boundary_padding` marks
 * padding cells at the two ends (one number or `[left, right]`; they belong to
 * the array). Unstructured `size` defaults to the total number of indices.
 */
export type GlobalDimData =
  | {
      readonly dist_type: "b";
      readonly bounds: readonly number[];
      readonly comm_padding?: number | readonly number[];
      readonly boundary_padding?: number | readonly number[];
      readonly periodic?: boolean;
    }
  | {
      readonly dist_type: "c";
      readonly size: number;
      readonly proc_grid_size: number;
      readonly block_size?: number;
    }
  | {
      readonly dist_type: "u";
      readonly indices: readonly ArrayLike<number>[];
      readonly size?: number;
      readonly one_to_one?: boolean;
    }
  | { readonly dist_type: "n"; readonly size: number };

/** One axis of a distribution, over all the ranks along it. */
export interface AxisMap {
  readonly distType: DistType;
  /** Global length of the axis. */
  readonly size: number;
  /** Number of processes along the axis. */
  readonly gridSize: number;
  /** Block size of a cyclic axis; 1 otherwise. */
  readonly blockSize: number;
  /** False for unstructured axes, whose `owners` are all ranks (REFERENCE 2.5). */
  readonly precise: boolean;
  /**
   * Grid positions that may own global index `g`: exactly one, except for an
   * unstructured axis, which answers all of its positions.
   * @throws IndexError if `g` is not in `[0, size)`.
   */
  owners(g: number): number[];
  /**
   * Grid positions whose owned indices contain `g` (exact for every type; for
   * unstructured axes, by lookup; padding cells are not owned).
   * @throws IndexError if `g` is not in `[0, size)`.
   */
  holders(g: number): number[];
  /** Local length at position `r` (padding included). */
  localSize(r: number): number;
  /** Indices position `r` owns (padding excluded; DAP `num_owned_indices`). */
  ownedSize(r: number): number;
  /** Global index of each local position of `r`, in local order. */
  globalIndices(r: number): GlobalIndexArray;
  /** @throws IndexError if position `r` does not hold `g`. */
  localFromGlobal(r: number, g: number): number;
  /** @throws IndexError if `l` is out of range at position `r`. */
  globalFromLocal(r: number, l: number): number;
  /**
   * Position `r`'s own view (cached).
   * @throws IndexError if `r` is not in `[0, gridSize)`.
   */
  forRank(r: number): LocalAxisMap;
  /** Engine-form DAP dim dict of position `r` (REFERENCE 4.2; `'n'` exports as a one-process `'b'`). */
  dimDict(r: number): DimDict;
  /** Client-form dim dict of position `r` (REFERENCE 3.1: padding a list, `block_size` always). */
  clientDimDict(r: number): ClientDimDict;
  /** The global dim data this map is rebuilt from ({@link mapFromGlobalDimData}). */
  globalDimData(): GlobalDimData;
  /** Same type and same layout on every position. */
  equals(other: AxisMap): boolean;
}

function dimDataError(message: string): DistArrayError {
  return new DistArrayError(message, { code: "DA_ERR_DIM_DATA" });
}

function checkIndex(g: number, size: number): void {
  if (!Number.isInteger(g) || g < 0 || g >= size) {
    throw new IndexError(`index ${g} is out of bounds for axis of size ${size}`);
  }
}

/** Shared per-rank plumbing: every rank-specific answer comes from `forRank(r)`. */
abstract class AxisMapBase implements AxisMap {
  abstract readonly distType: DistType;
  abstract readonly size: number;
  abstract readonly gridSize: number;
  readonly blockSize: number = 1;
  readonly precise: boolean = true;
  #local: (LocalAxisMap | undefined)[] = [];

  protected abstract makeLocal(r: number): LocalAxisMap;
  abstract owners(g: number): number[];
  abstract clientDimDict(r: number): ClientDimDict;
  abstract globalDimData(): GlobalDimData;
  abstract equals(other: AxisMap): boolean;

  holders(g: number): number[] {
    return this.owners(g);
  }

  forRank(r: number): LocalAxisMap {
    if (!Number.isInteger(r) || r < 0 || r >= this.gridSize) {
      throw new IndexError(`grid position must be in [0, ${this.gridSize}); got ${r}`);
    }
    let m = this.#local[r];
    if (m === undefined) {
      m = this.makeLocal(r);
      this.#local[r] = m;
    }
    return m;
  }

  localSize(r: number): number {
    return this.forRank(r).localSize;
  }

  ownedSize(r: number): number {
    return this.forRank(r).localSize;
  }

  globalIndices(r: number): GlobalIndexArray {
    return this.forRank(r).globalIndices();
  }

  localFromGlobal(r: number, g: number): number {
    return this.forRank(r).localFromGlobal(g);
  }

  globalFromLocal(r: number, l: number): number {
    return this.forRank(r).globalFromLocal(l);
  }

  dimDict(r: number): DimDict {
    return this.forRank(r).dimDict();
  }
}

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Options of a {@link BlockMap} beyond its bounds. */
export interface BlockMapOptions {
  /** Ghost cells on each side of each interior edge: `commPadding[i]` between positions i and i+1. */
  readonly commPadding?: readonly number[];
  /** Boundary padding widths at the start and end of the axis (owned cells). */
  readonly boundaryPadding?: readonly [number, number];
  readonly periodic?: boolean;
}

/**
 * Block axis: position `r` owns `[bounds[r], bounds[r+1])`. Regular blocks
 * ({@link BlockMap.regular}) use DistArray's `_start_stop_block`: `k = ceil(N/P)`,
 * `start = min(r*k, N)`, `stop = min(start + k, N)`, so trailing positions may be
 * empty (9 over 4 is 3, 3, 3, 0).
 */
export class BlockMap extends AxisMapBase {
  readonly distType = "b" as const;
  readonly size: number;
  readonly gridSize: number;
  /** Owned boundaries, `gridSize + 1` entries from 0 to `size`. */
  readonly bounds: readonly number[];
  readonly commPadding: readonly number[];
  readonly boundaryPadding: readonly [number, number];
  readonly periodic: boolean;

  /**
   * @throws DistArrayError `DA_ERR_DIM_DATA` if the bounds do not start at 0 and
   *   rise, or a padding width is negative or wider than a neighbour's block.
   */
  constructor(bounds: readonly number[], options: BlockMapOptions = {}) {
    super();
    if (bounds.length < 2 || bounds.some((b) => !Number.isInteger(b))) {
      throw dimDataError(`block bounds need at least two integers; got ${describe(bounds)}`);
    }
    if (bounds[0] !== 0)
      throw dimDataError(`block bounds must start at 0; got ${describe(bounds)}`);
    for (let i = 1; i < bounds.length; i++) {
      if (bounds[i]! < bounds[i - 1]!) {
        throw dimDataError(`block bounds must not decrease; got ${describe(bounds)}`);
      }
    }
    this.bounds = Object.freeze([...bounds]);
    this.gridSize = bounds.length - 1;
    this.size = bounds[bounds.length - 1]!;
    const comm = options.commPadding ?? new Array<number>(this.gridSize - 1).fill(0);
    if (comm.length !== this.gridSize - 1) {
      throw dimDataError(
        `comm padding needs one width per interior edge (${this.gridSize - 1}); got ${comm.length}`,
      );
    }
    comm.forEach((c, i) => {
      const room = Math.min(this.ownedSize(i), this.ownedSize(i + 1));
      if (!Number.isInteger(c) || c < 0 || c > room) {
        throw dimDataError(
          `comm padding between positions ${i} and ${i + 1} must be an integer in [0, ${room}]; got ${c}`,
        );
      }
    });
    this.commPadding = Object.freeze([...comm]);
    const boundary = options.boundaryPadding ?? [0, 0];
    if (boundary.some((b) => !Number.isInteger(b) || b < 0)) {
      throw dimDataError(`boundary padding must be integers >= 0; got ${describe(boundary)}`);
    }
    this.boundaryPadding = Object.freeze([boundary[0], boundary[1]]) as readonly [number, number];
    this.periodic = options.periodic ?? false;
    for (let r = 0; r < this.gridSize; r++) {
      const [left, right] = this.padding(r);
      const local =
        this.ownedSize(r) + (r === 0 ? 0 : left) + (r === this.gridSize - 1 ? 0 : right);
      if (left + right > local) {
        throw dimDataError(
          `padding [${left}, ${right}] of position ${r} is wider than its ${local} local elements`,
        );
      }
    }
  }

  /** Regular blocks of DistArray's `_start_stop_block` for `size` over `gridSize`. */
  static regular(size: number, gridSize: number): BlockMap {
    const k = Math.ceil(size / gridSize);
    const bounds = [0];
    for (let r = 0; r < gridSize; r++) bounds.push(Math.min(Math.min(r * k, size) + k, size));
    return new BlockMap(bounds);
  }

  /** Padding `[left, right]` of position `r` in DAP terms (edges are boundary padding). */
  padding(r: number): [number, number] {
    const last = this.gridSize - 1;
    return [
      r === 0 ? this.boundaryPadding[0] : this.commPadding[r - 1]!,
      r === last ? this.boundaryPadding[1] : this.commPadding[r]!,
    ];
  }

  protected makeLocal(r: number): LocalAxisMap {
    const last = this.gridSize - 1;
    const start = this.bounds[r]! - (r === 0 ? 0 : this.commPadding[r - 1]!);
    const stop = this.bounds[r + 1]! + (r === last ? 0 : this.commPadding[r]!);
    return new LocalBlockMap(
      this.size,
      this.gridSize,
      r,
      start,
      stop,
      this.padding(r),
      this.periodic,
    );
  }

  override ownedSize(r: number): number {
    return this.bounds[r + 1]! - this.bounds[r]!;
  }

  owners(g: number): number[] {
    checkIndex(g, this.size);
    // The last position whose owned range starts at or before g (empty ranges skipped).
    let lo = 0;
    let hi = this.gridSize - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bounds[mid]! <= g) lo = mid;
      else hi = mid - 1;
    }
    return [lo];
  }

  clientDimDict(r: number): ClientDimDict {
    const m = this.forRank(r) as LocalBlockMap;
    const dd = {
      dist_type: "b" as const,
      size: this.size,
      proc_grid_size: this.gridSize,
      proc_grid_rank: r,
      start: m.start,
      stop: m.stop,
      padding: this.padding(r),
    };
    return this.periodic ? { ...dd, periodic: true } : dd;
  }

  globalDimData(): GlobalDimData {
    const out: {
      dist_type: "b";
      bounds: number[];
      comm_padding?: number | number[];
      boundary_padding?: number | number[];
      periodic?: boolean;
    } = { dist_type: "b", bounds: [...this.bounds] };
    if (this.commPadding.some((c) => c !== 0)) {
      const uniform = this.commPadding.every((c) => c === this.commPadding[0]);
      out.comm_padding = uniform ? this.commPadding[0]! : [...this.commPadding];
    }
    const [left, right] = this.boundaryPadding;
    if (left !== 0 || right !== 0) out.boundary_padding = left === right ? left : [left, right];
    if (this.periodic) out.periodic = true;
    return out;
  }

  equals(other: AxisMap): boolean {
    return (
      other instanceof BlockMap &&
      sameNumbers(other.bounds, this.bounds) &&
      sameNumbers(other.commPadding, this.commPadding) &&
      sameNumbers(other.boundaryPadding, this.boundaryPadding) &&
      other.periodic === this.periodic
    );
  }
}

/**
 * Cyclic (`blockSize` 1) and block-cyclic axes: global block `g // B` belongs to
 * position `(g // B) % P`, the trailing partial block included (REFERENCE 2.3).
 */
export class CyclicMap extends AxisMapBase {
  readonly distType = "c" as const;
  override readonly blockSize: number;

  /**
   * @throws DistArrayError `DA_ERR_DIM_DATA` for a negative size, a grid size
   *   below 1 or a block size below 1.
   */
  constructor(
    readonly size: number,
    readonly gridSize: number,
    blockSize = 1,
  ) {
    super();
    if (!Number.isInteger(size) || size < 0)
      throw dimDataError(`cyclic size must be an integer >= 0; got ${size}`);
    if (!Number.isInteger(gridSize) || gridSize < 1) {
      throw dimDataError(`cyclic proc_grid_size must be an integer >= 1; got ${gridSize}`);
    }
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw dimDataError(`block_size must be an integer >= 1; got ${blockSize}`);
    }
    this.blockSize = blockSize;
  }

  protected makeLocal(r: number): LocalAxisMap {
    return new LocalCyclicMap(this.size, this.gridSize, r, this.blockSize);
  }

  owners(g: number): number[] {
    checkIndex(g, this.size);
    return [Math.floor(g / this.blockSize) % this.gridSize];
  }

  clientDimDict(r: number): ClientDimDict {
    this.forRank(r);
    return {
      dist_type: "c",
      size: this.size,
      proc_grid_size: this.gridSize,
      proc_grid_rank: r,
      start: r * this.blockSize,
      block_size: this.blockSize,
    };
  }

  globalDimData(): GlobalDimData {
    return {
      dist_type: "c",
      size: this.size,
      proc_grid_size: this.gridSize,
      block_size: this.blockSize,
    };
  }

  equals(other: AxisMap): boolean {
    return (
      other instanceof CyclicMap &&
      other.size === this.size &&
      other.gridSize === this.gridSize &&
      other.blockSize === this.blockSize
    );
  }
}

/** An undistributed axis: one position holds everything; on engines it is a one-process block. */
export class NoDistMap extends AxisMapBase {
  readonly distType = "n" as const;
  readonly gridSize = 1;

  /** @throws DistArrayError `DA_ERR_DIM_DATA` for a negative or fractional size. */
  constructor(readonly size: number) {
    super();
    if (!Number.isInteger(size) || size < 0)
      throw dimDataError(`size must be an integer >= 0; got ${size}`);
  }

  protected makeLocal(): LocalAxisMap {
    return new LocalBlockMap(this.size, 1, 0, 0, this.size);
  }

  owners(g: number): number[] {
    checkIndex(g, this.size);
    return [0];
  }

  clientDimDict(r: number): ClientDimDict {
    this.forRank(r);
    return { dist_type: "n", size: this.size, proc_grid_size: 1, proc_grid_rank: 0 };
  }

  globalDimData(): GlobalDimData {
    return { dist_type: "n", size: this.size };
  }

  equals(other: AxisMap): boolean {
    return other instanceof NoDistMap && other.size === this.size;
  }
}

/**
 * Unstructured axis: position `r` holds `indices[r]` in that order. `owners`
 * answers every position (DistArray's client cannot tell); `holders` looks up.
 */
export class UnstructuredMap extends AxisMapBase {
  readonly distType = "u" as const;
  override readonly precise = false;
  readonly size: number;
  readonly gridSize: number;
  readonly oneToOne: boolean | undefined;
  readonly #indices: readonly ArrayLike<number>[];
  readonly #locals: readonly LocalUnstructuredMap[];
  #holders: Map<number, number[]> | undefined;

  /**
   * @param indices per position, the global indices it holds.
   * @param size the axis length; default the total number of indices.
   * @throws DistArrayError `DA_ERR_DIM_DATA` if there are no positions, an index
   *   is outside `[0, size)` or repeats on a position, or `oneToOne` is claimed
   *   but an index is on two positions.
   */
  constructor(indices: readonly ArrayLike<number>[], size?: number, oneToOne?: boolean) {
    super();
    if (indices.length < 1) throw dimDataError("unstructured indices need at least one position");
    const total = indices.reduce((n, ix) => n + ix.length, 0);
    this.size = size ?? total;
    if (!Number.isInteger(this.size) || this.size < 0) {
      throw dimDataError(`unstructured size must be an integer >= 0; got ${this.size}`);
    }
    this.gridSize = indices.length;
    this.oneToOne = oneToOne;
    this.#locals = indices.map((ix, r) => {
      for (let i = 0; i < ix.length; i++) {
        const g = ix[i]!;
        if (!Number.isInteger(g) || g < 0 || g >= this.size) {
          throw dimDataError(
            `unstructured index ${g} at position ${r} is outside [0, ${this.size})`,
          );
        }
      }
      return new LocalUnstructuredMap(this.size, this.gridSize, r, ix, oneToOne);
    });
    this.#indices = this.#locals.map((m) => m.indices);
    if (oneToOne === true) {
      for (const [g, rs] of this.#holderMap()) {
        if (rs.length > 1) {
          throw dimDataError(`one_to_one axis has index ${g} on positions ${rs.join(", ")}`);
        }
      }
    }
  }

  /** The indices of every position (do not modify). */
  get indices(): readonly ArrayLike<number>[] {
    return this.#indices;
  }

  protected makeLocal(r: number): LocalAxisMap {
    return this.#locals[r]!;
  }

  #holderMap(): Map<number, number[]> {
    if (this.#holders === undefined) {
      const m = new Map<number, number[]>();
      this.#indices.forEach((ix, r) => {
        for (let i = 0; i < ix.length; i++) {
          const g = ix[i]!;
          const list = m.get(g);
          if (list === undefined) m.set(g, [r]);
          else list.push(r);
        }
      });
      this.#holders = m;
    }
    return this.#holders;
  }

  owners(g: number): number[] {
    checkIndex(g, this.size);
    return Array.from({ length: this.gridSize }, (_, r) => r);
  }

  override holders(g: number): number[] {
    checkIndex(g, this.size);
    return [...(this.#holderMap().get(g) ?? [])];
  }

  clientDimDict(r: number): ClientDimDict {
    const dd = {
      dist_type: "u" as const,
      size: this.size,
      proc_grid_size: this.gridSize,
      proc_grid_rank: r,
      indices: Array.from(this.forRank(r).globalIndices()),
    };
    return this.oneToOne === undefined ? dd : { ...dd, one_to_one: this.oneToOne };
  }

  globalDimData(): GlobalDimData {
    const out: {
      dist_type: "u";
      indices: number[][];
      size?: number;
      one_to_one?: boolean;
    } = { dist_type: "u", indices: this.#indices.map((ix) => Array.from(ix)) };
    const total = this.#indices.reduce((n, ix) => n + ix.length, 0);
    if (total !== this.size) out.size = this.size;
    if (this.oneToOne !== undefined) out.one_to_one = this.oneToOne;
    return out;
  }

  equals(other: AxisMap): boolean {
    if (
      !(other instanceof UnstructuredMap) ||
      other.size !== this.size ||
      other.gridSize !== this.gridSize ||
      other.oneToOne !== this.oneToOne
    ) {
      return false;
    }
    return this.#indices.every((ix, r) => sameNumbers(ix, other.indices[r]!));
  }
}
