/**
 * The Slurm launcher. Outside an allocation it submits a batch job (`sbatch`) whose script
 * runs `srun node engine-main ...` over its tasks; inside one (SLURM_JOB_ID set) it runs
 * `srun` directly. Each engine takes its rank from SLURM_PROCID and its size from
 * SLURM_NTASKS, reads the key from the 0600 cluster file under $DISTARRAY_HOME (sbatch and
 * srun pass the environment on) and registers. Stopping the cluster cancels the job.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { DistArrayError } from "@distarray/engines/core";
import {
  engineLogTail,
  type LaunchContext,
  type Started,
  shellQuote,
  startToolInBackground,
  tailOf,
} from "./common.js";

const run = promisify(execFile);

/** The job's state and reason as squeue shows them, or "" once the job left the queue. */
export async function jobState(jobId: string): Promise<string> {
  try {
    const { stdout } = await run("squeue", ["-h", "-j", jobId, "-o", "%T %R"]);
    return stdout.trim();
  } catch {
    return "";
  }
}

/** Cancels a job and waits (up to `ms`) until it left the queue. */
export async function cancelJob(jobId: string, ms = 15_000): Promise<void> {
  await run("scancel", [jobId]).catch(() => undefined);
  const end = Date.now() + ms;
  while ((await jobState(jobId)) !== "" && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The batch script for `c`: one srun step of `c.engines` tasks. */
export function jobScript(c: LaunchContext): string {
  const engine = [...c.engineCommand, ...c.engineArgs, "--cluster", c.name].map(shellQuote);
  return [
    "#!/bin/sh",
    `#SBATCH --job-name=distarray-${c.name}`,
    `#SBATCH --ntasks=${c.engines}`,
    `#SBATCH --output=${join(c.logDir, "slurm-%j.out")}`,
    `exec srun --ntasks=${c.engines} ${engine.join(" ")}`,
    "",
  ].join("\n");
}

export async function launchSlurm(c: LaunchContext): Promise<Started> {
  if (process.env.SLURM_JOB_ID) return launchSrun(c);
  const script = join(c.logDir, "job.sh");
  writeFileSync(script, jobScript(c), { mode: 0o700 });
  let jobId: string;
  try {
    const { stdout } = await run("sbatch", ["--parsable", ...c.args, script]);
    jobId = stdout.trim().split(";")[0]!;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new DistArrayError(`sbatch failed: ${(err.stderr || err.message).trim()}`, {
      code: "DA_ERR_CLUSTER",
      cause: e,
    });
  }
  const output = join(c.logDir, `slurm-${jobId}.out`);
  let last = "PENDING";
  let busy = false;
  const watch = setInterval(async () => {
    if (busy) return;
    busy = true;
    const state = await jobState(jobId);
    busy = false;
    if (state) last = state;
    if (
      state === "" ||
      /^(FAILED|CANCELLED|TIMEOUT|NODE_FAIL|BOOT_FAIL|OUT_OF_MEMORY|PREEMPTED)/.test(state)
    ) {
      clearInterval(watch);
      c.evidence(tailOf(output, 20));
      c.failPending(
        `job ${jobId} ended (${state || `last seen ${last}`}) before this rank registered`,
      );
    }
  }, 500);
  return {
    record: { jobId },
    explain: async (rank) => `job ${jobId}: ${last}\n${engineLogTail(c, rank)}`,
    abort: async () => {
      clearInterval(watch);
      await cancelJob(jobId);
    },
    settle: () => clearInterval(watch),
  };
}

async function launchSrun(c: LaunchContext): Promise<Started> {
  const args = [`--ntasks=${c.engines}`, ...c.args, ...c.engineCommand, ...c.engineArgs];
  return startToolInBackground(c, "srun", [...args, "--cluster", c.name], (rank) =>
    engineLogTail(c, rank),
  );
}
