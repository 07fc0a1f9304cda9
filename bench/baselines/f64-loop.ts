/**
 * The plain-JavaScript baseline: the same tasks as NumPy as scalar Float64Array loops in
 * this process, one core, writing into output arrays allocated (and paged in) before timing.
 */
import { repeat } from "../measure.js";
import type { BaselineFigure, BaselineResult } from "../results.js";
import type { ComputeTask } from "../tasks.js";

function random(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random();
  return a;
}

/** out = a + b */
function add(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
}

/** out = sin(a) * 2 + b */
function sin2b(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) out[i] = Math.sin(a[i]!) * 2 + b[i]!;
}

/** The W6 chain, one ufunc per pass as separate operations would run: sin, +1, *0.5, sqrt. */
function chain(a: Float64Array, length: number, x: Float64Array, y: Float64Array): void {
  let src = a;
  for (let s = 0; s < length; s++) {
    const dst = s % 2 === 0 ? x : y;
    const step = s % 4;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      dst[i] = step === 0 ? Math.sin(v) : step === 1 ? v + 1 : step === 2 ? v * 0.5 : Math.sqrt(v);
    }
    src = dst;
  }
}

function sum(m: Float64Array): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i]!;
  return s;
}

function sum0(m: Float64Array, side: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < side; i++) {
    const row = i * side;
    for (let j = 0; j < side; j++) out[j]! += m[row + j]!;
  }
}

function std(m: Float64Array): number {
  const mean = sum(m) / m.length;
  let ss = 0;
  for (let i = 0; i < m.length; i++) {
    const d = m[i]! - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / m.length);
}

function runner(task: ComputeTask): () => unknown {
  switch (task.op) {
    case "add":
    case "sin2b": {
      const a = random(task.n);
      const b = random(task.n);
      const out = new Float64Array(task.n).fill(0);
      return task.op === "add" ? () => add(a, b, out) : () => sin2b(a, b, out);
    }
    case "chain": {
      const a = random(task.n);
      const x = new Float64Array(task.n);
      const y = new Float64Array(task.n);
      return () => chain(a, task.length, x, y);
    }
    default: {
      const side = task.side;
      const m = random(side * side);
      const out = new Float64Array(side);
      if (task.op === "sum") return () => sum(m);
      if (task.op === "sum0") return () => sum0(m, side, out);
      return () => std(m);
    }
  }
}

export async function f64LoopBaseline(
  tasks: readonly ComputeTask[],
  options: { warmup: number; repeats: number },
): Promise<BaselineResult> {
  const figures: BaselineFigure[] = [];
  for (const task of tasks) {
    const run = runner(task);
    const time = await repeat(options, { run });
    figures.push({ name: task.name, title: task.name, time });
  }
  return {
    id: "f64-loop",
    title: "Float64Array loop, one Node process",
    detail: `node ${process.version}; scalar loops into preallocated, paged-in outputs`,
    figures,
  };
}
