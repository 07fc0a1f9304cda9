/**
 * Attaches `at` and `setAt` (distarray-index.ts) to DistArray.prototype. A module of its
 * own so that it runs after distarray.ts has finished loading (the ufunc and broadcast
 * modules import distarray-index.ts while distarray.ts is still loading).
 */
import { type BasicIndex, NDArray, type Scalar } from "@distarray/engines/core";
import { DistArray } from "./distarray.js";
import { advancedIndexing, setAtImpl, viewOf } from "./distarray-index.js";

declare module "./distarray.js" {
  interface DistArray {
    /**
     * The view `index` (NumPy basic indexing; see distarray-index.ts): shares the engines'
     * data, so writes through it show in `this` and the reverse. Returns at once.
     * @throws IndexError for too many indices or an integer out of bounds;
     *   DistArrayError DA_ERR_VALUE for a zero step or bad index text; TypeError for a bad item.
     */
    at(index: BasicIndex): DistArray;
    /** Assigns a scalar, NDArray or DistArray to `this.at(index)`, broadcasting as NumPy. */
    setAt(index: BasicIndex, value: Scalar | NDArray | DistArray): Promise<void>;
  }
}

Object.defineProperty(DistArray.prototype, "at", {
  value: function (this: DistArray, index: unknown): unknown {
    if (
      index instanceof NDArray ||
      index instanceof DistArray ||
      (ArrayBuffer.isView(index) && !(index instanceof DataView))
    ) {
      const advanced = advancedIndexing();
      if (advanced === undefined) throw new TypeError("index arrays and masks are not available");
      return advanced.at(this, index as NDArray | DistArray);
    }
    return viewOf(this, index as BasicIndex);
  },
  writable: true,
  configurable: true,
});

Object.defineProperty(DistArray.prototype, "setAt", {
  value: function (this: DistArray, index: unknown, value: unknown): Promise<void> {
    return setAtImpl(this, index, value);
  },
  writable: true,
  configurable: true,
});
