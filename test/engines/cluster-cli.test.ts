// The dacluster CLI end to end (real processes): start in the background, cluster file and
// folder permissions, status table, clear, restart, stop.
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { removeStalePrivateClusters } from "@distarray/kernel/cluster/cluster";
import { readClusterFile, writeClusterFile } from "@distarray/kernel/cluster/cluster-file";
import { isEngineAlive } from "@distarray/kernel/cluster/local-launcher";
import { Context } from "distarray";
import { killIfAlive } from "../helpers/engines.js";
import { repoRoot } from "../helpers/paths.js";

const run = promisify(execFile);
const CLI = join(repoRoot, "kernel", "dist", "cli", "dacluster.js");
const NAME = "cli-test";

declare const proxyize: (v: unknown) => string;

describe("dacluster CLI", () => {
  let home: string;
  const pids = new Set<number>();
  const env = () => ({ ...process.env, DISTARRAY_HOME: home });
  const dacluster = (...args: string[]) => run(process.execPath, [CLI, ...args], { env: env() });
  const remember = async () => {
    for (const e of (await readClusterFile(NAME)).engines) pids.add(e.pid);
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), "distarray-test-cli-"));
    process.env.DISTARRAY_HOME = home;
  });

  after(() => {
    for (const p of pids) killIfAlive(p);
    rmSync(home, { recursive: true, force: true });
  });

  it("starts engines in the background and writes an owner-only cluster file", async () => {
    const { stdout } = await dacluster("start", "-n", "2", "--cluster", NAME);
    assert.match(stdout, /started cluster 'cli-test' with 2 engines/);
    await remember();
    const file = join(home, "clusters", `${NAME}.json`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, "clusters")).mode & 0o777, 0o700);
    const data = await readClusterFile(NAME);
    assert.equal(data.engines.length, 2);
    assert.ok(Buffer.from(data.key, "base64").byteLength >= 32);
    for (const e of data.engines) assert.match(e.address, /^ws:\/\/127\.0\.0\.1:\d+$/);
    // The key never appears on an engine's command line.
    const { stdout: ps } = await run("ps", [
      "-o",
      "args=",
      "-p",
      data.engines.map((e) => e.pid).join(","),
    ]);
    assert.ok(!ps.includes(data.key));
    await assert.rejects(dacluster("start", "-n", "2", "--cluster", NAME), /already running/);
  });

  it("prints a status table with rank, pid, address, memory and arrays", async () => {
    const ctx = await Context.connect({ cluster: NAME });
    await ctx.apply(() => proxyize(new Float64Array(10)));
    const { stdout } = await dacluster("status", "--cluster", NAME);
    const lines = stdout.trim().split("\n");
    assert.match(lines[0]!, /^rank\s+pid\s+address\s+memory\s+rss\s+arrays\s+state$/);
    assert.equal(lines.length, 3);
    const data = await readClusterFile(NAME);
    for (const [i, line] of lines.slice(1).entries()) {
      const cells = line.split(/\s{2,}/);
      assert.equal(cells[0], String(i));
      assert.equal(cells[1], String(data.engines[i]!.pid));
      assert.equal(cells[2], data.engines[i]!.address);
      assert.match(cells[4]!, /^[\d.]+ MiB$/);
      assert.equal(cells[5], "1");
      assert.equal(cells[6], "running");
    }
    const json = JSON.parse((await dacluster("status", "--cluster", NAME, "--json")).stdout) as {
      arrays: number;
    }[];
    assert.deepEqual(
      json.map((r) => r.arrays),
      [1, 1],
    );
    await ctx.close();
  });

  it("clear drops every array on the engines", async () => {
    const ctx = await Context.connect({ cluster: NAME });
    await ctx.apply(() => proxyize(1));
    await dacluster("clear", "--cluster", NAME);
    assert.deepEqual(
      (await ctx.status()).map((s) => s.arrays),
      [0, 0],
    );
    await ctx.close();
  });

  it("restart starts the same number of new engines", async () => {
    const old = (await readClusterFile(NAME)).engines.map((e) => e.pid);
    await dacluster("restart", "--cluster", NAME);
    await remember();
    const now = await readClusterFile(NAME);
    assert.equal(now.engines.length, 2);
    assert.ok(now.engines.every((e) => !old.includes(e.pid)));
    const ctx = await Context.connect({ cluster: NAME });
    assert.deepEqual(await ctx.apply(() => 7), [7, 7]);
    await ctx.close();
  });

  it("stop ends the engines and removes the cluster file", async () => {
    const engines = (await readClusterFile(NAME)).engines;
    await dacluster("stop", "--cluster", NAME);
    // (A stopped engine may linger as a zombie until its parent reaps it; that is not running.)
    for (const e of engines) assert.equal(isEngineAlive(e.pid), false, `engine ${e.rank} is gone`);
    await assert.rejects(dacluster("status", "--cluster", NAME), /no cluster named 'cli-test'/);
  });

  it("removes the files of private clusters whose client process is gone", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const live = process.pid;
    const base = {
      version: 1,
      key: Buffer.alloc(32).toString("base64"),
      launcher: "local" as const,
      memoryLimit: 1,
      host: "127.0.0.1",
      private: true,
      created: new Date().toISOString(),
      engines: [{ rank: 0, pid: dead, address: "ws://127.0.0.1:1" }],
    };
    await writeClusterFile({ ...base, name: `private-${dead}-00aa` });
    await writeClusterFile({ ...base, name: `private-${live}-00bb` });
    assert.deepEqual(await removeStalePrivateClusters(), [`private-${dead}-00aa`]);
    await readClusterFile(`private-${live}-00bb`);
    await assert.rejects(readClusterFile(`private-${dead}-00aa`), /no cluster named/);
  });
});
