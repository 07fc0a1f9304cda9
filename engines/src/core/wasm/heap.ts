/**
 * A heap of array memory inside one shared WebAssembly.Memory, with the SIMD kernels of
 * assembly/kernels.ts instantiated on it. Arrays allocated here are "wasm-resident": the
 * kernels (ufunc-fast.ts, reduction-local.ts) run on them in place, by pointer.
 *
 * The memory is shared so that growing it never detaches the views already handed out
 * (a shared memory's old SharedArrayBuffer objects stay valid; new ones see the grown
 * length). wasm32 addresses at most 4 GiB: a heap has a fixed maximum, and callers fall
 * back to ordinary ArrayBuffers when it is full.
 *
 * The allocator is first fit over an address-ordered list of free extents, coalescing on
 * free; blocks are 16-byte aligned. Memory once grown stays committed (WebAssembly cannot
 * shrink a memory): freed blocks are reused by later allocations. Once no block is live,
 * `reset()` gives all of it back by starting over on a fresh memory.
 *
 * Pure: WebAssembly is a JS global; the module bytes come from the caller.
 */

/** The exports of the kernels module (pointers are byte offsets, counts are elements). */
export interface WasmKernelExports {
  add_f64(o: number, a: number, b: number, n: number): void;
  sub_f64(o: number, a: number, b: number, n: number): void;
  mul_f64(o: number, a: number, b: number, n: number): void;
  div_f64(o: number, a: number, b: number, n: number): void;
  adds_f64(o: number, a: number, s: number, n: number): void;
  subs_f64(o: number, a: number, s: number, n: number): void;
  muls_f64(o: number, a: number, s: number, n: number): void;
  divs_f64(o: number, a: number, s: number, n: number): void;
  add_f32(o: number, a: number, b: number, n: number): void;
  sub_f32(o: number, a: number, b: number, n: number): void;
  mul_f32(o: number, a: number, b: number, n: number): void;
  div_f32(o: number, a: number, b: number, n: number): void;
  adds_f32(o: number, a: number, s: number, n: number): void;
  subs_f32(o: number, a: number, s: number, n: number): void;
  muls_f32(o: number, a: number, s: number, n: number): void;
  divs_f32(o: number, a: number, s: number, n: number): void;
  add_i32(o: number, a: number, b: number, n: number): void;
  sub_i32(o: number, a: number, b: number, n: number): void;
  mul_i32(o: number, a: number, b: number, n: number): void;
  adds_i32(o: number, a: number, s: number, n: number): void;
  subs_i32(o: number, a: number, s: number, n: number): void;
  muls_i32(o: number, a: number, s: number, n: number): void;
  sum_f64(p: number, n: number): number;
  sum_f32(p: number, n: number): number;
  sqdev_f64(p: number, n: number, mean: number): number;
  sqdev_f32(p: number, n: number, mean: number): number;
  acc_f64(o: number, a: number, n: number): void;
  acc_f32(o: number, a: number, n: number): void;
  accsq_f64(o: number, a: number, mean: number, n: number): void;
  accrows_f64(o: number, a: number, stride: number, rows: number, n: number): void;
  accrows_f32(o: number, a: number, stride: number, rows: number, n: number): void;
  accsqrows_f64(o: number, a: number, stride: number, rows: number, mean: number, n: number): void;
}

/** The parts of the WebAssembly JS API used here (the lib settings leave it undeclared). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}

const PAGE = 65536;
/** wasm32's ceiling: 65536 pages. */
export const WASM_MAX_BYTES = 4 * 1024 ** 3;
const ALIGN = 16;
/** Address 0 is kept unused (no block has pointer 0). */
const BASE = ALIGN * 64;

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Every SharedArrayBuffer object a heap has handed views on -> that heap. */
const HEAPS = new WeakMap<ArrayBufferLike, WasmHeap>();

/** The heap `view` lives in, if any. */
export function heapOf(view: ArrayBufferView): WasmHeap | undefined {
  return HEAPS.get(view.buffer);
}

/** A compiled kernels module, compiled once per process and shared by its heaps. */
let compiled: { bytes: Uint8Array; module: object } | undefined;

export class WasmHeap {
  /** The largest size this heap may grow to, in bytes. */
  readonly maxBytes: number;
  #kernels: WasmKernelExports;
  #memory: WasmMemory;
  #buffer: ArrayBufferLike;
  /** Every buffer object of the current memory views were made on (one per size). */
  #buffers: ArrayBufferLike[] = [];
  /** End of the committed (ever used) region. */
  #top = BASE;
  /** Free extents below #top, ordered by address, never adjacent (coalesced). */
  #freeStart: number[] = [];
  #freeSize: number[] = [];
  /** Live blocks: start -> size, and their starts in order (for interior pointers). */
  #live = new Map<number, number>();
  #liveStarts: number[] = [];
  #liveBytes = 0;
  /** Allocations served from freed memory. */
  reused = 0;

  /**
   * A heap on a fresh shared memory running the kernels module `bytes` (the output of
   * assembly/kernels.ts). Returns undefined when this JavaScript engine has no WebAssembly,
   * no shared memories or no SIMD (the module does not validate).
   */
  static create(bytes: Uint8Array, options: { maxBytes?: number } = {}): WasmHeap | undefined {
    const api = wasmApi();
    if (api === undefined || typeof SharedArrayBuffer === "undefined") return undefined;
    try {
      if (compiled?.bytes !== bytes) {
        if (!api.validate(bytes)) return undefined;
        compiled = { bytes, module: new api.Module(bytes) };
      }
      const maxBytes = Math.min(
        WASM_MAX_BYTES,
        Math.max(PAGE, Math.floor((options.maxBytes ?? WASM_MAX_BYTES) / PAGE) * PAGE),
      );
      const { memory, kernels } = instantiate(api, compiled.module, maxBytes);
      return new WasmHeap(memory, kernels, maxBytes);
    } catch {
      return undefined;
    }
  }

  private constructor(memory: WasmMemory, kernels: WasmKernelExports, maxBytes: number) {
    this.maxBytes = maxBytes;
    this.#memory = memory;
    this.#kernels = kernels;
    this.#buffer = memory.buffer;
    this.#adopt(this.#buffer);
  }

  /** The kernels, running on this heap's current memory (pointers are heap addresses). */
  get kernels(): WasmKernelExports {
    return this.#kernels;
  }

  #adopt(buffer: ArrayBufferLike): void {
    HEAPS.set(buffer, this);
    this.#buffers.push(buffer);
  }

  /**
   * Gives the memory back when no block is live: the heap starts over on a fresh one-page
   * memory with a new instance of the kernels, and the old memory is freed once the
   * JavaScript engine collects it. Views made before no longer belong to the heap. Returns
   * the bytes given back: 0 while a block is live or when the memory never grew.
   */
  reset(): number {
    if (this.#live.size > 0) return 0;
    const bytes = this.#memory.buffer.byteLength;
    if (bytes <= PAGE) return 0;
    const api = wasmApi();
    if (api === undefined || compiled === undefined) return 0;
    let fresh: { memory: WasmMemory; kernels: WasmKernelExports };
    try {
      fresh = instantiate(api, compiled.module, this.maxBytes);
    } catch {
      return 0;
    }
    for (const b of this.#buffers) HEAPS.delete(b);
    this.#buffers = [];
    this.#memory = fresh.memory;
    this.#kernels = fresh.kernels;
    this.#buffer = fresh.memory.buffer;
    this.#adopt(this.#buffer);
    this.#top = BASE;
    this.#freeStart = [];
    this.#freeSize = [];
    return bytes;
  }

  /** Bytes of live blocks. */
  get liveBytes(): number {
    return this.#liveBytes;
  }

  /** Bytes committed below the top and not live (free for reuse, still resident). */
  get freeBytes(): number {
    return this.#top - BASE - this.#liveBytes;
  }

  /** Bytes of the memory now (grows on demand up to maxBytes). */
  get memoryBytes(): number {
    return this.#buffer.byteLength;
  }

  /**
   * `byteLength` bytes (16-byte aligned; not zeroed unless `zero`), or undefined when the
   * heap cannot hold them.
   */
  allocate(byteLength: number, options: { zero?: boolean } = {}): Uint8Array | undefined {
    const size = blockSize(byteLength);
    let start = -1;
    for (let i = 0; i < this.#freeStart.length; i++) {
      const s = this.#freeSize[i]!;
      if (s < size) continue;
      start = this.#freeStart[i]!;
      if (s === size) {
        this.#freeStart.splice(i, 1);
        this.#freeSize.splice(i, 1);
      } else {
        this.#freeStart[i] = start + size;
        this.#freeSize[i] = s - size;
      }
      this.reused++;
      break;
    }
    let fresh = false;
    if (start < 0) {
      // A free extent ending at the top is extended instead of leaving it behind.
      const last = this.#freeStart.length - 1;
      const tail =
        last >= 0 && this.#freeStart[last]! + this.#freeSize[last]! === this.#top
          ? this.#freeSize[last]!
          : 0;
      const from = this.#top - tail;
      if (!this.#ensure(from + size)) return undefined;
      if (tail > 0) {
        this.#freeStart.pop();
        this.#freeSize.pop();
      }
      start = from;
      this.#top = from + size;
      fresh = tail === 0;
    }
    this.#live.set(start, size);
    this.#liveStarts.splice(upperBound(this.#liveStarts, start), 0, start);
    this.#liveBytes += size;
    const view = new Uint8Array(this.#buffer, start, byteLength);
    if (options.zero && !fresh) view.fill(0);
    return view;
  }

  /** Frees the block `view` starts in; false if it is not a live block of this heap. */
  free(view: ArrayBufferView): boolean {
    const start = this.blockOf(view);
    if (start === undefined) return false;
    const size = this.#live.get(start)!;
    this.#live.delete(start);
    this.#liveStarts.splice(upperBound(this.#liveStarts, start) - 1, 1);
    this.#liveBytes -= size;
    // Insert into the free list, merging with the neighbours.
    const i = upperBound(this.#freeStart, start);
    let s = start;
    let n = size;
    if (i > 0 && this.#freeStart[i - 1]! + this.#freeSize[i - 1]! === s) {
      s = this.#freeStart[i - 1]!;
      n += this.#freeSize[i - 1]!;
      this.#freeStart.splice(i - 1, 1);
      this.#freeSize.splice(i - 1, 1);
      return this.#insertFree(i - 1, s, n);
    }
    return this.#insertFree(i, s, n);
  }

  #insertFree(i: number, s: number, n: number): boolean {
    if (i < this.#freeStart.length && s + n === this.#freeStart[i]!) {
      this.#freeStart[i] = s;
      this.#freeSize[i] = n + this.#freeSize[i]!;
    } else {
      this.#freeStart.splice(i, 0, s);
      this.#freeSize.splice(i, 0, n);
    }
    return true;
  }

  /** Start of the live block containing `view`'s first byte, or undefined. */
  blockOf(view: ArrayBufferView): number | undefined {
    if (HEAPS.get(view.buffer) !== this) return undefined;
    const p = view.byteOffset;
    const k = upperBound(this.#liveStarts, p) - 1;
    if (k < 0) return undefined;
    const start = this.#liveStarts[k]!;
    return p < start + this.#live.get(start)! || (p === start && view.byteLength === 0)
      ? start
      : undefined;
  }

  /** True if `view` lies in a live block of this heap. */
  owns(view: ArrayBufferView): boolean {
    return this.blockOf(view) !== undefined;
  }

  /** Grows the memory so that `end` bytes are addressable; false past maxBytes. */
  #ensure(end: number): boolean {
    if (end > this.maxBytes) return false;
    const have = this.#memory.buffer.byteLength;
    if (end <= have) return true;
    // Grow by at least 1/8 of the current size, to keep the number of grows small.
    const want = Math.min(this.maxBytes, Math.max(end, have + Math.floor(have / 8)));
    try {
      this.#memory.grow(Math.ceil((want - have) / PAGE));
    } catch {
      try {
        this.#memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        return false;
      }
    }
    this.#buffer = this.#memory.buffer;
    this.#adopt(this.#buffer);
    return true;
  }
}

/** A fresh one-page shared memory (growing up to `maxBytes`) with the kernels on it. */
function instantiate(
  api: WasmApi,
  module: object,
  maxBytes: number,
): { memory: WasmMemory; kernels: WasmKernelExports } {
  const memory = new api.Memory({ initial: 1, maximum: maxBytes / PAGE, shared: true });
  const instance = new api.Instance(module, { env: { memory } });
  return { memory, kernels: instance.exports as WasmKernelExports };
}

/**
 * Blocks of this size and more are staggered by half a page (see blockSize): half the
 * last-level cache here, so their streams come from memory.
 */
const STAGGER_FROM = 16 * 1024 * 1024;
const STAGGER_PAGE = 4096;

/**
 * The bytes a block for `byteLength` bytes takes: 16-byte aligned; a large block is a whole
 * number of 4 KiB pages plus half a page, so that blocks allocated one after another start
 * half a page apart modulo 4 KiB. Measured here, an add of two arrays whose starts agree
 * in their low 12 bits (the bits the first-level cache indexes by) ran 10-15% slower than
 * with the inputs half a page apart.
 */
function blockSize(byteLength: number): number {
  if (byteLength < STAGGER_FROM) return Math.max(ALIGN, Math.ceil(byteLength / ALIGN) * ALIGN);
  return Math.ceil(byteLength / STAGGER_PAGE) * STAGGER_PAGE + STAGGER_PAGE / 2;
}

/** Index of the first element of sorted `xs` greater than `v`. */
function upperBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Byte pointer of element `offset` of a typed array in `heap`, or -1 if the array does
 * not live there.
 */
export function pointerIn(
  heap: WasmHeap,
  data: ArrayBufferView & { readonly BYTES_PER_ELEMENT: number },
  offset: number,
): number {
  return HEAPS.get(data.buffer) === heap ? data.byteOffset + offset * data.BYTES_PER_ELEMENT : -1;
}
