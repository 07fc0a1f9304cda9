/**
 * Positional reads and writes of one rank's part of a `.npy` file (engine side, Node fs).
 * Each engine reads only the byte ranges of its own part (plus, for strided parts, gaps
 * smaller than `coalesceGapBytes`, which the OS reads anyway as part of the same pages)
 * and writes exactly its own ranges into a file that was preallocated at full size.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { DTYPE_INFO, type DType, type TypedArray } from "../core/dtypes.js";
import { FormatError } from "../core/errors.js";
import {
  byteSwapInPlace,
  decodeNpyHeader,
  encodeNpyHeader,
  NPY_PREFIX_MAX,
  type NpyHeader,
  npyHeaderLength,
} from "./npy-header.js";
import { groupRuns, type PartLayout, planPart } from "./part-plan.js";

/** Tuning of positional IO; every field has a documented default. */
export interface PositionalIoOptions {
  /** Gaps up to this many bytes between two runs are read through rather than skipped (default 4096). */
  coalesceGapBytes?: number;
  /** Largest single read or scratch buffer (default 4 MiB). */
  maxIoBytes?: number;
  /** Called with (bytesDone, bytesTotal) as the part is read or written. */
  onProgress?: (done: number, total: number) => void;
  /** Give other work on the engine a turn after this many bytes (default 16 MiB). */
  yieldEveryBytes?: number;
}

export const POSITIONAL_IO_DEFAULTS = {
  coalesceGapBytes: 4096,
  maxIoBytes: 4 << 20,
  yieldEveryBytes: 16 << 20,
} as const;

/** The bytes of a typed array's elements (a view, no copy). */
export function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function readFully(fd: number, into: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) {
      throw new FormatError(
        `${file}: truncated file (EOF at byte ${position + done}, expected ${into.length - done} more bytes)`,
      );
    }
    done += n;
  }
}

function writeFully(fd: number, from: Uint8Array, position: number): void {
  let done = 0;
  while (done < from.length) {
    done += writeSync(fd, from, done, from.length - done, position + done);
  }
}

/**
 * Reads and checks the header of an open `.npy` file, and that the file holds all the data
 * the header promises.
 * @throws FormatError naming `file` for any problem.
 */
export function readNpyHeaderAt(fd: number, file: string, offset = 0): NpyHeader {
  const size = fstatSync(fd).size;
  const prefix = new Uint8Array(Math.min(NPY_PREFIX_MAX, Math.max(0, size - offset)));
  readFully(fd, prefix, offset, file);
  const { total } = npyHeaderLength(prefix, file);
  if (offset + total > size) {
    throw new FormatError(`${file}: truncated .npy file (the header needs ${total} bytes)`);
  }
  const head = new Uint8Array(total);
  readFully(fd, head, offset, file);
  const h = decodeNpyHeader(head, file);
  const nbytes = h.shape.reduce((p, x) => p * x, 1) * DTYPE_INFO[h.dtype].itemsize;
  const expected = offset + h.dataOffset + nbytes;
  if (size < expected) {
    throw new FormatError(
      `${file}: truncated .npy file (the header promises ${nbytes} data bytes, the file has ${Math.max(0, size - offset - h.dataOffset)})`,
    );
  }
  return { ...h, dataOffset: offset + h.dataOffset };
}

/**
 * Reads this rank's part (`layout`) of the array at `dataOffset` into `out` (the local
 * storage, C order). `itemsize` is the element size in bytes.
 */
export async function readPart(
  fd: number,
  file: string,
  dataOffset: number,
  itemsize: number,
  layout: PartLayout,
  out: Uint8Array,
  options: PositionalIoOptions = {},
): Promise<void> {
  const gap = Math.floor(
    (options.coalesceGapBytes ?? POSITIONAL_IO_DEFAULTS.coalesceGapBytes) / itemsize,
  );
  const maxIo = Math.max(
    1,
    Math.floor((options.maxIoBytes ?? POSITIONAL_IO_DEFAULTS.maxIoBytes) / itemsize),
  );
  const yieldEvery = options.yieldEveryBytes ?? POSITIONAL_IO_DEFAULTS.yieldEveryBytes;
  const plan = planPart(layout);
  const total = plan.localSize * itemsize;
  let done = 0;
  let sinceTurn = 0;
  let scratch: Uint8Array | null = null;
  for (const g of groupRuns(plan, { maxGapElements: gap, maxSpanElements: maxIo })) {
    const first = g.runs[0]!;
    if (g.runs.length === 1) {
      // Straight into the destination, in pieces of at most maxIo elements.
      for (let off = 0; off < first.length; off += maxIo) {
        const len = Math.min(maxIo, first.length - off);
        readFully(
          fd,
          out.subarray(
            (first.localStart + off) * itemsize,
            (first.localStart + off + len) * itemsize,
          ),
          dataOffset + (first.fileStart + off) * itemsize,
          file,
        );
        done += len * itemsize;
        sinceTurn += len * itemsize;
      }
    } else {
      const spanBytes = (g.fileEnd - g.fileStart) * itemsize;
      if (scratch === null || scratch.length < spanBytes) scratch = new Uint8Array(spanBytes);
      const view = scratch.subarray(0, spanBytes);
      readFully(fd, view, dataOffset + g.fileStart * itemsize, file);
      for (const r of g.runs) {
        const src = (r.fileStart - g.fileStart) * itemsize;
        out.set(view.subarray(src, src + r.length * itemsize), r.localStart * itemsize);
        done += r.length * itemsize;
      }
      sinceTurn += spanBytes;
    }
    if (sinceTurn >= yieldEvery) {
      sinceTurn = 0;
      options.onProgress?.(done, total);
      await turn();
    }
  }
  options.onProgress?.(done, total);
}

/**
 * Writes this rank's part (`data`, local C order) into the array at `dataOffset` of an
 * open, preallocated file: exactly the part's byte ranges, nothing else, so ranks may
 * write concurrently.
 */
export async function writePart(
  fd: number,
  dataOffset: number,
  itemsize: number,
  layout: PartLayout,
  data: Uint8Array,
  options: PositionalIoOptions = {},
): Promise<void> {
  const yieldEvery = options.yieldEveryBytes ?? POSITIONAL_IO_DEFAULTS.yieldEveryBytes;
  const plan = planPart(layout);
  const total = plan.localSize * itemsize;
  let done = 0;
  let sinceTurn = 0;
  let calls = 0;
  for (const r of plan.runs()) {
    writeFully(
      fd,
      data.subarray(r.localStart * itemsize, (r.localStart + r.length) * itemsize),
      dataOffset + r.fileStart * itemsize,
    );
    done += r.length * itemsize;
    sinceTurn += r.length * itemsize;
    calls++;
    if (sinceTurn >= yieldEvery || calls % 65536 === 0) {
      sinceTurn = 0;
      options.onProgress?.(done, total);
      await turn();
    }
  }
  options.onProgress?.(done, total);
}

/** Byte-swaps big-endian data just read, lane by lane (complex: each float separately). */
export function fixByteOrder(dtype: DType, bytes: Uint8Array): void {
  const info = DTYPE_INFO[dtype];
  byteSwapInPlace(bytes, info.itemsize / info.lanes);
}

/**
 * Creates a `.npy` file for a `dtype` array of `shape` at `path` (which must not exist)
 * with its header and the data area preallocated (zero-filled, sparse where the file
 * system allows). Returns the data offset.
 */
export function createNpyFile(path: string, dtype: DType, shape: readonly number[]): number {
  const header = encodeNpyHeader(dtype, shape);
  const nbytes = shape.reduce((p, x) => p * x, 1) * DTYPE_INFO[dtype].itemsize;
  const fd = openSync(path, "wx", 0o644);
  try {
    writeFully(fd, header, 0);
    if (nbytes > 0) {
      // Extend to the full size by writing the last byte (ftruncate would do too).
      writeFully(fd, new Uint8Array(1), header.length + nbytes - 1);
    }
  } finally {
    closeSync(fd);
  }
  return header.length;
}

/** One rank's contribution to another rank's file domain: run pairs and their bytes. */
export interface DomainPiece {
  /** Pairs `[fileStart, length]` (elements), in the order of `data`. */
  runs: Float64Array;
  data: Uint8Array;
}

/**
 * The file domains of two-phase writes: `[r * ceil(T/P), ...)` elements for rank r of P,
 * where T is the array's element count.
 */
export function fileDomain(total: number, nprocs: number, rank: number): [number, number] {
  const d = Math.ceil(total / nprocs);
  return [Math.min(total, rank * d), Math.min(total, (rank + 1) * d)];
}

/**
 * Splits this rank's part (`layout`, bytes `data`) into pieces for each rank's file domain
 * (the first phase of a two-phase collective write, as MPI-IO does for strided parts).
 */
export function piecesForDomains(
  layout: PartLayout,
  data: Uint8Array,
  itemsize: number,
  nprocs: number,
): DomainPiece[] {
  const total = layout.globalShape.reduce((p, x) => p * x, 1);
  const d = Math.max(1, Math.ceil(total / nprocs));
  const plan = planPart(layout);
  const nRuns = new Array<number>(nprocs).fill(0);
  const nElems = new Array<number>(nprocs).fill(0);
  const each = (fn: (dest: number, fileStart: number, localStart: number, len: number) => void) => {
    for (const r of plan.runs()) {
      let f = r.fileStart;
      let l = r.localStart;
      let left = r.length;
      while (left > 0) {
        const dest = Math.floor(f / d);
        const len = Math.min(left, (dest + 1) * d - f);
        fn(dest, f, l, len);
        f += len;
        l += len;
        left -= len;
      }
    }
  };
  each((dest, _f, _l, len) => {
    nRuns[dest]!++;
    nElems[dest]! += len;
  });
  const pieces = nRuns.map((n, j) => ({
    runs: new Float64Array(2 * n),
    data: new Uint8Array(nElems[j]! * itemsize),
  }));
  const runAt = new Array<number>(nprocs).fill(0);
  const byteAt = new Array<number>(nprocs).fill(0);
  each((dest, f, l, len) => {
    const p = pieces[dest]!;
    const k = runAt[dest]!++;
    p.runs[2 * k] = f;
    p.runs[2 * k + 1] = len;
    const nb = len * itemsize;
    p.data.set(data.subarray(l * itemsize, l * itemsize + nb), byteAt[dest]!);
    byteAt[dest]! += nb;
  });
  return pieces;
}

/**
 * The second phase: assembles the pieces every rank sent for this rank's file domain
 * `[lo, hi)` into one buffer and writes it with one positional write.
 */
export function writeDomain(
  fd: number,
  dataOffset: number,
  itemsize: number,
  lo: number,
  hi: number,
  pieces: readonly DomainPiece[],
): number {
  const buf = new Uint8Array((hi - lo) * itemsize);
  for (const p of pieces) {
    let at = 0;
    for (let k = 0; k < p.runs.length; k += 2) {
      const nb = p.runs[k + 1]! * itemsize;
      buf.set(p.data.subarray(at, at + nb), (p.runs[k]! - lo) * itemsize);
      at += nb;
    }
  }
  writeFully(fd, buf, dataOffset + lo * itemsize);
  return buf.length;
}
