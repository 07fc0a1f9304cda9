#!/usr/bin/env node
/**
 * `dacluster`: manage named clusters of DistArray engines on this host.
 *
 *   dacluster start [-n N] [--cluster NAME] [--ip IP] [--memory-limit BYTES]
 *                   [--launcher local|mpiexec|slurm|ssh] [--hosts h1,h2] [--client-ip IP]
 *                   [--launcher-args "ARGS"] [--timeout SECONDS]
 *   dacluster stop [--cluster NAME]
 *   dacluster restart [--cluster NAME]
 *   dacluster clear [--cluster NAME]      drop every array the engines hold
 *   dacluster status [--cluster NAME] [--json]
 *
 * The cluster file (with the key) is $DISTARRAY_HOME/clusters/NAME.json, mode 0600.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import {
  type ClusterStatusRow,
  clearCluster,
  clusterStatus,
  DEFAULT_CLUSTER,
  defaultEngineCount,
  restartCluster,
  startCluster,
  stopCluster,
} from "../cluster/cluster.js";
import { clusterFilePath } from "../cluster/cluster-file.js";
import { LAUNCHERS, type LauncherName } from "../cluster/launchers/common.js";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "-";
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The status table as text: one row per engine. */
export function formatStatusTable(rows: readonly ClusterStatusRow[]): string {
  const header = ["rank", "pid", "address", "memory", "rss", "arrays", "state"];
  const body = rows.map((r) => [
    String(r.rank),
    String(r.pid),
    r.address,
    formatBytes(r.memoryBytes),
    formatBytes(r.rssBytes),
    Number.isFinite(r.arrays) ? String(r.arrays) : "-",
    r.state,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), ...body.map(line)].join("\n");
}

export function buildProgram(): Command {
  const program = new Command("dacluster")
    .description("Start, stop and inspect clusters of DistArray engines")
    .showHelpAfterError();
  const clusterOpt = ["--cluster <name>", "cluster name", DEFAULT_CLUSTER] as const;

  program
    .command("start")
    .description("start engines in the background and write the cluster file")
    .option("-n, --engines <n>", `number of engines (default ${defaultEngineCount()})`, positiveInt)
    .option(...clusterOpt)
    .option(
      "--ip <address>",
      "interface the engines listen on (default 127.0.0.1 for local, else 0.0.0.0)",
    )
    .option("--host <address>", "same as --ip")
    .option("--memory-limit <bytes>", "per-engine memory limit in bytes", positiveInt)
    .addOption(
      new Option("--launcher <name>", "how engines are started")
        .choices(LAUNCHERS)
        .default("local"),
    )
    .option("--hosts <h1,h2>", "ssh: hosts to start engines on; mpiexec: its host list", (v) =>
      v
        .split(",")
        .map((h) => h.trim())
        .filter(Boolean),
    )
    .option("--client-ip <address>", "address engines register with (default from --ip)")
    .option(
      "--launcher-args <args>",
      "extra arguments for mpiexec, sbatch/srun or ssh (split at spaces)",
    )
    .option("--timeout <seconds>", "time each engine has to register", positiveInt)
    .action(
      async (o: {
        engines?: number;
        cluster: string;
        ip?: string;
        host?: string;
        memoryLimit?: number;
        launcher: LauncherName;
        hosts?: string[];
        clientIp?: string;
        launcherArgs?: string;
        timeout?: number;
      }) => {
        const opts: Parameters<typeof startCluster>[0] = {
          name: o.cluster,
          launcher: o.launcher,
        };
        const ip = o.ip ?? o.host;
        if (ip !== undefined) opts.ip = ip;
        if (o.engines !== undefined) opts.engines = o.engines;
        if (o.memoryLimit !== undefined) opts.memoryLimit = o.memoryLimit;
        if (o.hosts !== undefined) opts.hosts = o.hosts;
        if (o.clientIp !== undefined) opts.clientIp = o.clientIp;
        if (o.launcherArgs !== undefined)
          opts.launcherArgs = o.launcherArgs.split(/\s+/).filter(Boolean);
        if (o.timeout !== undefined) opts.startTimeoutMs = o.timeout * 1000;
        const file = await startCluster(opts);
        console.log(
          `started cluster '${file.name}' with ${file.engines.length} engines (${clusterFilePath(file.name)})`,
        );
        for (const e of file.engines)
          console.log(`  engine ${e.rank}: pid ${e.pid} at ${e.address}`);
      },
    );

  program
    .command("stop")
    .description("stop the engines and remove the cluster file")
    .option(...clusterOpt)
    .action(async (o: { cluster: string }) => {
      await stopCluster(o.cluster);
      console.log(`stopped cluster '${o.cluster}'`);
    });

  program
    .command("restart")
    .description("stop and start again (same size; all arrays are lost)")
    .option(...clusterOpt)
    .action(async (o: { cluster: string }) => {
      const file = await restartCluster(o.cluster);
      console.log(`restarted cluster '${file.name}' with ${file.engines.length} engines`);
    });

  program
    .command("clear")
    .description("drop every array the engines hold")
    .option(...clusterOpt)
    .action(async (o: { cluster: string }) => {
      await clearCluster(o.cluster);
      console.log(`cleared cluster '${o.cluster}'`);
    });

  program
    .command("status")
    .description(
      "table of engines: rank, pid, address, memory in use (pool, resident), arrays held",
    )
    .option(...clusterOpt)
    .option("--json", "print JSON rows")
    .action(async (o: { cluster: string; json?: boolean }) => {
      const rows = await clusterStatus(o.cluster);
      console.log(o.json ? JSON.stringify(rows) : formatStatusTable(rows));
    });
  return program;
}

function isMain(): boolean {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
    );
  } catch {
    return false;
  }
}

if (isMain()) {
  buildProgram()
    .parseAsync(process.argv)
    .then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`dacluster: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
}
