// A real single-node Slurm (Debian's slurmctld, slurmd and munge), configured in a scratch
// folder on 127.0.0.1 and started by this file (as root, as CI runs), stopped by PID after.
// The slurm launcher submits a batch job whose srun step runs 4 engines; they take their rank
// from SLURM_PROCID, register, and the core cases run on them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ENGINE_MALLOC_ENV } from "@distarray/engines/engine/pool";
import { Context, startCluster, stopCluster } from "distarray";
import { killIfAlive, useTempHome } from "../helpers/engines.js";
import { runCoreCases } from "./cases.js";
import { type Daemon, freePort, startDaemon } from "./daemons.js";
import { exited, needs, processEnv } from "./env.js";

const skip = needs(["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel"]);

describe("slurm launcher on a single-node Slurm", { skip }, () => {
  useTempHome();
  const name = `slurm-${process.pid}`;
  let scratch = "";
  const daemons: Daemon[] = [];
  let pids: number[] = [];
  const savedConf = process.env.SLURM_CONF;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "distarray-slurm-"));
    mkdirSync(join(scratch, "state"));
    mkdirSync(join(scratch, "spool"));
    const key = join(scratch, "munge.key");
    writeFileSync(
      key,
      Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 131 + process.pid) & 255)),
      { mode: 0o400 },
    );
    const socket = join(scratch, "munge.sock");
    const munged = startDaemon("munged", "munged", [
      "--foreground",
      "--force",
      `--key-file=${key}`,
      `--socket=${socket}`,
      `--pid-file=${join(scratch, "munged.pid")}`,
      `--log-file=${join(scratch, "munged.log")}`,
      `--seed-file=${join(scratch, "munge.seed")}`,
    ]);
    daemons.push(munged);
    await munged.waitFor(/Created \d+ work threads/);
    const host = hostname();
    const conf = join(scratch, "slurm.conf");
    writeFileSync(
      conf,
      [
        "ClusterName=distarraytest",
        `SlurmctldHost=${host}(127.0.0.1)`,
        `SlurmctldPort=${await freePort()}`,
        `SlurmdPort=${await freePort()}`,
        "AuthType=auth/munge",
        `AuthInfo=socket=${socket}`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SlurmUser=root",
        "SlurmdUser=root",
        `StateSaveLocation=${join(scratch, "state")}`,
        `SlurmdSpoolDir=${join(scratch, "spool")}`,
        `SlurmctldPidFile=${join(scratch, "slurmctld.pid")}`,
        `SlurmdPidFile=${join(scratch, "slurmd.pid")}`,
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core",
        // 8 CPUs whatever this machine has: 4 engines fit on a 2-core runner.
        "SlurmdParameters=config_overrides",
        "ReturnToService=2",
        "MpiDefault=none",
        `NodeName=${host} NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN`,
        `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES`,
        "",
      ].join("\n"),
    );
    process.env.SLURM_CONF = conf;
    const ctld = startDaemon("slurmctld", "slurmctld", ["-D", "-f", conf]);
    daemons.push(ctld);
    await ctld.waitFor(/Running as primary controller/);
    // A job submitted before slurmd registered waits for it: no need to wait here.
    daemons.push(startDaemon("slurmd", "slurmd", ["-D", "-f", conf]));
  });

  after(async () => {
    await stopCluster(name).catch(() => undefined);
    for (const p of pids) killIfAlive(p);
    for (const d of daemons.reverse()) await d.stop();
    if (savedConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = savedConf;
    rmSync(scratch, { recursive: true, force: true });
  });

  it("runs 4 engines as a batch job and the core cases on them", async () => {
    const file = await startCluster({ name, engines: 4, launcher: "slurm", ip: "127.0.0.1" });
    pids = file.engines.map((e) => e.pid);
    for (const pid of pids) {
      const env = processEnv(pid);
      for (const [k, v] of Object.entries(ENGINE_MALLOC_ENV)) {
        assert.equal(env[k], v, `engine environment has ${k} (freed memory goes back)`);
      }
    }
    const jobId = file.launch?.jobId;
    assert.match(jobId ?? "", /^\d+$/);
    assert.deepEqual(
      file.engines.map((e) => e.rank),
      [0, 1, 2, 3],
    );
    const queue = execFileSync("squeue", ["-h", "-j", jobId!, "-o", "%T %D %C"], {
      encoding: "utf8",
    });
    assert.match(queue.trim(), /^RUNNING 1 \d+$/);
    const ctx = await Context.connect({ cluster: name });
    try {
      assert.deepEqual((await runCoreCases(ctx)).targets, [0, 1, 2, 3]);
    } finally {
      await ctx.close();
    }
    await stopCluster(name);
    assert.equal(execFileSync("squeue", ["-h", "-j", jobId!], { encoding: "utf8" }).trim(), "");
    for (const p of pids) assert.ok(exited(p), `engine ${p} ended with its job`);
  });

  it("a job Slurm refuses gives a clear start-up error", async () => {
    await assert.rejects(
      startCluster({
        name: `${name}-bad`,
        engines: 2,
        launcher: "slurm",
        ip: "127.0.0.1",
        launcherArgs: ["--partition=no-such-partition"],
      }),
      /sbatch failed: .*(invalid partition|Invalid partition)/i,
    );
  });
});
