/**
 * `%dacluster`: start, stop, restart, clear and inspect the kernel's engine cluster, binding
 * `ctx` (a Context connected to it) for the cells that follow.
 *
 * A cluster started here lives as long as the kernel: shutting down or restarting the kernel
 * stops it (a cluster started elsewhere, e.g. with the `dacluster` CLI, is left running).
 * The cluster and Context modules load on first use, so a kernel that never starts engines
 * does not pay for them.
 */
import { DistArrayError } from "@distarray/engines/core";
import type { Context } from "../context.js";
import { unboundContext } from "./cell-executor.js";
import { escapeHtml } from "./display-distarray.js";
import type { LineMagic, MagicIO } from "./magics.js";
import { progress } from "./progress.js";

/** The cluster name `%dacluster` uses unless `--cluster` says otherwise. */
export const DEFAULT_CLUSTER = "default";
/** Engines started by `%dacluster start` without `-n`. */
export const DEFAULT_MAGIC_ENGINES = 2;

const LAUNCHERS = ["local", "mpiexec", "slurm", "ssh"] as const;

const clusterApi = () => import("../cluster/cluster.js");
const contextApi = () => import("../context.js");

export const DACLUSTER_HELP = `%dacluster: manage the DistArray engine cluster of this kernel.

  %dacluster start [-n N] [--launcher local|mpiexec|slurm|ssh] [--hosts h1,h2]
                  [--ip IP] [--cluster NAME]
                              start N engines (default ${DEFAULT_MAGIC_ENGINES}) and bind ctx
  %dacluster stop             stop the engines; ctx is unbound
  %dacluster restart          restart the engines (arrays are lost) and rebind ctx
  %dacluster clear            drop every array held by the engines
  %dacluster status           a table of engines: rank, pid, address, memory, arrays
  %dacluster                  this help
`;

function usageError(message: string): DistArrayError {
  return new DistArrayError(`${message}\n\n${DACLUSTER_HELP}`, { code: "DA_ERR_VALUE" });
}

interface StartArgs {
  engines: number;
  launcher: (typeof LAUNCHERS)[number];
  cluster: string;
  /** ssh (and mpiexec): hosts to start engines on. */
  hosts?: string[];
  /** Interface the engines listen on. */
  ip?: string;
}

/**
 * Parses the arguments after the subcommand.
 * @throws DistArrayError (DA_ERR_VALUE) for an unknown option or a bad value.
 */
export function parseDaclusterArgs(sub: string, args: readonly string[]): StartArgs {
  const out: StartArgs = {
    engines: DEFAULT_MAGIC_ENGINES,
    launcher: "local",
    cluster: DEFAULT_CLUSTER,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? a.split("=", 2) : [a, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw usageError(`option ${flag} needs a value`);
      return v;
    };
    if ((flag === "-n" || flag === "--engines") && sub === "start") {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) {
        throw usageError(`the engine count must be a positive integer; got ${v}`);
      }
      out.engines = n;
    } else if (flag === "--launcher" && sub === "start") {
      const v = value();
      if (!(LAUNCHERS as readonly string[]).includes(v)) {
        throw usageError(`launcher must be one of ${LAUNCHERS.join(", ")}; got ${v}`);
      }
      out.launcher = v as StartArgs["launcher"];
    } else if (flag === "--hosts" && sub === "start") {
      const hosts = value()
        .split(",")
        .map((h) => h.trim())
        .filter(Boolean);
      if (hosts.length === 0) throw usageError("--hosts needs at least one host");
      out.hosts = hosts;
    } else if (flag === "--ip" && sub === "start") {
      out.ip = value();
    } else if (flag === "--cluster" || flag === "-c") {
      out.cluster = value();
    } else {
      throw usageError(`unknown argument ${a} for %dacluster ${sub}`);
    }
  }
  return out;
}

/** Bytes as a short human string (KiB, MiB, ...). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

interface StatusRow {
  rank: number;
  pid: number;
  address: string;
  memoryBytes: number;
  arrays: number;
  state?: string;
}

/** The status table as text/plain and text/html. */
export function statusBundle(name: string, rows: readonly StatusRow[]): Record<string, string> {
  const head = ["rank", "pid", "address", "state", "memory", "arrays"];
  const cells = rows.map((r) => [
    String(r.rank),
    String(r.pid),
    r.address,
    r.state ?? "running",
    formatBytes(r.memoryBytes),
    Number.isFinite(r.arrays) ? String(r.arrays) : "-",
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j]!.length)));
  const line = (c: string[]) =>
    c
      .map((s, j) => s.padEnd(widths[j]!))
      .join("  ")
      .trimEnd();
  const title = `cluster ${name}: ${rows.length} engine${rows.length === 1 ? "" : "s"}`;
  const text = [title, line(head), ...cells.map(line)].join("\n");
  const th = head.map((h) => `<th>${h}</th>`).join("");
  const trs = cells
    .map((c) => `<tr>${c.map((s) => `<td>${escapeHtml(s)}</td>`).join("")}</tr>`)
    .join("");
  const html = `<div class="distarray-cluster-status"><b>${escapeHtml(title)}</b><table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table></div>`;
  return { "text/plain": text, "text/html": html };
}

export class DaclusterMagic implements LineMagic {
  readonly name = "dacluster";
  readonly help = DACLUSTER_HELP;
  readonly subcommands = ["start", "stop", "restart", "clear", "status"] as const;
  #ctx: Context | undefined;
  #cluster = DEFAULT_CLUSTER;
  /** Name of the cluster this kernel started (stopped on shutdown), if any. */
  #owned: string | undefined;

  /** The bound context, if a cluster is running. */
  get context(): Context | undefined {
    return this.#ctx;
  }

  async run(args: string[], io: MagicIO): Promise<void> {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") {
      io.print(DACLUSTER_HELP);
      return;
    }
    switch (sub) {
      case "start":
        return this.#start(parseDaclusterArgs(sub, rest), io);
      case "stop":
        return this.#stop(parseDaclusterArgs(sub, rest).cluster, io);
      case "restart":
        return this.#restart(parseDaclusterArgs(sub, rest).cluster, io);
      case "clear": {
        const { cluster } = parseDaclusterArgs(sub, rest);
        await (await clusterApi()).clearCluster(cluster);
        io.print(`cleared every array on cluster ${cluster}\n`);
        return;
      }
      case "status": {
        const { cluster } = parseDaclusterArgs(sub, rest);
        io.displayBundle(statusBundle(cluster, await (await clusterApi()).clusterStatus(cluster)));
        return;
      }
      default:
        throw usageError(`unknown %dacluster subcommand ${sub}`);
    }
  }

  /** Cancels the bound context's pending engine operations (on a kernel interrupt). */
  interrupt(): void {
    this.#ctx?.cancelPending("interrupted");
  }

  /** Closes ctx and stops the cluster this kernel started. */
  async shutdown(): Promise<void> {
    const ctx = this.#ctx;
    this.#ctx = undefined;
    await ctx?.close();
    if (this.#owned !== undefined) {
      const name = this.#owned;
      this.#owned = undefined;
      await (await clusterApi()).stopCluster(name);
    }
  }

  async #start(opts: StartArgs, io: MagicIO): Promise<void> {
    if (this.#ctx) {
      throw new DistArrayError(
        `cluster ${this.#cluster} is already running in this kernel; use %dacluster stop or %dacluster restart`,
        { code: "DA_ERR_CLUSTER" },
      );
    }
    const bar = progress({ label: `starting ${opts.engines} engines`, total: 2 });
    try {
      const { startCluster } = await clusterApi();
      const { Context } = await contextApi();
      const startOpts: Parameters<typeof startCluster>[0] = {
        engines: opts.engines,
        name: opts.cluster,
        launcher: opts.launcher,
      };
      if (opts.hosts) startOpts.hosts = opts.hosts;
      if (opts.ip) startOpts.ip = opts.ip;
      await startCluster(startOpts);
      this.#owned = opts.cluster;
      bar.update(1);
      this.#ctx = await Context.connect({ cluster: opts.cluster });
      this.#cluster = opts.cluster;
    } finally {
      bar.finish({ remove: true });
    }
    io.bind("ctx", this.#ctx);
    io.print(
      `started cluster ${opts.cluster}: ${opts.engines} engines, targets ${JSON.stringify(this.#ctx.targets)}; ctx is bound\n`,
    );
  }

  async #stop(cluster: string, io: MagicIO): Promise<void> {
    if (this.#ctx && cluster === this.#cluster) {
      const ctx = this.#ctx;
      this.#ctx = undefined;
      io.bind("ctx", unboundContext());
      await ctx.close();
    }
    await (await clusterApi()).stopCluster(cluster);
    if (this.#owned === cluster) this.#owned = undefined;
    io.print(`stopped cluster ${cluster}\n`);
  }

  async #restart(cluster: string, io: MagicIO): Promise<void> {
    const ctx = this.#ctx && cluster === this.#cluster ? this.#ctx : undefined;
    if (ctx) {
      this.#ctx = undefined;
      io.bind("ctx", unboundContext());
      await ctx.close();
    }
    await (await clusterApi()).restartCluster(cluster);
    if (ctx || this.#owned === cluster) {
      this.#ctx = await (await contextApi()).Context.connect({ cluster });
      this.#cluster = cluster;
      io.bind("ctx", this.#ctx);
    }
    io.print(`restarted cluster ${cluster}${this.#ctx ? "; ctx is bound" : ""}\n`);
  }
}
