/**
 * Engine process entry: `node engines/dist/engine/main.js --rank R [options]`.
 *
 * Options: --rank (required), --host (default 127.0.0.1), --port (default 0 = any free
 * port), --memory-limit BYTES (default MEMORY_SHARE of physical memory / --engines-on-host,
 * itself defaulting to the core count), --key-fd FD (read the base64 cluster key from this
 * inherited pipe) or --cluster NAME (read it from the cluster file, mode 0600, under
 * $DISTARRAY_HOME or ~/.distarray), --log-file PATH (default: stderr), --exit-with-parent
 * (exit when stdin closes), --max-frame-bytes, --piece-bytes.
 *
 * Engines started by a launcher: --rank and --size default to the launcher's environment
 * (OMPI_COMM_WORLD_RANK/SIZE for Open MPI, PMI_RANK/PMI_SIZE for MPICH, SLURM_PROCID/
 * SLURM_NTASKS for srun); --register HOST:PORT registers with the starting client (see
 * registration.ts) once listening; --log-dir DIR logs to DIR/engine-<rank>.log; --detach
 * starts the engine as a background process and exits once it is ready (for ssh sessions).
 * A --host of 0.0.0.0 listens on every interface and reports the address that reached the
 * registrar.
 *
 * Prints exactly one line on stdout once listening (and registered):
 * `DISTARRAY-ENGINE-READY {"rank":R,"address":"ws://host:port","pid":P}`.
 */
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { availableParallelism, homedir, hostname, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadOps } from "./ops/index.js";
import { registerEngine } from "./registration.js";
import { EngineServer } from "./server.js";

/** Share of physical memory all engines of a host may use together (default limit rule). */
const MEMORY_SHARE = 0.8;

function fail(message: string): never {
  process.stderr.write(`distarray engine: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    rank: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "0" },
    "memory-limit": { type: "string" },
    "engines-on-host": { type: "string" },
    "key-fd": { type: "string" },
    cluster: { type: "string" },
    "log-file": { type: "string" },
    "exit-with-parent": { type: "boolean", default: false },
    "max-frame-bytes": { type: "string" },
    "piece-bytes": { type: "string" },
    size: { type: "string" },
    register: { type: "string" },
    "register-timeout": { type: "string" },
    "log-dir": { type: "string" },
    detach: { type: "boolean", default: false },
  },
  strict: true,
});

function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) fail(`--${name} needs a non-negative integer; got ${v}`);
  return n;
}

/** The first of `names` set in the environment, as an integer. */
function envInt(names: readonly string[]): number | undefined {
  for (const n of names) {
    const v = process.env[n];
    if (v !== undefined && v !== "") return intOption(n, v);
  }
  return undefined;
}

const rank =
  intOption("rank", values.rank) ??
  envInt(["OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"]);
if (rank === undefined) {
  fail("--rank is required (or a launcher's OMPI_COMM_WORLD_RANK, PMI_RANK or SLURM_PROCID)");
}
const size =
  intOption("size", values.size) ??
  envInt(["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS", "SLURM_NPROCS"]) ??
  rank + 1;
let logFile = values["log-file"];
if (logFile === undefined && values["log-dir"]) {
  mkdirSync(values["log-dir"], { recursive: true, mode: 0o700 });
  logFile = join(values["log-dir"], `engine-${rank}.log`);
}
const log = (message: string) => {
  const line = `${new Date().toISOString()} [engine ${rank}] ${message}\n`;
  if (logFile) appendFileSync(logFile, line, { mode: 0o600 });
  else process.stderr.write(line);
};

function readKey(): Uint8Array {
  let text: string;
  const fd = intOption("key-fd", values["key-fd"]);
  if (fd !== undefined) {
    text = readFileSync(fd, "utf8");
  } else if (values.cluster) {
    const home = process.env.DISTARRAY_HOME || join(homedir(), ".distarray");
    const file = JSON.parse(
      readFileSync(join(home, "clusters", `${values.cluster}.json`), "utf8"),
    ) as { key?: unknown };
    if (typeof file.key !== "string") fail("the cluster file has no key");
    text = file.key;
  } else {
    fail("no key: pass --key-fd or --cluster");
  }
  const key = Buffer.from(text.trim(), "base64");
  if (key.byteLength < 16) fail("the cluster key is shorter than 16 bytes");
  return new Uint8Array(key);
}

const enginesOnHost =
  intOption("engines-on-host", values["engines-on-host"]) ??
  envInt(["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"]) ??
  availableParallelism();
const key = readKey();

if (values.detach) {
  // Start the engine itself as a background process (own session, key through a pipe) and
  // exit once it printed its ready line: an ssh session can then end.
  const args = process.argv.slice(2).filter((a) => a !== "--detach");
  const kf = args.indexOf("--key-fd");
  if (kf >= 0) args.splice(kf, 2);
  // Loaded here only: an engine that does not detach needs neither module.
  const { spawn } = await import("node:child_process");
  const { createInterface } = await import("node:readline");
  const logFd = logFile ? openSync(logFile, "a", 0o600) : "ignore";
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1]!, ...args, "--key-fd", "3"],
    { detached: true, stdio: ["ignore", "pipe", logFd, "pipe"] },
  );
  if (typeof logFd === "number") closeSync(logFd);
  (child.stdio[3] as NodeJS.WritableStream).end(`${Buffer.from(key).toString("base64")}\n`);
  child.once("exit", (code, signal) => {
    let tail = "";
    try {
      tail = logFile
        ? readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-5).join("\n")
        : "";
    } catch {
      tail = "";
    }
    fail(`engine ${rank} exited before it was ready (code ${code}, signal ${signal})\n${tail}`);
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (!line.startsWith("DISTARRAY-ENGINE-READY ")) return;
    process.stdout.write(`${line}\n`, () => process.exit(0));
  });
  child.unref();
  await new Promise<never>(() => {});
}

const memoryLimit =
  intOption("memory-limit", values["memory-limit"]) ??
  Math.floor((totalmem() * MEMORY_SHARE) / Math.max(1, enginesOnHost));
const serverOpts: ConstructorParameters<typeof EngineServer>[0] = {
  rank,
  key,
  host: values.host,
  port: intOption("port", values.port) ?? 0,
  memoryLimit,
  log,
};
const maxFrame = intOption("max-frame-bytes", values["max-frame-bytes"]);
if (maxFrame !== undefined) serverOpts.maxFrameBytes = maxFrame;
const piece = intOption("piece-bytes", values["piece-bytes"]);
if (piece !== undefined) serverOpts.pieceBytes = piece;

// Op groups load while the server starts listening; ops wait for them.
serverOpts.opsReady = loadOps(log);
const server = new EngineServer(serverOpts);

process.on("uncaughtException", (e) =>
  log(`uncaught exception (engine keeps serving): ${e.stack ?? e.message}`),
);
process.on("unhandledRejection", (e) =>
  log(
    `unhandled rejection (engine keeps serving): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
  ),
);
const shutdown = (why: string) => {
  log(`stopping: ${why}`);
  server.close().finally(() => process.exit(0));
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
// An engine that exits with its parent shares the parent's process group, so SIGINT there is
// meant for the parent (a Jupyter kernel interrupt, Ctrl-C in a terminal): it is logged and
// ignored; the engine stops when the parent goes away.
process.on("SIGINT", () =>
  values["exit-with-parent"] ? log("SIGINT ignored (exits with its parent)") : shutdown("SIGINT"),
);
if (values["exit-with-parent"]) {
  process.stdin.on("end", () => shutdown("parent went away"));
  process.stdin.on("close", () => shutdown("parent went away"));
  process.stdin.resume();
}

let address = await server.listen();
log(`listening on ${address}, memory limit ${memoryLimit} bytes, pid ${process.pid}`);
if (values.register) {
  try {
    address = await registerEngine({
      registrar: values.register,
      key,
      rank,
      size,
      address,
      pid: process.pid,
      host: hostname(),
      memoryLimit,
      timeoutMs: intOption("register-timeout", values["register-timeout"]) ?? 30_000,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    log(`registration failed: ${why}`);
    fail(`engine ${rank} on ${hostname()}: registration failed: ${why}`);
  }
  log(`registered with ${values.register} as rank ${rank} of ${size} at ${address}`);
}
process.stdout.write(
  `DISTARRAY-ENGINE-READY ${JSON.stringify({ rank, address, pid: process.pid })}\n`,
);
