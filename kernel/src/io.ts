/**
 * IO front ends on the Context (API.md, IO): `.dnpy`, `.npy`, HDF5 and Zarr. Every engine
 * reads or writes its own part of the file; the client only sends the steps and collects
 * small replies (the engine side is engines/src/engine/ops/io-ops.ts). Attached to
 * `Context.prototype` here, so context.ts stays about sessions and the wire.
 *
 * Writes go to a temporary name beside the target and are renamed into place at the end
 * (for `.dnpy`, per engine file), so a failed write never leaves a half-written file where
 * a good one stood; the error names the engine (`rank`) and the reason.
 * Bad input (wrong magic, truncated file, header not a literal dict, shape or dtype not
 * matching the distribution, missing dataset key, unsupported dtype) rejects with a
 * FormatError naming the file and the reason; the engines keep serving.
 *
 * Paths are resolved against the client's working directory; engines must see the same
 * file system (true for local clusters).
 */
import { resolve } from "node:path";
import {
  DistArrayError,
  Distribution,
  DTYPE_INFO,
  type DType,
  FormatError,
} from "@distarray/engines/core";
import { planPart } from "@distarray/engines/io/part-plan";
import { Context, type OpReply } from "./context.js";
import { DistArray } from "./distarray.js";
import { wrapNew } from "./distarray-ops.js";
import { defaultChunks } from "./io-chunks.js";
import { ProgressReporter } from "./io-progress.js";

/** How `saveHdf5` opens the file: `'w'` truncate, `'w-'` fail if it exists, `'a'` add or create. */
export type Hdf5Mode = "w" | "w-" | "a";

/** Options of `ctx.saveHdf5`. */
export interface SaveHdf5Options {
  /** Dataset name (default 'buffer'). */
  key?: string;
  /** 'w' truncate, 'w-' fail if the file exists, 'a' add to the file or create it (default). */
  mode?: Hdf5Mode;
  /** Chunk shape (default: aligned to the distribution, see io-chunks.ts). */
  chunks?: number[];
}

/** Options of `ctx.loadHdf5`. */
export interface LoadHdf5Options {
  /** Dataset name (default 'buffer'). */
  key?: string;
}

/** Options of `ctx.saveZarr`. */
export interface SaveZarrOptions {
  /** Zarr format 2 or 3 (default 3). */
  format?: 2 | 3;
  /** Chunk shape (default: aligned to the distribution, see io-chunks.ts). */
  chunks?: number[];
}

declare module "./context.js" {
  interface Context {
    /**
     * Saves `a` as one `.dnpy` file per engine: `<name>_<rank>.dnpy` (rank = position in
     * `a.targets`), or `names[rank]` for a list (one per target). `.dnpy` is appended when
     * missing. Resolves when every file is in place.
     * @throws TypeError for a name that is neither a string nor a list of one string per target.
     */
    saveDnpy(name: string | readonly string[], a: DistArray): Promise<void>;
    /**
     * Loads the `.dnpy` files written by `saveDnpy` (same name or list). The distribution is
     * rebuilt from the files' dim data (so `'n'` axes come back as `'b'`) on the first
     * targets of this context.
     */
    loadDnpy(name: string | readonly string[]): Promise<DistArray>;
    /** Loads a `.npy` file with each engine reading only its part of `distribution`. */
    loadNpy(file: string, distribution: Distribution): Promise<DistArray>;
    /** Saves `a` as one `.npy` file, each engine writing its part in place. */
    saveNpy(file: string, a: DistArray): Promise<void>;
    /** Saves `a` as dataset `key` of an HDF5 file (engines write in turn). */
    saveHdf5(file: string, a: DistArray, options?: SaveHdf5Options): Promise<void>;
    /** Loads dataset `key` of an HDF5 file, each engine reading its own hyperslabs. */
    loadHdf5(
      file: string,
      distribution: Distribution,
      options?: LoadHdf5Options,
    ): Promise<DistArray>;
    /** Saves `a` as a Zarr array (format 2 or 3) directory, engines writing their chunks. */
    saveZarr(path: string, a: DistArray, options?: SaveZarrOptions): Promise<void>;
    /**
     * Loads a Zarr array (format 2 or 3) with each engine reading only the chunks it needs;
     * without a distribution, block over axis 0 on all targets.
     */
    loadZarr(path: string, distribution?: Distribution): Promise<DistArray>;
  }
}

function checkPath(x: unknown, what: string): string {
  if (typeof x !== "string") throw new TypeError(`${what} must be a string; got ${typeof x}`);
  if (x.length === 0)
    throw new DistArrayError(`${what} must not be empty`, { code: "DA_ERR_VALUE" });
  return resolve(x);
}

function checkArray(a: unknown): DistArray {
  if (!(a instanceof DistArray)) throw new TypeError("the array to save must be a DistArray");
  return a;
}

function checkDistribution(d: unknown): Distribution {
  if (!(d instanceof Distribution)) throw new TypeError("distribution must be a Distribution");
  return d;
}

function dnpyNames(name: string | readonly string[], n: number): string[] {
  const withExt = (s: string) => resolve(s.endsWith(".dnpy") ? s : `${s}.dnpy`);
  if (typeof name === "string") {
    if (name.length === 0)
      throw new DistArrayError("name must not be empty", { code: "DA_ERR_VALUE" });
    return Array.from({ length: n }, (_, r) => withExt(`${name}_${r}`));
  }
  if (Array.isArray(name)) {
    if (name.length !== n || !name.every((s) => typeof s === "string" && s.length > 0)) {
      throw new TypeError(
        `a list of names must hold one non-empty string per target (${n}); got ${name.length}`,
      );
    }
    return name.map(withExt);
  }
  throw new TypeError("name must be a string or a list of strings");
}

function progressTotal(a: DistArray): number {
  return a.nbytes;
}

/** The single dtype all engines reported. */
function replyDType(replies: OpReply[], file: string): DType {
  const dts = new Set(replies.map((r) => (r.result as { dtype: DType }).dtype));
  if (dts.size !== 1)
    throw new FormatError(`${file}: the parts hold different dtypes (${[...dts].join(", ")})`);
  return [...dts][0]!;
}

/** Runs `step` on each target, in parallel, reporting progress from `bytes` in each reply. */
async function onEach(
  ctx: Context,
  op: "io-save" | "io-load",
  targets: readonly number[],
  args: Record<string, unknown>,
  keys: readonly string[],
  progress: ProgressReporter,
  perTarget?: (t: number, i: number) => Record<string, unknown>,
): Promise<OpReply[]> {
  const replies = await Promise.all(
    targets.map(async (t, i) => {
      const [r] = await ctx.requestOp(op, {
        targets: [t],
        keys,
        args: perTarget ? { ...args, ...perTarget(t, i) } : args,
      });
      progress.add((r!.result as { bytes?: number } | null)?.bytes ?? 0);
      return r!;
    }),
  );
  return replies;
}

Context.prototype.saveDnpy = function saveDnpy(this: Context, name, a) {
  const arr = checkArray(a);
  const targets = arr.targets;
  const files = dnpyNames(name, targets.length);
  return (async () => {
    const progress = new ProgressReporter("saveDnpy", files[0]!, progressTotal(arr));
    try {
      await onEach(
        this,
        "io-save",
        targets,
        { format: "dnpy", step: "write", key: arr.key },
        [arr.key],
        progress,
        (_, i) => ({
          file: files[i],
        }),
      );
    } catch (e) {
      progress.finish(false);
      throw e;
    }
    progress.finish();
  })();
};

Context.prototype.loadDnpy = function loadDnpy(this: Context, name) {
  if (typeof name !== "string") {
    dnpyNames(name, Array.isArray(name) ? name.length : -1);
    if (name.length > this.targets.length) {
      throw new TypeError(
        `a list of names must hold one name per target (at most ${this.targets.length}); got ${name.length}`,
      );
    }
  }
  return loadDnpyImpl(this, name);
};

async function loadDnpyImpl(ctx: Context, name: string | readonly string[]): Promise<DistArray> {
  let files: string[];
  if (typeof name === "string") {
    // The number of ranks comes from the first file's dim data.
    const first = dnpyNames(name, 1)[0]!;
    const [h] = await ctx.requestOp("io-load", {
      targets: [ctx.targets[0]!],
      args: { format: "dnpy", step: "header", file: first },
    });
    const dims = (h!.result as { dimData: { proc_grid_size?: number }[] }).dimData;
    const n = dims.reduce((p, d) => p * (d.proc_grid_size ?? 1), 1);
    if (n > ctx.targets.length) {
      throw new DistArrayError(
        `${first}: the array was saved on ${n} engines; this context has ${ctx.targets.length}`,
        {
          code: "DA_ERR_VALUE",
        },
      );
    }
    files = dnpyNames(name, n);
  } else {
    files = dnpyNames(name, Array.isArray(name) ? name.length : -1);
    if (files.length > ctx.targets.length) {
      throw new TypeError(
        `a list of names must hold one name per target (${ctx.targets.length}); got ${files.length}`,
      );
    }
  }
  const targets = ctx.targets.slice(0, files.length);
  const headers = await ctx.requestOp("io-load", {
    targets,
    args: { format: "dnpy", step: "header" },
    perTarget: (_, i) => ({ args: { file: files[i] } }),
  });
  const info = headers.map(
    (r) => r.result as { dimData: unknown[]; dtype: DType; localShape: number[] },
  );
  const dtypes = new Set(info.map((x) => x.dtype));
  if (dtypes.size !== 1) {
    throw new FormatError(
      `${files[0]}: the files hold different dtypes (${[...dtypes].join(", ")})`,
    );
  }
  let distribution: Distribution;
  try {
    distribution = Distribution.fromDimDataPerRank(
      ctx,
      info.map((x) => x.dimData) as never,
      targets,
    );
  } catch (e) {
    throw new FormatError(
      `${files[0]}: the files' dim_data do not form a distribution (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  const dtype = info[0]!.dtype;
  const key = ctx.newKey();
  const total = distribution.size * (info[0] ? bytesPer(dtype) : 0);
  const progress = new ProgressReporter("loadDnpy", files[0]!, total);
  try {
    await onEach(
      ctx,
      "io-load",
      targets,
      { format: "dnpy", step: "read", newKey: key, distribution: distribution.toJSON() },
      [key],
      progress,
      (_, i) => ({
        file: files[i],
      }),
    );
  } catch (e) {
    progress.finish(false);
    throw e;
  }
  progress.finish();
  return wrapNew(ctx, distribution, dtype, key);
}

function bytesPer(dtype: DType): number {
  return DTYPE_INFO[dtype].itemsize;
}

async function loadParts(
  ctx: Context,
  operation: string,
  format: string,
  file: string,
  distribution: Distribution,
  extra: Record<string, unknown> = {},
): Promise<DistArray> {
  const key = ctx.newKey();
  const targets = distribution.targets;
  const progress = new ProgressReporter(operation, file, distribution.size * 8);
  let replies: OpReply[];
  try {
    replies = await onEach(
      ctx,
      "io-load",
      targets,
      { format, step: "read", file, newKey: key, distribution: distribution.toJSON(), ...extra },
      [key],
      progress,
    );
  } catch (e) {
    // Parts that did load are dropped with the key.
    ctx.deleteKey(key);
    progress.finish(false);
    throw e;
  }
  progress.finish();
  return wrapNew(ctx, distribution, replyDType(replies, file), key);
}

Context.prototype.loadNpy = function loadNpy(this: Context, file, distribution) {
  const path = checkPath(file, "file");
  const d = checkDistribution(distribution);
  return loadParts(this, "loadNpy", "npy", path, d);
};

/**
 * The shared shape of the single-file writers: `create` on the first target, the parts,
 * `commit` on the first target; `abort` there if anything fails.
 */
async function saveSingle(
  ctx: Context,
  operation: string,
  format: string,
  file: string,
  arr: DistArray,
  createArgs: Record<string, unknown>,
  writeParts: (
    temp: string,
    created: Record<string, unknown>,
    progress: ProgressReporter,
  ) => Promise<void>,
): Promise<void> {
  const first = arr.targets[0]!;
  const [created] = await ctx.requestOp("io-save", {
    targets: [first],
    keys: [arr.key],
    args: { format, step: "create", file, ...createArgs },
  });
  const c = created!.result as Record<string, unknown> & { temp: string };
  const progress = new ProgressReporter(operation, file, arr.nbytes);
  try {
    await writeParts(c.temp, c, progress);
    await ctx.requestOp("io-save", {
      targets: [first],
      args: { format, step: "commit", file, temp: c.temp },
    });
  } catch (e) {
    await ctx
      .requestOp("io-save", {
        targets: [first],
        args: { format, step: "abort", file, temp: c.temp },
      })
      .catch(() => undefined);
    progress.finish(false);
    throw e;
  }
  progress.finish();
}

/**
 * Parts whose runs in the file average fewer bytes than this are written in two phases
 * (engines trade pieces, then each writes one contiguous range) instead of one positional
 * write per run (default 512 bytes).
 */
export const NPY_EXCHANGE_RUN_BYTES = 512;

/** True when rank 0's part of `arr` would be written as many small runs. */
function stridedParts(arr: DistArray): boolean {
  const d = arr.distribution;
  if (d.nprocs < 2) return false;
  const local = d.forRank(0);
  const indices: ArrayLike<number>[] = [];
  for (let a = 0; a < d.ndim; a++) indices.push(local.globalIndices(a));
  const plan = planPart({ globalShape: [...d.shape], indices });
  return (
    plan.runCount > 0 && (plan.localSize * arr.itemsize) / plan.runCount < NPY_EXCHANGE_RUN_BYTES
  );
}

Context.prototype.saveNpy = function saveNpy(this: Context, file, a) {
  const path = checkPath(file, "file");
  const arr = checkArray(a);
  const exchange = stridedParts(arr);
  return saveSingle(
    this,
    "saveNpy",
    "npy",
    path,
    arr,
    { dtype: arr.dtype, shape: arr.shape },
    async (temp, c, progress) => {
      const args = { format: "npy", file: path, temp, dataOffset: c.dataOffset, key: arr.key };
      if (exchange) {
        const replies = await this.requestOp("io-save", {
          targets: arr.targets,
          keys: [arr.key],
          args: { ...args, step: "exchange-write" },
        });
        for (const r of replies) progress.add((r.result as { bytes: number }).bytes);
        return;
      }
      await onEach(this, "io-save", arr.targets, { ...args, step: "write" }, [arr.key], progress);
    },
  );
};

const HDF5_MODES: readonly string[] = ["w", "w-", "a"];

Context.prototype.saveHdf5 = function saveHdf5(this: Context, file, a, options = {}) {
  const path = checkPath(file, "file");
  const arr = checkArray(a);
  const key = options.key ?? "buffer";
  const mode = options.mode ?? "a";
  if (typeof key !== "string") throw new TypeError("key must be a string");
  if (typeof mode !== "string") throw new TypeError("mode must be a string");
  if (!HDF5_MODES.includes(mode)) {
    throw new DistArrayError(`mode must be one of 'w', 'w-', 'a'; got '${mode}'`, {
      code: "DA_ERR_VALUE",
    });
  }
  const chunks = checkChunks(options.chunks, arr) ?? defaultChunks(arr.distribution, arr.dtype);
  return saveSingle(
    this,
    "saveHdf5",
    "hdf5",
    path,
    arr,
    { key, mode, dtype: arr.dtype, shape: arr.shape, chunks },
    async (temp, _c, progress) => {
      // HDF5 without MPI-IO allows one writer at a time: engines write in rank order.
      for (const t of arr.targets) {
        const [r] = await this.requestOp("io-save", {
          targets: [t],
          keys: [arr.key],
          args: { format: "hdf5", step: "write", file: path, temp, key, arrayKey: arr.key },
        });
        progress.add((r!.result as { bytes: number }).bytes);
      }
    },
  );
};

Context.prototype.loadHdf5 = function loadHdf5(this: Context, file, distribution, options = {}) {
  const path = checkPath(file, "file");
  const key = options.key ?? "buffer";
  if (typeof key !== "string") throw new TypeError("key must be a string");
  const d = checkDistribution(distribution);
  return loadParts(this, "loadHdf5", "hdf5", path, d, { key });
};

function checkChunks(chunks: unknown, arr: DistArray): number[] | undefined {
  if (chunks === undefined) return undefined;
  if (!Array.isArray(chunks) || !chunks.every((c) => Number.isInteger(c))) {
    throw new TypeError("chunks must be an array of integers");
  }
  if (chunks.length !== arr.ndim || chunks.some((c) => c < 1)) {
    throw new DistArrayError(
      `chunks must hold ${arr.ndim} positive integers; got [${chunks.join(", ")}]`,
      {
        code: "DA_ERR_VALUE",
      },
    );
  }
  return chunks;
}

Context.prototype.saveZarr = function saveZarr(this: Context, path, a, options = {}) {
  const dir = checkPath(path, "path");
  const arr = checkArray(a);
  const format = options.format ?? 3;
  if (format !== 2 && format !== 3) {
    throw new DistArrayError(`format must be 2 or 3; got ${String(format)}`, {
      code: "DA_ERR_VALUE",
    });
  }
  const chunks = checkChunks(options.chunks, arr) ?? defaultChunks(arr.distribution, arr.dtype);
  const meta = { format, dtype: arr.dtype, shape: arr.shape, chunks };
  return saveSingle(this, "saveZarr", "zarr", dir, arr, { meta }, async (temp, _c, progress) => {
    // Chunks inside one engine's part: all engines in parallel.
    const owned = await onEach(
      this,
      "io-save",
      arr.targets,
      { format: "zarr", step: "write", phase: "owned", file: dir, temp, meta, key: arr.key },
      [arr.key],
      progress,
    );
    // Chunks shared between engines: read-modify-write, one engine at a time.
    const sharing = arr.targets.filter(
      (_, i) => ((owned[i]!.result as { shared: number }).shared ?? 0) > 0,
    );
    for (const t of sharing) {
      await this.requestOp("io-save", {
        targets: [t],
        keys: [arr.key],
        args: {
          format: "zarr",
          step: "write",
          phase: "shared",
          file: dir,
          temp,
          meta,
          key: arr.key,
        },
      });
    }
  });
};

Context.prototype.loadZarr = function loadZarr(this: Context, path, distribution) {
  const dir = checkPath(path, "path");
  const given = distribution === undefined ? undefined : checkDistribution(distribution);
  return loadZarrImpl(this, dir, given);
};

async function loadZarrImpl(
  ctx: Context,
  dir: string,
  distribution: Distribution | undefined,
): Promise<DistArray> {
  let d: Distribution;
  if (distribution === undefined) {
    const [info] = await ctx.requestOp("io-load", {
      targets: [ctx.targets[0]!],
      args: { format: "zarr", step: "info", file: dir },
    });
    d = Distribution.fromShape(ctx, (info!.result as { shape: number[] }).shape);
  } else {
    d = distribution;
  }
  return loadParts(ctx, "loadZarr", "zarr", dir, d);
}
