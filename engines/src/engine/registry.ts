/**
 * The engine's objects by key. An entry whose value has a `data` typed array owns that
 * buffer; the buffer returns to the pool when the last entry sharing its allocation goes.
 */
import { DistArrayError } from "../core/errors.js";
import type { BufferPool, Registry } from "./op-types.js";

function dataOf(value: unknown): ArrayBufferView | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const d = (value as { data?: unknown }).data;
  return ArrayBuffer.isView(d) ? d : undefined;
}

export class EngineRegistry implements Registry {
  readonly rank: number;
  #pool: BufferPool;
  #map = new Map<string, unknown>();
  /** Entries per allocation (the pool's blockOf identity, else the ArrayBuffer). */
  #refs = new Map<unknown, number>();

  constructor(options: { pool: BufferPool; rank: number }) {
    this.#pool = options.pool;
    this.rank = options.rank;
  }

  get(key: string): unknown {
    if (!this.#map.has(key)) {
      throw new DistArrayError(`engine ${this.rank} holds no object under key ${key}`, {
        code: "DA_ERR_KEY",
        rank: this.rank,
      });
    }
    return this.#map.get(key);
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  set(key: string, value: unknown): void {
    const d = dataOf(value);
    if (d) {
      const b = this.#block(d);
      this.#refs.set(b, (this.#refs.get(b) ?? 0) + 1);
    }
    if (this.#map.has(key)) this.delete(key);
    this.#map.set(key, value);
  }

  delete(key: string): boolean {
    if (!this.#map.has(key)) return false;
    const value = this.#map.get(key);
    this.#map.delete(key);
    const d = dataOf(value);
    if (d) {
      const b = this.#block(d);
      const n = (this.#refs.get(b) ?? 1) - 1;
      if (n <= 0) {
        this.#refs.delete(b);
        this.#pool.release(d);
      } else {
        this.#refs.set(b, n);
      }
    }
    return true;
  }

  clear(): void {
    for (const k of [...this.#map.keys()]) this.delete(k);
  }

  /** True if some entry's `data` lives in the same ArrayBuffer as `view`. */
  references(view: ArrayBufferView): boolean {
    return this.#refs.has(this.#block(view));
  }

  #block(view: ArrayBufferView): unknown {
    return this.#pool.blockOf?.(view) ?? view.buffer;
  }

  keys(): string[] {
    return [...this.#map.keys()];
  }

  get size(): number {
    return this.#map.size;
  }
}
