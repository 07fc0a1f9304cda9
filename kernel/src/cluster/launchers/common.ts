/**
 * What the mpiexec, Slurm and ssh launchers share: the shape of a launch, the record kept in
 * the cluster file (to stop the engines later), process helpers and shell quoting.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_MALLOC_ENV, ENGINE_NODE_FLAGS } from "@distarray/engines/engine/pool";

/** Every launcher `startCluster` knows. */
export const LAUNCHERS = ["local", "mpiexec", "slurm", "ssh"] as const;
export type LauncherName = (typeof LAUNCHERS)[number];

/** What a launcher started, kept in the cluster file to stop (or restart) the engines. */
export interface LaunchRecord {
  /** Interface the engines listen on (0.0.0.0: all; they report the address that reached the client). */
  ip: string;
  /** Address the client listened on for registrations. */
  clientIp: string;
  /** The mpiexec or srun process on the client's host. */
  pid?: number;
  /** The Slurm job id (sbatch). */
  jobId?: string;
  /** ssh: the hosts, in rank order of their blocks. */
  hosts?: string[];
  /** Extra arguments given to mpiexec, sbatch or ssh. */
  args?: string[];
}

/** Everything a launcher needs to start `engines` engines. */
export interface LaunchContext {
  name: string;
  engines: number;
  key: Uint8Array;
  /** `host:port` of the registrar. */
  registrar: string;
  ip: string;
  hosts: string[];
  args: string[];
  logDir: string;
  /** Engine arguments every launcher passes (entry script first, no key source, no rank). */
  engineArgs: string[];
  /** The words before engineArgs that start an engine: see engineCommand(). */
  engineCommand: string[];
  /** Called with launcher output (stderr) worth showing if start-up fails. */
  evidence: (text: string) => void;
  /** Marks a rank as failed, with the reason. */
  fail: (rank: number, reason: string) => void;
  /** Marks every rank not yet registered as failed. */
  failPending: (reason: string) => void;
}

/** A launch in progress. */
export interface Started {
  record: Partial<LaunchRecord>;
  /** What the launcher knows about a rank that did not register. */
  explain: (rank: number) => Promise<string>;
  /** Stops whatever was started (start-up failed). */
  abort: () => Promise<void>;
  /** Start-up succeeded: drop watchers and handles so this process may exit. */
  settle: () => void;
}

/**
 * The words that start an engine process on any host: `env` with the engine environment
 * (ENGINE_MALLOC_ENV, without which freed array memory stays resident), then this node with
 * the engine's node options (ENGINE_NODE_FLAGS), as the local launcher starts engines.
 * mpiexec, srun and ssh do not pass the client's environment on (or not all of it), so it
 * goes on the command line.
 */
export function engineCommand(): string[] {
  return [
    "env",
    ...Object.entries(ENGINE_MALLOC_ENV).map(([k, v]) => `${k}=${v}`),
    process.execPath,
    ...ENGINE_NODE_FLAGS,
  ];
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The last `n` lines of a file, or "" if it cannot be read. */
export function tailOf(path: string, n = 10): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

/** Keeps the last `max` characters written to a stream. */
export function collectTail(stream: NodeJS.ReadableStream | null, max = 4000): () => string {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    text = (text + chunk).slice(-max);
  });
  return () => text;
}

/** Whether `pid` runs (a zombie, exited but not yet reaped by its new parent, does not). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Sends `signal` to `pid`, then waits (checking every 25 ms) until it is gone or `ms` passed. */
export async function signalAndWait(
  pid: number,
  signal: NodeJS.Signals,
  ms: number,
): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch {
    return true;
  }
  const end = Date.now() + ms;
  while (pidAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return !pidAlive(pid);
}

/** Resolves with the exit code (or signal) of a child; immediately if it already exited. */
export function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null) return Promise.resolve(`code ${child.exitCode}`);
  if (child.signalCode !== null) return Promise.resolve(`signal ${child.signalCode}`);
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
    child.once("error", (e) => resolve(`error ${e.message}`));
  });
}

/** The last lines of rank's engine log under the launch's log folder, or `missing` after the path. */
export function engineLogTail(c: LaunchContext, rank: number, missing = ""): string {
  const log = join(c.logDir, `engine-${rank}.log`);
  return existsSync(log)
    ? `engine log ${log}:\n${tailOf(log, 5)}`
    : `no engine log at ${log}${missing}`;
}

/**
 * Runs a launcher tool that stays up as long as its engines (mpiexec, srun) in the
 * background, its output in `<tool>.log` under the log folder. Its failure to start, or its
 * exit before every rank registered, fails the pending ranks with the log's tail as evidence;
 * aborting signals it (SIGTERM, then SIGKILL).
 */
export function startToolInBackground(
  c: LaunchContext,
  tool: string,
  args: readonly string[],
  explain: (rank: number) => string,
): Started {
  const logPath = join(c.logDir, `${tool}.log`);
  const out = openSync(logPath, "a", 0o600);
  const child = spawn(tool, args, { detached: true, stdio: ["ignore", out, out] });
  closeSync(out);
  child.once("error", (e) => c.failPending(`${tool} could not be started: ${e.message}`));
  child.once("exit", (code, signal) => {
    c.evidence(tailOf(logPath, 20));
    c.failPending(
      `${tool} exited (${signal ? `signal ${signal}` : `code ${code}`}) before this rank registered`,
    );
  });
  return {
    record: child.pid === undefined ? {} : { pid: child.pid },
    explain: async (rank) => explain(rank),
    abort: async () => {
      child.removeAllListeners("exit");
      if (child.pid !== undefined && !(await signalAndWait(child.pid, "SIGTERM", 5_000))) {
        await signalAndWait(child.pid, "SIGKILL", 2_000);
      }
    },
    settle: () => {
      child.removeAllListeners("exit");
      child.unref();
    },
  };
}
