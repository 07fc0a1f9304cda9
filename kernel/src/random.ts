/**
 * `ctx.random`: random DistArrays from a counter-based generator (Philox4x32-10,
 * engines/src/core/random.ts). The client keeps the seed and a call counter; every call
 * sends `(seed, call number)` to the engines, which fill their pieces from each element's
 * global index. So the same seed and the same sequence of calls give the same global
 * arrays whatever the number of engines and whatever the distribution.
 *
 * Without `seed(s)` (or after `seed()`), the seed is drawn from the operating system's
 * entropy, so two unseeded generators differ.
 */
import { randomBytes } from "node:crypto";
import {
  checkIntegerRange,
  DistArrayError,
  type DType,
  type PhiloxKey,
  type RandomSpec,
  seedToKey,
  toDType,
} from "@distarray/engines/core";
import { ARRAY_OPS, type RandomHeader } from "@distarray/engines/engine/ops/array-types";
import type { Context } from "./context.js";
import { type CreateOptions, type DistOrShape, resolveDistribution } from "./context-arrays.js";
import type { DistArray } from "./distarray.js";
import { wrapNew } from "./distarray-ops.js";

export interface NormalOptions extends CreateOptions {
  /** Mean (default 0). */
  loc?: number;
  /** Standard deviation (default 1). */
  scale?: number;
}

function entropySeed(): bigint {
  return randomBytes(8).readBigUInt64LE(0);
}

/** Distributed random arrays, as `ctx.random`. With the same seed, the same calls give the same global array whatever the number of engines and the distribution. */
export class Random {
  readonly #context: Context;
  #key: PhiloxKey;
  #call = 0;

  constructor(context: Context) {
    this.#context = context;
    this.#key = seedToKey(entropySeed());
  }

  /**
   * Seeds the generator and restarts its call counter. `s` is an integer in [0, 2^64)
   * (number or bigint); none draws a fresh seed from OS entropy.
   * @throws TypeError for a non-integer type; DistArrayError DA_ERR_VALUE out of range.
   */
  seed(s?: number | bigint): void {
    this.#key = seedToKey(s === undefined ? entropySeed() : s);
    this.#call = 0;
  }

  /** Uniform values in [0, 1) (float64 by default; float32 allowed). */
  rand(distOrShape: DistOrShape, options: CreateOptions = {}): DistArray {
    return this.#make("uniform", distOrShape, options, "float64", {});
  }

  /** Standard normal values. */
  randn(distOrShape: DistOrShape, options: CreateOptions = {}): DistArray {
    return this.#make("normal", distOrShape, options, "float64", {});
  }

  /** Normal values with mean `loc` and standard deviation `scale`. */
  normal(distOrShape: DistOrShape, options: NormalOptions = {}): DistArray {
    const loc = options.loc ?? 0;
    const scale = options.scale ?? 1;
    if (typeof loc !== "number" || typeof scale !== "number")
      throw new TypeError("loc and scale must be numbers");
    if (scale < 0)
      throw new DistArrayError(`scale must be non-negative; got ${scale}`, {
        code: "DA_ERR_VALUE",
      });
    return this.#make("normal", distOrShape, options, "float64", { loc, scale });
  }

  /**
   * Integers in `[low, high)`, or `[0, low)` when `high` is omitted, without modulo bias
   * (int64 by default; any integer dtype or bool).
   * @throws DistArrayError DA_ERR_VALUE when low >= high or the range does not fit the dtype.
   */
  randint(
    distOrShape: DistOrShape,
    low: number | bigint,
    high?: number | bigint,
    options: CreateOptions = {},
  ): DistArray {
    const toBig = (x: number | bigint, what: string): bigint => {
      if (typeof x === "bigint") return x;
      if (typeof x === "number" && Number.isSafeInteger(x)) return BigInt(x);
      throw new TypeError(`${what} must be an integer (number or bigint); got ${String(x)}`);
    };
    let lo = toBig(low, "low");
    let hi: bigint;
    if (high === undefined) {
      hi = lo;
      lo = 0n;
    } else {
      hi = toBig(high, "high");
    }
    const dtype = options.dtype === undefined ? "int64" : toDType(options.dtype);
    checkIntegerRange(lo, hi, dtype);
    return this.#make("integers", distOrShape, options, "int64", {
      low: lo.toString(),
      high: hi.toString(),
    });
  }

  #make(
    kind: RandomSpec["kind"],
    distOrShape: DistOrShape,
    options: CreateOptions,
    defaultDType: DType,
    extra: Partial<RandomSpec>,
  ): DistArray {
    if (typeof options !== "object" || options === null)
      throw new TypeError("options must be an object");
    const ctx = this.#context;
    const dist = resolveDistribution(ctx, distOrShape, options);
    const dtype = options.dtype === undefined ? defaultDType : toDType(options.dtype);
    if (kind !== "integers" && dtype !== "float64" && dtype !== "float32") {
      throw new DistArrayError(`random ${kind} arrays are float64 or float32; got ${dtype}`, {
        code: "DA_ERR_DTYPE",
      });
    }
    const spec: RandomSpec = { kind, key: this.#key, call: this.#call++, ...extra };
    const key = ctx.newKey();
    const args: RandomHeader = { key, dtype, distribution: dist.toJSON(), spec };
    ctx.sendOp(ARRAY_OPS.random, {
      targets: dist.targets,
      keys: [key],
      args: args as unknown as Record<string, unknown>,
    });
    return wrapNew(ctx, dist, dtype, key);
  }
}
