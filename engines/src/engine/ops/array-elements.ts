/**
 * Requests that read or write stored arrays: `gather` / `get-ndarrays` (the local buffer,
 * raw, without a copy), `local-shapes` (dtype, local shape and DAP dim data), `fill`,
 * `getitem` and `setitem` (by global index; an engine that does not own the index answers
 * `found: false`, so the client can ask every candidate owner of an unstructured axis).
 */
import {
  DistArrayError,
  DTYPE_INFO,
  IndexError,
  LocalView,
  readElement,
  writeElement,
} from "../../core/index.js";
import { registerOp } from "../op-types.js";
import { argKey, getLocalArray } from "./array-common.js";
import {
  ARRAY_OPS,
  type FillHeader,
  type GatherReply,
  type GetItemHeader,
  type GetItemReply,
  type MetaReply,
  type SetItemHeader,
  type SetItemReply,
  scalarFromWire,
  scalarToWire,
} from "./array-types.js";

for (const name of [ARRAY_OPS.gather, ARRAY_OPS.getNdarrays] as const) {
  registerOp({
    name,
    kind: "request",
    handle(ectx, { args }) {
      const a = getLocalArray(ectx, argKey(args.key));
      const d = a.data;
      const result: GatherReply = { localShape: [...a.localShape], dtype: a.dtype };
      return { result, buffers: [new Uint8Array(d.buffer, d.byteOffset, d.byteLength)] };
    },
  });
}

registerOp({
  name: ARRAY_OPS.localShapes,
  kind: "request",
  handle(ectx, { args }) {
    const a = getLocalArray(ectx, argKey(args.key));
    const result: MetaReply = {
      dtype: a.dtype,
      localShape: [...a.localShape],
      dimData: a.distribution.dimData.map((dd) => {
        const out: Record<string, unknown> = { ...dd };
        // 'u' indices travel as a plain list of integers.
        if ("indices" in out && out.indices !== undefined)
          out.indices = Array.from(out.indices as ArrayLike<number>);
        return out;
      }),
    };
    return { result };
  },
});

registerOp({
  name: ARRAY_OPS.fill,
  kind: "request",
  handle(ectx, { args }) {
    const h = args as unknown as FillHeader;
    const v = ectx.registry.get(argKey(h.key));
    if (v instanceof LocalView) {
      v.fillWith(scalarFromWire(h.value));
      return { result: null };
    }
    const a = getLocalArray(ectx, argKey(h.key));
    const data = a.data;
    const lanes = DTYPE_INFO[a.dtype].lanes;
    const n = data.length / lanes;
    if (n === 0) return { result: null };
    writeElement(a.dtype, data, 0, scalarFromWire(h.value));
    if (lanes === 2) {
      const re = data[0] as number;
      const im = data[1] as number;
      for (let i = 2; i < data.length; i += 2) {
        data[i] = re;
        data[i + 1] = im;
      }
    } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      data.fill(data[0]!);
    } else {
      (data as Float64Array).fill(data[0] as number);
    }
    return { result: null };
  },
});

/** The local flat position of a global index on this engine, or -1 if not owned here. */
function localPosition(a: ReturnType<typeof getLocalArray>, index: unknown): number {
  if (
    !Array.isArray(index) ||
    index.length !== a.globalShape.length ||
    !index.every(Number.isInteger)
  ) {
    throw new DistArrayError(
      `index must be ${a.globalShape.length} integers; got ${String(index)}`,
      {
        code: "DA_ERR_PROTOCOL",
      },
    );
  }
  let local: number[];
  try {
    local = a.distribution.localFromGlobal(index as number[]);
  } catch (err) {
    if (err instanceof IndexError) return -1;
    throw err;
  }
  let pos = 0;
  const shape = a.localShape;
  for (let d = 0; d < shape.length; d++) pos = pos * shape[d]! + local[d]!;
  return pos;
}

registerOp({
  name: ARRAY_OPS.getitem,
  kind: "request",
  handle(ectx, { args }) {
    const h = args as unknown as GetItemHeader;
    const v = ectx.registry.get(argKey(h.key));
    if (v instanceof LocalView) {
      const e = v.elementOf(h.index);
      const found: GetItemReply =
        e < 0
          ? { found: false }
          : { found: true, value: scalarToWire(readElement(v.dtype, v.data, e)) };
      return { result: found };
    }
    const a = getLocalArray(ectx, argKey(h.key));
    const pos = localPosition(a, h.index);
    const result: GetItemReply =
      pos < 0
        ? { found: false }
        : { found: true, value: scalarToWire(readElement(a.dtype, a.data, pos)) };
    return { result };
  },
});

registerOp({
  name: ARRAY_OPS.setitem,
  kind: "request",
  handle(ectx, { args }) {
    const h = args as unknown as SetItemHeader;
    const v = ectx.registry.get(argKey(h.key));
    if (v instanceof LocalView) {
      const e = v.elementOf(h.index);
      if (e >= 0) writeElement(v.dtype, v.data, e, scalarFromWire(h.value));
      return { result: { found: e >= 0 } satisfies SetItemReply };
    }
    const a = getLocalArray(ectx, argKey(h.key));
    const pos = localPosition(a, h.index);
    if (pos >= 0) writeElement(a.dtype, a.data, pos, scalarFromWire(h.value));
    const result: SetItemReply = { found: pos >= 0 };
    return { result };
  },
});
