/**
 * The engine's buffer pool with its memory limit.
 *
 * Buffers of `wasmMinBytes` and more live in a WebAssembly heap (core/wasm/heap.ts: one
 * shared WebAssembly.Memory with an allocator) when the kernels module is built and the
 * heap has room, so that the SIMD kernels run on them in place. The heap reuses freed
 * blocks (already paged in) but cannot shrink (WebAssembly has no way to shrink a memory),
 * so it is capped at `wasmBytes` and holds only large buffers: those are where SIMD pays
 * (for small ones the per-op overhead dominates), and they are few, so the heap fragments
 * little. Once the heap has held no live block for `wasmReturnMs`, the pool gives its
 * memory back whole (the heap starts over on a fresh memory) and has V8 collect the old one.
 *
 * Other buffers are ordinary ArrayBuffers. Those of POOL_MIN_BYTES and more are kept on
 * release, in size classes (1/8 steps between powers of two, so at most 12.5% slack) and
 * handed out again: reused memory is already paged in, fresh memory is ~50x slower to
 * touch. At most `cacheBytes` are kept, and never more than `cacheShare` of the bytes in
 * use: an engine's resident memory stays within a fixed share of its live data, and once
 * the client drops most of its arrays (a collection of its temporaries) the engine holds
 * no more than a share of what is left. Cached buffers do not count as in use and are
 * dropped when the limit needs room. Dropped buffers return to the system when V8
 * collects them, which an idle engine would not do: once GC_AFTER_BYTES have been dropped,
 * the pool runs a collection once the current task's synchronous work is done.
 */
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { DTYPE_INFO, type DType, type TypedArray } from "../core/dtypes.js";
import { MemoryLimitError } from "../core/errors.js";
import { WASM_MAX_BYTES, WasmHeap } from "../core/wasm/heap.js";
import { fullGarbageCollector } from "./gc.js";
import type { BufferPool } from "./op-types.js";

/** Default of the pool's `cacheBytes` option: freed ArrayBuffers kept for reuse. */
export const DEFAULT_POOL_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Default of the pool's `cacheShare` option: cached ArrayBuffer bytes are at most this
 * share of the bytes in use. One half keeps a buffer for the next result in a loop over
 * two live arrays of its size (x = x.add(y) with the old x freed at once).
 */
export const DEFAULT_POOL_CACHE_SHARE = 0.5;

/**
 * The environment variable that sets the default of `wasmBytes` for every engine started
 * with it (0 turns the WebAssembly heap off, e.g. to compare against the JS loops).
 */
export const WASM_BYTES_ENV = "DISTARRAY_WASM_HEAP_BYTES";

/** Default of `wasmMinBytes`: smaller buffers are ordinary ArrayBuffers. */
export const DEFAULT_WASM_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Default of `wasmReturnMs`: how long the WebAssembly heap stays empty before its memory
 * goes back to the system. Long enough that a loop which frees its last array and makes
 * the next one (a benchmark's repeats, a script's steps) keeps the paged-in memory.
 */
export const DEFAULT_WASM_RETURN_MS = 1000;

/** Bytes of dropped ArrayBuffers after which the pool has V8 collect them. */
export const GC_AFTER_BYTES = 64 * 1024 * 1024;

/**
 * Default of `idleCollectMs`: fewer than GC_AFTER_BYTES dropped stay resident until V8
 * collects on its own, which an idle engine does not do; once this long has passed since
 * the last drop of at least IDLE_COLLECT_MIN_BYTES in all, the pool collects them.
 */
export const DEFAULT_IDLE_COLLECT_MS = 1000;

/** Dropped bytes below which an idle engine leaves them to V8. */
export const IDLE_COLLECT_MIN_BYTES = 1024 * 1024;

/**
 * Environment for engine processes (launchers add it):
 * - glibc serves allocations of 1 MiB and more with mmap, so collected buffers go back to
 *   the system. Left to its default, glibc raises that threshold (up to 32 MiB) after freeing
 *   a large block, and freed medium buffers then stay in its heap (resident) after the pool
 *   has dropped them.
 * - Setting that threshold also fixes glibc's trim threshold at its 128 KiB default (glibc
 *   otherwise keeps it at twice the mmap threshold). Every op mallocs and frees more than
 *   that at the top of the heap (socket reads, V8's own memory), so each free gave the
 *   pages back and the next op faulted them in again: about 1.8 page faults per no-op op,
 *   a third of an engine's system time. Twice the mmap threshold, as glibc would have it,
 *   keeps at most 2 MiB of free heap top resident.
 */
export const ENGINE_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(2 * 1024 * 1024),
};

/**
 * Node options for engine processes (launchers put them before the entry script):
 * - V8's young generation capped at 1 MiB per semi-space. Engines keep their arrays outside
 *   the JavaScript heap, so a larger young generation only holds garbage; left to grow (up
 *   to 16 MiB per semi-space), it stays resident after the work that grew it.
 * - Optimizing compilation on the engine's own thread: on a background thread its freed
 *   working memory stays resident in that thread's malloc arena (about 3.5 MiB after 1000
 *   ops). Engines fill the cores they run on, so the background thread bought no speed
 *   (W1, W3 and W6 unchanged, measured); one malloc arena for all threads instead
 *   (MALLOC_ARENA_MAX=1) cost W4 transfers 5-10%.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = [
  "--max-semi-space-size=1",
  "--no-concurrent-recompilation",
];

let sweepingSet = false;

/** V8's full garbage collection, compacting (see fullGarbageCollector). */
function collectGarbage(): void {
  const collector = fullGarbageCollector();
  if (!sweepingSet) {
    sweepingSet = true;
    // Free the collected buffers during the collection, not later on a background thread
    // (which, on a busy machine, can lag by seconds).
    setFlagsFromString("--no-concurrent-array-buffer-sweeping");
  }
  // This collection follows the release of much memory: compact the fragmented pages too,
  // so that they go back to the system (V8's own collections stay as they are).
  setFlagsFromString("--compact-on-every-full-gc");
  try {
    collector();
  } finally {
    setFlagsFromString("--no-compact-on-every-full-gc");
  }
}

/** Default cap of the WebAssembly heap (`wasmBytes`): 3 GiB, below wasm32's 4 GiB. */
export const DEFAULT_WASM_HEAP_BYTES = 3 * 1024 ** 3;

let kernelBytes: Uint8Array | null | undefined;

/** The built kernels module (engines/dist/core/wasm/kernels.wasm), or null if absent. */
export function loadKernelBytes(): Uint8Array | null {
  if (kernelBytes === undefined) {
    try {
      kernelBytes = new Uint8Array(
        readFileSync(new URL("../core/wasm/kernels.wasm", import.meta.url)),
      );
    } catch {
      kernelBytes = null;
    }
  }
  return kernelBytes;
}

/**
 * A WebAssembly heap whose kernels V8 compiles with its optimising compiler at once. V8
 * otherwise starts new WebAssembly in its baseline compiler and optimises a function only
 * after it ran a while, so the first call of each kernel on a large array ran about 2x
 * slower. The flag is set for this module's compilation only (h5wasm keeps the default).
 */
function createHeap(bytes: Uint8Array, maxBytes: number): WasmHeap | undefined {
  setFlagsFromString("--no-liftoff");
  try {
    return WasmHeap.create(bytes, { maxBytes });
  } finally {
    setFlagsFromString("--liftoff");
  }
}

/** Options of a Pool. */
export interface PoolOptions {
  /** Bytes that may be in use at once. */
  limit: number;
  /** The engine's rank (named in errors). */
  rank: number;
  /** Freed ArrayBuffer bytes kept for reuse (default DEFAULT_POOL_CACHE_BYTES). */
  cacheBytes?: number;
  /**
   * Most freed ArrayBuffer bytes kept for reuse, as a share of the bytes in use (default
   * DEFAULT_POOL_CACHE_SHARE; 0 keeps none once nothing is in use, Infinity lifts the
   * bound so that only `cacheBytes` applies).
   */
  cacheShare?: number;
  /**
   * Cap of the WebAssembly heap in bytes (default: $DISTARRAY_WASM_HEAP_BYTES if set, else
   * the smaller of the limit and DEFAULT_WASM_HEAP_BYTES); 0 disables it (plain
   * ArrayBuffers and JS loops only).
   */
  wasmBytes?: number;
  /** Smallest buffer placed in the WebAssembly heap (default DEFAULT_WASM_MIN_BYTES). */
  wasmMinBytes?: number;
  /**
   * Milliseconds the WebAssembly heap stays without live blocks before its memory is given
   * back (default DEFAULT_WASM_RETURN_MS; Infinity keeps it).
   */
  wasmReturnMs?: number;
  /** Called with the bytes given back each time the heap returned its memory. */
  onHeapReturn?: (bytes: number) => void;
  /**
   * Milliseconds after the last drop after which dropped buffers (IDLE_COLLECT_MIN_BYTES
   * or more) are collected (default DEFAULT_IDLE_COLLECT_MS; Infinity leaves them to V8).
   */
  idleCollectMs?: number;
  /** Called after each collection the pool runs: after many drops, or on an idle engine. */
  onCollect?: (why: "drops" | "idle") => void;
}

/** Smaller buffers are cached only in the small-buffer cache (SMALL_CACHE_BYTES). */
export const POOL_MIN_BYTES = 64 * 1024;

/**
 * Most bytes of freed buffers below POOL_MIN_BYTES kept for reuse. A chain of small ops
 * frees and makes one such buffer per op; a fresh ArrayBuffer (a zeroed backing store and
 * its tracking by V8's collector) cost ~3.5 us per op, a reused one a pop from a list.
 */
export const SMALL_CACHE_BYTES = 1024 * 1024;

/** The size class a request of `n` bytes is served from. */
export function sizeClass(n: number): number {
  if (n < POOL_MIN_BYTES) return Math.max(8, Math.ceil(n / 8) * 8);
  const p = 2 ** Math.floor(Math.log2(n));
  const step = p / 8;
  return Math.ceil(n / step) * step;
}

interface Held {
  size: number;
  live: boolean;
}

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

export class Pool implements BufferPool {
  readonly limit: number;
  readonly rank: number;
  /** Freed ArrayBuffer bytes kept for reuse. */
  readonly cacheBytes: number;
  /** Most cached bytes as a share of the bytes in use. */
  readonly cacheShare: number;
  /** Cap of the WebAssembly heap; 0 when it is off. */
  readonly #wasmBytes: number;
  /** The WebAssembly heap once made (null: off, or the kernels module is unavailable). */
  #heap: WasmHeap | null | undefined;
  /** Smallest buffer placed in the heap. */
  readonly wasmMinBytes: number;
  /** Milliseconds an empty heap waits before giving its memory back. */
  readonly wasmReturnMs: number;
  /** Times the heap gave its memory back (for tests and status). */
  heapReturns = 0;
  #returnTimer: ReturnType<typeof setTimeout> | undefined;
  #onHeapReturn: ((bytes: number) => void) | undefined;
  /** Milliseconds after the last drop before an idle collection. */
  readonly idleCollectMs: number;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastDrop = 0;
  #onCollect: ((why: "drops" | "idle") => void) | undefined;
  /** When the heap last became empty (performance.now()). */
  #emptySince = 0;
  /** ArrayBuffer bytes dropped since the last collection. */
  #dropped = 0;
  #collecting = false;
  /** Collections the pool has run (for tests and status). */
  collections = 0;
  #inUse = 0;
  #cached = 0;
  #free = new Map<number, ArrayBuffer[]>();
  /** Freed buffers below POOL_MIN_BYTES by size class, at most SMALL_CACHE_BYTES in all. */
  #smallFree = new Map<number, ArrayBuffer[]>();
  #smallCached = 0;
  #held = new WeakMap<ArrayBuffer, Held>();
  /** Accounted size of each live heap block, by address. */
  #wasmSizes = new Map<number, number>();
  #reused = 0;

  constructor(options: PoolOptions) {
    this.limit = options.limit;
    this.rank = options.rank;
    this.cacheBytes = options.cacheBytes ?? DEFAULT_POOL_CACHE_BYTES;
    this.cacheShare = options.cacheShare ?? DEFAULT_POOL_CACHE_SHARE;
    if (!(this.cacheShare >= 0)) throw new RangeError(`bad cacheShare ${this.cacheShare}`);
    this.wasmMinBytes = options.wasmMinBytes ?? DEFAULT_WASM_MIN_BYTES;
    this.wasmReturnMs = options.wasmReturnMs ?? DEFAULT_WASM_RETURN_MS;
    this.#onHeapReturn = options.onHeapReturn;
    this.idleCollectMs = options.idleCollectMs ?? DEFAULT_IDLE_COLLECT_MS;
    this.#onCollect = options.onCollect;
    const fromEnv = Number.parseInt(process.env[WASM_BYTES_ENV] ?? "", 10);
    const wasmBytes = Math.min(
      options.wasmBytes ??
        (Number.isSafeInteger(fromEnv) && fromEnv >= 0
          ? fromEnv
          : Math.min(this.limit, DEFAULT_WASM_HEAP_BYTES)),
      WASM_MAX_BYTES - 65536,
    );
    this.#wasmBytes = wasmBytes;
  }

  /**
   * The WebAssembly heap, if the kernels module is available and it is enabled. It is made
   * on first use (the first buffer of `wasmMinBytes` or more): an engine that never holds
   * one does not load, compile and instantiate the kernels module.
   */
  get heap(): WasmHeap | undefined {
    if (this.#heap === undefined) {
      const bytes = this.#wasmBytes > 0 ? loadKernelBytes() : null;
      this.#heap = (bytes && createHeap(bytes, this.#wasmBytes)) || null;
    }
    return this.#heap ?? undefined;
  }

  /** True once the heap was made (or found unavailable), for tests and status. */
  get heapMade(): boolean {
    return this.#heap !== undefined;
  }

  /** Allocations served from reused memory (for tests and status). */
  get reused(): number {
    return this.#reused + (this.#heap?.reused ?? 0);
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** Bytes held for reuse: cached ArrayBuffers and free WebAssembly heap memory. */
  get cached(): number {
    return this.#cached + this.#smallCached + (this.#heap?.freeBytes ?? 0);
  }

  check(bytes: number): void {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`bad allocation size ${bytes}`);
    if (this.#inUse + sizeClass(bytes) > this.limit) {
      throw new MemoryLimitError(
        `allocating ${formatBytes(bytes)} would exceed engine ${this.rank}'s memory limit of ${formatBytes(this.limit)} (${formatBytes(this.#inUse)} in use)`,
        { rank: this.rank },
      );
    }
  }

  allocateBytes(byteLength: number, options: { zero?: boolean } = {}): Uint8Array {
    this.check(byteLength);
    const size = sizeClass(byteLength);
    const w = byteLength >= this.wasmMinBytes ? this.heap?.allocate(size, options) : undefined;
    if (w !== undefined) {
      this.#inUse += size;
      this.#wasmSizes.set(w.byteOffset, size);
      return new Uint8Array(w.buffer, w.byteOffset, byteLength);
    }
    let buf: ArrayBuffer | undefined;
    if (size >= POOL_MIN_BYTES) {
      buf = this.#free.get(size)?.pop();
      if (buf) {
        this.#cached -= size;
        this.#reused++;
        if (options.zero) new Uint8Array(buf, 0, byteLength).fill(0);
      }
    } else {
      buf = this.#smallFree.get(size)?.pop();
      if (buf) {
        this.#smallCached -= size;
        this.#reused++;
        if (options.zero) new Uint8Array(buf, 0, byteLength).fill(0);
      }
    }
    if (!buf) {
      this.#evict(this.#inUse + this.#cached + this.#smallCached + size - this.limit);
      buf = new ArrayBuffer(size);
    }
    this.#held.set(buf, { size, live: true });
    this.#inUse += size;
    return new Uint8Array(buf, 0, byteLength);
  }

  allocate(dtype: DType, size: number, options: { zero?: boolean } = {}): TypedArray {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad element count ${size}`);
    const info = DTYPE_INFO[dtype];
    const bytes = this.allocateBytes(size * info.itemsize, options);
    return new info.storage(bytes.buffer, bytes.byteOffset, size * info.lanes) as TypedArray;
  }

  release(view: ArrayBufferView): void {
    const start = this.#heap?.blockOf(view);
    if (start !== undefined) {
      this.#heap!.free(view);
      this.#inUse -= this.#wasmSizes.get(start) ?? 0;
      this.#wasmSizes.delete(start);
      this.#evict(this.#cached - this.#cacheCap());
      if (this.#heap!.liveBytes === 0) this.#scheduleHeapReturn();
      return;
    }
    const buf = view.buffer as ArrayBuffer;
    const h = this.#held.get(buf);
    if (!h?.live) return;
    h.live = false;
    this.#inUse -= h.size;
    if (h.size < POOL_MIN_BYTES) {
      if (this.#smallCached + h.size > SMALL_CACHE_BYTES) {
        this.#drop(h.size);
        return;
      }
      const small = this.#smallFree.get(h.size);
      if (small === undefined) this.#smallFree.set(h.size, [buf]);
      else small.push(buf);
      this.#smallCached += h.size;
      return;
    }
    const list = this.#free.get(h.size) ?? [];
    list.push(buf);
    this.#free.set(h.size, list);
    this.#cached += h.size;
    this.#evict(Math.max(this.#inUse + this.#cached - this.limit, this.#cached - this.#cacheCap()));
  }

  /** Most ArrayBuffer bytes the cache may hold now. */
  #cacheCap(): number {
    return Math.min(this.cacheBytes, this.cacheShare * this.#inUse);
  }

  owns(view: ArrayBufferView): boolean {
    if (this.#heap?.owns(view)) return true;
    return this.#held.get(view.buffer as ArrayBuffer)?.live === true;
  }

  /**
   * The identity of the allocation `view` lies in (views of one allocation share it): the
   * block's address for WebAssembly heap memory, else the ArrayBuffer.
   */
  blockOf(view: ArrayBufferView): unknown {
    return this.#heap?.blockOf(view) ?? view.buffer;
  }

  /** Drops cached buffers (largest first) until `bytes` are freed; all if bytes is Infinity. */
  #evict(bytes: number): void {
    if (bytes <= 0) return;
    const sizes = [...this.#free.keys()].sort((a, b) => b - a);
    for (const s of sizes) {
      const list = this.#free.get(s)!;
      while (list.length > 0 && bytes > 0) {
        list.pop();
        this.#cached -= s;
        bytes -= s;
        this.#drop(s);
      }
      if (list.length === 0) this.#free.delete(s);
      if (bytes <= 0) return;
    }
    // Then the small-buffer cache, whole (only a pool at its memory limit gets here).
    if (this.#smallCached > 0) {
      this.#drop(this.#smallCached);
      this.#smallCached = 0;
      this.#smallFree.clear();
    }
  }

  /** Counts dropped bytes; past GC_AFTER_BYTES, collects when the current task is done. */
  #drop(bytes: number): void {
    this.#dropped += bytes;
    this.#lastDrop = performance.now();
    if (this.#dropped < GC_AFTER_BYTES) {
      if (this.#dropped >= IDLE_COLLECT_MIN_BYTES && this.#idleTimer === undefined) {
        this.#armIdleCollect(this.idleCollectMs);
      }
      return;
    }
    if (this.#collecting) return;
    this.#collecting = true;
    // Once the current op and its bookkeeping are done (a batch of deletes drops many
    // buffers at once, and the op still references them until it completes).
    setImmediate(() => {
      this.#collecting = false;
      this.#dropped = 0;
      this.collections++;
      collectGarbage();
      this.#onCollect?.("drops");
    });
  }

  /** Collects the dropped buffers once no buffer was dropped for idleCollectMs. */
  #armIdleCollect(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#dropped < IDLE_COLLECT_MIN_BYTES || this.#collecting) return;
      const left = this.#lastDrop + this.idleCollectMs - performance.now();
      if (left > 1) {
        this.#armIdleCollect(left);
        return;
      }
      this.#dropped = 0;
      this.collections++;
      collectGarbage();
      this.#onCollect?.("idle");
    }, ms);
  }

  /** Gives the heap's memory back once it stayed empty for wasmReturnMs. */
  #scheduleHeapReturn(): void {
    this.#emptySince = performance.now();
    if (this.#returnTimer === undefined) this.#armHeapReturn(this.wasmReturnMs);
  }

  #armHeapReturn(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.#returnTimer = setTimeout(() => {
      this.#returnTimer = undefined;
      if (this.#heap!.liveBytes > 0) return;
      const left = this.#emptySince + this.wasmReturnMs - performance.now();
      if (left > 1) {
        this.#armHeapReturn(left);
        return;
      }
      const bytes = this.#heap!.reset();
      if (bytes === 0) return;
      this.heapReturns++;
      // The old memory is freed when V8 collects it: now, while the engine is idle.
      this.#dropped = 0;
      this.collections++;
      collectGarbage();
      this.#onHeapReturn?.(bytes);
    }, ms);
  }

  /** Drops every cached buffer. */
  trim(): void {
    this.#evict(Number.POSITIVE_INFINITY);
  }
}
