// The engine's buffer pool (reuse, size classes, memory limit, the bounded cache of freed
// ArrayBuffers, the WebAssembly heap) and registry (typed missing-key error, buffers
// returned to the pool when the last entry sharing them goes). No network.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DistArrayError, MemoryLimitError } from "@distarray/engines/core/errors";
import { heapOf } from "@distarray/engines/core/wasm/heap";
import {
  DEFAULT_POOL_CACHE_BYTES,
  DEFAULT_POOL_CACHE_SHARE,
  GC_AFTER_BYTES,
  POOL_MIN_BYTES,
  Pool,
  SMALL_CACHE_BYTES,
  sizeClass,
} from "@distarray/engines/engine/pool";
import { EngineRegistry } from "@distarray/engines/engine/registry";

const MiB = 1024 * 1024;

describe("buffer pool", () => {
  it("rounds requests up to size classes with at most 12.5% slack", () => {
    assert.equal(sizeClass(1), 8);
    assert.equal(sizeClass(100), 104);
    assert.equal(sizeClass(POOL_MIN_BYTES), POOL_MIN_BYTES);
    assert.equal(sizeClass(MiB + 1), MiB + MiB / 8);
    for (const n of [65_537, 1_000_000, 3 * MiB + 5, 100 * MiB - 1]) {
      const c = sizeClass(n);
      assert.ok(c >= n && c <= n * 1.125 + 8, `${n} -> ${c}`);
    }
  });

  it("reuses small buffers from a cache bounded by SMALL_CACHE_BYTES", () => {
    const pool = new Pool({ limit: 64 * MiB, rank: 0, wasmBytes: 0, cacheShare: 0 });
    const a = pool.allocate("float64", 500) as Float64Array;
    a.fill(5);
    pool.release(a);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.cached, 4000, "kept although cacheShare is 0");
    const b = pool.allocate("float64", 500) as Float64Array;
    assert.equal(b.buffer, a.buffer, "same memory reused");
    assert.equal(b[0], 5, "not cleared without the zero option");
    assert.equal(pool.reused, 1);
    assert.ok(pool.owns(b));
    pool.release(b);
    const c = pool.allocate("float64", 500, { zero: true });
    assert.equal(c.buffer, a.buffer);
    assert.ok(
      c.every((v) => v === 0),
      "zero option clears reused memory",
    );
    pool.release(c);
    pool.release(c);
    assert.equal(pool.cached, 4000, "double release is ignored");
    const other = pool.allocate("float64", 1000);
    assert.notEqual(other.buffer, a.buffer, "another size class is a fresh buffer");
    // Fill the cache past its bound: what does not fit is dropped.
    const n = SMALL_CACHE_BYTES / 4000 + 10;
    const many = Array.from({ length: n }, () => pool.allocate("float64", 500));
    for (const m of many) pool.release(m);
    pool.release(other);
    assert.ok(pool.cached <= SMALL_CACHE_BYTES, `${pool.cached} cached`);
    assert.ok(pool.cached >= SMALL_CACHE_BYTES - 8000);
    assert.equal(pool.inUse, 0);
  });

  it("drops cached small buffers when the limit needs the room", () => {
    const pool = new Pool({ limit: 2 * MiB, rank: 0, wasmBytes: 0 });
    const small = Array.from({ length: 100 }, () => pool.allocateBytes(8000));
    for (const s of small) pool.release(s);
    assert.equal(pool.cached, 800_000);
    const big = pool.allocateBytes(1.5 * MiB);
    assert.equal(pool.cached, 0);
    assert.ok(pool.inUse + pool.cached <= 2 * MiB);
    pool.release(big);
  });

  it("hands released memory out again (no fresh allocation) and keeps accounts", () => {
    const pool = new Pool({ limit: 64 * MiB, rank: 3, wasmBytes: 0, cacheShare: Infinity });
    const a = pool.allocate("float64", 1_000_000);
    assert.ok(a instanceof Float64Array);
    assert.equal(a.length, 1_000_000);
    assert.equal(pool.inUse, sizeClass(8_000_000));
    a.fill(7);
    pool.release(a);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.cached, sizeClass(8_000_000));
    const b = pool.allocate("float64", 999_999);
    assert.equal(b.buffer, a.buffer, "same memory reused");
    assert.equal(pool.reused, 1);
    const z = pool.allocate("int32", 2_000_000, { zero: true });
    assert.ok(z.every((v) => v === 0));
    pool.release(b);
    const c = pool.allocate("float64", 1_000_000, { zero: true });
    assert.equal(c.buffer, a.buffer);
    assert.ok(
      c.every((v) => v === 0),
      "zero option clears reused memory",
    );
    assert.ok(pool.owns(c));
    pool.release(c);
    assert.equal(pool.owns(c), false);
    pool.release(c);
    assert.equal(pool.inUse, sizeClass(8_000_000), "double release is ignored");
    pool.release(new Float64Array(10));
  });

  it("gives complex dtypes two lanes per element and bigint dtypes BigInt64Array", () => {
    const pool = new Pool({ limit: MiB, rank: 0 });
    const c = pool.allocate("complex128", 10);
    assert.ok(c instanceof Float64Array);
    assert.equal(c.length, 20);
    assert.ok(pool.allocate("int64", 3) instanceof BigInt64Array);
    assert.ok(pool.allocate("bool", 3) instanceof Uint8Array);
  });

  it("refuses an allocation past the limit with MemoryLimitError naming the rank, before allocating", () => {
    const pool = new Pool({ limit: 4 * MiB, rank: 2 });
    const a = pool.allocateBytes(3 * MiB);
    assert.throws(
      () => pool.allocateBytes(2 * MiB),
      (e: unknown) =>
        e instanceof MemoryLimitError &&
        e.rank === 2 &&
        /allocating 2\.00 MiB would exceed engine 2's memory limit of 4\.00 MiB \(3\.00 MiB in use\)/.test(
          e.message,
        ),
    );
    assert.equal(pool.inUse, 3 * MiB);
    assert.throws(() => pool.check(2 * MiB), MemoryLimitError);
    pool.release(a);
    assert.doesNotThrow(() => pool.allocateBytes(2 * MiB));
  });

  it("drops cached buffers when the limit needs the room", () => {
    const pool = new Pool({ limit: 4 * MiB, rank: 0, wasmBytes: 0, cacheShare: Infinity });
    pool.release(pool.allocateBytes(3 * MiB));
    assert.equal(pool.cached, 3 * MiB);
    const b = pool.allocateBytes(2 * MiB);
    assert.equal(b.byteLength, 2 * MiB);
    assert.ok(pool.inUse + pool.cached <= 4 * MiB);
  });

  it("keeps at most cacheBytes of freed ArrayBuffers", () => {
    const pool = new Pool({ limit: 64 * MiB, rank: 0, wasmBytes: 0, cacheBytes: 3 * MiB });
    assert.equal(new Pool({ limit: MiB, rank: 0 }).cacheBytes, DEFAULT_POOL_CACHE_BYTES);
    const live = pool.allocateBytes(16 * MiB);
    const bufs = [1, 2, 3, 4].map(() => pool.allocateBytes(MiB));
    for (const b of bufs) pool.release(b);
    assert.equal(pool.inUse, 16 * MiB);
    assert.equal(pool.cached, 3 * MiB);
    pool.release(live);
  });

  it("keeps at most cacheShare of the bytes in use", () => {
    assert.equal(new Pool({ limit: MiB, rank: 0 }).cacheShare, DEFAULT_POOL_CACHE_SHARE);
    const pool = new Pool({ limit: 64 * MiB, rank: 0, wasmBytes: 0, cacheShare: 0.5 });
    const live = [1, 2].map(() => pool.allocateBytes(MiB));
    const bufs = [1, 2, 3, 4].map(() => pool.allocateBytes(MiB));
    pool.release(bufs[0]!);
    assert.equal(pool.cached, MiB, "5 MiB in use: 1 MiB may stay");
    pool.release(bufs[1]!);
    assert.equal(pool.cached, 2 * MiB, "4 MiB in use: 2 MiB may stay");
    pool.release(bufs[2]!);
    pool.release(bufs[3]!);
    assert.equal(pool.inUse, 2 * MiB);
    assert.equal(pool.cached, MiB, "half of the 2 MiB still in use");
    const again = pool.allocateBytes(MiB);
    assert.equal(pool.reused, 1, "a loop over the live arrays still reuses a buffer");
    pool.release(again);
    for (const b of live) pool.release(b);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.cached, 0, "nothing is kept once nothing is in use");
    assert.throws(() => new Pool({ limit: MiB, rank: 0, cacheShare: -1 }), RangeError);
  });

  it("allocates in the WebAssembly heap, reuses its blocks and falls back past its cap", () => {
    const pool = new Pool({ limit: 64 * MiB, rank: 0, wasmBytes: 8 * MiB, wasmMinBytes: 0 });
    assert.ok(pool.heap, "kernels module built and loaded");
    const a = pool.allocate("float64", 500_000);
    assert.equal(heapOf(a), pool.heap);
    assert.equal(a.byteOffset % 16, 0);
    assert.equal(pool.inUse, sizeClass(4_000_000));
    assert.ok(pool.owns(a));
    pool.release(a);
    assert.equal(pool.owns(a), false);
    assert.equal(pool.inUse, 0);
    assert.equal(pool.cached, sizeClass(4_000_000), "freed heap memory is held for reuse");
    const b = pool.allocate("float64", 500_000, { zero: true });
    assert.equal(b.byteOffset, a.byteOffset);
    assert.equal(pool.reused, 1);
    assert.ok(b.every((v) => v === 0));
    const c = pool.allocate("float64", 1_000_000);
    assert.equal(heapOf(c), undefined, "past the heap's cap: an ordinary ArrayBuffer");
    assert.equal(pool.inUse, sizeClass(4_000_000) + sizeClass(8_000_000));
    pool.release(c);
    pool.release(b);
    assert.equal(pool.inUse, 0);
    assert.equal(new Pool({ limit: MiB, rank: 0, wasmBytes: 0 }).heap, undefined);
  });

  it("gives the heap's memory back once it stayed empty for wasmReturnMs", async () => {
    let returned: (bytes: number) => void = () => {};
    const onReturn = new Promise<number>((resolve) => {
      returned = resolve;
    });
    const pool = new Pool({
      limit: 64 * MiB,
      rank: 0,
      wasmMinBytes: 0,
      wasmReturnMs: 30,
      onHeapReturn: (bytes) => returned(bytes),
    });
    const heap = pool.heap;
    assert.ok(heap);
    const a = pool.allocate("float64", MiB) as Float64Array;
    const b = pool.allocate("float64", MiB) as Float64Array;
    a.fill(1);
    b.fill(2);
    const grown = heap.memoryBytes;
    assert.ok(grown >= 16 * MiB);
    pool.release(a);
    assert.equal(heap.memoryBytes, grown, "a live block keeps the memory");
    const emptied = performance.now();
    pool.release(b);
    assert.equal(heap.memoryBytes, grown, "kept until the delay has passed");
    assert.equal(await onReturn, grown);
    assert.ok(performance.now() - emptied >= 29, "returned only after wasmReturnMs");
    assert.equal(pool.heapReturns, 1);
    assert.equal(heap.memoryBytes, 65536, "back to one page");
    assert.equal(pool.cached, 0);
    assert.equal(heapOf(a), undefined, "views of the old memory no longer belong to the heap");
    assert.equal(pool.owns(b), false);
    const c = pool.allocate("float64", 1000) as Float64Array;
    assert.equal(heapOf(c), heap);
    c.fill(3);
    const d = pool.allocate("float64", 1000) as Float64Array;
    d.fill(4);
    heap.kernels.add_f64(c.byteOffset, c.byteOffset, d.byteOffset, 1000);
    assert.deepEqual([c[0], c[999]], [7, 7], "the kernels run on the new memory");
    pool.release(c);
    pool.release(d);
  });

  it("collects fewer than GC_AFTER_BYTES dropped once the engine is idle for idleCollectMs", async () => {
    let collected: (why: string) => void = () => {};
    const onCollect = new Promise<string>((resolve) => {
      collected = resolve;
    });
    const pool = new Pool({
      limit: 64 * MiB,
      rank: 0,
      wasmBytes: 0,
      cacheBytes: 0,
      idleCollectMs: 30,
      onCollect: (why) => collected(why),
    });
    const bufs = [1, 2, 3].map(() => pool.allocateBytes(MiB));
    pool.release(bufs[0]!);
    const lastDrop = performance.now();
    pool.release(bufs[1]!);
    assert.equal(pool.collections, 0, "not at once");
    assert.equal(await onCollect, "idle");
    assert.ok(performance.now() - lastDrop >= 29, "only after idleCollectMs");
    assert.equal(pool.collections, 1);
    pool.release(bufs[2]!);
  });

  it("makes the WebAssembly heap on the first buffer of wasmMinBytes or more", () => {
    const pool = new Pool({ limit: 64 * MiB, rank: 0, wasmMinBytes: 2 * MiB });
    const small = pool.allocateBytes(MiB);
    pool.release(small);
    assert.equal(pool.heapMade, false, "not for smaller buffers");
    const large = pool.allocateBytes(2 * MiB);
    assert.equal(pool.heapMade, true);
    assert.equal(heapOf(large), pool.heap);
    pool.release(large);
    const off = new Pool({ limit: 64 * MiB, rank: 0, wasmBytes: 0, wasmMinBytes: 0 });
    assert.equal(heapOf(off.allocateBytes(MiB)), undefined);
    assert.equal(off.heap, undefined);
  });

  it("keeps buffers below wasmMinBytes out of the heap", () => {
    const pool = new Pool({ limit: 64 * MiB, rank: 0, wasmMinBytes: 2 * MiB });
    assert.ok(pool.heap);
    assert.equal(heapOf(pool.allocateBytes(2 * MiB - 1)), undefined);
    assert.equal(heapOf(pool.allocateBytes(2 * MiB)), pool.heap);
  });

  it("has V8 collect dropped buffers once GC_AFTER_BYTES were dropped", async () => {
    const pool = new Pool({ limit: 4 * GC_AFTER_BYTES, rank: 0, wasmBytes: 0, cacheBytes: 0 });
    const bufs = [1, 2, 3, 4].map(() => pool.allocateBytes(GC_AFTER_BYTES / 4));
    for (const b of bufs.slice(0, 3)) pool.release(b);
    assert.equal(pool.cached, 0, "nothing kept past cacheBytes");
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pool.collections, 0);
    pool.release(bufs[3]!);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pool.collections, 1);
  });
});

describe("engine registry", () => {
  it("throws a typed error naming the key and rank for a missing key", () => {
    const reg = new EngineRegistry({ pool: new Pool({ limit: MiB, rank: 1 }), rank: 1 });
    assert.throws(
      () => reg.get("__distarray__missing"),
      (e: unknown) =>
        e instanceof DistArrayError &&
        e.code === "DA_ERR_KEY" &&
        e.rank === 1 &&
        /__distarray__missing/.test(e.message),
    );
    assert.equal(reg.delete("__distarray__missing"), false);
  });

  for (const wasmMinBytes of [Number.POSITIVE_INFINITY, 0]) {
    const where = wasmMinBytes === 0 ? "a WebAssembly heap block" : "an ArrayBuffer";
    it(`returns ${where} to the pool only when the last entry sharing it is deleted`, () => {
      const pool = new Pool({ limit: 16 * MiB, rank: 0, wasmMinBytes });
      const reg = new EngineRegistry({ pool, rank: 0 });
      const data = pool.allocate("float64", 100_000);
      const other = pool.allocate("float64", 100_000);
      assert.equal(heapOf(data) !== undefined, wasmMinBytes === 0);
      reg.set("a", { data });
      reg.set("view", { data: data.subarray(10, 20) });
      reg.set("other", { data: other });
      assert.ok(reg.references(data));
      reg.delete("a");
      assert.ok(pool.owns(data), "a view still uses it");
      reg.delete("view");
      assert.equal(pool.owns(data), false);
      assert.ok(pool.owns(other), "another allocation (maybe in the same memory) is untouched");
      reg.delete("other");
      assert.equal(pool.inUse, 0);
    });
  }

  it("replacing and clearing release buffers too", () => {
    const pool = new Pool({ limit: 16 * MiB, rank: 0 });
    const reg = new EngineRegistry({ pool, rank: 0 });
    reg.set("k", { data: pool.allocate("int32", 50_000) });
    reg.set("k", { data: pool.allocate("int32", 50_000) });
    assert.equal(pool.inUse, sizeClass(200_000));
    reg.set("other", 42);
    assert.equal(reg.size, 2);
    reg.clear();
    assert.equal(reg.size, 0);
    assert.equal(pool.inUse, 0);
  });
});
