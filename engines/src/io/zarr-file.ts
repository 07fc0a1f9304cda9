/**
 * Zarr arrays, formats 2 and 3, one chunk file per chunk, written per rank.
 *
 * Writing: the metadata (`.zarray` + `.zattrs` for v2, `zarr.json` for v3) and the chunk
 * files are written directly (uncompressed: v2 `compressor: null`, v3 the `bytes` codec,
 * little-endian, C order). A chunk that lies wholly inside one rank's part is written by
 * that rank alone, so ranks write in parallel; a chunk shared by several ranks (when the
 * chunks are not aligned to the distribution) is read, updated and rewritten by each of
 * its ranks in turn (`phase: 'shared'`, one engine at a time).
 *
 * Reading: zarrita decodes the chunks (so compressed arrays written by zarr-python or
 * others are read too); complex arrays, which zarrita does not know, are read when
 * uncompressed. Each rank fetches only the chunks that hold part of its elements.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";
import { DTYPE_INFO, type DType } from "../core/dtypes.js";
import { FormatError } from "../core/errors.js";
import { dtypeFromDescr } from "./npy-header.js";
import { copyBox, type PartLayout } from "./part-plan.js";

export type ZarrFormat = 2 | 3;

/** What a rank needs to know to write its chunks. */
export interface ZarrArrayMeta {
  format: ZarrFormat;
  dtype: DType;
  shape: number[];
  chunks: number[];
}

function fillValue(dtype: DType, format: ZarrFormat): unknown {
  if (dtype === "bool") return false;
  if (DTYPE_INFO[dtype].kind === "c") return [0, 0];
  if (format === 3 && DTYPE_INFO[dtype].kind === "f") return 0.0;
  return 0;
}

/** Writes the array metadata into `dir` (created if missing). */
export function zarrWriteMetadata(dir: string, meta: ZarrArrayMeta): void {
  mkdirSync(dir, { recursive: true });
  if (meta.format === 2) {
    const zarray = {
      chunks: meta.shape.length === 0 ? [] : meta.chunks,
      compressor: null,
      dimension_separator: ".",
      dtype: DTYPE_INFO[meta.dtype].descr,
      fill_value: fillValue(meta.dtype, 2),
      filters: null,
      order: "C",
      shape: meta.shape,
      zarr_format: 2,
    };
    writeFileSync(join(dir, ".zarray"), `${JSON.stringify(zarray, null, 4)}\n`);
    writeFileSync(join(dir, ".zattrs"), "{}\n");
    return;
  }
  const zarrJson = {
    zarr_format: 3,
    node_type: "array",
    shape: meta.shape,
    data_type: meta.dtype,
    chunk_grid: { name: "regular", configuration: { chunk_shape: meta.chunks } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    fill_value: fillValue(meta.dtype, 3),
    codecs: [{ name: "bytes", configuration: { endian: "little" } }],
    attributes: {},
  };
  writeFileSync(join(dir, "zarr.json"), `${JSON.stringify(zarrJson, null, 4)}\n`);
}

function chunkKey(format: ZarrFormat, coords: readonly number[]): string {
  if (format === 2) return coords.length === 0 ? "0" : coords.join(".");
  return ["c", ...coords].join("/");
}

/** Per axis: chunk index -> the local positions and in-chunk positions that fall in it. */
interface AxisChunkMap {
  chunk: number;
  local: Int32Array;
  inChunk: Int32Array;
  /** True when this rank holds every in-bounds position of the chunk along the axis. */
  whole: boolean;
}

/**
 * Groups an axis' local positions by chunk (a counting sort, linear in the part), keeping
 * local order within a chunk. DAP indices are unique within a rank, so a chunk is whole
 * along the axis when the rank holds as many of its positions as are in bounds.
 */
function axisChunks(ix: ArrayLike<number>, size: number, chunk: number): AxisChunkMap[] {
  const nChunks = Math.max(1, Math.ceil(size / chunk));
  const counts = new Int32Array(nChunks + 1);
  for (let l = 0; l < ix.length; l++) counts[Math.floor(ix[l]! / chunk) + 1]!++;
  for (let c = 0; c < nChunks; c++) counts[c + 1]! += counts[c]!;
  const local = new Int32Array(ix.length);
  const inChunk = new Int32Array(ix.length);
  const fill = counts.slice(0, nChunks);
  for (let l = 0; l < ix.length; l++) {
    const g = ix[l]!;
    const c = Math.floor(g / chunk);
    const at = fill[c]!++;
    local[at] = l;
    inChunk[at] = g - c * chunk;
  }
  const out: AxisChunkMap[] = [];
  for (let c = 0; c < nChunks; c++) {
    const a = counts[c]!;
    const b = counts[c + 1]!;
    if (a === b) continue;
    const inBounds = Math.min(chunk, size - c * chunk);
    out.push({
      chunk: c,
      local: local.subarray(a, b),
      inChunk: inChunk.subarray(a, b),
      whole: b - a === inBounds,
    });
  }
  return out;
}

function* products(perAxis: readonly AxisChunkMap[][]): Generator<AxisChunkMap[]> {
  const n = perAxis.length;
  if (perAxis.some((a) => a.length === 0)) return;
  const idx = new Array<number>(n).fill(0);
  for (;;) {
    yield idx.map((k, a) => perAxis[a]![k]!);
    let a = n - 1;
    for (; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < perAxis[a]!.length) break;
      idx[a] = 0;
    }
    if (a < 0) return;
  }
}

/**
 * Copies the elements of one chunk between chunk bytes (C order, `chunkShape`) and the
 * local bytes (`localShape`), element rows at a time where both sides are consecutive.
 */
function scatter(
  chunkBytes: Uint8Array,
  chunkShape: readonly number[],
  local: Uint8Array,
  localShape: readonly number[],
  axes: readonly AxisChunkMap[],
  itemsize: number,
  toLocal: boolean,
): void {
  const n = axes.length;
  if (n === 0) {
    copyBox(chunkBytes, local, [], [], [], itemsize, toLocal);
    return;
  }
  const cstride = new Array<number>(n).fill(1);
  const lstride = new Array<number>(n).fill(1);
  for (let a = n - 2; a >= 0; a--) {
    cstride[a] = cstride[a + 1]! * chunkShape[a + 1]!;
    lstride[a] = lstride[a + 1]! * localShape[a + 1]!;
  }
  // Runs along the last axis where both positions advance by one.
  const last = axes[n - 1]!;
  const runs: [number, number, number][] = [];
  for (let i = 0; i < last.local.length; ) {
    let j = i + 1;
    while (
      j < last.local.length &&
      last.local[j] === last.local[j - 1]! + 1 &&
      last.inChunk[j] === last.inChunk[j - 1]! + 1
    ) {
      j++;
    }
    runs.push([last.local[i]!, last.inChunk[i]!, j - i]);
    i = j;
  }
  const outer = axes.slice(0, n - 1);
  const idx = new Array<number>(n - 1).fill(0);
  const rows = outer.reduce((p, a) => p * a.local.length, 1);
  for (let r = 0; r < rows; r++) {
    let lbase = 0;
    let cbase = 0;
    for (let a = 0; a < n - 1; a++) {
      lbase += outer[a]!.local[idx[a]!]! * lstride[a]!;
      cbase += outer[a]!.inChunk[idx[a]!]! * cstride[a]!;
    }
    for (const [l, c, len] of runs) {
      const lo = (lbase + l) * itemsize;
      const co = (cbase + c) * itemsize;
      const nb = len * itemsize;
      if (toLocal) local.set(chunkBytes.subarray(co, co + nb), lo);
      else chunkBytes.set(local.subarray(lo, lo + nb), co);
    }
    for (let a = n - 2; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < outer[a]!.local.length) break;
      idx[a] = 0;
    }
  }
}

/**
 * Writes this rank's chunks. `phase: 'owned'` writes the chunks that lie wholly in the
 * part (safe in parallel with other ranks); `phase: 'shared'` updates the chunks the part
 * shares with other ranks (read, modify, write: one rank at a time).
 * Returns the number of chunk files written, and how many of the part's chunks are shared.
 */
export function zarrWritePart(
  dir: string,
  meta: ZarrArrayMeta,
  layout: PartLayout,
  data: Uint8Array,
  phase: "owned" | "shared",
): { written: number; shared: number } {
  const itemsize = DTYPE_INFO[meta.dtype].itemsize;
  const n = meta.shape.length;
  const chunkShape = n === 0 ? [] : meta.chunks;
  const chunkBytes = chunkShape.reduce((p, x) => p * x, 1) * itemsize;
  const localShape = layout.indices.map((ix) => ix.length);
  const perAxis = layout.indices.map((ix, a) => axisChunks(ix, meta.shape[a]!, chunkShape[a]!));
  let written = 0;
  let shared = 0;
  for (const axes of products(perAxis)) {
    const whole = axes.every((a) => a.whole);
    if (!whole) shared++;
    if (whole !== (phase === "owned")) continue;
    const key = chunkKey(
      meta.format,
      axes.map((a) => a.chunk),
    );
    const path = join(dir, key);
    let buf: Uint8Array;
    if (whole) {
      buf = new Uint8Array(chunkBytes);
    } else {
      let existing: Uint8Array | undefined;
      try {
        existing = readFileSync(path);
      } catch {
        existing = undefined;
      }
      buf = new Uint8Array(chunkBytes);
      if (existing !== undefined) buf.set(existing.subarray(0, chunkBytes));
    }
    scatter(buf, chunkShape, data, localShape, axes, itemsize, false);
    if (meta.format === 3 && n > 0) mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, buf);
    written++;
  }
  return { written, shared };
}

interface OpenedZarr {
  format: ZarrFormat;
  dtype: DType;
  shape: number[];
  chunks: number[];
  /** Decoded chunk bytes (C order, full chunk shape), or undefined for a missing chunk. */
  chunk(coords: number[]): Promise<Uint8Array | undefined>;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Opens a Zarr array directory (v2 or v3) for reading chunks. */
export async function zarrOpen(dir: string, file = dir): Promise<OpenedZarr> {
  let raw: Record<string, unknown>;
  let format: ZarrFormat;
  try {
    try {
      raw = readJson(join(dir, "zarr.json")) as Record<string, unknown>;
      format = 3;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      raw = readJson(join(dir, ".zarray")) as Record<string, unknown>;
      format = 2;
    }
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === "ENOENT" ? "no zarr.json or .zarray" : describe(e);
    throw new FormatError(`${file}: not a Zarr array (${why})`, { cause: e });
  }
  const shape = raw.shape;
  if (!Array.isArray(shape) || !shape.every((x) => Number.isInteger(x) && x >= 0)) {
    throw new FormatError(`${file}: the Zarr metadata has no valid shape`);
  }
  let dtype: DType;
  let chunks: unknown;
  let uncompressed: boolean;
  if (format === 2) {
    if (typeof raw.dtype !== "string")
      throw new FormatError(`${file}: unsupported Zarr dtype ${JSON.stringify(raw.dtype)}`);
    const d = dtypeFromDescr(raw.dtype, file);
    if (d.bigEndian)
      throw new FormatError(`${file}: big-endian Zarr dtype '${raw.dtype}' is not supported`);
    dtype = d.dtype;
    chunks = raw.chunks;
    uncompressed =
      raw.compressor === null &&
      (raw.filters === null || raw.filters === undefined) &&
      raw.order !== "F";
  } else {
    if (raw.node_type !== "array") throw new FormatError(`${file}: the Zarr node is not an array`);
    const dt = raw.data_type;
    if (typeof dt !== "string" || !(dt in DTYPE_INFO)) {
      throw new FormatError(`${file}: unsupported Zarr data type ${JSON.stringify(dt)}`);
    }
    dtype = dt as DType;
    const grid = raw.chunk_grid as { configuration?: { chunk_shape?: unknown } } | undefined;
    chunks = grid?.configuration?.chunk_shape;
    const codecs = raw.codecs as
      | { name?: string; configuration?: { endian?: string } }[]
      | undefined;
    uncompressed =
      Array.isArray(codecs) &&
      codecs.length === 1 &&
      codecs[0]!.name === "bytes" &&
      (codecs[0]!.configuration?.endian ?? "little") === "little";
  }
  if (
    !Array.isArray(chunks) ||
    chunks.length !== shape.length ||
    !chunks.every((x) => Number.isInteger(x) && x > 0)
  ) {
    throw new FormatError(`${file}: the Zarr metadata has no valid chunk shape`);
  }
  const chunkShape = chunks as number[];
  const itemsize = DTYPE_INFO[dtype].itemsize;
  const chunkBytes = chunkShape.reduce((p, x) => p * x, 1) * itemsize;
  const base = { format, dtype, shape: shape as number[], chunks: chunkShape };
  if (DTYPE_INFO[dtype].kind === "c") {
    if (!uncompressed) {
      throw new FormatError(`${file}: compressed complex Zarr arrays are not supported`);
    }
    return {
      ...base,
      async chunk(coords) {
        let b: Uint8Array;
        try {
          b = readFileSync(join(dir, chunkKeyFor(raw, format, coords)));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
          throw e;
        }
        if (b.length !== chunkBytes) {
          throw new FormatError(
            `${file}: chunk ${coords.join(",")} has ${b.length} bytes, expected ${chunkBytes}`,
          );
        }
        return b;
      },
    };
  }
  let arr: zarr.Array<zarr.DataType, FileSystemStore>;
  try {
    const store = new FileSystemStore(dir);
    arr =
      format === 2
        ? await zarr.open.v2(store, { kind: "array" })
        : await zarr.open.v3(store, { kind: "array" });
  } catch (e) {
    throw new FormatError(`${file}: cannot open the Zarr array (${describe(e)})`, { cause: e });
  }
  return {
    ...base,
    async chunk(coords) {
      let c: zarr.Chunk<zarr.DataType>;
      try {
        c = await arr.getChunk(coords);
      } catch (e) {
        throw new FormatError(`${file}: cannot read chunk ${coords.join(",")} (${describe(e)})`, {
          cause: e,
        });
      }
      return chunkToCBytes(c, chunkShape, itemsize);
    },
  };
}

function chunkKeyFor(raw: Record<string, unknown>, format: ZarrFormat, coords: number[]): string {
  if (format === 2) {
    const sep = raw.dimension_separator === "/" ? "/" : ".";
    return coords.length === 0 ? "0" : coords.join(sep);
  }
  const enc = raw.chunk_key_encoding as
    | { name?: string; configuration?: { separator?: string } }
    | undefined;
  const sep = enc?.configuration?.separator ?? (enc?.name === "v2" ? "." : "/");
  if (enc?.name === "v2") return coords.length === 0 ? "0" : coords.join(sep);
  return ["c", ...coords].join(sep);
}

/** A decoded zarrita chunk as C-order bytes of the full chunk shape. */
function chunkToCBytes(
  c: zarr.Chunk<zarr.DataType>,
  chunkShape: number[],
  itemsize: number,
): Uint8Array {
  const data = c.data as unknown as
    | ArrayBufferView
    | { buffer: ArrayBufferLike; byteOffset?: number; byteLength?: number };
  let bytes: Uint8Array;
  if (ArrayBuffer.isView(data)) {
    bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } else if ("buffer" in data && data.buffer instanceof ArrayBuffer) {
    // zarrita's BoolArray wraps a Uint8Array-like buffer
    bytes = new Uint8Array(
      data.buffer,
      data.byteOffset ?? 0,
      data.byteLength ?? data.buffer.byteLength,
    );
  } else {
    throw new FormatError(`unsupported chunk data type ${Object.prototype.toString.call(data)}`);
  }
  const n = chunkShape.length;
  const cStride = new Array<number>(n).fill(1);
  for (let a = n - 2; a >= 0; a--) cStride[a] = cStride[a + 1]! * chunkShape[a + 1]!;
  if (c.stride.every((s, a) => s === cStride[a] || chunkShape[a] === 1)) return bytes;
  // Another order (e.g. 'F'): reorder element by element.
  const size = chunkShape.reduce((p, x) => p * x, 1);
  const out = new Uint8Array(size * itemsize);
  const idx = new Array<number>(n).fill(0);
  for (let k = 0; k < size; k++) {
    let src = 0;
    for (let a = 0; a < n; a++) src += idx[a]! * c.stride[a]!;
    out.set(bytes.subarray(src * itemsize, (src + 1) * itemsize), k * itemsize);
    for (let a = n - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < chunkShape[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads this rank's part from the Zarr array in `dir` into `out` (local C order), fetching
 * only the chunks that hold its elements. Missing chunks read as zeros (the fill value we
 * write; other fill values are honoured by zarrita).
 * @throws FormatError naming the file for metadata or chunk problems or a shape mismatch.
 */
export async function zarrReadPart(
  opened: OpenedZarr,
  layout: PartLayout,
  out: Uint8Array,
  file: string,
): Promise<void> {
  if (opened.shape.join(",") !== layout.globalShape.join(",")) {
    throw new FormatError(
      `${file}: the Zarr array has shape ${JSON.stringify(opened.shape)}, the distribution ${JSON.stringify(layout.globalShape)}`,
    );
  }
  const itemsize = DTYPE_INFO[opened.dtype].itemsize;
  const localShape = layout.indices.map((ix) => ix.length);
  const perAxis = layout.indices.map((ix, a) =>
    axisChunks(ix, opened.shape[a]!, opened.chunks[a]!),
  );
  for (const axes of products(perAxis)) {
    const bytes = await opened.chunk(axes.map((a) => a.chunk));
    if (bytes === undefined) continue;
    scatter(bytes, opened.chunks, out, localShape, axes, itemsize, true);
  }
}
