/**
 * One process of the memory-bandwidth baseline (baselines/memory.ts), started with an IPC
 * channel. It runs the engines' own WebAssembly SIMD kernels (engines/src/core/wasm/) on
 * arrays in a WebAssembly heap, as an engine does, but with no messages around them:
 *   {setup: {kernel, elements, rowLength?}} -> allocates and pages in the operands
 *     ("read": sum_f64 over `elements`; "add": add_f64 of two arrays into a third;
 *     "rows": accrows_f64, the axis-0 sum of `elements / rowLength` rows) -> {ready: true}
 *   {run: true} -> runs the kernel once -> {ms}
 *   {exit: true} -> exits.
 * Replies {absent: reason} to setup when the kernels module is not built.
 */
import { setFlagsFromString } from "node:v8";
import { WasmHeap as Heap, type WasmHeap } from "@distarray/engines/core/wasm/heap";
import { loadKernelBytes } from "@distarray/engines/engine/pool";

export type MemoryKernel = "read" | "add" | "rows";

export interface MemorySetup {
  kernel: MemoryKernel;
  elements: number;
  /** For "rows": elements per row (the output length). */
  rowLength?: number;
}

type Message = { setup: MemorySetup } | { run: true } | { exit: true };

let heap: WasmHeap | undefined;
let runKernel: (() => void) | undefined;
/** The blocks of the current setup (freed by the next one). */
let blocks: Uint8Array[] = [];

function send(m: object): void {
  process.send?.(m);
}

/** A paged-in float64 block of `n` elements in the heap; its byte pointer. */
function block(h: WasmHeap, n: number, fill: boolean): number {
  const bytes = h.allocate(n * 8);
  if (bytes === undefined) throw new RangeError(`no room for ${n} float64 in the heap`);
  blocks.push(bytes);
  const f = new Float64Array(bytes.buffer, bytes.byteOffset, n);
  if (fill) for (let i = 0; i < n; i++) f[i] = (i % 1000) / 1000;
  else f.fill(0);
  return bytes.byteOffset;
}

function setup(s: MemorySetup): void {
  const bytes = loadKernelBytes();
  if (bytes === null) {
    send({ absent: "the kernels module is not built (npm run build)" });
    return;
  }
  if (heap === undefined) {
    // As the engine pool does: the kernels compiled by the optimising compiler at once.
    setFlagsFromString("--no-liftoff");
    try {
      heap = Heap.create(bytes);
    } finally {
      setFlagsFromString("--liftoff");
    }
  }
  if (heap === undefined) {
    send({ absent: "this Node has no WebAssembly SIMD or shared memory" });
    return;
  }
  const h = heap;
  for (const b of blocks) h.free(b);
  blocks = [];
  const k = h.kernels;
  const n = s.elements;
  if (s.kernel === "read") {
    const a = block(h, n, true);
    runKernel = () => k.sum_f64(a, n);
  } else if (s.kernel === "add") {
    const a = block(h, n, true);
    const b = block(h, n, true);
    const o = block(h, n, false);
    runKernel = () => k.add_f64(o, a, b, n);
  } else {
    const row = s.rowLength ?? n;
    const rows = Math.floor(n / row);
    const a = block(h, rows * row, true);
    const o = block(h, row, false);
    runKernel = () => k.accrows_f64(o, a, row * 8, rows, row);
  }
  runKernel();
  send({ ready: true });
}

process.on("message", (m: Message) => {
  try {
    if ("setup" in m) setup(m.setup);
    else if ("run" in m) {
      const t0 = performance.now();
      runKernel?.();
      send({ ms: performance.now() - t0 });
    } else if ("exit" in m) process.exit(0);
  } catch (e) {
    send({ error: e instanceof Error ? e.message : String(e) });
  }
});
process.on("disconnect", () => process.exit(0));
