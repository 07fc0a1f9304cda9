// Starting real engine processes in tests: every cluster lives under a fresh temporary
// DISTARRAY_HOME, and stop() closes the context and then kills any engine still alive by PID.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { Context, type ContextStartOptions } from "distarray";

export interface TestContext {
  ctx: Context;
  /** The temporary DISTARRAY_HOME. */
  home: string;
  /** Engine PIDs in target order. */
  pids: number[];
  /** Closes the context, kills leftover engines by PID and removes the home folder. */
  stop: () => Promise<void>;
}

/** Points DISTARRAY_HOME at a new temporary folder (once per test process) and returns it. */
export function useTempHome(): string {
  const current = process.env.DISTARRAY_HOME;
  if (current?.includes("distarray-test-")) return current;
  const home = mkdtempSync(join(tmpdir(), "distarray-test-"));
  process.env.DISTARRAY_HOME = home;
  return home;
}

/** Kills `pid` with SIGKILL if it is still running. */
export function killIfAlive(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Starts a private cluster of `engines` engines and connects. */
export async function startTestContext(
  engines: number,
  options: Omit<ContextStartOptions, "engines"> = {},
): Promise<TestContext> {
  const home = useTempHome();
  const ctx = await Context.start({ ...options, engines });
  const pids = ctx.enginePids;
  return {
    ctx,
    home,
    pids,
    stop: async () => {
      await ctx.close().catch(() => undefined);
      for (const pid of pids) killIfAlive(pid);
    },
  };
}

/**
 * Registers before/after hooks for a test suite that starts `engines` engines; read the
 * context through the returned object inside tests.
 */
export function useTestContext(
  engines: number,
  options: Omit<ContextStartOptions, "engines"> = {},
): { readonly ctx: Context; readonly pids: number[] } {
  let t: TestContext | undefined;
  before(async () => {
    t = await startTestContext(engines, options);
  });
  after(async () => {
    await t?.stop();
  });
  return {
    get ctx() {
      if (!t) throw new Error("the test context is not started yet");
      return t.ctx;
    },
    get pids() {
      return t?.pids ?? [];
    },
  };
}

/** Runs `fn` with a fresh context of `engines` engines and always stops it. */
export async function withContext<T>(
  engines: number,
  fn: (ctx: Context) => Promise<T>,
  options: Omit<ContextStartOptions, "engines"> = {},
): Promise<T> {
  const t = await startTestContext(engines, options);
  try {
    return await fn(t.ctx);
  } finally {
    await t.stop();
  }
}

/** Removes a temporary home folder (for suites that made their own). */
export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}
