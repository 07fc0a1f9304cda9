/**
 * One rank's view of one axis: the 1-D local maps of DistArray's engine side
 * (`localapi/maps.py`), built from a DAP dim dict by {@link mapFromDimDict} or
 * handed out by an {@link AxisMap}'s `forRank`. Engines and the client use these
 * same classes, so the index math exists once.
 *
 * An undistributed (`'n'`) axis is a one-process block map here, as on
 * DistArray's engines (REFERENCE 4.2): its `distType` is `'b'`.
 */
import type {
  BlockDimDict,
  CyclicDimDict,
  DimDict,
  IndexBuffer,
  UnstructuredDimDict,
} from "./dap.js";
import { cyclicLocalSize, isDapBuffer, isDapDict } from "./dap.js";
import { DistArrayError, IndexError } from "./errors.js";
import { describe } from "./maps-util.js";

/** Global indices in local order; Int32Array unless an index needs more than 31 bits. */
export type GlobalIndexArray = Int32Array | Float64Array;

/** A strided run of global indices: `start, start+step, ...` below `stop`. */
export interface GlobalSlice {
  readonly start: number;
  readonly stop: number;
  readonly step: number;
}

/** One rank's map of one axis between local positions and global indices. */
export interface LocalAxisMap {
  /** Engine-form dist type: `'n'` axes are `'b'` here. */
  readonly distType: "b" | "c" | "u";
  /** Global length of the axis. */
  readonly size: number;
  /** Processes along this axis. */
  readonly gridSize: number;
  /** This rank's position along this axis. */
  readonly gridRank: number;
  /** Local length (for a padded block axis, including its padding). */
  readonly localSize: number;
  /** Block size of a cyclic axis (1 for plain cyclic, block and unstructured). */
  readonly blockSize: number;
  /** First global index held (block, cyclic); the first index for unstructured (or 0 if none). */
  readonly start: number;
  /** True if global index `g` has a local position here (padding included). */
  owns(g: number): boolean;
  /**
   * The local position of global index `g`.
   * @throws IndexError if this rank does not hold `g`.
   */
  localFromGlobal(g: number): number;
  /**
   * The global index at local position `l`.
   * @throws IndexError if `l` is not in `[0, localSize)`.
   */
  globalFromLocal(l: number): number;
  /** Global index of every local position, in local order (cached; do not modify). */
  globalIndices(): GlobalIndexArray;
  /** The global indices as one strided run, or null when they are not one (block-cyclic, unstructured). */
  globalSlice(): GlobalSlice | null;
  /** The engine-form DAP dim dict (cached, frozen). */
  dimDict(): DimDict;
  /** Same axis layout and same rank position. */
  equals(other: LocalAxisMap): boolean;
}

const INT32_MAX = 2 ** 31 - 1;

function indexArray(n: number, maxValue: number): GlobalIndexArray {
  return maxValue > INT32_MAX ? new Float64Array(n) : new Int32Array(n);
}

function checkLocal(l: number, localSize: number): void {
  if (!Number.isInteger(l) || l < 0 || l >= localSize) {
    throw new IndexError(`local index must be in [0, ${localSize}); got ${l}`);
  }
}

/**
 * A block of `[start, stop)` (DistArray `BlockMap`); `padding` is the DAP
 * padding of this block (included in `[start, stop)`), `periodic` the DAP flag.
 */
export class LocalBlockMap implements LocalAxisMap {
  readonly distType = "b" as const;
  readonly blockSize = 1;
  readonly localSize: number;
  #indices: GlobalIndexArray | undefined;
  #dimDict: BlockDimDict | undefined;

  constructor(
    readonly size: number,
    readonly gridSize: number,
    readonly gridRank: number,
    readonly start: number,
    readonly stop: number,
    readonly padding: readonly [number, number] = [0, 0],
    readonly periodic = false,
  ) {
    this.localSize = stop - start;
  }

  owns(g: number): boolean {
    return g >= this.start && g < this.stop;
  }

  localFromGlobal(g: number): number {
    // BlockMap.local_from_global_index: g - start, IndexError outside [start, stop).
    if (!Number.isInteger(g) || g < this.start || g >= this.stop) {
      throw new IndexError(`global index ${g} is not in this block [${this.start}, ${this.stop})`);
    }
    return g - this.start;
  }

  globalFromLocal(l: number): number {
    checkLocal(l, this.localSize);
    return l + this.start;
  }

  globalIndices(): GlobalIndexArray {
    if (this.#indices === undefined) {
      const out = indexArray(this.localSize, this.stop);
      for (let i = 0; i < out.length; i++) out[i] = this.start + i;
      this.#indices = out;
    }
    return this.#indices;
  }

  globalSlice(): GlobalSlice {
    return { start: this.start, stop: this.stop, step: 1 };
  }

  dimDict(): BlockDimDict {
    if (this.#dimDict === undefined) {
      const dd: Record<string, unknown> = {
        dist_type: "b",
        size: this.size,
        proc_grid_rank: this.gridRank,
        proc_grid_size: this.gridSize,
        start: this.start,
        stop: this.stop,
      };
      if (this.padding[0] !== 0 || this.padding[1] !== 0)
        dd.padding = Object.freeze([...this.padding]);
      if (this.periodic) dd.periodic = true;
      this.#dimDict = Object.freeze(dd) as unknown as BlockDimDict;
    }
    return this.#dimDict;
  }

  equals(other: LocalAxisMap): boolean {
    return (
      other instanceof LocalBlockMap &&
      other.size === this.size &&
      other.gridSize === this.gridSize &&
      other.gridRank === this.gridRank &&
      other.start === this.start &&
      other.stop === this.stop &&
      other.padding[0] === this.padding[0] &&
      other.padding[1] === this.padding[1] &&
      other.periodic === this.periodic
    );
  }
}

/**
 * Cyclic (`blockSize` 1) and block-cyclic axes: global block `g // B` is held by
 * position `(g // B) % P`, including a trailing partial block (REFERENCE 2.3's
 * correct rule; DistArray's engine credited the partial block to rank 0).
 * `start` is `gridRank * blockSize`.
 */
export class LocalCyclicMap implements LocalAxisMap {
  readonly distType = "c" as const;
  readonly start: number;
  readonly localSize: number;
  #indices: GlobalIndexArray | undefined;
  #dimDict: CyclicDimDict | undefined;

  constructor(
    readonly size: number,
    readonly gridSize: number,
    readonly gridRank: number,
    readonly blockSize = 1,
  ) {
    this.start = gridRank * blockSize;
    this.localSize = cyclicLocalSize(size, gridSize, blockSize, gridRank);
  }

  owns(g: number): boolean {
    if (!Number.isInteger(g) || g < 0 || g >= this.size) return false;
    return Math.floor(g / this.blockSize) % this.gridSize === this.gridRank;
  }

  localFromGlobal(g: number): number {
    // BlockCyclicMap.local_from_global_index: (blk, off) = divmod(g, B);
    // IndexError unless (blk - start // B) % P == 0; B * ((blk - start // B) // P) + off.
    if (!this.owns(g)) {
      throw new IndexError(
        `global index ${g} is not held by cyclic position ${this.gridRank} of ${this.gridSize} (block size ${this.blockSize}, size ${this.size})`,
      );
    }
    const B = this.blockSize;
    const blk = Math.floor(g / B);
    return B * Math.floor((blk - this.gridRank) / this.gridSize) + (g - blk * B);
  }

  globalFromLocal(l: number): number {
    checkLocal(l, this.localSize);
    const B = this.blockSize;
    const lb = Math.floor(l / B);
    return (lb * this.gridSize + this.gridRank) * B + (l - lb * B);
  }

  globalIndices(): GlobalIndexArray {
    if (this.#indices === undefined) {
      const out = indexArray(this.localSize, this.size);
      const B = this.blockSize;
      const stride = this.gridSize * B;
      let k = 0;
      for (let blockStart = this.start; blockStart < this.size; blockStart += stride) {
        const end = Math.min(blockStart + B, this.size);
        for (let g = blockStart; g < end; g++) out[k++] = g;
      }
      this.#indices = out;
    }
    return this.#indices;
  }

  globalSlice(): GlobalSlice | null {
    if (this.blockSize !== 1 && this.gridSize !== 1) return null;
    return { start: this.start, stop: this.size, step: this.blockSize === 1 ? this.gridSize : 1 };
  }

  dimDict(): CyclicDimDict {
    if (this.#dimDict === undefined) {
      const dd: Record<string, unknown> = {
        dist_type: "c",
        size: this.size,
        proc_grid_rank: this.gridRank,
        proc_grid_size: this.gridSize,
        start: this.start,
      };
      if (this.blockSize !== 1) dd.block_size = this.blockSize;
      this.#dimDict = Object.freeze(dd) as unknown as CyclicDimDict;
    }
    return this.#dimDict;
  }

  equals(other: LocalAxisMap): boolean {
    return (
      other instanceof LocalCyclicMap &&
      other.size === this.size &&
      other.gridSize === this.gridSize &&
      other.gridRank === this.gridRank &&
      other.blockSize === this.blockSize
    );
  }
}

/** An unstructured axis: local position `i` holds global index `indices[i]`. */
export class LocalUnstructuredMap implements LocalAxisMap {
  readonly distType = "u" as const;
  readonly blockSize = 1;
  readonly localSize: number;
  readonly start: number;
  readonly indices: GlobalIndexArray;
  #lookup: Map<number, number> | undefined;
  #dimDict: UnstructuredDimDict | undefined;

  /**
   * @param indices the global index of each local position (copied).
   * @throws DistArrayError `DA_ERR_DIM_DATA` if an index is not an integer or repeats.
   */
  constructor(
    readonly size: number,
    readonly gridSize: number,
    readonly gridRank: number,
    indices: ArrayLike<number>,
    readonly oneToOne?: boolean,
  ) {
    let min = 0;
    let max = 0;
    for (let i = 0; i < indices.length; i++) {
      const v = indices[i]!;
      if (!Number.isInteger(v)) {
        throw new DistArrayError(`unstructured indices must be integers; got ${v}`, {
          code: "DA_ERR_DIM_DATA",
        });
      }
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.indices = indexArray(indices.length, Math.max(max, -min));
    this.indices.set(indices);
    this.localSize = indices.length;
    this.start = indices.length > 0 ? this.indices[0]! : 0;
    if (hasRepeats(this.indices, min, max)) {
      throw new DistArrayError(
        `unstructured indices must be unique on a rank; position ${gridRank} repeats an index`,
        { code: "DA_ERR_DIM_DATA" },
      );
    }
  }

  #map(): Map<number, number> {
    if (this.#lookup === undefined) {
      const m = new Map<number, number>();
      for (let i = 0; i < this.indices.length; i++) m.set(this.indices[i]!, i);
      this.#lookup = m;
    }
    return this.#lookup;
  }

  owns(g: number): boolean {
    return this.#map().has(g);
  }

  localFromGlobal(g: number): number {
    const l = this.#map().get(g);
    if (l === undefined) {
      throw new IndexError(
        `global index ${g} is not held by unstructured position ${this.gridRank}`,
      );
    }
    return l;
  }

  globalFromLocal(l: number): number {
    checkLocal(l, this.localSize);
    return this.indices[l]!;
  }

  globalIndices(): GlobalIndexArray {
    return this.indices;
  }

  globalSlice(): null {
    return null;
  }

  dimDict(): UnstructuredDimDict {
    if (this.#dimDict === undefined) {
      const dd: Record<string, unknown> = {
        dist_type: "u",
        size: this.size,
        proc_grid_rank: this.gridRank,
        proc_grid_size: this.gridSize,
        indices: this.indices,
      };
      if (this.oneToOne !== undefined) dd.one_to_one = this.oneToOne;
      this.#dimDict = Object.freeze(dd) as unknown as UnstructuredDimDict;
    }
    return this.#dimDict;
  }

  equals(other: LocalAxisMap): boolean {
    if (
      !(other instanceof LocalUnstructuredMap) ||
      other.size !== this.size ||
      other.gridSize !== this.gridSize ||
      other.gridRank !== this.gridRank ||
      other.localSize !== this.localSize ||
      other.oneToOne !== this.oneToOne
    ) {
      return false;
    }
    for (let i = 0; i < this.localSize; i++) if (other.indices[i] !== this.indices[i]) return false;
    return true;
  }
}

/** Largest index range checked for repeats with a bitset (4 MiB of bits); beyond it, a sorted copy. */
const BITSET_RANGE_LIMIT = 2 ** 25;

// Engines rebuild maps for every operation, so this is a linear bitset scan for
// the usual case of indices in a modest range, not a hash set.
function hasRepeats(values: GlobalIndexArray, min: number, max: number): boolean {
  const range = max - min + 1;
  if (values.length < 2) return false;
  if (range <= BITSET_RANGE_LIMIT) {
    const bits = new Uint32Array(Math.ceil(range / 32));
    for (let i = 0; i < values.length; i++) {
      const k = values[i]! - min;
      const word = k >>> 5;
      const bit = 1 << (k & 31);
      if ((bits[word]! & bit) !== 0) return true;
      bits[word] = bits[word]! | bit;
    }
    return false;
  }
  const sorted = values.slice().sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
  return false;
}

function dimDataError(message: string): DistArrayError {
  return new DistArrayError(message, { code: "DA_ERR_DIM_DATA" });
}

/** Reads an int field (booleans count as 0/1, as Python's bool is an int). */
function intField(dd: Record<string, unknown>, key: string, dflt?: number): number {
  const v = dd[key];
  if (v === undefined) {
    if (dflt === undefined) throw dimDataError(`dim dict needs '${key}': ${describe(dd)}`);
    return dflt;
  }
  const n = typeof v === "boolean" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw dimDataError(`dim dict '${key}' must be an integer; got ${describe(v)}`);
  }
  return n;
}

function indicesOf(v: unknown): ArrayLike<number> {
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v as number[];
  if (isDapBuffer(v) && ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Array.from(v, Number);
    return v as unknown as IndexBuffer;
  }
  throw dimDataError(
    `unstructured 'indices' must be an array or typed array of integers; got ${describe(v)}`,
  );
}

/** Options of {@link mapFromDimDict}. */
export interface MapFromDimDictOptions {
  /** The local length of the axis (the buffer's shape); needed for the `{}` alias. */
  readonly length?: number;
}

/**
 * DistArray's `map_from_dim_dict(dd)` (REFERENCE 2.7): the local map of one rank
 * from a dim dict in engine or client form. Defaults: `proc_grid_rank` 0,
 * `proc_grid_size` 1, `block_size` 1. `'n'` and `{}` (the DAP alias, sized by
 * `options.length`) give a one-process block map.
 *
 * A block-cyclic dict may leave out `proc_grid_rank`: its position is
 * `start / block_size` (as DistArray's engine used it).
 *
 * @throws TypeError if `dd` is not a plain object.
 * @throws DistArrayError `DA_ERR_DIM_DATA` for an unknown `dist_type`, a missing or
 *   non-integer field, a cyclic `start` that is not its `proc_grid_rank`, a cyclic
 *   `start >= proc_grid_size`, a block-cyclic `start` not a multiple of
 *   `block_size`, a rank outside the grid, or `start > stop`.
 */
export function mapFromDimDict(dd: unknown, options: MapFromDimDictOptions = {}): LocalAxisMap {
  if (!isDapDict(dd)) throw new TypeError(`a dim dict must be a plain object; got ${describe(dd)}`);
  if (Object.keys(dd).length === 0) {
    const n = options.length;
    if (n === undefined || !Number.isInteger(n) || n < 0) {
      throw dimDataError("an empty dim dict {} needs the local length of its axis");
    }
    return new LocalBlockMap(n, 1, 0, 0, n);
  }
  const distType = dd.dist_type;
  const size = intField(dd, "size");
  if (size < 0) throw dimDataError(`dim dict size must be >= 0; got ${size}`);
  if (distType === "n") return new LocalBlockMap(size, 1, 0, 0, size);
  const gridSize = intField(dd, "proc_grid_size", 1);
  if (gridSize < 1) throw dimDataError(`proc_grid_size must be >= 1; got ${gridSize}`);
  const checkRank = (r: number): number => {
    if (r < 0 || r >= gridSize) {
      throw dimDataError(`proc_grid_rank must be in [0, ${gridSize}); got ${r}`);
    }
    return r;
  };
  if (distType === "b") {
    const gridRank = checkRank(intField(dd, "proc_grid_rank", 0));
    const start = intField(dd, "start");
    const stop = intField(dd, "stop");
    if (start < 0 || stop < start) {
      throw dimDataError(`block start/stop must satisfy 0 <= start <= stop; got ${start}, ${stop}`);
    }
    const padding = readPadding(dd.padding);
    const periodic = dd.periodic === undefined ? false : dd.periodic;
    if (typeof periodic !== "boolean") {
      throw dimDataError(`'periodic' must be a boolean; got ${describe(periodic)}`);
    }
    if (padding[0] + padding[1] > stop - start) {
      throw dimDataError(
        `padding [${padding.join(", ")}] is wider than the block [${start}, ${stop})`,
      );
    }
    return new LocalBlockMap(size, gridSize, gridRank, start, stop, padding, periodic);
  }
  if (distType === "c") {
    const blockSize = intField(dd, "block_size", 1);
    if (blockSize < 1) throw dimDataError(`block_size must be >= 1; got ${blockSize}`);
    if (blockSize === 1) {
      // CyclicMap.__init__: start must equal grid_rank and be < grid_size.
      const gridRank = intField(dd, "proc_grid_rank", 0);
      const start = intField(dd, "start", gridRank);
      if (start !== gridRank) {
        throw dimDataError(
          `cyclic start (given ${start}) does not equal proc_grid_rank (given ${gridRank})`,
        );
      }
      if (start >= gridSize) {
        throw dimDataError(
          `cyclic start (${start}) is greater than or equal to proc_grid_size (${gridSize})`,
        );
      }
      return new LocalCyclicMap(size, gridSize, checkRank(gridRank), 1);
    }
    const givenRank = dd.proc_grid_rank === undefined ? undefined : intField(dd, "proc_grid_rank");
    const start = intField(dd, "start", givenRank === undefined ? 0 : givenRank * blockSize);
    if (start % blockSize !== 0) {
      throw dimDataError(
        `block-cyclic start (${start}) is not a multiple of block_size (${blockSize})`,
      );
    }
    const gridRank = start / blockSize;
    if (givenRank !== undefined && givenRank !== gridRank) {
      throw dimDataError(
        `block-cyclic start must be proc_grid_rank * block_size (${givenRank} * ${blockSize} != ${start})`,
      );
    }
    return new LocalCyclicMap(size, gridSize, checkRank(gridRank), blockSize);
  }
  if (distType === "u") {
    const gridRank = checkRank(intField(dd, "proc_grid_rank", 0));
    if (dd.indices === undefined) throw dimDataError("an unstructured dim dict needs 'indices'");
    const oneToOne = dd.one_to_one;
    if (oneToOne !== undefined && typeof oneToOne !== "boolean") {
      throw dimDataError(`'one_to_one' must be a boolean; got ${describe(oneToOne)}`);
    }
    return new LocalUnstructuredMap(size, gridSize, gridRank, indicesOf(dd.indices), oneToOne);
  }
  throw dimDataError(`unsupported dist_type ${describe(distType)} in dim dict`);
}

function readPadding(v: unknown): readonly [number, number] {
  if (v === undefined) return [0, 0];
  if (!Array.isArray(v) || v.length !== 2) {
    throw dimDataError(`'padding' must be a pair of integers; got ${describe(v)}`);
  }
  const [a, b] = v as unknown[];
  for (const p of [a, b]) {
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0) {
      throw dimDataError(`'padding' entries must be integers >= 0; got ${describe(v)}`);
    }
  }
  return [a as number, b as number];
}
