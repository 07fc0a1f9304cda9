/**
 * Elementwise ops on stored arrays, each into a new array with the operand's distribution:
 * `ufunc` (the 49 ufuncs; scalars may stand on either side of a binary one), `astype`
 * (NumPy's unsafe cast) and `copy`. All pipelined. The numeric loops (core/ufunc-*.ts,
 * core/cast.ts) write straight into the new pool buffer.
 */
import {
  type BinaryUfunc,
  binaryLoop,
  castInto,
  contiguousOperand,
  DistArrayError,
  isUfuncName,
  isUnaryUfunc,
  LocalView,
  type Scalar,
  type StridedOperand,
  tryBroadcastShapes,
  ufuncArity,
  unaryLoop,
} from "../../core/index.js";
import { registerOp } from "../op-types.js";
import { argDType, argKey, newLocalArray, producing } from "./array-common.js";
import { ARRAY_OPS, type AstypeHeader, scalarFromWire, type UfuncHeader } from "./array-types.js";
import { getStored, operandOfStored } from "./view-ops.js";

registerOp({
  name: ARRAY_OPS.ufunc,
  kind: "pipelined",
  handle: producing("newKey", (ectx, { args }) => {
    const h = args as unknown as UfuncHeader;
    const name = h.name;
    if (!isUfuncName(name)) {
      throw new DistArrayError(`unknown ufunc ${String(name)}`, { code: "DA_ERR_PROTOCOL" });
    }
    const newKey = argKey(h.newKey, "newKey");
    const dtype = argDType(h.dtype);
    if (!Array.isArray(h.operands) || h.operands.length !== ufuncArity(name)) {
      throw new DistArrayError(`${name} needs ${ufuncArity(name)} operand(s)`, {
        code: "DA_ERR_PROTOCOL",
      });
    }
    const operands: (StridedOperand | Scalar)[] = [];
    let like: ReturnType<typeof getStored> | undefined;
    for (const o of h.operands) {
      if ("key" in o) {
        const a = getStored(ectx, argKey(o.key));
        // Broadcast operands (kernel/src/broadcast.ts) have length-1 local axes; the
        // result takes the layout of the operand with the full local shape.
        if (like !== undefined && a.localShape.join() !== like.localShape.join()) {
          const full = tryBroadcastShapes(like.localShape, a.localShape);
          if (
            full === null ||
            (full.join() !== like.localShape.join() && full.join() !== a.localShape.join())
          ) {
            throw new DistArrayError(
              `${name}: local shapes differ on engine ${ectx.rank}: [${like.localShape}] vs [${a.localShape}]`,
              { code: "DA_ERR_SHAPE" },
            );
          }
          if (full.join() === a.localShape.join() && a.localShape.length >= like.localShape.length)
            like = a;
        }
        like ??= a;
        operands.push(operandOfStored(a));
      } else {
        operands.push(scalarFromWire(o.scalar));
      }
    }
    if (like === undefined) {
      throw new DistArrayError(`${name} needs an array operand`, { code: "DA_ERR_PROTOCOL" });
    }
    const out = newLocalArray(ectx, like.distribution, dtype, false);
    try {
      const outOp = contiguousOperand(dtype, out.data, out.localShape);
      if (isUnaryUfunc(name)) unaryLoop(name, operands[0] as StridedOperand, outOp);
      else binaryLoop(name as BinaryUfunc, operands[0]!, operands[1]!, outOp);
    } catch (err) {
      ectx.pool.release(out.data);
      throw err;
    }
    ectx.registry.set(newKey, out);
    return undefined;
  }),
});

for (const name of [ARRAY_OPS.astype, ARRAY_OPS.copy] as const) {
  registerOp({
    name,
    kind: "pipelined",
    handle: producing("newKey", (ectx, { args }) => {
      const h = args as unknown as AstypeHeader;
      const a = getStored(ectx, argKey(h.key));
      const newKey = argKey(h.newKey, "newKey");
      const dtype = name === ARRAY_OPS.copy ? a.dtype : argDType(h.dtype);
      const out = newLocalArray(ectx, a.distribution, dtype, false);
      if (a instanceof LocalView) {
        // A view (core/view.ts): read through its offset and strides.
        castInto(operandOfStored(a), contiguousOperand(dtype, out.data, out.localShape));
      } else if (dtype === a.dtype) {
        (out.data as Float64Array).set(a.data as Float64Array);
      } else {
        castInto(
          contiguousOperand(a.dtype, a.data, a.localShape),
          contiguousOperand(dtype, out.data, out.localShape),
        );
      }
      ectx.registry.set(newKey, out);
      return undefined;
    }),
  });
}
