/**
 * The single-process compute tasks that the NumPy and Float64Array baselines run, named so
 * workload figures can point at them (`add.2^25`, `sum.4096x4096`, `chain100.1000`).
 */
import { type BenchOptions, sizeLabel } from "./options.js";

export type ComputeTask =
  | { name: string; op: "add" | "sin2b"; n: number }
  | { name: string; op: "chain"; n: number; length: number }
  | { name: string; op: "sum" | "sum0" | "std"; side: number };

export const taskName = {
  add: (n: number) => `add.${sizeLabel(n)}`,
  sin2b: (n: number) => `sin2b.${sizeLabel(n)}`,
  chain: (length: number, n: number) => `chain${length}.${n}`,
  matrix: (op: "sum" | "sum0" | "std", side: number) => `${op}.${side}x${side}`,
};

/** The tasks the selected workloads compare against, without duplicates. */
export function computeTasks(o: BenchOptions): ComputeTask[] {
  const tasks = new Map<string, ComputeTask>();
  const add = (t: ComputeTask) => tasks.set(t.name, t);
  if (o.workloads.includes("W1")) {
    for (const n of o.computeSizes) {
      add({ name: taskName.add(n), op: "add", n });
      add({ name: taskName.sin2b(n), op: "sin2b", n });
    }
  }
  if (o.workloads.includes("W2")) {
    for (const op of ["sum", "sum0", "std"] as const) {
      add({ name: taskName.matrix(op, o.matrixSide), op, side: o.matrixSide });
    }
  }
  if (o.workloads.includes("W6")) {
    add({
      name: taskName.chain(o.chainLength, o.chainElements),
      op: "chain",
      n: o.chainElements,
      length: o.chainLength,
    });
  }
  if (o.workloads.includes("W8")) {
    for (const n of o.scalingSizes) add({ name: taskName.add(n), op: "add", n });
  }
  return [...tasks.values()];
}
