// Core ops: ping (a no-op round trip), status, delete (keys), clear (everything).
import { registerOp } from "../op-types.js";

registerOp({
  name: "ping",
  kind: "request",
  handle() {
    return { result: null };
  },
});

registerOp({
  name: "status",
  kind: "request",
  handle(ectx) {
    return {
      result: {
        rank: ectx.rank,
        pid: process.pid,
        memoryBytes: ectx.pool.inUse,
        memoryLimit: ectx.pool.limit,
        arrays: ectx.registry.size,
      },
    };
  },
});

registerOp({
  name: "delete",
  kind: "pipelined",
  handle(ectx, op) {
    const keys = op.args.keys;
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) {
      throw new TypeError("delete needs args.keys: string[]");
    }
    let deleted = 0;
    for (const k of keys) if (ectx.registry.delete(k)) deleted++;
    return { result: deleted };
  },
});

registerOp({
  name: "clear",
  kind: "pipelined",
  handle(ectx) {
    const n = ectx.registry.size;
    ectx.registry.clear();
    return { result: n };
  },
});
