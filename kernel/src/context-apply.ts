/**
 * The client side of `apply` and `call`: shipping function source, packing arguments (a
 * DistArray-like argument travels as its key), and turning LocalArray results into DistArrays
 * through the hook the DistArray module installs.
 */
import { packValue, unpackValue } from "@distarray/engines/core/protocol-codec";
import type { Context } from "./context.js";

/**
 * Builds a DistArray from LocalArrays that `apply`/`call` left on every engine under `key`.
 * Set by the DistArray module (setLocalArrayResultHook); until then such results come back
 * as `{key}` objects.
 */
export type LocalArrayResultHook = (
  ctx: Context,
  key: string,
  targets: number[],
  infos: unknown[],
) => unknown;

let localArrayResultHook: LocalArrayResultHook | undefined;

/** Installs the hook that turns LocalArray results of apply/call into DistArrays. */
export function setLocalArrayResultHook(hook: LocalArrayResultHook): void {
  localArrayResultHook = hook;
}

/** Marker an engine returns for a LocalArray result: `{$localArray: {key, ...info}}`. */
export const LOCAL_ARRAY_RESULT = "$localArray";
/** Marker the client sends for an argument that names an engine-side object by key. */
export const KEY_ARGUMENT = "$key";

/** Source text of a function (or the string itself), for shipping to engines. */
export function functionSource(fn: unknown): string {
  if (typeof fn === "string") return fn;
  if (typeof fn !== "function") throw new TypeError("expected a function or its source text");
  const src = Function.prototype.toString.call(fn);
  if (src.includes("[native code]"))
    throw new TypeError("a native function cannot be sent to engines");
  return src;
}

/**
 * Runs an `apply` or `call` op on `targets` (default: all of ctx's) and resolves to the
 * results in target order, or to one DistArray if every engine returned a LocalArray.
 */
export async function runOnEngines(
  ctx: Context,
  op: "apply" | "call",
  extra: Record<string, unknown>,
  args: readonly unknown[],
  targetsOpt: readonly number[] | undefined,
): Promise<unknown> {
  const keys: string[] = [];
  const mapped = args.map((a) => {
    if (
      typeof a === "object" &&
      a !== null &&
      !ArrayBuffer.isView(a) &&
      typeof (a as { key?: unknown }).key === "string"
    ) {
      const key = (a as { key: string }).key;
      keys.push(key);
      return { [KEY_ARGUMENT]: key };
    }
    return a;
  });
  const { skeleton, buffers } = packValue(mapped);
  const resultKey = ctx.newKey();
  const replies = await ctx.requestOp(op, {
    ...(targetsOpt === undefined ? {} : { targets: targetsOpt }),
    keys,
    args: { ...extra, args: skeleton, resultKey },
    buffers,
  });
  const targets = replies.map((r) => r.rank);
  const results = replies.map((r) => unpackValue(r.result, r.buffers));
  const isLocal = (v: unknown): v is Record<string, { key: string }> =>
    typeof v === "object" && v !== null && LOCAL_ARRAY_RESULT in v;
  if (results.length > 0 && results.every(isLocal)) {
    const infos = results.map((r) => r[LOCAL_ARRAY_RESULT]);
    if (localArrayResultHook) return localArrayResultHook(ctx, resultKey, targets, infos);
    return infos;
  }
  return results.map((r) => (isLocal(r) ? r[LOCAL_ARRAY_RESULT] : r));
}
