/**
 * Support for rebuilding distributions from their wire form cheaply: engines
 * rebuild the distribution of every operation they run (`Distribution.fromJSON`),
 * so recent ones are kept, keyed by a digest of the wire form.
 */
import { isDapDict } from "./dap.js";
import type { AxisMap, GlobalDimData } from "./maps.js";
import { UnstructuredMap } from "./maps.js";

/** How many recently rebuilt wire forms `Distribution.fromJSON` keeps (least recently used go first). */
export const DISTRIBUTION_CACHE_SIZE = 32;

/** A small least-recently-used map. */
export class LruCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.#entries.get(key);
    if (v !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
  }
}

/**
 * The cache key of a wire form: its JSON, with each unstructured axis's index
 * lists replaced by their length and an FNV-1a digest (stringifying millions of
 * indices would cost more than the rebuild it saves). A hit must be confirmed
 * with {@link sameUnstructuredIndices}.
 */
export function wireKey(
  globalDimData: readonly GlobalDimData[],
  targets: readonly number[],
): string {
  const axes = globalDimData.map((g) =>
    isDapDict(g) && g.dist_type === "u" && Array.isArray(g.indices)
      ? { ...g, indices: g.indices.map((ix: ArrayLike<number>) => digest(ix)) }
      : g,
  );
  return JSON.stringify([axes, targets]);
}

function digest(ix: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < ix.length; i++) h = Math.imul(h ^ (ix[i]! | 0), 0x01000193);
  return `${ix.length}:${(h >>> 0).toString(16)}`;
}

/** True if the unstructured axes of `maps` hold exactly the index lists of `globalDimData`. */
export function sameUnstructuredIndices(
  maps: readonly AxisMap[],
  globalDimData: readonly GlobalDimData[],
): boolean {
  return globalDimData.every((g, axis) => {
    if (g.dist_type !== "u") return true;
    const m = maps[axis];
    if (!(m instanceof UnstructuredMap) || m.indices.length !== g.indices.length) return false;
    return g.indices.every((ix, r) => {
      const have = m.indices[r]!;
      if (have.length !== ix.length) return false;
      for (let i = 0; i < ix.length; i++) if (have[i] !== ix[i]) return false;
      return true;
    });
  });
}
