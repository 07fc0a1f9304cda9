// The client side of the multi-host test, run inside the fourth network namespace by
// netns.test.ts: `node netns-client.js <json>`. It starts a cluster with the ssh launcher on
// the engine hosts, runs the core cases (or expects start-up to fail), stops it and prints one
// JSON line with what happened.
import { Context, startCluster, stopCluster } from "distarray";
import { runCoreCases } from "./cases.js";

interface Job {
  name: string;
  engines: number;
  hosts: string[];
  clientIp: string;
  sshConfig: string;
  timeoutMs: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const out: Record<string, unknown> = {};
try {
  const file = await startCluster({
    name: job.name,
    engines: job.engines,
    launcher: "ssh",
    hosts: job.hosts,
    ip: "0.0.0.0",
    clientIp: job.clientIp,
    launcherArgs: ["-F", job.sshConfig],
    startTimeoutMs: job.timeoutMs,
  });
  out.engines = file.engines;
  const ctx = await Context.connect({ cluster: job.name });
  try {
    out.cases = await runCoreCases(ctx);
  } finally {
    await ctx.close();
  }
  await stopCluster(job.name);
  out.stopped = true;
} catch (e) {
  out.error = {
    message: e instanceof Error ? e.message : String(e),
    code: (e as { code?: string }).code,
  };
  await stopCluster(job.name).catch(() => undefined);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
