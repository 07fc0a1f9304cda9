/**
 * The NumPy baseline: bench/numpy_baseline.py in one `python3` process (the first on PATH,
 * or --python), fed the task list as JSON. Absent when python3 or numpy is missing.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MAX_TIMED_RUNS, MAX_WARMUP_RUNS, type RepeatOptions, summarize } from "../measure.js";
import type { BaselineFigure, BaselineResult } from "../results.js";
import type { ComputeTask } from "../tasks.js";

interface NumpyOutput {
  absent?: string;
  numpy?: string;
  python?: string;
  results?: { name: string; samples_ms: number[]; warmup_runs?: number }[];
}

/** The committed script (bench/numpy_baseline.py), found from build/bench/baselines. */
export const NUMPY_SCRIPT = fileURLToPath(
  new URL("../../../bench/numpy_baseline.py", import.meta.url),
);

function runPython(python: string, input: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [NUMPY_SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${python} exited with ${code}: ${err.trim()}`));
      else resolve({ code: code ?? 0, out });
    });
    child.stdin.end(input);
  });
}

export async function numpyBaseline(
  tasks: readonly ComputeTask[],
  options: { python: string } & RepeatOptions,
): Promise<BaselineResult> {
  const base = { id: "numpy" as const, title: "NumPy, one process" };
  let parsed: NumpyOutput;
  try {
    const { out } = await runPython(
      options.python,
      JSON.stringify({
        warmup: options.warmup,
        warmup_ms: options.warmupMs ?? 0,
        max_warmup: MAX_WARMUP_RUNS,
        repeats: options.repeats,
        measure_ms: options.measureMs ?? 0,
        max_timed: MAX_TIMED_RUNS,
        tasks,
      }),
    );
    parsed = JSON.parse(out) as NumpyOutput;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? `${options.python} not found on PATH` : err.message;
    return { ...base, absent: why, detail: "", figures: [] };
  }
  if (parsed.absent || !parsed.results) {
    return { ...base, absent: parsed.absent ?? "no results", detail: "", figures: [] };
  }
  const figures: BaselineFigure[] = parsed.results.map((r) => ({
    name: r.name,
    title: r.name,
    time: { ...summarize(r.samples_ms), warmupRuns: r.warmup_runs },
  }));
  return {
    ...base,
    detail: `numpy ${parsed.numpy} on Python ${parsed.python} (${options.python}); a + b, np.sin(a) * 2 + b, m.sum(), m.sum(axis=0), m.std() on fresh results`,
    figures,
  };
}
