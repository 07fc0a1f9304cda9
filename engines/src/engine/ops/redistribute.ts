/**
 * `redistribute` (pipelined): a stored array laid out anew, engine to engine.
 *
 * The op goes to the union of the old and the new targets. Every engine plans the whole
 * exchange from the two distributions (core/redistribute-plan.ts), so no index set has to
 * travel; then the data moves in one all-to-all exchange over the union, in rounds: in
 * each round every engine sends each peer at most `pieceBytes / (peers)` bytes, so the
 * memory an engine needs beyond the new piece stays within about one local block. An
 * engine that is both a source and a destination copies its own part directly. The
 * client sees no array bytes.
 *
 * `take` is the same op with an index array along one axis: destination index j of that
 * axis reads source index `indices[j]`.
 */
import {
  DistArrayError,
  Distribution,
  DTYPE_INFO,
  type DType,
  type LocalArray,
  type TypedArray,
} from "../../core/index.js";
import {
  type AxisPairs,
  copyPair,
  forEachPairRun,
  pairCount,
  pairLists,
  planRedistribution,
} from "../../core/redistribute-plan.js";
import { MeshComm } from "../comm.js";
import { type EngineContext, registerOp } from "../op-types.js";
import { argDType, argKey, getLocalArray, newLocalArray, producing } from "./array-common.js";

/** The header of `redistribute`. */
export interface RedistributeHeader {
  /** The source array. */
  key: string;
  /** The key of the new array. */
  newKey: string;
  dtype: DType;
  /** The source distribution (wire form). */
  src: unknown;
  /** The new distribution (wire form). */
  dst: unknown;
  /** For take: destination index j along `axis` reads source index `indices[j]` (non-negative). */
  take?: { axis: number; indices: number[] };
  /** Bytes an engine sends per round, over all its peers (default: about one local block). */
  pieceBytes?: number;
}

/** The smallest and largest default per-round budgets. */
const MIN_PIECE_BYTES = 64 * 1024;
const MAX_PIECE_BYTES = 32 * 1024 * 1024;

function fromWire(w: unknown): Distribution {
  return Distribution.fromJSON(w as Parameters<typeof Distribution.fromJSON>[0]);
}

/** Reinterprets received bytes as storage of `dtype` (copying when misaligned). */
function asStorage(dtype: DType, v: unknown): TypedArray {
  const { storage } = DTYPE_INFO[dtype];
  if (v instanceof storage) return v as TypedArray;
  if (!ArrayBuffer.isView(v)) {
    throw new DistArrayError("redistribute: a piece arrived without data", {
      code: "DA_ERR_PROTOCOL",
    });
  }
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const per = storage.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % per === 0) {
    return new storage(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / per);
  }
  const copy = new Uint8Array(bytes);
  return new storage(copy.buffer, 0, copy.byteLength / per);
}

/**
 * Where elements `[start, start + count)` of a pair lie on one side (`side`), when they form
 * one C-order range there: its first element offset; else -1. Then a packed buffer of
 * those elements is exactly that range (sent or received in place, no pack or unpack).
 */
function pairRange(
  lists: readonly AxisPairs[],
  srcShape: readonly number[],
  dstShape: readonly number[],
  start: number,
  count: number,
  side: "src" | "dst",
): number {
  let base = -1;
  let k = 0;
  let ok = count > 0;
  forEachPairRun(
    lists,
    srcShape,
    dstShape,
    start,
    count,
    (so, dO, len) => {
      const at = side === "src" ? so : dO;
      if (k === 0) base = at;
      else if (at !== base + k) ok = false;
      k += len;
    },
    () => {
      ok = false;
    },
  );
  return ok && k === count ? base : -1;
}

/**
 * Runs the exchange on this engine. Returns the new local piece, or undefined when this
 * engine is not among the new targets.
 */
export async function runRedistribution(
  ectx: EngineContext,
  h: RedistributeHeader,
): Promise<LocalArray | undefined> {
  const src = fromWire(h.src);
  const dst = fromWire(h.dst);
  const dtype = argDType(h.dtype);
  const { itemsize, lanes } = DTYPE_INFO[dtype];
  const me = ectx.rank;
  const srcRank = src.targets.indexOf(me);
  const dstRank = dst.targets.indexOf(me);
  const source = srcRank >= 0 ? getLocalArray(ectx, argKey(h.key)) : undefined;
  if (source !== undefined && source.dtype !== dtype) {
    throw new DistArrayError(`redistribute: the source is ${source.dtype}, not ${dtype}`, {
      code: "DA_ERR_PROTOCOL",
    });
  }
  const plan = planRedistribution(src.maps, dst.maps, h.take);
  const srcShape = srcRank >= 0 ? src.forRank(srcRank).localShape : [];
  const dstLocal = dstRank >= 0 ? dst.forRank(dstRank) : undefined;
  const dstShape = dstLocal?.localShape ?? [];
  const hasHoles = src.dist.includes("u");
  const out = dstLocal === undefined ? undefined : newLocalArray(ectx, dstLocal, dtype, hasHoles);
  let pending: { cancel: () => void }[] = [];
  try {
    const comm = ectx.comm();
    const members = comm.targets;
    const peers = Math.max(1, members.length - 1);
    let maxLocal = 0;
    for (let r = 0; r < src.nprocs; r++) {
      let n = 1;
      for (const s of src.localShape(r)) n *= s;
      maxLocal = Math.max(maxLocal, n);
    }
    const budget =
      typeof h.pieceBytes === "number" && h.pieceBytes > 0
        ? h.pieceBytes
        : Math.min(MAX_PIECE_BYTES, Math.max(MIN_PIECE_BYTES, maxLocal * itemsize));
    const chunk = Math.max(1, Math.floor(budget / itemsize / peers));
    // Rounds: the largest pair between two different engines, in chunks (the same on every engine).
    let rounds = 0;
    for (let p = 0; p < src.nprocs; p++) {
      const pc = src.coordsFromRank(p);
      for (let q = 0; q < dst.nprocs; q++) {
        if (src.targets[p] === dst.targets[q]) continue;
        const n = pairCount(pairLists(plan, pc, dst.coordsFromRank(q)));
        rounds = Math.max(rounds, Math.ceil(n / chunk));
      }
    }
    const sendLists = members.map((t) => {
      const q = dst.targets.indexOf(t);
      if (source === undefined || q < 0 || t === me) return undefined;
      return pairLists(plan, src.coordsFromRank(srcRank), dst.coordsFromRank(q));
    });
    const recvLists = members.map((t) => {
      const p = src.targets.indexOf(t);
      if (out === undefined || p < 0 || t === me) return undefined;
      return pairLists(plan, src.coordsFromRank(p), dst.coordsFromRank(dstRank));
    });
    // Every round's receive is registered before anything is sent, so a peer's piece that
    // is one range of the new local block is received straight into it.
    const exchanges = [];
    for (let round = 0; round < rounds; round++) {
      const begin = round * chunk;
      const into = (j: number, bufferIndex: number, byteLength: number) => {
        const lists = recvLists[j];
        if (lists === undefined || out === undefined || bufferIndex !== 0) return undefined;
        const n = Math.min(chunk, pairCount(lists) - begin);
        if (n <= 0 || byteLength !== n * itemsize) return undefined;
        const at = pairRange(lists, [n], dstShape, begin, n, "dst");
        if (at < 0) return undefined;
        const d = out.data;
        return new Uint8Array(d.buffer, d.byteOffset + at * itemsize, byteLength);
      };
      exchanges.push(
        comm instanceof MeshComm
          ? comm.alltoallInto<TypedArray | null>(into)
          : {
              run: (v: readonly (TypedArray | null)[]) => comm.alltoall(v),
              cancel: () => undefined,
            },
      );
    }
    pending = exchanges.slice();
    if (source !== undefined && out !== undefined) {
      const lists = pairLists(plan, src.coordsFromRank(srcRank), dst.coordsFromRank(dstRank));
      const n = pairCount(lists);
      copyPair(lists, source.data, srcShape, out.data, dstShape, 0, n, lanes, "none");
    }
    for (let round = 0; round < rounds; round++) {
      const begin = round * chunk;
      // Send buffers come from the pool (so they count against the memory limit) and go
      // back to it after the round; a piece that is one range of the source goes as a view.
      const values: (TypedArray | null)[] = [];
      const packed: TypedArray[] = [];
      let got: (TypedArray | null)[];
      try {
        for (const lists of sendLists) {
          const n =
            lists === undefined || source === undefined
              ? 0
              : Math.min(chunk, pairCount(lists) - begin);
          if (n <= 0 || lists === undefined || source === undefined) {
            values.push(null);
            continue;
          }
          const at = pairRange(lists, srcShape, [n], begin, n, "src");
          if (at >= 0) {
            values.push(source.data.subarray(at * lanes, (at + n) * lanes) as TypedArray);
            continue;
          }
          const buf = ectx.pool.allocate(dtype, n);
          values.push(buf);
          packed.push(buf);
          copyPair(lists, source.data, srcShape, buf, [n], begin, n, lanes, "dst");
        }
        got = await exchanges[round]!.run(values);
        pending.shift();
      } finally {
        for (const v of packed) ectx.pool.release(v);
      }
      got.forEach((v, j) => {
        const lists = recvLists[j];
        if (v === null || v === undefined || lists === undefined || out === undefined) return;
        // Received in place already.
        if (ArrayBuffer.isView(v) && v.buffer === out.data.buffer) return;
        const data = asStorage(dtype, v);
        const n = data.length / lanes;
        copyPair(lists, data, [n], out.data, dstShape, begin, n, lanes, "src");
      });
    }
  } catch (err) {
    for (const e of pending) e.cancel();
    if (out !== undefined) ectx.pool.release(out.data);
    throw err;
  }
  return out;
}

registerOp({
  name: "redistribute",
  kind: "pipelined",
  handle: producing("newKey", async (ectx, { args }) => {
    const h = args as unknown as RedistributeHeader;
    const newKey = argKey(h.newKey, "newKey");
    const out = await runRedistribution(ectx, h);
    if (out !== undefined) ectx.registry.set(newKey, out);
    return undefined;
  }),
});
