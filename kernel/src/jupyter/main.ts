/**
 * Entry point of the DistArray (TypeScript) Jupyter kernel:
 * `node kernel/dist/jupyter/main.js <connection_file>` (what kernel.json runs).
 * SIGINT interrupts the running cell (interrupt_mode "signal"); SIGTERM shuts down cleanly.
 */
import { DistArrayKernel } from "./kernel.js";
import { readConnectionFile } from "./sockets.js";

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
