/**
 * Starts Debian's jupyter_server on 127.0.0.1 for a test: a free port found by binding, a random
 * token, the repo-local Jupyter folders, notebooks/ as root. Stopped by PID.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { notebooksDir, SYSTEM_PYTHON } from "./jupyter-env.js";

/** How long a SIGTERMed server gets to shut its kernels down before SIGKILL. */
export const SERVER_STOP_GRACE_MS = 15_000;

export interface RunningServer {
  baseUrl: string;
  wsUrl: string;
  token: string;
  process: ChildProcess;
  /** Everything the server logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago (bound on 127.0.0.1 port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startJupyterServer(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const proc = spawn(
    SYSTEM_PYTHON,
    [
      "-m",
      "jupyter_server",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.token=${token}`,
      "--ServerApp.allow_root=True",
      "--ServerApp.open_browser=False",
      `--ServerApp.root_dir=${notebooksDir}`,
    ],
    { cwd: notebooksDir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes(`http://127.0.0.1:${port}/`)) resolve();
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) =>
      reject(new Error(`jupyter_server exited (${code}) before it was ready:\n${log}`)),
    );
  });
  await ready;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    wsUrl: `ws://127.0.0.1:${port}/`,
    token,
    process: proc,
    log: () => log,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const force = setTimeout(() => proc.kill("SIGKILL"), SERVER_STOP_GRACE_MS);
      await exited;
      clearTimeout(force);
    },
  };
}
