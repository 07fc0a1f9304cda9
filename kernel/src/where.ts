/**
 * `da.where(cond, x, y)`: elementwise `x` where `cond` is true (nonzero), else `y`, as
 * NumPy's three-argument `where`. `cond` is a DistArray; `x` and `y` are DistArrays of the
 * same shape or scalars. The result dtype is NumPy's `result_type(x, y)` (JS numbers are
 * weak scalars, NEP 50). The result is laid out as `cond`; an operand laid out differently
 * is redistributed to `cond`'s layout first (engine to engine). Pipelined.
 */
import {
  DistArrayError,
  type DType,
  isScalar,
  resultType,
  type Scalar,
} from "@distarray/engines/core";
import type { OpName } from "@distarray/engines/core/protocol";
import { type OperandWire, scalarToWire } from "@distarray/engines/engine/ops/array-types";
import type { WhereHeader } from "@distarray/engines/engine/ops/fancy";
import { DistArray } from "./distarray.js";
import { fancyAt, setAtMask } from "./distarray-fancy.js";
import { setAdvancedIndexing } from "./distarray-index.js";
import { wrapNew } from "./distarray-ops.js";

/**
 * Elementwise choice between `x` and `y` by `cond`.
 * @throws TypeError for operands of the wrong kind; DistArrayError DA_ERR_SHAPE for shapes
 *   that differ from `cond`'s, DA_ERR_CONTEXT for arrays of another context.
 */
export function where(cond: DistArray, x: DistArray | Scalar, y: DistArray | Scalar): DistArray {
  if (!(cond instanceof DistArray)) throw new TypeError("where: cond must be a DistArray");
  const operand = (v: DistArray | Scalar, name: string): OperandWire => {
    if (v instanceof DistArray) {
      if (v.context !== cond.context) {
        throw new DistArrayError(`where: ${name} belongs to another context`, {
          code: "DA_ERR_CONTEXT",
        });
      }
      if (v.shape.join() !== cond.shape.join()) {
        throw new DistArrayError(
          `where: ${name} has shape [${v.shape.join(", ")}]; cond has [${cond.shape.join(", ")}]`,
          { code: "DA_ERR_SHAPE" },
        );
      }
      const aligned = v.distribution.isCompatible(cond.distribution)
        ? v
        : v.redistribute(cond.distribution);
      return { key: aligned.key };
    }
    if (isScalar(v)) return { scalar: scalarToWire(v) };
    throw new TypeError(`where: ${name} must be a DistArray or a scalar`);
  };
  const xw = operand(x, "x");
  const yw = operand(y, "y");
  const dtype: DType = resultType(
    x instanceof DistArray ? x.dtype : x,
    y instanceof DistArray ? y.dtype : y,
  );
  const ctx = cond.context;
  const newKey = ctx.newKey();
  const args: WhereHeader = { newKey, dtype, cond: { key: cond.key }, x: xw, y: yw };
  ctx.sendOp("where" as OpName, {
    targets: cond.targets,
    keys: [newKey],
    args: args as unknown as Record<string, unknown>,
  });
  // A redistributed operand may be freed once collected: its delete follows this op.
  return wrapNew(ctx, cond.distribution, dtype, newKey);
}

// Index arrays and masks in `a.at(...)` / `a.setAt(...)` (the dispatch is in
// distarray-index.ts). Installed here, a module loaded after DistArray is defined.
setAdvancedIndexing({
  at: (a, index) => fancyAt(a, index),
  setAt: (a, index, value) => setAtMask(a, index, value),
});
