/**
 * The local launcher: engine processes on this host, one per rank. The key reaches each
 * engine through an inherited pipe (fd 3), never the command line; each engine prints one
 * ready line on stdout and then logs to its log file.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DistArrayError } from "@distarray/engines/core";
import { ENGINE_MALLOC_ENV, ENGINE_NODE_FLAGS } from "@distarray/engines/engine/pool";
import type { ClusterEngine } from "./cluster-file.js";

/** The line prefix an engine prints once it listens; JSON follows. */
export const READY_PREFIX = "DISTARRAY-ENGINE-READY ";

/** Time allowed for an engine to print its ready line (ms). */
export const ENGINE_START_TIMEOUT_MS = 30_000;

/** Path of the engine entry script. */
export function engineMainPath(): string {
  return fileURLToPath(import.meta.resolve("@distarray/engines/engine/main"));
}

export interface LaunchOptions {
  name: string;
  rank: number;
  key: Uint8Array;
  host: string;
  memoryLimit: number;
  logFile: string;
  /** Private engines exit when this process goes away (their stdin closes). */
  private: boolean;
  startTimeoutMs?: number;
}

export interface Launched {
  engine: ClusterEngine;
  child: ChildProcess;
}

/** Starts one engine and resolves once it printed its ready line. */
export function launchLocalEngine(o: LaunchOptions): Promise<Launched> {
  const args = [
    engineMainPath(),
    "--rank",
    String(o.rank),
    "--host",
    o.host,
    "--port",
    "0",
    "--memory-limit",
    String(o.memoryLimit),
    "--key-fd",
    "3",
    "--cluster",
    o.name,
    "--log-file",
    o.logFile,
  ];
  if (o.private) args.push("--exit-with-parent");
  const logFd = openSync(o.logFile, "a", 0o600);
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, ...args], {
    stdio: [o.private ? "pipe" : "ignore", "pipe", logFd, "pipe"],
    detached: !o.private,
    env: { ...ENGINE_MALLOC_ENV, ...process.env },
  });
  closeSync(logFd);
  const keyPipe = child.stdio[3] as NodeJS.WritableStream | null;
  (keyPipe as NodeJS.WritableStream & { on(e: "error", f: () => void): unknown })?.on(
    "error",
    () => {},
  );
  keyPipe?.end(`${Buffer.from(o.key).toString("base64")}\n`);
  return new Promise((resolve, reject) => {
    let settled = false;
    const timeoutMs = o.startTimeoutMs ?? ENGINE_START_TIMEOUT_MS;
    const timer = setTimeout(() => {
      fail(`engine ${o.rank} printed no ready line within ${timeoutMs} ms`);
      child.kill("SIGKILL");
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      let tail = "";
      try {
        tail = readFileSync(o.logFile, "utf8").split("\n").slice(-15).join("\n");
      } catch {
        tail = "";
      }
      reject(new DistArrayError(`${why}; log ${o.logFile}:\n${tail}`, { code: "DA_ERR_CLUSTER" }));
    };
    child.once("error", (e) => fail(`engine ${o.rank} could not be spawned: ${e.message}`));
    child.once("exit", (code, signal) =>
      fail(`engine ${o.rank} exited before it was ready (code ${code}, signal ${signal})`),
    );
    lines.on("line", (line) => {
      if (settled || !line.startsWith(READY_PREFIX)) return;
      let info: { rank?: unknown; address?: unknown; pid?: unknown };
      try {
        info = JSON.parse(line.slice(READY_PREFIX.length));
      } catch {
        fail(`engine ${o.rank} printed a malformed ready line`);
        return;
      }
      if (
        info.rank !== o.rank ||
        typeof info.address !== "string" ||
        typeof info.pid !== "number"
      ) {
        fail(`engine ${o.rank} printed an unexpected ready line: ${line}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      lines.close();
      child.removeAllListeners("exit");
      child.removeAllListeners("error");
      child.stdout!.destroy();
      if (!o.private) child.unref();
      resolve({ engine: { rank: o.rank, pid: info.pid, address: info.address }, child });
    });
  });
}

/** True if `pid` is a running DistArray engine (checked via /proc where available). */
export function isEngineAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmd.includes("engine") && cmd.includes("main");
  } catch {
    return true;
  }
}
