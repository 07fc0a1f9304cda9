// mpiexec launcher with Debian's Open MPI on this host: 4 engines take their rank and size
// from OMPI_COMM_WORLD_*, register with the client and run the core cases. Needs root for
// nothing but runs as root in CI (the launcher passes --allow-run-as-root then).
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { after, describe, it } from "node:test";
import { ENGINE_MALLOC_ENV } from "@distarray/engines/engine/pool";
import { readClusterFile } from "@distarray/kernel/cluster/cluster-file";
import { Context, clusterStatus, startCluster, stopCluster } from "distarray";
import { killIfAlive, useTempHome } from "../helpers/engines.js";
import { runCoreCases } from "./cases.js";
import { exited, needs, processEnv } from "./env.js";

describe("mpiexec launcher (Open MPI, one host)", { skip: needs(["mpiexec"], false) }, () => {
  const home = useTempHome();
  const name = `mpi-${process.pid}`;
  let pids: number[] = [];
  after(async () => {
    await stopCluster(name).catch(() => undefined);
    for (const p of pids) killIfAlive(p);
  });

  it("starts 4 engines that register, and runs creation, a reduction and a gather", async () => {
    const file = await startCluster({ name, engines: 4, launcher: "mpiexec", ip: "127.0.0.1" });
    pids = file.engines.map((e) => e.pid);
    assert.equal(file.launcher, "mpiexec");
    assert.deepEqual(
      file.engines.map((e) => e.rank),
      [0, 1, 2, 3],
    );
    assert.ok(file.engines.every((e) => /^ws:\/\/127\.0\.0\.1:\d+$/.test(e.address)));
    assert.equal(typeof file.launch?.pid, "number");
    // The key is in the 0600 cluster file only: not on any engine's command line.
    const onDisk = await readClusterFile(name);
    assert.equal(statSync(`${home}/clusters/${name}.json`).mode & 0o777, 0o600);
    for (const e of file.engines) {
      const cmd = readFileSync(`/proc/${e.pid}/cmdline`, "utf8").split("\0").join(" ");
      assert.ok(!cmd.includes(onDisk.key), "the key is not on the command line");
      assert.match(cmd, /--register 127\.0\.0\.1:\d+/);
      assert.ok(!cmd.includes("--rank"), "the rank comes from the MPI environment");
      const env = processEnv(e.pid);
      for (const [k, v] of Object.entries(ENGINE_MALLOC_ENV)) {
        assert.equal(env[k], v, `engine environment has ${k} (freed memory goes back)`);
      }
    }
    const ctx = await Context.connect({ cluster: name });
    try {
      const r = await runCoreCases(ctx);
      assert.deepEqual(r.targets, [0, 1, 2, 3]);
    } finally {
      await ctx.close();
    }
    const rows = await clusterStatus(name);
    assert.deepEqual(
      rows.map((r) => r.state),
      ["running", "running", "running", "running"],
    );
    await stopCluster(name);
    for (const p of pids) assert.ok(exited(p), `engine ${p} stopped with its mpiexec`);
  });

  it("a launcher that exits early makes start-up fail at once, naming the ranks", async () => {
    // mpiexec refuses an unknown flag and exits: no rank registers, and the error says so
    // without waiting for the registration deadline.
    await assert.rejects(
      startCluster({
        name: `${name}-bad`,
        engines: 2,
        launcher: "mpiexec",
        ip: "127.0.0.1",
        launcherArgs: ["--bogus-mpiexec-flag"],
      }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "DA_ERR_CLUSTER");
        assert.match(e.message, /ranks 0, 1 missing/);
        assert.match(e.message, /mpiexec exited \(code \d+\)/);
        return true;
      },
    );
  });
});
