// Test daemons started and stopped by PID: a child process, a wait for a line it prints, and
// a stop that waits for its exit.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export interface Daemon {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once a printed line matches; rejects if it exits first. */
  waitFor(re: RegExp): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited after `ms`; resolves on exit. */
  stop(ms?: number): Promise<void>;
}

export function startDaemon(name: string, cmd: string, args: string[], env = process.env): Daemon {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const l of [...listeners]) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  child.once("exit", () => {
    for (const l of [...listeners]) l();
  });
  return {
    name,
    child,
    output: () => text,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(text)) {
            listeners.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            listeners.delete(check);
            reject(new Error(`${name} exited before printing ${re}:\n${text.slice(-2000)}`));
          }
        };
        listeners.add(check);
        check();
      }),
    stop: async (ms = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const t = setTimeout(() => child.kill("SIGKILL"), ms);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(t);
    },
  };
}

/** A port that was free on 127.0.0.1 a moment ago (for daemons that need a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
