/**
 * `npm run bench [-- options]`: runs the benchmark and writes the report (see --help).
 * Exits 1 when a workload or baseline failed (an absent one, such as NumPy without numpy or
 * W5 before redistribution exists, does not count), 130 on an interrupt.
 * `npm run bench` starts it through scripts/huge-pages.sh, as the Jupyter kernel is started:
 * this client process gets transparent huge pages, the engines and the NumPy baseline get the
 * environment the benchmark was started from.
 */
import { restoreUserGlibcTunables } from "@distarray/kernel/huge-pages";
import { benchCommand, toBenchOptions } from "./cli-options.js";
import { killStartedEngines, removeBenchHome } from "./engines.js";
import { formatValue } from "./report/format.js";
import { runBench } from "./run.js";

restoreUserGlibcTunables();
const command = benchCommand();
command.parse();
const options = toBenchOptions(command.opts());

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killStartedEngines();
    removeBenchHome();
    process.exit(130);
  });
}

const log = (message: string) =>
  console.log(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${message}`);
const { report, files, failed } = await runBench(options, log);
for (const t of report.targets) {
  const verdict = t.met === null ? "n/a    " : t.met ? "met    " : "NOT MET";
  console.log(`${verdict} ${t.workload} ${t.target}: ${t.detail}`);
}
const w7 = report.figures.find((f) => f.workload === "W7" && f.value);
if (w7?.value) console.log(`W7 engine RSS ${formatValue(w7.value.amount, w7.value.unit)}`);
console.log(`report: ${files.markdown}\n        ${files.json}\n        ${files.svg}`);
process.exit(failed ? 1 : 0);
