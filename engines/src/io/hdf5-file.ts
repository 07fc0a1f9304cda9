/**
 * HDF5 through h5wasm (`h5wasm/node`, which reads and writes the real file system): one
 * dataset per array, read and written per rank as hyperslabs (strided selections for
 * cyclic axes, one selection per block for block-cyclic and unstructured axes).
 *
 * Storage follows h5py so Python reads our files as it reads its own: complex is the
 * compound `{r, i}`, integers and floats little-endian. h5py stores bool as an enum; h5wasm
 * cannot create enums, so bool is written as int8 with the attribute
 * `distarray_dtype = 'bool'` (h5py then reads 0/1 int8), and both forms are read as bool.
 *
 * HDF5 without MPI-IO is not safe with concurrent writers: callers open the file for
 * writing from one engine at a time (see kernel/src/io.ts), and always on a temporary copy
 * that is renamed into place at the end.
 */
import { existsSync } from "node:fs";
import h5wasm, { Module } from "h5wasm/node";
import { DTYPE_INFO, type DType } from "../core/dtypes.js";
import { DistArrayError, FormatError } from "../core/errors.js";
import { axisSegments, copyBox, type PartLayout, segmentBoxes } from "./part-plan.js";

/** The attribute that marks an int8 dataset as bool. */
export const H5_DTYPE_ATTRIBUTE = "distarray_dtype";

/** Largest hyperslab moved through the WASM heap at once (default 16 MiB). */
export const H5_MAX_SLAB_BYTES = 16 << 20;

type H5Dtype = string | [string, string][];

const H5_DTYPES: Readonly<Record<DType, H5Dtype>> = {
  bool: "<b",
  int8: "<b",
  uint8: "<B",
  int16: "<h",
  uint16: "<H",
  int32: "<i",
  uint32: "<I",
  int64: "<q",
  uint64: "<Q",
  float32: "<f",
  float64: "<d",
  complex64: [
    ["r", "<f"],
    ["i", "<f"],
  ],
  complex128: [
    ["r", "<d"],
    ["i", "<d"],
  ],
};

let ready: Promise<unknown> | undefined;

/** Waits for the h5wasm module (once per process). */
export async function h5Ready(): Promise<void> {
  ready ??= h5wasm.ready;
  await ready;
}

type H5File = InstanceType<typeof h5wasm.File>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

export type H5Mode = "r" | "a" | "w";

function open(path: string, mode: H5Mode, file: string): H5File {
  if (mode !== "w" && !existsSync(path)) throw new FormatError(`${file}: no such file`);
  let f: H5File;
  try {
    f = new h5wasm.File(path, mode);
  } catch (e) {
    throw new FormatError(`${file}: cannot open as HDF5 (${describe(e)})`, { cause: e });
  }
  // h5wasm reports a failed open through a negative id rather than an exception.
  if (f.file_id < 0n) {
    throw new FormatError(`${file}: cannot open as HDF5 (not an HDF5 file, or not readable)`);
  }
  return f;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

function getDataset(f: H5File, key: string, file: string): H5Dataset {
  let d: unknown;
  try {
    d = f.get(key);
  } catch (e) {
    throw new FormatError(`${file}: no dataset '${key}' (${describe(e)})`, { cause: e });
  }
  if (d === null || d === undefined) throw new FormatError(`${file}: no dataset '${key}'`);
  if (!(d instanceof h5wasm.Dataset)) throw new FormatError(`${file}: '${key}' is not a dataset`);
  return d;
}

interface DatasetInfo {
  dtype: DType;
  shape: number[];
  bigEndian: boolean;
}

function datasetInfo(d: H5Dataset, key: string, file: string): DatasetInfo {
  const m = d.metadata;
  const T = Module.H5T_class_t;
  const shape = m.shape;
  if (shape === null)
    throw new FormatError(`${file}: dataset '${key}' has no shape (null dataspace)`);
  let dtype: DType | undefined;
  let bigEndian = !m.littleEndian;
  if (m.type === T.H5T_INTEGER.value) {
    const bits = m.size * 8;
    const name = `${m.signed ? "int" : "uint"}${bits}`;
    if (name in DTYPE_INFO && m.size <= 8) dtype = name as DType;
    if (dtype === "int8" && readDtypeAttribute(d) === "bool") dtype = "bool";
  } else if (m.type === T.H5T_FLOAT.value) {
    if (m.size === 4) dtype = "float32";
    else if (m.size === 8) dtype = "float64";
  } else if (m.type === T.H5T_ENUM.value && m.size === 1) {
    const members = m.enum_type?.members as Record<string, number> | undefined;
    if (members !== undefined && members.FALSE === 0 && members.TRUE === 1) dtype = "bool";
  } else if (m.type === T.H5T_COMPOUND.value && m.compound_type?.nmembers === 2) {
    const [r, i] = m.compound_type.members;
    if (
      r !== undefined &&
      i !== undefined &&
      r.type === T.H5T_FLOAT.value &&
      i.type === T.H5T_FLOAT.value &&
      r.size === i.size &&
      r.offset === 0 &&
      i.offset === r.size
    ) {
      dtype = r.size === 4 ? "complex64" : r.size === 8 ? "complex128" : undefined;
      bigEndian = !r.littleEndian;
    }
  }
  if (dtype === undefined) {
    throw new FormatError(
      `${file}: dataset '${key}' has an unsupported dtype ${JSON.stringify(d.dtype)}`,
    );
  }
  return { dtype, shape: shape.map(Number), bigEndian };
}

function readDtypeAttribute(d: H5Dataset): string | undefined {
  try {
    const a = d.attrs[H5_DTYPE_ATTRIBUTE];
    const v = a?.value;
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The dtype and shape of dataset `key` in `path` (FormatError for a missing key, bad file). */
export async function h5DatasetInfo(path: string, key: string, file = path): Promise<DatasetInfo> {
  await h5Ready();
  const f = open(path, "r", file);
  try {
    return datasetInfo(getDataset(f, key, file), key, file);
  } finally {
    f.close();
  }
}

/**
 * Creates dataset `key` (`dtype`, `shape`, chunked by `chunks`) in `path`, opening the file
 * with `mode` ('w' truncates or creates, 'a' adds to an existing file). The data area
 * reads as zeros until the ranks write their parts.
 * @throws DistArrayError (DA_ERR_VALUE) if the key already exists.
 */
export async function h5CreateDataset(
  path: string,
  mode: "w" | "a",
  key: string,
  dtype: DType,
  shape: readonly number[],
  chunks: readonly number[],
  file = path,
): Promise<void> {
  await h5Ready();
  const f = open(path, mode, file);
  try {
    if (mode === "a" && f.get(key) !== null) {
      throw new DistArrayError(
        `${file}: a dataset '${key}' already exists (use mode 'w' or another key)`,
        {
          code: "DA_ERR_VALUE",
        },
      );
    }
    const h5dtype = H5_DTYPES[dtype];
    // h5wasm creates datasets from data: start empty (or with one zero for 0-d) and grow.
    const init = shape.length === 0 ? [0] : [];
    const empty = Array.isArray(h5dtype)
      ? new Map([
          ["r", init],
          ["i", init],
        ])
      : init;
    const args: Parameters<H5File["create_dataset"]>[0] = {
      name: key,
      data: empty,
      shape: shape.map(() => 0),
      dtype: h5dtype,
    };
    if (shape.length > 0) {
      args.maxshape = [...shape];
      args.chunks = chunks.map((c) => Math.max(1, c));
    }
    const d = f.create_dataset(args);
    if (shape.length > 0) d.resize([...shape]);
    if (dtype === "bool") d.create_attribute(H5_DTYPE_ATTRIBUTE, "bool");
  } finally {
    f.close();
  }
}

/** Moves one box of `layout` between the file and the local bytes. */
function transfer(
  f: H5File,
  key: string,
  layout: PartLayout,
  local: Uint8Array,
  itemsize: number,
  write: boolean,
): void {
  const localShape = layout.indices.map((ix) => ix.length);
  const n = localShape.length;
  const rowBytes = localShape.slice(1).reduce((p, x) => p * x, 1) * itemsize;
  const maxRows = Math.max(1, Math.floor(H5_MAX_SLAB_BYTES / Math.max(1, rowBytes)));
  const perAxis = layout.indices.map((ix, a) => axisSegments(ix, a === 0 ? maxRows : undefined));
  const path = `/${key.replace(/^\/+/, "")}`;
  for (const box of segmentBoxes(perAxis)) {
    const counts = box.map((s) => s.count);
    const bytes = counts.reduce((p, x) => p * x, 1) * itemsize;
    if (bytes === 0) continue;
    const ptr = Module._malloc(bytes);
    if (ptr === 0)
      throw new DistArrayError(`HDF5: cannot allocate ${bytes} bytes in the WASM heap`);
    try {
      const count = n === 0 ? null : counts.map(BigInt);
      const offset = n === 0 ? null : box.map((s) => BigInt(s.globalStart));
      const strides = n === 0 ? null : box.map((s) => BigInt(s.step));
      const starts = box.map((s) => s.localStart);
      if (write) {
        const heap = Module.HEAPU8.subarray(ptr, ptr + bytes);
        copyBox(heap, local, localShape, starts, counts, itemsize, false);
        Module.set_dataset_data(f.file_id, path, count, offset, strides, BigInt(ptr));
      } else {
        Module.get_dataset_data(f.file_id, path, count, offset, strides, BigInt(ptr));
        // The heap may have grown during the call: take the view afterwards.
        copyBox(
          Module.HEAPU8.subarray(ptr, ptr + bytes),
          local,
          localShape,
          starts,
          counts,
          itemsize,
          true,
        );
      }
    } finally {
      Module._free(ptr);
    }
  }
}

/**
 * Writes this rank's part into dataset `key` of `path` (opened read-write, then closed).
 * Only one engine may have the file open for writing at a time.
 */
export async function h5WritePart(
  path: string,
  key: string,
  dtype: DType,
  layout: PartLayout,
  data: Uint8Array,
  file = path,
): Promise<void> {
  await h5Ready();
  const f = open(path, "a", file);
  try {
    const d = getDataset(f, key, file);
    const info = datasetInfo(d, key, file);
    if (info.dtype !== dtype || info.shape.join(",") !== layout.globalShape.join(",")) {
      throw new FormatError(
        `${file}: dataset '${key}' is ${info.dtype} ${JSON.stringify(info.shape)}, the array ${dtype} ${JSON.stringify(layout.globalShape)}`,
      );
    }
    transfer(f, key, layout, data, DTYPE_INFO[dtype].itemsize, true);
  } finally {
    f.close();
  }
}

/**
 * Reads this rank's part of dataset `key` of `path` into fresh bytes. Checks that the
 * dataset's shape equals the layout's global shape.
 * @throws FormatError naming the file: not HDF5, no such dataset, unsupported dtype, shape mismatch.
 */
export async function h5ReadPart(
  path: string,
  key: string,
  layout: PartLayout,
  alloc: (dtype: DType, size: number) => Uint8Array,
  file = path,
): Promise<{ dtype: DType; bytes: Uint8Array; bigEndian: boolean }> {
  await h5Ready();
  const f = open(path, "r", file);
  try {
    const d = getDataset(f, key, file);
    const info = datasetInfo(d, key, file);
    if (info.shape.join(",") !== layout.globalShape.join(",")) {
      throw new FormatError(
        `${file}: dataset '${key}' has shape ${JSON.stringify(info.shape)}, the distribution ${JSON.stringify(layout.globalShape)}`,
      );
    }
    const size = layout.indices.reduce((p, ix) => p * ix.length, 1);
    const bytes = alloc(info.dtype, size);
    transfer(f, key, layout, bytes, DTYPE_INFO[info.dtype].itemsize, false);
    return { dtype: info.dtype, bytes, bigEndian: info.bigEndian };
  } finally {
    f.close();
  }
}
