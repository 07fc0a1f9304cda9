/**
 * The DAP 0.10.0 validator: `validateDap(distbuffer)` -> `{ok, message}`.
 *
 * Follows the rules and messages of the protocol's reference `validator.py`
 * (rel-0.10.0), with JavaScript's stand-ins for Python types (see dap.ts): a
 * tuple is a frozen array, a dict a plain object, an int an integer number or a
 * boolean, a buffer an ArrayBuffer/typed array/DataView. Where the reference
 * would crash on a missing key (`dist_type`, `size`) this reports the key as
 * missing, and it also checks what the protocol text requires but the reference
 * left to an unused helper: `size` an int >= 0, `periodic` a bool, padding and
 * `proc_grid_rank` not negative.
 */
import { dapBufferShape, isDapBuffer, isDapDict, isPythonInt, isTuple } from "./dap.js";

/** The validator's verdict; `message` says why when `ok` is false, else it is `''`. */
export interface DapValidation {
  readonly ok: boolean;
  readonly message: string;
}

const OK: DapValidation = Object.freeze({ ok: true, message: "" });
const SUPPORTED_VERSIONS: readonly (readonly [number, number, number])[] = [[0, 10, 0]];

function fail(message: string): DapValidation {
  return { ok: false, message };
}

/** A Python-like repr for messages: `'b'`, `(0, 0)`, `[1, 2]`, `True`, `None`. */
function pyRepr(x: unknown): string {
  if (x === null || x === undefined) return "None";
  if (typeof x === "string") return `'${x.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof x === "boolean") return x ? "True" : "False";
  if (typeof x === "number" || typeof x === "bigint") return String(x);
  if (Array.isArray(x)) {
    const items = x.map(pyRepr);
    if (isTuple(x)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
    return `[${items.join(", ")}]`;
  }
  if (isDapDict(x)) {
    return `{${Object.entries(x)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(", ")}}`;
  }
  return `<${pyType(x)}>`;
}

/** The type name used in messages (`int`, `float`, `str`, `list`, `tuple`, ...). */
function pyType(x: unknown): string {
  if (x === null || x === undefined) return "NoneType";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "bigint") return "bigint";
  if (typeof x === "string") return "str";
  if (Array.isArray(x)) return isTuple(x) ? "tuple" : "list";
  if (isDapDict(x)) return "dict";
  if (typeof x === "object") return x.constructor?.name ?? "object";
  return typeof x;
}

function missingKeys(obj: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => !Object.hasOwn(obj, k));
}

function keyTuple(keys: readonly string[]): string {
  return pyRepr(Object.freeze([...keys]));
}

// StrictVersion: N.N[.N][{a|b}N]; `.version` is the numeric triple (a missing
// patch is 0, a pre-release tag is ignored by the version check).
function parseStrictVersion(v: unknown): [number, number, number] | null {
  if (typeof v !== "string") return null;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:[ab](\d+))?$/.exec(v);
  if (m === null) return null;
  return [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
}

function validateCommon(idx: number, dd: Record<string, unknown>): DapValidation {
  const missing = missingKeys(dd, ["proc_grid_rank", "proc_grid_size", "size"]);
  if (missing.length > 0) return fail(`keys ${keyTuple(missing)} missing for dimension ${idx}.`);
  const size = dd.size;
  if (!isPythonInt(size)) {
    return fail(`size for dimension ${idx} has non-integer type ${pyType(size)}.`);
  }
  if (Number(size) < 0)
    return fail(`size for dimension ${idx} has negative value ${Number(size)}.`);
  const gridSize = dd.proc_grid_size;
  const gridRank = dd.proc_grid_rank;
  if (!isPythonInt(gridSize)) {
    return fail(`proc_grid_size for dimension ${idx} has non-integer type ${pyType(gridSize)}.`);
  }
  if (!isPythonInt(gridRank)) {
    return fail(`proc_grid_rank for dimension ${idx} has non-integer type ${pyType(gridRank)}.`);
  }
  if (Number(gridSize) < 1) {
    return fail(
      `proc_grid_size for dimension ${idx} has value ${Number(gridSize)} and is less than one.`,
    );
  }
  if (Number(gridRank) >= Number(gridSize)) {
    return fail(
      `proc_grid_rank (value ${Number(gridRank)}) >= proc_grid_size (value ${Number(gridSize)}) for dimension ${idx}.`,
    );
  }
  if (Number(gridRank) < 0) {
    return fail(`proc_grid_rank for dimension ${idx} has negative value ${Number(gridRank)}.`);
  }
  return OK;
}

function validateStart(idx: number, dd: Record<string, unknown>): DapValidation {
  if (Number(dd.proc_grid_rank) === 0 && Number(dd.start) !== 0) {
    return fail(
      `start should be zero, but has value ${Number(dd.start)} for dimension ${idx} with proc_grid_rank == 0.`,
    );
  }
  return OK;
}

function validatePadding(idx: number, padding: unknown): DapValidation {
  if (!isTuple(padding))
    return fail(`padding (${pyRepr(padding)}) for dimension ${idx} is not a tuple.`);
  if (padding.length !== 2) {
    return fail(`padding (${pyRepr(padding)}) for dimension ${idx} is not of length 2.`);
  }
  for (let i = 0; i < 2; i++) {
    const p = padding[i];
    if (!isPythonInt(p)) {
      return fail(
        `padding element ${i} (${pyRepr(p)}) for dimension ${idx} has non-integer type ${pyType(p)}.`,
      );
    }
    if (Number(p) < 0) {
      return fail(`padding element ${i} (${Number(p)}) for dimension ${idx} is negative.`);
    }
  }
  return OK;
}

function validateBlock(idx: number, dd: Record<string, unknown>): DapValidation {
  for (const k of ["start", "stop"]) {
    if (!Object.hasOwn(dd, k)) {
      return fail(`key '${k}' not present in dictionary for distributed dimension ${idx}.`);
    }
    if (!isPythonInt(dd[k])) {
      return fail(`'${k}' for dimension ${idx} has non-integer type ${pyType(dd[k])}.`);
    }
  }
  const start = Number(dd.start);
  const stop = Number(dd.stop);
  const size = Number(dd.size);
  if (start < 0) return fail(`start for dimension ${idx} has negative value ${start}.`);
  if (stop < start)
    return fail(`stop (${stop}) for dimension ${idx} is less than start (${start}).`);
  if (stop > size)
    return fail(`stop (${stop}) for dimension ${idx} is greater than size (${size}).`);
  if (Object.hasOwn(dd, "padding")) {
    const v = validatePadding(idx, dd.padding);
    if (!v.ok) return v;
  }
  if (Object.hasOwn(dd, "periodic") && typeof dd.periodic !== "boolean") {
    return fail(
      `Optional periodic key is present for dimension ${idx} but has non-boolean value ${pyRepr(dd.periodic)}.`,
    );
  }
  return validateStart(idx, dd);
}

function validateCyclic(idx: number, dd: Record<string, unknown>): DapValidation {
  if (!Object.hasOwn(dd, "start")) {
    return fail(`start not present in dictionary for distributed dimension ${idx}.`);
  }
  if (!isPythonInt(dd.start)) {
    return fail(`start for dimension ${idx} has non-integer type ${pyType(dd.start)}.`);
  }
  const blockSize = Object.hasOwn(dd, "block_size") ? dd.block_size : 1;
  if (!isPythonInt(blockSize)) {
    return fail(`block_size for dimension ${idx} has non-integer type ${pyType(blockSize)}.`);
  }
  if (Number(blockSize) < 1) {
    return fail(`block_size (${Number(blockSize)}) for dimension ${idx} is less than one.`);
  }
  const rank = Number(dd.proc_grid_rank);
  const start = Number(dd.start);
  if (rank * Number(blockSize) !== start) {
    return fail(
      `proc_grid_rank * block_size != start (${rank} * ${Number(blockSize)} != ${start}).`,
    );
  }
  return validateStart(idx, dd);
}

function validateUnstructured(idx: number, dd: Record<string, unknown>): DapValidation {
  if (!Object.hasOwn(dd, "indices")) {
    return fail(`indices not present in dictionary for distributed dimension ${idx}.`);
  }
  if (!isDapBuffer(dd.indices)) {
    return fail(
      `indices object of type ${pyType(dd.indices)} for distributed dimension ${idx} does not support the buffer interface.`,
    );
  }
  if (Object.hasOwn(dd, "one_to_one") && typeof dd.one_to_one !== "boolean") {
    return fail(`one_to_one for dimension ${idx} has non-boolean type ${pyType(dd.one_to_one)}.`);
  }
  return OK;
}

/**
 * Validates one dim dict (`idx` is its axis, for messages). `{}` is valid (the
 * alias of an undistributed axis); `dist_type` must be `'b'`, `'c'` or `'u'`
 * (`'n'` is not a DAP dist type).
 */
export function validateDimDict(idx: number, dimDict: unknown): DapValidation {
  if (!isDapDict(dimDict)) {
    return fail(`object at index ${idx} with type ${pyType(dimDict)} is not an instance of dict.`);
  }
  if (Object.keys(dimDict).length === 0) return OK;
  if (!Object.hasOwn(dimDict, "dist_type")) {
    return fail(`keys ('dist_type',) missing for dimension ${idx}.`);
  }
  const distType = dimDict.dist_type;
  if (distType !== "b" && distType !== "c" && distType !== "u") {
    return fail(
      `dimension dict at index ${idx} should have dist_type of 'b', 'c', or 'u' (given ${pyRepr(distType)})`,
    );
  }
  const common = validateCommon(idx, dimDict);
  if (!common.ok) return common;
  if (distType === "b") return validateBlock(idx, dimDict);
  if (distType === "c") return validateCyclic(idx, dimDict);
  return validateUnstructured(idx, dimDict);
}

/** Validates a `dim_data`: a tuple (frozen array; a plain array is invalid) of valid dim dicts. */
export function validateDimData(dimData: unknown): DapValidation {
  if (!isTuple(dimData)) {
    return fail(`dim_data (type ${pyType(dimData)}) is not an instance of tuple.`);
  }
  for (let idx = 0; idx < dimData.length; idx++) {
    if (!isDapDict(dimData[idx])) {
      return fail(
        `object at index ${idx} with type ${pyType(dimData[idx])} is not an instance of dict.`,
      );
    }
  }
  for (let idx = 0; idx < dimData.length; idx++) {
    const v = validateDimDict(idx, dimData[idx]);
    if (!v.ok) return v;
  }
  return OK;
}

/**
 * Validates what `__distarray__()` returns, by every rule of the DAP 0.10.0
 * validator: a dict with exactly `__version__`, `buffer` and `dim_data`; a
 * StrictVersion string equal to 0.10.0; a buffer (ArrayBuffer, typed array or
 * DataView; a plain array is not one); a valid `dim_data` tuple; and one dim dict
 * per buffer dimension (the buffer's shape as {@link dapBufferShape} sees it).
 *
 * Never throws: a malformed input gives `{ok: false, message}`.
 */
export function validateDap(distbuffer: unknown): DapValidation {
  if (!isDapDict(distbuffer)) return fail(`non-dictionary object of type ${pyType(distbuffer)}.`);
  const keys = ["__version__", "buffer", "dim_data"];
  const extra = Object.keys(distbuffer).filter((k) => !keys.includes(k));
  if (extra.length > 0) return fail(`extra keys ${keyTuple(extra)} present.`);
  const missing = missingKeys(distbuffer, keys);
  if (missing.length > 0) return fail(`keys ${keyTuple(missing)} missing.`);
  const version = distbuffer.__version__;
  const parsed = parseStrictVersion(version);
  if (parsed === null) return fail(`__version__ "${String(version)}" not valid.`);
  if (!SUPPORTED_VERSIONS.some((v) => v.every((x, i) => x === parsed[i]))) {
    return fail(`__version__ "${String(version)}" not supported by this checker.`);
  }
  const buffer = distbuffer.buffer;
  if (!isDapBuffer(buffer)) return fail(`${pyRepr(buffer)} does not have the buffer interface.`);
  const dimData = distbuffer.dim_data;
  const v = validateDimData(dimData);
  if (!v.ok) return v;
  const ndim = dapBufferShape(buffer).length;
  const n = (dimData as readonly unknown[]).length;
  if (n !== ndim) {
    return fail(`len(dim_data) == ${n}, which is not equal to buffer.ndim == ${ndim}.`);
  }
  return OK;
}
