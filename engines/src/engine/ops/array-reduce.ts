/**
 * `reduce` (pipelined): sum, mean, min, max, var, std over some axes of a stored array.
 *
 * Each engine reduces its local piece to a partial (core/reductions.ts: `reduceLocal`;
 * an empty piece gives the identity partial). The engines that share their grid
 * coordinates on every kept axis hold partials of the same output elements; they form a
 * group, and the group combines its partials engine to engine (a binomial tree over a
 * sub-communicator, never through the client) onto the member with coordinate 0 on every
 * reduced axis. That member is the output rank of `distribution.reduce(axes)` (REFERENCE
 * 3.6): it finalises the partial (`finalizePartial`) into its piece of the result.
 */
import {
  castInto,
  combinePartials,
  contiguousOperand,
  DistArrayError,
  Distribution,
  finalizePartial,
  type LocalDistribution,
  memoFor,
  type Partial,
  reduceLocal,
} from "../../core/index.js";
import { registerOp } from "../op-types.js";
import { argDType, argKey, newLocalArray, producing } from "./array-common.js";
import { ARRAY_OPS, type ReduceHeader } from "./array-types.js";
import { getStored, operandOfStored } from "./view-ops.js";

const REDUCE_OPS = new Set(["sum", "mean", "min", "max", "var", "std"]);

/** Engine ranks of the group that combines with grid position `coords`, and its root. */
export function reductionGroup(
  gridShape: readonly number[],
  coords: readonly number[],
  axes: readonly number[],
  targets: readonly number[],
): { members: number[]; root: number } {
  const ravel = (c: readonly number[]): number => {
    let r = 0;
    for (let d = 0; d < gridShape.length; d++) r = r * gridShape[d]! + c[d]!;
    return r;
  };
  const members: number[] = [];
  const c = [...coords];
  const walk = (k: number): void => {
    if (k === axes.length) {
      members.push(targets[ravel(c)]!);
      return;
    }
    const axis = axes[k]!;
    for (let i = 0; i < gridShape[axis]!; i++) {
      c[axis] = i;
      walk(k + 1);
    }
    c[axis] = coords[axis]!;
  };
  walk(0);
  const rootCoords = coords.map((x, d) => (axes.includes(d) ? 0 : x));
  const root = targets[ravel(rootCoords)]!;
  return { members: members.sort((x, y) => x - y), root };
}

/** Reduction groups already worked out, by the (immutable, shared) local layout of the input. */
const GROUPS = new WeakMap<LocalDistribution, Map<string, ReturnType<typeof reductionGroup>>>();

/**
 * `reductionGroup` for this engine's piece of layout `local`, remembered per layout, axes and
 * targets: a loop reducing the same array (or arrays of one layout) does not redo the walk.
 */
export function reductionGroupOf(
  local: LocalDistribution,
  axes: readonly number[],
  targets: readonly number[],
): ReturnType<typeof reductionGroup> {
  return memoFor(GROUPS, local, `${axes.join(",")}|${targets.join(",")}`, () =>
    reductionGroup(local.gridShape, local.coords, axes, targets),
  );
}

registerOp({
  name: ARRAY_OPS.reduce,
  kind: "pipelined",
  handle: producing("newKey", async (ectx, { args }) => {
    const h = args as unknown as ReduceHeader;
    if (!REDUCE_OPS.has(h.op)) {
      throw new DistArrayError(`unknown reduction ${String(h.op)}`, { code: "DA_ERR_PROTOCOL" });
    }
    const a = getStored(ectx, argKey(h.key));
    const newKey = argKey(h.newKey, "newKey");
    const dtype = argDType(h.dtype);
    const axes = h.axes;
    const local = a.distribution;
    const accumulate = h.accumulate === undefined ? undefined : argDType(h.accumulate);
    const operand = operandOfStored(a);
    let partial: Partial | undefined = reduceLocal(
      h.op,
      operand,
      axes,
      accumulate === undefined ? {} : { dtype: accumulate },
    );
    const { members, root } = reductionGroupOf(local, axes, ectx.targets);
    if (members.length > 1) {
      const comm = ectx.comm(members);
      partial = await comm.reduce<Partial>(
        partial,
        (x, y) => combinePartials(h.op, [x as Partial, y as Partial]),
        members.indexOf(root),
      );
    }
    if (ectx.rank !== root || partial === undefined) return undefined;
    const out = Distribution.fromJSON(h.out as Parameters<typeof Distribution.fromJSON>[0]);
    const outRank = out.targets.indexOf(ectx.rank);
    const outLocal = out.forRank(outRank);
    const res = finalizePartial(
      h.op,
      partial,
      accumulate === undefined ? {} : { dtype: accumulate },
    );
    const result = newLocalArray(ectx, outLocal, dtype, false);
    castInto(
      contiguousOperand(res.dtype, res.data, outLocal.localShape),
      contiguousOperand(dtype, result.data, outLocal.localShape),
    );
    ectx.registry.set(newKey, result);
    return undefined;
  }),
});
