/**
 * Small helpers shared by the distribution modules (grid, maps, DAP,
 * Distribution). Internal: not re-exported from the core index.
 */
import { DistArrayError } from "./errors.js";

export { product } from "./shape.js";

/** `[3, 4]` -> `"[3, 4]"`, the form error messages use. */
export function fmtShape(shape: readonly unknown[]): string {
  return `[${shape.join(", ")}]`;
}

/** A short description of a value for error messages. */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return `array ${JSON.stringify(x)}`;
  if (typeof x === "string") return JSON.stringify(x);
  if (typeof x === "bigint") return `${x}n`;
  if (typeof x === "object") return x.constructor?.name ?? "object";
  return `${typeof x} ${String(x)}`;
}

/**
 * Checks a shape: an array of integers >= 0. Returns it as a plain array.
 *
 * @throws TypeError if it is not an array of numbers.
 * @throws DistArrayError `DA_ERR_VALUE` for a negative or fractional length.
 */
export function checkShape(shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.some((s) => typeof s !== "number")) {
    throw new TypeError(`shape must be an array of numbers; got ${describe(shape)}`);
  }
  for (const s of shape as number[]) {
    if (!Number.isInteger(s) || s < 0) {
      throw new DistArrayError(`shape entries must be integers >= 0; got ${fmtShape(shape)}`, {
        code: "DA_ERR_VALUE",
      });
    }
  }
  return [...(shape as number[])];
}

export function checkCount(n: unknown, name: string): void {
  if (typeof n !== "number") throw new TypeError(`${name} must be a number; got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 0) {
    throw new DistArrayError(`${name} must be an integer >= 0; got ${n}`, { code: "DA_ERR_VALUE" });
  }
}
