/**
 * The Distributed Array Protocol (DAP) 0.10.0 data structures in JavaScript.
 *
 * JavaScript has no tuples, so the convention is: a Python *tuple* is a frozen
 * array (`Object.isFrozen`, made with {@link tuple}), a Python *list* is a plain
 * array. A Python `int` is an integer JS number (booleans pass, as Python's
 * `bool` is an `int`; bigints and fractions do not). A buffer is an ArrayBuffer,
 * a typed array or a DataView; its shape is the `shape` property that
 * {@link dapBuffer} attaches, else the 1-d length.
 *
 * Field names keep the protocol's spelling (`dist_type`, `proc_grid_size`, ...).
 */
import { DistArrayError } from "./errors.js";
import { describe, product } from "./maps-util.js";

/** The DAP version DistArray exports and the validator accepts. */
export const DAP_VERSION = "0.10.0";

/** A typed array of integers, as DAP `indices` buffers are. */
export type IndexBuffer =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float64Array;

/** Engine-form (exported) block dim dict. `padding` is a frozen 2-array. */
export interface BlockDimDict {
  readonly dist_type: "b";
  readonly size: number;
  readonly proc_grid_rank: number;
  readonly proc_grid_size: number;
  readonly start: number;
  readonly stop: number;
  readonly padding?: readonly [number, number];
  readonly periodic?: boolean;
}

/** Engine-form cyclic dim dict; `block_size` only when > 1. */
export interface CyclicDimDict {
  readonly dist_type: "c";
  readonly size: number;
  readonly proc_grid_rank: number;
  readonly proc_grid_size: number;
  readonly start: number;
  readonly block_size?: number;
}

/** Engine-form unstructured dim dict; `indices` is a buffer. */
export interface UnstructuredDimDict {
  readonly dist_type: "u";
  readonly size: number;
  readonly proc_grid_rank: number;
  readonly proc_grid_size: number;
  readonly indices: IndexBuffer;
  readonly one_to_one?: boolean;
}

/** A DAP dim dict as engines export it (`'n'` axes export as one-process `'b'`). */
export type DimDict = BlockDimDict | CyclicDimDict | UnstructuredDimDict;

/** A DAP `dim_data`: a tuple (frozen array) of dim dicts, one per buffer axis. */
export type DimData = readonly DimDict[];

/** The client form of an undistributed axis (REFERENCE 3.1). */
export interface NoDistDimDict {
  readonly dist_type: "n";
  readonly size: number;
  readonly proc_grid_size?: number;
  readonly proc_grid_rank?: number;
}

/** Client-form dim dicts (REFERENCE 3.1): padding a list, `block_size` always. */
export type ClientDimDict =
  | {
      readonly dist_type: "b";
      readonly size: number;
      readonly proc_grid_size: number;
      readonly proc_grid_rank: number;
      readonly start: number;
      readonly stop: number;
      readonly padding: [number, number];
      readonly periodic?: boolean;
    }
  | {
      readonly dist_type: "c";
      readonly size: number;
      readonly proc_grid_size: number;
      readonly proc_grid_rank: number;
      readonly start: number;
      readonly block_size: number;
    }
  | {
      readonly dist_type: "n";
      readonly size: number;
      readonly proc_grid_size: 1;
      readonly proc_grid_rank: 0;
    }
  | {
      readonly dist_type: "u";
      readonly size: number;
      readonly proc_grid_size: number;
      readonly proc_grid_rank: number;
      readonly indices: number[];
      readonly one_to_one?: boolean;
    };

/**
 * Any dim dict accepted on import: engine form, client form, an `'n'` dict, or
 * `{}` (the DAP alias of an undistributed axis, sized by the buffer).
 */
export type AnyDimDict =
  | DimDict
  | ClientDimDict
  | NoDistDimDict
  | { readonly [key: string]: never }
  | Readonly<Record<string, unknown>>;

/** What `__distarray__()` returns. */
export interface DistBuffer {
  readonly __version__: string;
  readonly buffer: ArrayBufferLike | ArrayBufferView;
  readonly dim_data: DimData;
}

/** A Python tuple: a frozen array of the given items. */
export function tuple<const T extends unknown[]>(...items: T): Readonly<T> {
  return Object.freeze(items);
}

/** True for a Python tuple: a frozen array. */
export function isTuple(x: unknown): x is readonly unknown[] {
  return Array.isArray(x) && Object.isFrozen(x);
}

/** True for a Python int: an integer number, or a boolean (Python's bool is an int). */
export function isPythonInt(x: unknown): x is number | boolean {
  return typeof x === "boolean" || (typeof x === "number" && Number.isInteger(x));
}

/** True for a Python dict: a plain object (not an array, typed array, Map or null). */
export function isDapDict(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** True for a buffer: an ArrayBuffer, a SharedArrayBuffer, a typed array or a DataView. */
export function isDapBuffer(x: unknown): x is ArrayBufferLike | ArrayBufferView {
  if (ArrayBuffer.isView(x) || x instanceof ArrayBuffer) return true;
  return typeof SharedArrayBuffer !== "undefined" && x instanceof SharedArrayBuffer;
}

const SHAPE = "shape";

/**
 * A view of `data` (same memory, no copy) that carries the n-d `shape` of the
 * local array, so a DAP consumer (and {@link validateDap}) can see the buffer's
 * dimensions. `data` itself is not modified.
 *
 * @throws TypeError if `data` is not a typed array or a shape entry is not a
 *   non-negative integer.
 * @throws DistArrayError `DA_ERR_SHAPE` if the shape's size is not the element count.
 */
export function dapBuffer<T extends ArrayBufferView>(data: T, shape: readonly number[]): T {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) {
    throw new TypeError(`dapBuffer needs a typed array; got ${describe(data)}`);
  }
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new TypeError(
      `dapBuffer shape must be an array of integers >= 0; got ${describe(shape)}`,
    );
  }
  const typed = data as unknown as { length: number; byteOffset: number; buffer: ArrayBufferLike };
  const n = product(shape);
  // Complex data is interleaved, two slots per element.
  if (typed.length !== n && typed.length !== 2 * n) {
    throw new DistArrayError(
      `buffer of ${typed.length} elements does not hold shape [${shape.join(", ")}]`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  const Ctor = data.constructor as new (b: ArrayBufferLike, o: number, l: number) => T;
  const view = new Ctor(typed.buffer, typed.byteOffset, typed.length);
  Object.defineProperty(view, SHAPE, { value: Object.freeze([...shape]), enumerable: false });
  return view;
}

/**
 * The shape of a DAP buffer: the `shape` that {@link dapBuffer} attached, else
 * `[length]` (element count of a typed array, byte length of an ArrayBuffer or
 * DataView), as a 1-d memoryview has.
 *
 * @throws TypeError if `buffer` is not a buffer.
 */
export function dapBufferShape(buffer: unknown): readonly number[] {
  if (!isDapBuffer(buffer)) throw new TypeError(`not a buffer: ${describe(buffer)}`);
  const own = Object.getOwnPropertyDescriptor(buffer, SHAPE)?.value;
  if (Array.isArray(own) && own.every((s) => Number.isInteger(s) && s >= 0)) return own;
  if (buffer instanceof DataView) return [buffer.byteLength];
  if (ArrayBuffer.isView(buffer)) return [(buffer as unknown as { length: number }).length];
  return [buffer.byteLength];
}

/**
 * DAP `utils.num_owned_indices`: how many indices of the axis this dim dict owns.
 * Block: `stop - start` minus communication padding (padding on the grid edges
 * is boundary padding and counts). Cyclic: the elements of the global blocks
 * `g // block_size` with `(g // block_size) % proc_grid_size == rank`, including a
 * trailing partial block (the DAP utility credits the partial block to rank 0
 * always; this uses the correct owner). Unstructured: the number of indices.
 * Also accepts `'n'` dicts (all of `size`).
 *
 * @throws DistArrayError `DA_ERR_DIM_DATA` for an unknown `dist_type`.
 */
export function numOwnedIndices(dd: AnyDimDict): number {
  const d = dd as Record<string, unknown>;
  const num = (k: string, dflt: number): number => {
    const v = d[k];
    return v === undefined ? dflt : Number(v);
  };
  switch (d.dist_type) {
    case "b": {
      const padding = (d.padding as readonly number[] | undefined) ?? [0, 0];
      const rank = num("proc_grid_rank", 0);
      const last = num("proc_grid_size", 1) - 1;
      let count = num("stop", 0) - num("start", 0);
      if (rank !== 0) count -= Number(padding[0]);
      if (rank !== last) count -= Number(padding[1]);
      return count;
    }
    case "c":
      return cyclicLocalSize(
        num("size", 0),
        num("proc_grid_size", 1),
        num("block_size", 1),
        num("proc_grid_rank", 0),
      );
    case "u":
      return (d.indices as { length: number }).length;
    case "n":
      return num("size", 0);
    default:
      throw new DistArrayError(`unknown dist_type ${describe(d.dist_type)} in dim dict`, {
        code: "DA_ERR_DIM_DATA",
      });
  }
}

/**
 * Elements of `[0, size)` owned by grid position `r` when blocks of `blockSize`
 * are dealt round-robin over `gridSize` positions: block `g // B` belongs to
 * `(g // B) % P`, the trailing partial block to its owner like any other.
 */
export function cyclicLocalSize(
  size: number,
  gridSize: number,
  blockSize: number,
  r: number,
): number {
  const nblocks = Math.ceil(size / blockSize);
  if (r >= nblocks) return 0;
  const mine = Math.floor((nblocks - 1 - r) / gridSize) + 1;
  let count = mine * blockSize;
  const partial = size % blockSize;
  if (partial !== 0 && (nblocks - 1) % gridSize === r) count -= blockSize - partial;
  return count;
}
