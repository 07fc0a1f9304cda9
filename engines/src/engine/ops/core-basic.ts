// Core ops: ping (a no-op round trip), status, delete (keys or key prefixes), clear (everything).
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
        rssBytes: process.memoryUsage.rss(),
        arrays: ectx.registry.size,
      },
    };
  },
});

registerOp({
  name: "delete",
  kind: "pipelined",
  handle(ectx, op) {
    const keys = op.args.keys ?? [];
    const prefixes = op.args.prefixes ?? [];
    const isStrings = (x: unknown): x is string[] =>
      Array.isArray(x) && x.every((k) => typeof k === "string");
    if (!isStrings(keys) || !isStrings(prefixes)) {
      throw new TypeError("delete needs args.keys and/or args.prefixes: string[]");
    }
    let deleted = 0;
    for (const k of keys) if (ectx.registry.delete(k)) deleted++;
    // A prefix deletes every key starting with it (a context's cleanup uses its key prefix).
    for (const p of prefixes) {
      if (p.length < 8) throw new TypeError("a delete prefix must be at least 8 characters");
      for (const k of ectx.registry.keys())
        if (k.startsWith(p) && ectx.registry.delete(k)) deleted++;
    }
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
