// Several "hosts" on one machine: network namespaces made here (needs root, as CI runs), joined
// by veth pairs to a bridge in a switch namespace, with addresses from 10.213.57.0/24 that exist
// only inside these namespaces. Hosts 1-3 run sshd (a throwaway host key and client key made
// here); the client runs in host 4 and starts engines with the ssh launcher. Nothing touches the
// machine's own network namespace.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { killIfAlive, useTempHome } from "../helpers/engines.js";
import { caseValues } from "./cases.js";
import { type Daemon, startDaemon } from "./daemons.js";
import { exited, needs } from "./env.js";

const skip = needs(["ip", "sshd", "ssh", "ssh-keygen"]);
const SUBNET = "10.213.57";
const HOSTS = [1, 2, 3].map((i) => `${SUBNET}.${i}`);
const CLIENT = `${SUBNET}.4`;
/** An address of the subnet no namespace has: unreachable. */
const NOBODY = `${SUBNET}.50`;

/** Engine processes (any host) whose log folder belongs to cluster `name`, by /proc. */
function enginePidsOf(home: string, name: string): number[] {
  const marker = join(home, "clusters", name);
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
      if (cmd.some((a) => a.endsWith("engine/main.js")) && cmd.includes(marker))
        pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe("ssh launcher across network namespaces (3 engine hosts, client on a 4th)", {
  skip,
}, () => {
  const home = useTempHome();
  const tag = `da${process.pid % 100000}`;
  const sw = `${tag}-sw`;
  const ns = [1, 2, 3, 4].map((i) => `${tag}-h${i}`);
  let scratch = "";
  const sshds: Daemon[] = [];
  const started: string[] = [];

  const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] });

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "distarray-netns-"));
    ip("netns", "add", sw);
    started.push(sw);
    ip("-n", sw, "link", "add", "br0", "type", "bridge");
    ip("-n", sw, "link", "set", "br0", "up");
    ns.forEach((n, i) => {
      ip("netns", "add", n);
      started.push(n);
      ip("-n", sw, "link", "add", `p${i + 1}`, "type", "veth", "peer", "name", "eth0", "netns", n);
      ip("-n", sw, "link", "set", `p${i + 1}`, "master", "br0", "up");
      ip("-n", n, "addr", "add", `${SUBNET}.${i + 1}/24`, "dev", "eth0");
      ip("-n", n, "link", "set", "eth0", "up");
      ip("-n", n, "link", "set", "lo", "up");
    });
    // Throwaway keys: the hosts' and the client's.
    const hostKey = join(scratch, "host_ed25519");
    const clientKey = join(scratch, "id_ed25519");
    for (const k of [hostKey, clientKey]) {
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", k]);
    }
    writeFileSync(join(scratch, "authorized_keys"), readFileSync(`${clientKey}.pub`), {
      mode: 0o600,
    });
    // sshd's privilege separation folder (the package's service creates it at boot).
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    for (let i = 0; i < 3; i++) {
      const conf = join(scratch, `sshd_config_${i + 1}`);
      writeFileSync(
        conf,
        [
          `ListenAddress ${HOSTS[i]}`,
          "Port 22",
          `HostKey ${hostKey}`,
          `AuthorizedKeysFile ${join(scratch, "authorized_keys")}`,
          "PermitRootLogin prohibit-password",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "StrictModes no",
          "UsePAM no",
          `PidFile ${join(scratch, `sshd_${i + 1}.pid`)}`,
          "",
        ].join("\n"),
      );
      const d = startDaemon(`sshd ${HOSTS[i]}`, "ip", [
        "netns",
        "exec",
        ns[i]!,
        "/usr/sbin/sshd",
        "-D",
        "-e",
        "-f",
        conf,
      ]);
      sshds.push(d);
      await d.waitFor(/Server listening on/);
    }
    writeFileSync(
      join(scratch, "ssh_config"),
      [
        "Host *",
        "  User root",
        `  IdentityFile ${clientKey}`,
        "  IdentitiesOnly yes",
        "  StrictHostKeyChecking no",
        "  UserKnownHostsFile /dev/null",
        "  LogLevel ERROR",
        "  ConnectTimeout 5",
        "",
      ].join("\n"),
    );
  });

  after(async () => {
    for (const name of ["multi", "unreachable"])
      for (const p of enginePidsOf(home, name)) killIfAlive(p);
    for (const d of sshds) await d.stop();
    for (const n of started.reverse()) {
      try {
        ip("netns", "del", n);
      } catch {
        // already gone
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs the client script in host 4; resolves to its JSON report. */
  function runClient(job: Record<string, unknown>): Promise<Record<string, unknown>> {
    const script = fileURLToPath(new URL("./netns-client.js", import.meta.url));
    return new Promise((resolve, reject) => {
      const child = spawn(
        "ip",
        [
          "netns",
          "exec",
          ns[3]!,
          process.execPath,
          "--enable-source-maps",
          script,
          JSON.stringify(job),
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DISTARRAY_HOME: home } },
      );
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      child.stderr.on("data", (c: Buffer) => {
        err += c.toString();
      });
      child.once("exit", (code) => {
        try {
          resolve(JSON.parse(out.trim().split("\n").pop() ?? ""));
        } catch {
          reject(new Error(`client exited with ${code}: ${out}\n${err}`));
        }
      });
    });
  }

  it("engines on 3 hosts form a mesh: a reduction, a redistribution and a gather", async () => {
    const report = await runClient({
      name: "multi",
      engines: 6,
      hosts: HOSTS,
      clientIp: CLIENT,
      sshConfig: join(scratch, "ssh_config"),
      timeoutMs: 60_000,
    });
    assert.equal(report.error, undefined, JSON.stringify(report.error));
    const engines = report.engines as { rank: number; address: string; host: string }[];
    // ranks in blocks of two per host; each reports the address of its own host
    assert.deepEqual(
      engines.map((e) => [e.rank, e.host, e.address.replace(/:\d+$/, "")]),
      [0, 1, 2, 3, 4, 5].map((r) => [r, HOSTS[r >> 1], `ws://${HOSTS[r >> 1]}`]),
    );
    const cases = report.cases as { sum: number; gathered: number[]; redistributed: number[] };
    const values = caseValues(6);
    assert.equal(
      cases.sum,
      values.reduce((s, v) => s + v, 0),
    );
    assert.deepEqual(cases.redistributed, values);
    assert.deepEqual(
      cases.gathered,
      values.map((v) => v * 2),
    );
    assert.equal(report.stopped, true);
    assert.deepEqual(
      enginePidsOf(home, "multi").filter((p) => !exited(p)),
      [],
    );
  });

  it("an unreachable host fails start-up with an error naming its ranks", async () => {
    const report = await runClient({
      name: "unreachable",
      engines: 6,
      hosts: [HOSTS[0], HOSTS[1], NOBODY],
      clientIp: CLIENT,
      sshConfig: join(scratch, "ssh_config"),
      timeoutMs: 60_000,
    });
    const error = report.error as { message: string; code: string };
    assert.equal(error?.code, "DA_ERR_CLUSTER", JSON.stringify(report));
    assert.match(error.message, /ranks 4, 5 missing \(registered: 0, 1, 2, 3\)/);
    assert.match(
      error.message,
      new RegExp(`rank 4: ssh to ${NOBODY.replace(/\./g, "\\.")} failed`),
    );
    assert.match(error.message, /rank 5: ssh to .* (No route to host|timed out)/);
    // the engines that did start were stopped again
    assert.deepEqual(
      enginePidsOf(home, "unreachable").filter((p) => !exited(p)),
      [],
    );
  });
});
