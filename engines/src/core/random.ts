/**
 * Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel
 * Random Numbers: As Easy as 1, 2, 3", SC11), as in the Random123 library.
 *
 * A distributed random array must not depend on how it is split over engines, so no
 * engine keeps a stream state. Every element's value is a pure function of
 * (seed, call number, global flat index):
 *
 * - key     = the 64-bit seed as two 32-bit words `[low, high]`;
 * - counter = `[flat index low 32 bits, flat index high bits, call number, attempt]`,
 *   where `attempt` is 0 except when rejection sampling (randint) needs more words.
 *
 * One Philox block gives four 32-bit words per element:
 * - uniform float64 in [0, 1): 53 bits from words 0 and 1, `((w0 >>> 5) * 2^26 + (w1 >>> 6)) / 2^53`
 *   (NumPy's conversion of 64 random bits to a double); float32: `(w0 >>> 8) / 2^24`.
 * - standard normal: Box-Muller on the same block, `u1 = 1 - uniform(w0, w1)` in (0, 1] and
 *   `u2 = uniform(w2, w3)`, giving `sqrt(-2 ln u1) * cos(2 pi u2)` (the sine half is not used,
 *   so that each element needs only its own counter).
 * - integers in `[low, high)` with range `r`: a power-of-two `r` masks the bits; otherwise
 *   rejection sampling without modulo bias: for `r <= 2^32` a word `w` is accepted when
 *   `w < floor(2^32 / r) * r` and gives `w % r` (four words per block); for larger ranges two
 *   words make a 64-bit value, accepted below `floor(2^64 / r) * r`. When every word of a block
 *   is rejected, the next block comes from the same counter with `attempt + 1`.
 *
 * Pure: no Node built-ins; engines call {@link fillRandom} on their local buffers.
 */
import { DTYPE_INFO, type DType, integerRange, type TypedArray } from "./dtypes.js";
import { DistArrayError } from "./errors.js";

/** Philox4x32 multipliers and Weyl key increments (Random123). */
const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

/** The number of Philox rounds this project uses (the Random123 default, Crush-resistant). */
export const PHILOX_ROUNDS = 10;

const TWO_POW_26 = 67108864;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_24 = 16777216;

/** A Philox key: the seed as two unsigned 32-bit words, low word first. */
export type PhiloxKey = readonly [number, number];

/** The high 32 bits of the 64-bit product of two unsigned 32-bit integers. */
function mulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const p0 = al * bl;
  const p1 = al * bh;
  const p2 = ah * bl;
  const p3 = ah * bh;
  const mid = Math.floor(p0 / 65536) + (p1 % 65536) + (p2 % 65536);
  return (p3 + Math.floor(p1 / 65536) + Math.floor(p2 / 65536) + Math.floor(mid / 65536)) >>> 0;
}

/**
 * One Philox4x32 block: encrypts `counter` (four uint32 words) under `key` (two words)
 * with `rounds` rounds, writing the four output words into `out` (returned).
 * @example philox4x32([0, 0, 0, 0], [0, 0]) // Uint32Array [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 */
export function philox4x32(
  counter: ArrayLike<number>,
  key: ArrayLike<number>,
  out: Uint32Array = new Uint32Array(4),
  rounds: number = PHILOX_ROUNDS,
): Uint32Array {
  let c0 = counter[0]! >>> 0;
  let c1 = counter[1]! >>> 0;
  let c2 = counter[2]! >>> 0;
  let c3 = counter[3]! >>> 0;
  let k0 = key[0]! >>> 0;
  let k1 = key[1]! >>> 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/**
 * The Philox key of a seed: an integer in [0, 2^64) as a number (up to 2^53) or a bigint.
 * @throws TypeError for a non-integer type; DistArrayError DA_ERR_VALUE when out of range.
 */
export function seedToKey(seed: number | bigint): PhiloxKey {
  let s: bigint;
  if (typeof seed === "number") {
    if (!Number.isSafeInteger(seed)) {
      throw new DistArrayError(`seed must be a safe integer in [0, 2**64); got ${seed}`, {
        code: "DA_ERR_VALUE",
      });
    }
    s = BigInt(seed);
  } else if (typeof seed === "bigint") {
    s = seed;
  } else {
    throw new TypeError(`seed must be a number or a bigint; got ${typeof seed}`);
  }
  if (s < 0n || s >= 1n << 64n) {
    throw new DistArrayError(`seed must be in [0, 2**64); got ${s}`, { code: "DA_ERR_VALUE" });
  }
  return [Number(s & 0xffffffffn), Number(s >> 32n)];
}

/** The kinds of random arrays engines can fill. */
export type RandomKind = "uniform" | "normal" | "integers";

/** What an engine needs to fill its piece of a random array; travels in an op header. */
export interface RandomSpec {
  kind: RandomKind;
  key: PhiloxKey;
  /** The call number: each call of the client's generator uses a fresh one. */
  call: number;
  /** normal: mean and standard deviation (defaults 0 and 1). */
  loc?: number;
  scale?: number;
  /** integers: the half-open range [low, high), as decimal strings of integers (exact for int64). */
  low?: string;
  high?: string;
}

/** A uniform double in [0, 1) from two words (53 bits). */
export function wordsToDouble(w0: number, w1: number): number {
  return ((w0 >>> 5) * TWO_POW_26 + (w1 >>> 6)) / TWO_POW_53;
}

/** A uniform float32 value in [0, 1) from one word (24 bits). */
export function wordToFloat32(w: number): number {
  return (w >>> 8) / TWO_POW_24;
}

/**
 * Checks an integer range against a dtype as NumPy's `integers`/`randint` does.
 * @throws DistArrayError DA_ERR_VALUE if `low >= high` or either end is outside the dtype.
 */
export function checkIntegerRange(low: bigint, high: bigint, dtype: DType): void {
  const info = DTYPE_INFO[dtype];
  if (info.kind !== "i" && info.kind !== "u" && info.kind !== "b") {
    throw new DistArrayError(`randint needs an integer or bool dtype; got ${dtype}`, {
      code: "DA_ERR_DTYPE",
    });
  }
  if (low >= high) {
    throw new DistArrayError(`randint needs low < high; got low=${low}, high=${high}`, {
      code: "DA_ERR_VALUE",
    });
  }
  const { min, max } = integerRange(dtype);
  if (low < min) {
    throw new DistArrayError(`low is out of bounds for ${dtype}: ${low} < ${min}`, {
      code: "DA_ERR_VALUE",
    });
  }
  if (high - 1n > max) {
    throw new DistArrayError(`high is out of bounds for ${dtype}: ${high} > ${max + 1n}`, {
      code: "DA_ERR_VALUE",
    });
  }
}

/** Per-element generator: writes the value for global flat index `flat` at storage slot `pos`. */
type ElementWriter = (flat: number, pos: number) => void;

function counterWords(flat: number): [number, number] {
  return [(flat % TWO_POW_32) >>> 0, Math.floor(flat / TWO_POW_32) >>> 0];
}

function makeWriter(spec: RandomSpec, dtype: DType, out: TypedArray): ElementWriter {
  const block = new Uint32Array(4);
  const ctr = new Uint32Array(4);
  const key = spec.key;
  ctr[2] = spec.call >>> 0;
  const gen = (flat: number, attempt: number): Uint32Array => {
    const [lo, hi] = counterWords(flat);
    ctr[0] = lo;
    ctr[1] = hi;
    ctr[3] = attempt;
    return philox4x32(ctr, key, block);
  };
  const info = DTYPE_INFO[dtype];
  switch (spec.kind) {
    case "uniform": {
      if (dtype === "float32") {
        const o = out as Float32Array;
        return (flat, pos) => {
          o[pos] = wordToFloat32(gen(flat, 0)[0]!);
        };
      }
      if (dtype !== "float64") {
        throw new DistArrayError(`rand makes float32 or float64 arrays; got ${dtype}`, {
          code: "DA_ERR_DTYPE",
        });
      }
      const o = out as Float64Array;
      return (flat, pos) => {
        const w = gen(flat, 0);
        o[pos] = wordsToDouble(w[0]!, w[1]!);
      };
    }
    case "normal": {
      if (info.kind !== "f") {
        throw new DistArrayError(`normal makes float32 or float64 arrays; got ${dtype}`, {
          code: "DA_ERR_DTYPE",
        });
      }
      const loc = spec.loc ?? 0;
      const scale = spec.scale ?? 1;
      const o = out as Float64Array | Float32Array;
      return (flat, pos) => {
        const w = gen(flat, 0);
        const u1 = 1 - wordsToDouble(w[0]!, w[1]!);
        const u2 = wordsToDouble(w[2]!, w[3]!);
        o[pos] = loc + scale * (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
      };
    }
    case "integers":
      return integerWriter(spec, dtype, out, gen);
  }
}

function integerWriter(
  spec: RandomSpec,
  dtype: DType,
  out: TypedArray,
  gen: (flat: number, attempt: number) => Uint32Array,
): ElementWriter {
  if (spec.low === undefined || spec.high === undefined) {
    throw new DistArrayError("randint needs low and high", { code: "DA_ERR_VALUE" });
  }
  const low = BigInt(spec.low);
  const high = BigInt(spec.high);
  checkIntegerRange(low, high, dtype);
  const range = high - low;
  const big = DTYPE_INFO[dtype].bits === 64;
  const lowNum = Number(low);
  const lowIsSafe = Number.isSafeInteger(lowNum) && BigInt(lowNum) === low;
  if (range <= BigInt(TWO_POW_32)) {
    const r = Number(range);
    const pow2 = (r & (r - 1)) === 0 && r <= 2 ** 31;
    const limit = Math.floor(TWO_POW_32 / r) * r;
    const draw = (flat: number): number => {
      if (pow2) return gen(flat, 0)[0]! & (r - 1);
      for (let attempt = 0; ; attempt++) {
        const w = gen(flat, attempt);
        for (let k = 0; k < 4; k++) {
          const x = w[k]!;
          if (x < limit) return x % r;
        }
      }
    };
    if (big) {
      const o = out as BigInt64Array | BigUint64Array;
      return (flat, pos) => {
        const v = draw(flat);
        o[pos] =
          lowIsSafe && Number.isSafeInteger(lowNum + v) ? BigInt(lowNum + v) : low + BigInt(v);
      };
    }
    const o = out as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
    return (flat, pos) => {
      o[pos] = lowNum + draw(flat);
    };
  }
  // Ranges above 2^32 only occur for 64-bit dtypes.
  const two64 = 1n << 64n;
  const limit = (two64 / range) * range;
  const o = out as BigInt64Array | BigUint64Array;
  return (flat, pos) => {
    for (let attempt = 0; ; attempt++) {
      const w = gen(flat, attempt);
      for (let k = 0; k < 4; k += 2) {
        const x = (BigInt(w[k]!) << 32n) | BigInt(w[k + 1]!);
        if (x < limit) {
          o[pos] = low + (x % range);
          return;
        }
      }
    }
  };
}

/**
 * Fills `out` (the local piece of a random array, C order) with the values of `spec`.
 * `globalIndices[axis]` lists, per local position along each axis, its global index
 * (as `LocalDistribution.globalIndices(axis)` gives); `globalShape` is the array's shape
 * (`[]` for 0-d). The value at each element depends only on the spec and the element's
 * global flat (C-order) index, never on the distribution.
 * @throws DistArrayError DA_ERR_DTYPE for a dtype the kind cannot produce; DA_ERR_VALUE for a bad range.
 */
export function fillRandom(
  spec: RandomSpec,
  dtype: DType,
  out: TypedArray,
  globalIndices: readonly ArrayLike<number>[],
  globalShape: readonly number[],
): void {
  const write = makeWriter(spec, dtype, out);
  const ndim = globalShape.length;
  if (ndim === 0) {
    write(0, 0);
    return;
  }
  const localShape = globalIndices.map((g) => g.length);
  for (const n of localShape) if (n === 0) return;
  const strides = new Array<number>(ndim);
  let s = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    strides[d] = s;
    s *= globalShape[d]!;
  }
  // Odometer over the outer axes; a tight loop over the last one.
  const last = ndim - 1;
  const inner = globalIndices[last]!;
  const innerStride = strides[last]!;
  const innerLen = localShape[last]!;
  const idx = new Array<number>(ndim).fill(0);
  let pos = 0;
  for (;;) {
    let base = 0;
    for (let d = 0; d < last; d++) base += globalIndices[d]![idx[d]!]! * strides[d]!;
    for (let i = 0; i < innerLen; i++) write(base + inner[i]! * innerStride, pos++);
    let d = last - 1;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! < localShape[d]!) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}
