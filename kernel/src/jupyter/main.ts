/**
 * Entry point of the DistArray (TypeScript) Jupyter kernel:
 * `node kernel/dist/jupyter/main.js <connection_file>` (what kernel.json runs, on Linux through
 * scripts/huge-pages.sh).
 * SIGINT interrupts the running cell (interrupt_mode "signal"); SIGTERM shuts down cleanly.
 * Started by Jupyter (JPY_PARENT_PID set), the kernel also shuts down when the process that
 * started it goes away, so an orphaned kernel never keeps engines running.
 */
import { restoreUserGlibcTunables } from "../huge-pages.js";
import { DistArrayKernel } from "./kernel.js";
import { readConnectionFile } from "./sockets.js";

// Started through scripts/huge-pages.sh (the kernelspec): engines and subprocesses get the
// user's GLIBC_TUNABLES.
restoreUserGlibcTunables();

/** How often an orphaned kernel is looked for (ms). */
const PARENT_POLL_MS = 1000;

const realStderr = process.stderr.write.bind(process.stderr);
const log = (text: string) => realStderr(`[distarray kernel] ${text}\n`);

const connectionFile = process.argv[2];
if (!connectionFile) {
  log("usage: main.js <connection_file>");
  process.exit(2);
}

let kernel: DistArrayKernel | undefined;

process.on("SIGINT", () => kernel?.interrupt());
process.on("SIGTERM", () => {
  if (kernel) void kernel.shutdown(false);
  else process.exit(0);
});
process.on("uncaughtException", (e) => {
  process.stderr.write(`Uncaught ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
});
process.on("unhandledRejection", (e) => {
  process.stderr.write(
    `Unhandled promise rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
});

kernel = await DistArrayKernel.start({
  connection: readConnectionFile(connectionFile),
  rootDir: process.cwd(),
  log,
  onShutdown: () => process.exit(0),
});
log(`ready (pid ${process.pid})`);

if (process.env.JPY_PARENT_PID) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      log("the process that started this kernel is gone; shutting down");
      void kernel?.shutdown(false);
    }
  }, PARENT_POLL_MS).unref();
}
