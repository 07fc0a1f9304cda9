/**
 * How values become MIME bundles: a cell's last value (execute_result) and `display(value)`.
 * Order: an object's own `[DISPLAY_SYMBOL]()` bundle, a DistArray (duck-typed), an NDArray
 * (its NumPy-style `toString()`), then `util.inspect` text.
 */
import { inspect } from "node:util";
import { distArrayBundle, isDistArrayLike } from "./display-distarray.js";

/** MIME type to data, e.g. `{"text/plain": "...", "text/html": "..."}`. */
export type MimeBundle = Record<string, unknown>;

/** Objects define `[DISPLAY_SYMBOL](): MimeBundle` to control how they are shown. */
export const DISPLAY_SYMBOL: unique symbol = Symbol.for("distarray.display");

/** Limits for plain-text rendering of arbitrary values. */
export const TEXT_INSPECT_OPTIONS = { depth: 4, maxArrayLength: 100, breakLength: 100 } as const;

type WithDisplay = { [DISPLAY_SYMBOL]: () => unknown };

function hasDisplayMethod(v: unknown): v is WithDisplay {
  return (
    (typeof v === "object" || typeof v === "function") &&
    v !== null &&
    typeof (v as Partial<WithDisplay>)[DISPLAY_SYMBOL] === "function"
  );
}

function isNDArrayLike(v: unknown): v is { toString(): string } {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    Array.isArray(o.shape) &&
    typeof o.dtype === "string" &&
    ArrayBuffer.isView(o.data) &&
    typeof o.toNested === "function"
  );
}

function isBundle(v: unknown): v is MimeBundle {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The MIME bundle for `value` (always with "text/plain"). */
export function toMimeBundle(value: unknown): MimeBundle {
  if (hasDisplayMethod(value)) {
    const b = value[DISPLAY_SYMBOL]();
    if (isBundle(b)) {
      return "text/plain" in b ? b : { "text/plain": inspect(value, TEXT_INSPECT_OPTIONS), ...b };
    }
  }
  if (isDistArrayLike(value)) return distArrayBundle(value);
  if (isNDArrayLike(value)) return { "text/plain": value.toString() };
  return { "text/plain": inspect(value, TEXT_INSPECT_OPTIONS) };
}
