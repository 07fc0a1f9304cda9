/**
 * Default chunk shapes for Zarr and HDF5, aligned to a distribution so that each chunk
 * lies in one engine's part and engines write their chunks in parallel:
 * - an axis on one grid rank ('n', or any axis with grid size 1): the whole axis;
 * - a block axis: the block length when blocks are regular (every rank's start is a
 *   multiple of it), otherwise the whole axis (chunks are then shared and written in turn);
 * - a cyclic axis of block size B: B, unless chunks would be smaller than
 *   `MIN_ALIGNED_CHUNK_BYTES`, then the whole axis;
 * - an unstructured axis: the whole axis.
 */
import { type Distribution, DTYPE_INFO, type DType } from "@distarray/engines/core";

/** Aligned chunks smaller than this many bytes are not worth their file count (default 4 KiB). */
export const MIN_ALIGNED_CHUNK_BYTES = 4096;

function axisRuns(ix: ArrayLike<number>): { start: number; length: number }[] {
  const out: { start: number; length: number }[] = [];
  for (let i = 0; i < ix.length; ) {
    let j = i + 1;
    while (j < ix.length && ix[j] === ix[j - 1]! + 1) j++;
    out.push({ start: ix[i]!, length: j - i });
    i = j;
  }
  return out;
}

/** The default chunk shape for `dist` and `dtype` (see the module comment). */
export function defaultChunks(dist: Distribution, dtype: DType): number[] {
  const n = dist.ndim;
  const shape = dist.shape;
  const chunks = new Array<number>(n);
  const cyclic: number[] = [];
  for (let a = 0; a < n; a++) {
    const size = shape[a]!;
    const grid = dist.gridShape[a]!;
    if (grid === 1 || size === 0) {
      chunks[a] = Math.max(1, size);
      continue;
    }
    // The index lists of the ranks along this axis (other coordinates 0).
    const runs: { start: number; length: number }[][] = [];
    for (let k = 0; k < grid; k++) {
      const coords = new Array<number>(n).fill(0);
      coords[a] = k;
      runs.push(axisRuns(dist.forRank(dist.rankFromCoords(coords)).globalIndices(a)));
    }
    const t = dist.dist[a];
    if (t === "b" || t === "n") {
      let len = 1;
      for (const r of runs) if ((r[0]?.length ?? 0) > len) len = r[0]!.length;
      const regular = runs.every((r) => r.length === 0 || r[0]!.start % len === 0);
      chunks[a] = regular ? len : size;
    } else if (t === "c") {
      // Blocks of one rank never touch (grid > 1), so the longest run is the block size.
      let longest = 1;
      for (const rs of runs) for (const r of rs) if (r.length > longest) longest = r.length;
      chunks[a] = longest;
      cyclic.push(a);
    } else {
      chunks[a] = size;
    }
  }
  const bytes = () => chunks.reduce((p, x) => p * x, 1) * DTYPE_INFO[dtype].itemsize;
  for (const a of cyclic) if (bytes() < MIN_ALIGNED_CHUNK_BYTES) chunks[a] = Math.max(1, shape[a]!);
  return chunks;
}
