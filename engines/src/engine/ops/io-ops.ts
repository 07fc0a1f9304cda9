/**
 * Engine side of IO (ops `io-save` and `io-load`): every engine reads and writes its own
 * part of a file directly, nothing passes through the client. The client front ends in
 * kernel/src/io.ts drive the steps; each request names `format` and `step`:
 *
 * | format | io-save steps | io-load steps |
 * |---|---|---|
 * | dnpy | `write` (own file, temp + rename) | `header`, then `read` |
 * | npy | `create` (one engine), `write` (all, concurrently), `commit`/`abort` | `read` |
 * | hdf5 | `create` (one engine), `write` (one engine at a time), `commit`/`abort` | `info`, `read` |
 * | zarr | `create` (one engine), `write` phase owned (all) then shared (in turn), `commit`/`abort` | `info`, `read` |
 *
 * Failures are thrown as DistArrayErrors (FormatError for bad files) naming the file and,
 * for writes, the engine; a failed op leaves the engine serving.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from "node:fs";
import {
  DistArrayError,
  DTYPE_INFO,
  type DType,
  FormatError,
  type LocalDistribution,
} from "../../core/index.js";
import { commitTemp, discardTemp, tempPathFor } from "../../io/atomic.js";
import { decodeDnpyHeader, dnpyHeaderLength, encodeDnpyPrefix } from "../../io/dnpy.js";
import {
  bytesOf,
  createNpyFile,
  fileDomain,
  fixByteOrder,
  piecesForDomains,
  readNpyHeaderAt,
  readPart,
  writeDomain,
  writePart,
} from "../../io/npy-file.js";
import { decodeNpyHeader } from "../../io/npy-header.js";
import type { PartLayout } from "../../io/part-plan.js";
import type { ZarrArrayMeta } from "../../io/zarr-file.js";
import { type EngineContext, registerOp } from "../op-types.js";
import {
  argDType,
  argKey,
  getLocalArray,
  localDistributionFromWire,
  newLocalArray,
} from "./array-common.js";

/**
 * The HDF5 and Zarr layers load on their first use, not at engine start: h5wasm alone adds
 * about 40 MiB to an engine's resident memory (its WebAssembly module and heap), which an
 * engine that never touches an HDF5 file should not carry.
 */
let hdf5Layer: Promise<typeof import("../../io/hdf5-file.js")> | undefined;
let zarrLayer: Promise<typeof import("../../io/zarr-file.js")> | undefined;

/** Imports `load`; a failure becomes a DA_ERR_IO error naming the format and the reason. */
async function loadLayer<T>(format: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw new DistArrayError(
      `${format} support could not be loaded on this engine: ${e instanceof Error ? e.message : String(e)}`,
      { code: "DA_ERR_IO", cause: e },
    );
  }
}

/** The HDF5 layer (io/hdf5-file.ts), loaded once; a failed load is retried on the next op. */
function hdf5(): Promise<typeof import("../../io/hdf5-file.js")> {
  hdf5Layer ??= loadLayer("HDF5", () => import("../../io/hdf5-file.js"));
  return hdf5Layer.catch((e: unknown) => {
    hdf5Layer = undefined;
    throw e;
  });
}

/** The Zarr layer (io/zarr-file.ts), loaded once; a failed load is retried on the next op. */
function zarr(): Promise<typeof import("../../io/zarr-file.js")> {
  zarrLayer ??= loadLayer("Zarr", () => import("../../io/zarr-file.js"));
  return zarrLayer.catch((e: unknown) => {
    zarrLayer = undefined;
    throw e;
  });
}

/** This rank's part as the IO layer sees it. */
export function layoutOf(local: LocalDistribution): PartLayout {
  const indices: ArrayLike<number>[] = [];
  for (let a = 0; a < local.globalShape.length; a++) indices.push(local.globalIndices(a));
  return { globalShape: [...local.globalShape], indices };
}

function argString(x: unknown, what: string): string {
  if (typeof x !== "string" || x.length === 0) {
    throw new DistArrayError(`io: ${what} must be a non-empty string`, { code: "DA_ERR_PROTOCOL" });
  }
  return x;
}

function wrapWrite(ectx: EngineContext, file: string, e: unknown): never {
  if (e instanceof DistArrayError) throw e;
  const err = e as NodeJS.ErrnoException;
  throw new DistArrayError(`could not write ${file}: ${err.message ?? String(e)}`, {
    code: "DA_ERR_IO",
    cause: e,
    rank: ectx.rank,
  });
}

function wrapRead(file: string, e: unknown): never {
  if (e instanceof DistArrayError) throw e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") throw new FormatError(`${file}: no such file`, { cause: e });
  throw new FormatError(`${file}: cannot read (${err.message ?? String(e)})`, { cause: e });
}

/** Runs `fn`; if it fails, removes the temporary `temp` it may have started. */
async function withTemp<T>(temp: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    discardTemp(temp);
    throw e;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------------------------------
// io-save

registerOp({
  name: "io-save",
  kind: "request",
  async handle(ectx, { args }) {
    const format = argString(args.format, "format");
    const step = argString(args.step, "step");
    const file = argString(args.file, "file");
    try {
      switch (`${format}:${step}`) {
        case "dnpy:write":
          return { result: saveDnpy(ectx, args, file) };
        case "npy:create": {
          const temp = tempPathFor(file);
          const dtype = argDType(args.dtype);
          const shape = args.shape as number[];
          return {
            result: await withTemp(temp, async () => ({
              temp,
              dataOffset: createNpyFile(temp, dtype, shape),
            })),
          };
        }
        case "npy:exchange-write": {
          // Two-phase write for strided parts: engines trade pieces so that each writes one
          // contiguous file domain (the op goes to all of the array's targets at once).
          const a = getLocalArray(ectx, argKey(args.key));
          const itemsize = DTYPE_INFO[a.dtype as DType].itemsize;
          const comm = ectx.comm();
          const layout = layoutOf(a.distribution);
          const got = await comm.alltoall(
            piecesForDomains(layout, bytesOf(a.data), itemsize, comm.size),
          );
          const total = layout.globalShape.reduce((p, x) => p * x, 1);
          const [lo, hi] = fileDomain(total, comm.size, comm.rank);
          const fd = openSync(argString(args.temp, "temp"), "r+");
          try {
            return {
              result: { bytes: writeDomain(fd, args.dataOffset as number, itemsize, lo, hi, got) },
            };
          } finally {
            closeSync(fd);
          }
        }
        case "npy:write": {
          const a = getLocalArray(ectx, argKey(args.key));
          const temp = argString(args.temp, "temp");
          const fd = openSync(temp, "r+");
          try {
            await writePart(
              fd,
              args.dataOffset as number,
              DTYPE_INFO[a.dtype].itemsize,
              layoutOf(a.distribution),
              bytesOf(a.data),
            );
          } finally {
            closeSync(fd);
          }
          return { result: { bytes: a.data.byteLength } };
        }
        case "hdf5:create": {
          const temp = tempPathFor(file);
          const mode = args.mode as "w" | "w-" | "a";
          const exists = existsSync(file);
          if (mode === "w-" && exists) {
            throw new DistArrayError(`${file} exists and mode 'w-' does not overwrite`, {
              code: "DA_ERR_VALUE",
            });
          }
          const { h5CreateDataset } = await hdf5();
          return {
            result: await withTemp(temp, async () => {
              if (mode === "a" && exists) copyFileSync(file, temp);
              await h5CreateDataset(
                temp,
                mode === "a" && exists ? "a" : "w",
                argString(args.key, "key"),
                argDType(args.dtype),
                args.shape as number[],
                args.chunks as number[],
                file,
              );
              return { temp };
            }),
          };
        }
        case "hdf5:write": {
          const a = getLocalArray(ectx, argKey(args.arrayKey));
          const { h5WritePart } = await hdf5();
          await h5WritePart(
            argString(args.temp, "temp"),
            argString(args.key, "key"),
            a.dtype,
            layoutOf(a.distribution),
            bytesOf(a.data),
            file,
          );
          return { result: { bytes: a.data.byteLength } };
        }
        case "zarr:create": {
          const temp = tempPathFor(file);
          const { zarrWriteMetadata } = await zarr();
          return {
            result: await withTemp(temp, async () => {
              zarrWriteMetadata(temp, args.meta as ZarrArrayMeta);
              return { temp };
            }),
          };
        }
        case "zarr:write": {
          const a = getLocalArray(ectx, argKey(args.key));
          const { zarrWritePart } = await zarr();
          const r = zarrWritePart(
            argString(args.temp, "temp"),
            args.meta as ZarrArrayMeta,
            layoutOf(a.distribution),
            bytesOf(a.data),
            args.phase === "shared" ? "shared" : "owned",
          );
          const bytes = args.phase === "shared" ? 0 : a.data.byteLength;
          return { result: { chunks: r.written, shared: r.shared, bytes } };
        }
        case "npy:commit":
        case "hdf5:commit":
        case "zarr:commit":
          commitTemp(argString(args.temp, "temp"), file);
          return { result: null };
        case "npy:abort":
        case "hdf5:abort":
        case "zarr:abort":
          discardTemp(argString(args.temp, "temp"));
          return { result: null };
        default:
          throw new DistArrayError(`io-save: unknown format/step ${format}/${step}`, {
            code: "DA_ERR_PROTOCOL",
          });
      }
    } catch (e) {
      wrapWrite(ectx, file, e);
    }
  },
});

function saveDnpy(
  ectx: EngineContext,
  args: Record<string, unknown>,
  file: string,
): { bytes: number } {
  const a = getLocalArray(ectx, argKey(args.key));
  const prefix = encodeDnpyPrefix(a.distribution.dimData, a.dtype, [...a.localShape]);
  const temp = tempPathFor(file);
  try {
    const fd = openSync(temp, "wx", 0o644);
    try {
      writeAll(fd, prefix);
      writeAll(fd, bytesOf(a.data));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    discardTemp(temp);
    throw e;
  }
  return { bytes: prefix.length + a.data.byteLength };
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, bytes.length - done);
  }
}

// ---------------------------------------------------------------------------------------
// io-load

registerOp({
  name: "io-load",
  kind: "request",
  async handle(ectx, { args }) {
    const format = argString(args.format, "format");
    const step = argString(args.step, "step");
    const file = argString(args.file, "file");
    try {
      switch (`${format}:${step}`) {
        case "dnpy:header":
          return { result: dnpyHeader(file) };
        case "dnpy:read":
          return { result: dnpyRead(ectx, args, file) };
        case "npy:read":
          return { result: await npyRead(ectx, args, file) };
        case "hdf5:info": {
          const { h5DatasetInfo } = await hdf5();
          return { result: await h5DatasetInfo(file, argString(args.key, "key"), file) };
        }
        case "hdf5:read": {
          const key = argKey(args.newKey, "newKey");
          const { local } = localDistributionFromWire(ectx, args.distribution);
          let made: ReturnType<typeof newLocalArray> | undefined;
          const { h5ReadPart } = await hdf5();
          const r = await h5ReadPart(file, argString(args.key, "key"), layoutOf(local), (dtype) => {
            made = newLocalArray(ectx, local, dtype, true);
            return bytesOf(made.data);
          });
          if (r.bigEndian) fixByteOrder(r.dtype, r.bytes);
          ectx.registry.set(key, made!);
          return { result: { dtype: r.dtype, bytes: r.bytes.byteLength } };
        }
        case "zarr:info": {
          const { zarrOpen } = await zarr();
          const z = await zarrOpen(file, file);
          return { result: { dtype: z.dtype, shape: z.shape, chunks: z.chunks, format: z.format } };
        }
        case "zarr:read": {
          const key = argKey(args.newKey, "newKey");
          const { local } = localDistributionFromWire(ectx, args.distribution);
          const { zarrOpen, zarrReadPart } = await zarr();
          const z = await zarrOpen(file, file);
          const a = newLocalArray(ectx, local, z.dtype, true);
          try {
            await zarrReadPart(z, layoutOf(local), bytesOf(a.data), file);
          } catch (e) {
            ectx.pool.release(a.data);
            throw e;
          }
          ectx.registry.set(key, a);
          return { result: { dtype: z.dtype, bytes: a.data.byteLength } };
        }
        default:
          throw new DistArrayError(`io-load: unknown format/step ${format}/${step}`, {
            code: "DA_ERR_PROTOCOL",
          });
      }
    } catch (e) {
      wrapRead(file, e);
    }
  },
});

function readWhole(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    return wrapRead(file, e);
  }
}

/** Reads a `.dnpy` header and the `.npy` header after it (not the data). */
function dnpyHeader(file: string): { dimData: unknown[]; dtype: DType; localShape: number[] } {
  const fd = openFd(file);
  try {
    const prefix = new Uint8Array(10);
    const got = readAt(fd, prefix, 0);
    const hlen = dnpyHeaderLength(prefix.subarray(0, got), file);
    const head = new Uint8Array(10 + hlen);
    readAt(fd, head, 0);
    const h = decodeDnpyHeader(head, file);
    const npy = readNpyHeaderAt(fd, file, h.npyOffset);
    if (npy.fortranOrder)
      throw new FormatError(`${file}: Fortran-order .npy payloads are not supported`);
    if (npy.shape.length !== h.dimData.length) {
      throw new FormatError(
        `${file}: dim_data has ${h.dimData.length} axes but the local array has shape ${JSON.stringify(npy.shape)}`,
      );
    }
    return {
      dimData: h.dimData.map((d) => ({ ...d })),
      dtype: npy.dtype,
      localShape: [...npy.shape],
    };
  } finally {
    closeSync(fd);
  }
}

function openFd(file: string): number {
  try {
    return openSync(file, "r");
  } catch (e) {
    return wrapRead(file, e);
  }
}

function readAt(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function dnpyRead(
  ectx: EngineContext,
  args: Record<string, unknown>,
  file: string,
): { bytes: number } {
  const key = argKey(args.newKey, "newKey");
  const { local } = localDistributionFromWire(ectx, args.distribution);
  const bytes = readWhole(file);
  const h = decodeDnpyHeader(bytes, file);
  const npy = decodeNpyHeader(bytes.subarray(h.npyOffset), file);
  if (!sameShape(npy.shape, local.localShape)) {
    throw new FormatError(
      `${file}: local shape ${JSON.stringify(npy.shape)} does not match the distribution's ${JSON.stringify(local.localShape)}`,
    );
  }
  const a = newLocalArray(ectx, local, npy.dtype, false);
  const out = bytesOf(a.data);
  const start = h.npyOffset + npy.dataOffset;
  if (bytes.length < start + out.length) {
    ectx.pool.release(a.data);
    throw new FormatError(
      `${file}: EOF: truncated data (needs ${out.length} bytes after the headers, has ${Math.max(0, bytes.length - start)})`,
    );
  }
  out.set(bytes.subarray(start, start + out.length));
  if (npy.bigEndian) fixByteOrder(npy.dtype, out);
  ectx.registry.set(key, a);
  return { bytes: out.length };
}

async function npyRead(
  ectx: EngineContext,
  args: Record<string, unknown>,
  file: string,
): Promise<{ dtype: DType; bytes: number }> {
  const key = argKey(args.newKey, "newKey");
  const { local } = localDistributionFromWire(ectx, args.distribution);
  const fd = openFd(file);
  try {
    const h = readNpyHeaderAt(fd, file);
    if (h.fortranOrder) {
      throw new FormatError(
        `${file}: Fortran-order .npy files are not supported (save it in C order: np.save(f, np.ascontiguousarray(a)))`,
      );
    }
    if (!sameShape(h.shape, local.globalShape)) {
      throw new FormatError(
        `${file}: the file holds shape ${JSON.stringify(h.shape)}, the distribution has shape ${JSON.stringify(local.globalShape)}`,
      );
    }
    const a = newLocalArray(ectx, local, h.dtype, false);
    const out = bytesOf(a.data);
    try {
      await readPart(fd, file, h.dataOffset, DTYPE_INFO[h.dtype].itemsize, layoutOf(local), out);
    } catch (e) {
      ectx.pool.release(a.data);
      throw e;
    }
    if (h.bigEndian) fixByteOrder(h.dtype, out);
    ectx.registry.set(key, a);
    return { dtype: h.dtype, bytes: out.length };
  } finally {
    closeSync(fd);
  }
}
