import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DaclusterMagic,
  formatBytes,
  parseDaclusterArgs,
  statusBundle,
} from "@distarray/kernel/jupyter/dacluster-magic";

test("parseDaclusterArgs reads -n, --launcher and --cluster, with defaults", () => {
  assert.deepEqual(parseDaclusterArgs("start", []), {
    engines: 2,
    launcher: "local",
    cluster: "default",
  });
  assert.deepEqual(parseDaclusterArgs("start", ["-n", "4", "--launcher", "local", "--cluster=x"]), {
    engines: 4,
    launcher: "local",
    cluster: "x",
  });
  assert.equal(parseDaclusterArgs("stop", ["-c", "y"]).cluster, "y");
});

test("parseDaclusterArgs gives clear errors for bad values and unknown options", () => {
  assert.throws(() => parseDaclusterArgs("start", ["-n", "0"]), /positive integer; got 0/);
  assert.throws(() => parseDaclusterArgs("start", ["-n"]), /needs a value/);
  assert.throws(
    () => parseDaclusterArgs("start", ["--launcher", "bogus"]),
    /one of local, mpiexec, slurm, ssh; got bogus/,
  );
  assert.throws(
    () => parseDaclusterArgs("stop", ["-n", "2"]),
    /unknown argument -n for %dacluster stop/,
  );
  assert.throws(
    () => parseDaclusterArgs("start", ["--bogus"]),
    (e: unknown) => (e as { code?: string }).code === "DA_ERR_VALUE",
  );
});

test("%dacluster alone prints help; an unknown subcommand is an error", async () => {
  const magic = new DaclusterMagic();
  const printed: string[] = [];
  const io = { print: (t: string) => printed.push(t), displayBundle: () => {}, bind: () => {} };
  await magic.run([], io);
  assert.match(printed.join(""), /%dacluster start \[-n N\]/);
  await assert.rejects(magic.run(["launch"], io), /unknown %dacluster subcommand launch/);
});

test("statusBundle renders rows as a text table and an HTML table", () => {
  const b = statusBundle("default", [
    { rank: 0, pid: 101, address: "ws://127.0.0.1:4000", memoryBytes: 2048, arrays: 3 },
    {
      rank: 1,
      pid: 102,
      address: "ws://127.0.0.1:4001",
      memoryBytes: NaN,
      arrays: NaN,
      state: "dead",
    },
  ]);
  const lines = b["text/plain"]!.split("\n");
  assert.equal(lines[0], "cluster default: 2 engines");
  assert.match(lines[1]!, /^rank\s+pid\s+address\s+state\s+memory\s+arrays$/);
  assert.match(lines[2]!, /^0\s+101\s+ws:\/\/127\.0\.0\.1:4000\s+running\s+2\.0 KiB\s+3$/);
  assert.match(lines[3]!, /^1\s+102\s+ws:\/\/127\.0\.0\.1:4001\s+dead\s+-\s+-$/);
  assert.equal((b["text/html"]!.match(/<tr>/g) ?? []).length, 3);
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(3 * 1024 * 1024), "3.0 MiB");
});
