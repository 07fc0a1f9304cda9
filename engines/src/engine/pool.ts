/**
 * The engine's buffer pool with its memory limit. Buffers of POOL_MIN_BYTES and more are
 * kept on release, in size classes (1/8 steps between powers of two, so at most 12.5% slack)
 * and handed out again: reused memory is already paged in, fresh memory is ~50x slower to
 * touch. Cached buffers do not count as in use and are dropped when the limit needs room.
 */
import { DTYPE_INFO, type DType, type TypedArray } from "../core/dtypes.js";
import { MemoryLimitError } from "../core/errors.js";
import type { BufferPool } from "./op-types.js";

/** Smaller buffers are allocated fresh and not cached. */
export const POOL_MIN_BYTES = 64 * 1024;

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
  #inUse = 0;
  #cached = 0;
  #free = new Map<number, ArrayBuffer[]>();
  #held = new WeakMap<ArrayBuffer, Held>();
  /** Allocations served from the cache (for tests and status). */
  reused = 0;

  constructor(options: { limit: number; rank: number }) {
    this.limit = options.limit;
    this.rank = options.rank;
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** Bytes held in the cache for reuse. */
  get cached(): number {
    return this.#cached;
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
    let buf: ArrayBuffer | undefined;
    if (size >= POOL_MIN_BYTES) {
      buf = this.#free.get(size)?.pop();
      if (buf) {
        this.#cached -= size;
        this.reused++;
        if (options.zero) new Uint8Array(buf, 0, byteLength).fill(0);
      }
    }
    if (!buf) {
      this.#evict(this.#inUse + this.#cached + size - this.limit);
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
    return new info.storage(bytes.buffer, 0, size * info.lanes) as TypedArray;
  }

  release(view: ArrayBufferView): void {
    const buf = view.buffer as ArrayBuffer;
    const h = this.#held.get(buf);
    if (!h?.live) return;
    h.live = false;
    this.#inUse -= h.size;
    if (h.size < POOL_MIN_BYTES) return;
    const list = this.#free.get(h.size) ?? [];
    list.push(buf);
    this.#free.set(h.size, list);
    this.#cached += h.size;
    this.#evict(this.#inUse + this.#cached - this.limit);
  }

  owns(view: ArrayBufferView): boolean {
    return this.#held.get(view.buffer as ArrayBuffer)?.live === true;
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
      }
      if (list.length === 0) this.#free.delete(s);
      if (bytes <= 0) return;
    }
  }

  /** Drops every cached buffer. */
  trim(): void {
    this.#evict(Number.POSITIVE_INFINITY);
  }
}
