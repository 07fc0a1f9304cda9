// The registrar and the engine's registration on loopback: only a holder of the cluster key
// registers, each rank has its own deadline, and a failed start-up names every missing rank.
// Also the launcher options of %dacluster and how ssh ranks map to hosts. No root needed.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { registerEngine } from "@distarray/engines/engine/registration";
import { Registrar, rankHosts } from "@distarray/kernel/cluster/launchers/index";
import { parseDaclusterArgs } from "@distarray/kernel/jupyter/dacluster-magic";

const key = new Uint8Array(randomBytes(32));

function engine(registrar: string, rank: number, k = key, address = "ws://127.0.0.1:4000") {
  return registerEngine({
    registrar,
    key: k,
    rank,
    size: 3,
    address,
    pid: 1000 + rank,
    host: "h",
    memoryLimit: 1 << 20,
    timeoutMs: 10_000,
  });
}

describe("engine registration", () => {
  it("collects every rank; an engine with another key is refused", async () => {
    const r = await Registrar.open({ key, size: 3, host: "127.0.0.1", timeoutMs: 10_000 });
    try {
      r.start(async () => "");
      await assert.rejects(
        engine(r.address, 0, new Uint8Array(randomBytes(32))),
        /refused rank 0: bad tag/,
      );
      assert.deepEqual(r.pending, [0, 1, 2]);
      const done = r.wait();
      // a wildcard listener reports the address that reached the registrar
      assert.equal(await engine(r.address, 0, key, "ws://0.0.0.0:4000"), "ws://127.0.0.1:4000");
      await engine(r.address, 2);
      await assert.rejects(engine(r.address, 2), /registered already/);
      await engine(r.address, 1);
      const regs = await done;
      assert.deepEqual(
        regs.map((m) => [m.rank, m.pid, m.address]),
        [
          [0, 1000, "ws://127.0.0.1:4000"],
          [1, 1001, "ws://127.0.0.1:4000"],
          [2, 1002, "ws://127.0.0.1:4000"],
        ],
      );
    } finally {
      await r.close();
    }
  });

  it("a registrar without the key cannot fool an engine", async () => {
    const r = await Registrar.open({
      key: new Uint8Array(randomBytes(32)),
      size: 3,
      host: "127.0.0.1",
      timeoutMs: 10_000,
    });
    try {
      // its challenge is answered, but the tag is refused, so the engine learns nothing false
      await assert.rejects(engine(r.address, 1), /refused rank 1: bad tag/);
    } finally {
      await r.close();
    }
  });

  it("ranks that miss their deadline or fail are named, with the launcher's explanation", async () => {
    const r = await Registrar.open({ key, size: 3, host: "127.0.0.1", timeoutMs: 300 });
    try {
      r.start(async (rank) => `no log for rank ${rank}`);
      r.fail(2, "ssh to nowhere failed (exit code 255)");
      await engine(r.address, 0);
      await assert.rejects(r.wait(), (e: Error & { code?: string }) => {
        assert.equal(e.code, "DA_ERR_CLUSTER");
        assert.match(
          e.message,
          /^2 of 3 engines did not start: ranks 1, 2 missing \(registered: 0\)/,
        );
        assert.match(e.message, /rank 1: did not register within 300 ms\n {4}no log for rank 1/);
        assert.match(e.message, /rank 2: ssh to nowhere failed \(exit code 255\)/);
        return true;
      });
    } finally {
      await r.close();
    }
  });

  it("an unreachable registrar makes the engine fail with a reason", async () => {
    const r = await Registrar.open({ key, size: 1, host: "127.0.0.1", timeoutMs: 1000 });
    const address = r.address;
    await r.close();
    await assert.rejects(
      engine(address, 0),
      /cannot reach the registrar at 127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
  });
});

describe("launcher options", () => {
  it("%dacluster start reads --launcher, --hosts and --ip", () => {
    assert.deepEqual(
      parseDaclusterArgs("start", [
        "-n",
        "6",
        "--launcher",
        "ssh",
        "--hosts",
        "a, b,c",
        "--ip=0.0.0.0",
      ]),
      { engines: 6, launcher: "ssh", cluster: "default", hosts: ["a", "b", "c"], ip: "0.0.0.0" },
    );
    assert.equal(parseDaclusterArgs("start", ["--launcher", "slurm"]).launcher, "slurm");
    assert.throws(() => parseDaclusterArgs("start", ["--hosts", ","]), /at least one host/);
    assert.throws(() => parseDaclusterArgs("stop", ["--hosts", "a"]), /unknown argument --hosts/);
  });

  it("ssh ranks go to hosts in contiguous blocks", () => {
    assert.deepEqual(rankHosts(6, ["a", "b", "c"]), ["a", "a", "b", "b", "c", "c"]);
    assert.deepEqual(rankHosts(5, ["a", "b"]), ["a", "a", "a", "b", "b"]);
    assert.deepEqual(rankHosts(1, ["a", "b"]), ["a"]);
  });
});
