/**
 * The ssh launcher: one ssh session per engine, `ssh HOST exec node engine-main --rank R
 * --size N --key-fd 0 --detach ...`. The key goes through the session's stdin (never a
 * command line, never a file on the remote host); the engine detaches into the background,
 * registers and prints its ready line, and the session ends. Ranks are given to hosts in
 * contiguous blocks (hosts h1,h2 and 4 engines: 0,1 on h1 and 2,3 on h2). Node and the
 * project must be at the same paths on every host. Stopping the cluster runs `kill` over ssh.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { DistArrayError } from "@distarray/engines/core";
import { collectTail, type LaunchContext, type Started, shellQuote } from "./common.js";

const run = promisify(execFile);

/** Options every ssh command gets (no password prompts: keys only). */
export const SSH_BASE_OPTIONS = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10"];

/** The host of each rank: contiguous blocks, the first `engines % hosts` blocks one larger. */
export function rankHosts(engines: number, hosts: readonly string[]): string[] {
  const out: string[] = [];
  const base = Math.floor(engines / hosts.length);
  const extra = engines % hosts.length;
  hosts.forEach((h, i) => {
    for (let k = 0; k < base + (i < extra ? 1 : 0); k++) out.push(h);
  });
  return out;
}

export async function launchSsh(c: LaunchContext): Promise<Started> {
  if (c.hosts.length === 0) {
    throw new DistArrayError("the ssh launcher needs hosts (--hosts h1,h2)", {
      code: "DA_ERR_VALUE",
    });
  }
  const byRank = rankHosts(c.engines, c.hosts);
  const children = byRank.map((host, rank) => {
    const onHost = byRank.filter((h) => h === host).length;
    const engine = [
      ...c.engineCommand,
      ...c.engineArgs,
      "--rank",
      String(rank),
      "--size",
      String(c.engines),
      "--engines-on-host",
      String(onHost),
      "--key-fd",
      "0",
      "--detach",
    ];
    const child = spawn(
      "ssh",
      [...SSH_BASE_OPTIONS, ...c.args, host, "exec", ...engine.map(shellQuote)],
      { stdio: ["pipe", "ignore", "pipe"] },
    );
    const stderr = collectTail(child.stderr);
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(`${Buffer.from(c.key).toString("base64")}\n`);
    child.once("error", (e) => c.fail(rank, `ssh to ${host} could not be started: ${e.message}`));
    child.once("exit", (code, signal) => {
      if (code === 0) return;
      const why = stderr().trim().split("\n").slice(-3).join("; ");
      c.fail(
        rank,
        `ssh to ${host} failed (${signal ? `signal ${signal}` : `exit code ${code}`}): ${why || "no output"}`,
      );
    });
    return { child, host, stderr };
  });
  return {
    record: { hosts: c.hosts, args: c.args },
    explain: async (rank) => {
      const s = children[rank]?.stderr().trim();
      return `host ${byRank[rank]}${s ? `; ssh said: ${s.split("\n").slice(-3).join("; ")}` : ""}`;
    },
    abort: async () => {
      for (const k of children) k.child.kill("SIGKILL");
    },
    settle: () => {
      for (const k of children) {
        k.child.removeAllListeners("exit");
        k.child.unref();
      }
    },
  };
}

/**
 * Stops engines over ssh: SIGTERM, up to 5 s for them to exit, then SIGKILL. `pids` by host.
 */
export async function stopOverSsh(
  args: readonly string[],
  pids: ReadonlyMap<string, number[]>,
): Promise<void> {
  await Promise.all(
    [...pids].map(([host, list]) => {
      const p = list.join(" ");
      const script =
        `kill -TERM ${p} 2>/dev/null; i=0; while [ $i -lt 50 ]; do a=; for p in ${p}; do ` +
        `kill -0 $p 2>/dev/null && a=1; done; [ -z "$a" ] && exit 0; sleep 0.1; i=$((i+1)); done; ` +
        `kill -KILL ${p} 2>/dev/null; exit 0`;
      return run("ssh", [...SSH_BASE_OPTIONS, ...args, host, script]).catch(() => undefined);
    }),
  );
}
