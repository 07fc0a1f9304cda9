/**
 * Loaded into engine processes with `NODE_OPTIONS=--import=<this file>` by `--cpu-prof` (Node
 * 20 refuses --cpu-prof itself in NODE_OPTIONS): starts the V8 sampling profiler and writes
 * `<pid>.cpuprofile` into $DISTARRAY_BENCH_CPU_PROF_DIR when the process exits normally.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

/** Sampling interval of the profiler, in microseconds. */
export const SAMPLING_INTERVAL_US = 200;

const dir = process.env.DISTARRAY_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  session.post("Profiler.start");
  process.on("exit", () => {
    // In-thread inspector sessions answer synchronously, so this runs before the process ends.
    session.post("Profiler.stop", (err, result) => {
      if (!err)
        writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
