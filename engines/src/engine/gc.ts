/**
 * V8's full garbage collection as a function, for engines and clients that free memory held
 * outside the JavaScript heap when their handles are collected. Node exposes `gc` only with
 * `--expose-gc`; without it the flag is set at run time and the function taken from a fresh
 * VM context.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collector: (() => void) | undefined;

/** The full-collection function (the same one on every call). */
export function fullGarbageCollector(): () => void {
  if (collector === undefined) {
    const g = (globalThis as { gc?: unknown }).gc;
    if (typeof g === "function") collector = g as () => void;
    else {
      setFlagsFromString("--expose-gc");
      collector = runInNewContext("gc") as () => void;
    }
  }
  return collector;
}
