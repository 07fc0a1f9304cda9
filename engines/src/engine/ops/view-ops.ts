/**
 * View ops: `view` (pipelined) stores a LocalView of a stored array (or of a view) under a
 * new key, sharing the base's buffer; `assign` (request) writes into a stored array or
 * view from a scalar, a raw buffer (the piece of an NDArray, in local C order, with its
 * shape, broadcast to the local shape) or another stored array of the same local shape,
 * with NumPy's assignment casting.
 */
import {
  type AxisSelection,
  castInto,
  contiguousOperand,
  DistArrayError,
  DTYPE_INFO,
  isDType,
  LocalArray,
  LocalView,
  makeLocalView,
  type StridedOperand,
  writeElement,
} from "../../core/index.js";
import type { EngineContext } from "../op-types.js";
import { registerOp } from "../op-types.js";
import {
  argKey,
  FailedArray,
  getLocalArray,
  localDistributionFromWire,
  producing,
} from "./array-common.js";
import { type ScalarWire, scalarFromWire } from "./array-types.js";

/** `view`: `newKey` becomes the view `selection` of `key`, laid out as `distribution`. */
export interface ViewHeader {
  key: string;
  newKey: string;
  selection: AxisSelection[];
  distribution: unknown;
}

/** `assign`: exactly one of `scalar`, `piece` (with the op's one buffer) or `source`. */
export interface AssignHeader {
  key: string;
  scalar?: ScalarWire;
  piece?: { dtype: string; shape: number[] };
  source?: string;
}

/** A stored array or view under `key` (the error of a failed op is rethrown). */
export function getStored(ectx: EngineContext, key: string): LocalArray | LocalView {
  const v = ectx.registry.get(key);
  if (v instanceof FailedArray) throw v.error;
  if (v instanceof LocalView || v instanceof LocalArray) return v;
  return getLocalArray(ectx, key);
}

/** The strided operand of a stored array or view (a contiguous copy for an uneven view). */
export function operandOfStored(a: LocalArray | LocalView): StridedOperand {
  if (a instanceof LocalArray) return contiguousOperand(a.dtype, a.data, a.localShape);
  return a.operand() ?? contiguousOperand(a.dtype, a.toContiguous(), a.distribution.localShape);
}

registerOp({
  name: "view",
  kind: "pipelined",
  handle: producing("newKey", (ectx, { args }) => {
    const h = args as unknown as ViewHeader;
    const base = getStored(ectx, argKey(h.key));
    const newKey = argKey(h.newKey, "newKey");
    if (!Array.isArray(h.selection)) {
      throw new DistArrayError("view needs a selection", { code: "DA_ERR_PROTOCOL" });
    }
    const { local } = localDistributionFromWire(ectx, h.distribution);
    ectx.registry.set(newKey, makeLocalView(base, h.selection, local));
    return undefined;
  }),
});

/** Writes `src` into a stored array or view. */
function assignInto(dst: LocalArray | LocalView, src: StridedOperand): void {
  if (dst instanceof LocalView) dst.assign(src);
  else castInto(src, contiguousOperand(dst.dtype, dst.data, dst.localShape));
}

registerOp({
  name: "assign",
  kind: "request",
  handle(ectx, { args, buffers }) {
    const h = args as unknown as AssignHeader;
    const dst = getStored(ectx, argKey(h.key));
    if (h.scalar !== undefined) {
      const info = DTYPE_INFO[dst.dtype];
      const one = new info.storage(info.lanes);
      const op = contiguousOperand(dst.dtype, one, []);
      // Convert the scalar as NumPy assignment does, through a 0-d array of the dtype.
      writeElement(dst.dtype, one, 0, scalarFromWire(h.scalar));
      assignInto(dst, op);
    } else if (h.piece !== undefined) {
      const dtype = h.piece.dtype;
      if (!isDType(dtype)) {
        throw new DistArrayError(`unknown dtype ${String(dtype)}`, { code: "DA_ERR_PROTOCOL" });
      }
      const info = DTYPE_INFO[dtype];
      const bytes = buffers[0] ?? new Uint8Array(0);
      let n = 1;
      for (const s of h.piece.shape) n *= s;
      if (bytes.byteLength !== n * info.itemsize) {
        throw new DistArrayError(
          `assign: piece of shape [${h.piece.shape.join(", ")}] needs ${n * info.itemsize} bytes; got ${bytes.byteLength}`,
          { code: "DA_ERR_SHAPE" },
        );
      }
      const aligned =
        bytes.byteOffset % info.storage.BYTES_PER_ELEMENT === 0 ? bytes : new Uint8Array(bytes);
      const data = new info.storage(aligned.buffer, aligned.byteOffset, n * info.lanes);
      assignInto(dst, contiguousOperand(dtype, data, h.piece.shape));
    } else if (typeof h.source === "string") {
      const src = getStored(ectx, h.source);
      // A source sharing the destination's memory (a view of the same array) is copied
      // first, so overlapping parts read their old values, as in NumPy.
      const overlaps = src.data.buffer === dst.data.buffer;
      const op =
        overlaps && src instanceof LocalArray
          ? contiguousOperand(src.dtype, src.data.slice(), src.localShape)
          : overlaps && src instanceof LocalView
            ? contiguousOperand(src.dtype, src.toContiguous(), src.localShape)
            : operandOfStored(src);
      assignInto(dst, op);
    } else {
      throw new DistArrayError("assign needs a scalar, a piece or a source", {
        code: "DA_ERR_PROTOCOL",
      });
    }
    return { result: null };
  },
});
