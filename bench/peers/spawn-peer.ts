/** Starting a peer process that prints `{"port": n}` on its first stdout line. */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface Peer {
  port: number;
  child: ChildProcess;
  /** Kills the peer by PID (SIGKILL) if it is still running. */
  stop: () => void;
}

/** How long a peer may take to print its port. */
export const PEER_START_TIMEOUT_MS = 15_000;

/** Spawns `node peers/<script>.js ...args` and resolves once it has printed its port. */
export function spawnPeer(script: "tcp-sink" | "ws-echo", args: string[] = []): Promise<Peer> {
  const file = fileURLToPath(new URL(`./${script}.js`, import.meta.url));
  const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise<Peer>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${script} did not start within ${PEER_START_TIMEOUT_MS} ms`));
    }, PEER_START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      clearTimeout(timer);
      lines.close();
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port !== "number") {
        stop();
        reject(new Error(`${script} printed no port: ${line}`));
        return;
      }
      resolve({ port, child, stop });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before printing its port: ${stderr}`));
    });
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
