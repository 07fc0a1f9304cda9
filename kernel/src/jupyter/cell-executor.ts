/**
 * Runs notebook cells: splits out magic lines, compiles and runs the TypeScript segments with
 * tslab's executor (declarations persist from cell to cell; top-level await works), and turns
 * what tslab reports through its console (the last value, diagnostics, exceptions) into a
 * structured outcome.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ContextError } from "@distarray/engines/core";
import { CellLocations } from "./cell-locations.js";
import {
  ASYNC_INTERRUPT_MESSAGE,
  type CellDiagnostic,
  compileErrorContent,
  type ErrorContent,
  exceptionErrorContent,
} from "./error-content.js";
import { blankMagics, type MagicIO, type MagicRegistry, splitCell } from "./magics.js";
import { expandShorthand } from "./shorthand.js";
import { createConverterSet, loadTslab, type TslabExecutor } from "./tslab.js";

/** The outcome of one cell. `value` is set when the last segment was code with a value. */
export type CellOutcome =
  | { status: "ok"; hasValue: boolean; value?: unknown }
  | { status: "error"; error: ErrorContent };

/** How tslab's executor formats one diagnostic (`console.error` arguments). */
const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";

/**
 * Code run once before the first cell: the preloaded names and their types. Inside the
 * repository the package names resolve (`distarray` is the root package); a notebook elsewhere
 * (a kernelspec installed for the user's own Jupyter) gets the built files by absolute path.
 */
export function preloadSource(rootDir: string): string {
  let da = "distarray";
  let api = "@distarray/kernel/jupyter/api";
  try {
    createRequire(join(rootDir, "__preload__.js")).resolve(da);
  } catch {
    da = fileURLToPath(new URL("../index.js", import.meta.url));
    api = fileURLToPath(new URL("./api.js", import.meta.url));
  }
  return [
    `import * as da from ${JSON.stringify(da)};`,
    `import * as jupyter from ${JSON.stringify(api)};`,
    `import { display } from ${JSON.stringify(api)};`,
  ].join("\n");
}

/** Declares `ctx` (bound by `%dacluster start`) with the Context type. */
export const PRELOAD_CTX_SOURCE = "let ctx: da.Context = undefined as unknown as da.Context;";

/**
 * The value `ctx` has until a cluster is started: any use throws a ContextError that says how
 * to start one.
 */
export function unboundContext(): unknown {
  const message = "ctx is not bound: no cluster is running; start one with %dacluster start";
  const fail = (): never => {
    throw new ContextError(message);
  };
  const shown = `<unbound ctx: ${message}>`;
  const symbols: Record<symbol, unknown> = {
    [Symbol.for("nodejs.util.inspect.custom")]: () => shown,
    [Symbol.for("distarray.display")]: () => ({ "text/plain": shown }),
    [Symbol.toStringTag]: "UnboundContext",
  };
  return new Proxy(
    {},
    {
      // Symbol lookups (inspection, display, coercion) answer; using a member throws.
      get: (_t, p) => (typeof p === "symbol" ? symbols[p] : p === "then" ? undefined : fail()),
      set: fail,
      has: (_t, p) => typeof p === "symbol" && p in symbols,
    },
  );
}

export interface CellExecutorOptions {
  /** Directory that imports in cells resolve from (the kernel's working directory). */
  rootDir: string;
  magics: MagicRegistry;
}

export class CellExecutor {
  readonly #executor: TslabExecutor;
  readonly #magics: MagicRegistry;
  readonly #rootDir: string;
  #value: { value: unknown } | undefined;
  #diagnostics: CellDiagnostic[] = [];
  #exception: { error: unknown } | undefined;
  readonly #interruptWaiters = new Set<(e: Error) => void>();
  readonly #locations = new CellLocations();

  constructor(options: CellExecutorOptions) {
    const { createExecutor } = loadTslab();
    const convs = createConverterSet({ onOutput: (code) => this.#locations.register(code) });
    this.#magics = options.magics;
    this.#rootDir = options.rootDir;
    this.#executor = createExecutor(options.rootDir, convs, {
      log: (...args) => {
        this.#value = { value: args[0] };
      },
      error: (...args) => this.#onError(args),
    });
  }

  /** Variables defined by cells, by name (assign to bind one for later cells). */
  get locals(): Record<string, unknown> {
    return this.#executor.locals;
  }

  /**
   * Runs the preload (da, jupyter, display, ctx).
   * @throws ContextError when the preload does not compile or run.
   */
  async preload(): Promise<void> {
    const outcome = await this.#runCode(preloadSource(this.#rootDir));
    if (outcome.status === "error") {
      throw new ContextError(`kernel preload failed: ${outcome.error.evalue}`);
    }
    const ctx = await this.#runCode(PRELOAD_CTX_SOURCE);
    if (ctx.status === "error") {
      throw new ContextError(`kernel preload of ctx failed: ${ctx.error.evalue}`);
    }
    this.#executor.locals.ctx = unboundContext();
  }

  /**
   * Runs a cell: code segments and magic lines in order; stops at the first error. `label`
   * (e.g. `In[7]`) names the cell in runtime error tracebacks.
   */
  async run(cell: string, io: MagicIO, options: { label?: string } = {}): Promise<CellOutcome> {
    this.#locations.label = options.label ?? "cell";
    let segments: ReturnType<typeof splitCell>;
    try {
      segments = splitCell(cell);
    } catch (e) {
      return { status: "error", error: this.#errorContent(e) };
    }
    let last: CellOutcome = { status: "ok", hasValue: false };
    for (const seg of segments) {
      if (seg.kind === "magic") {
        try {
          await this.#raceInterrupt(this.#magics.run(seg.name, seg.args, io));
        } catch (e) {
          return { status: "error", error: this.#errorContent(e) };
        }
        last = { status: "ok", hasValue: false };
      } else {
        last = await this.#runCode(seg.code);
        if (last.status === "error") return last;
      }
    }
    return last;
  }

  /** Interrupts a running asynchronous cell (a synchronous one stops on SIGINT). */
  interrupt(): void {
    for (const reject of this.#interruptWaiters) reject(new Error(ASYNC_INTERRUPT_MESSAGE));
    this.#interruptWaiters.clear();
    this.#executor.interrupt();
  }

  /** Completion: magic names and subcommands on a `%` line, TypeScript elsewhere. */
  complete(code: string, cursor: number): { start: number; end: number; candidates: string[] } {
    const magic = this.#magics.complete(code, cursor);
    if (magic) return magic;
    return this.#executor.complete(blankMagics(code), cursor);
  }

  /** Quick info (type and docs) at the cursor, as text, or undefined. */
  inspect(code: string, cursor: number): string | undefined {
    const info = this.#executor.inspect(blankMagics(code), cursor);
    return info ? loadTslab().printQuickInfo(info) : undefined;
  }

  isComplete(code: string): { completed: boolean; indent?: string } {
    return loadTslab().isCompleteCode(blankMagics(code));
  }

  close(): void {
    this.#executor.close();
  }

  async #runCode(code: string): Promise<CellOutcome> {
    this.#value = undefined;
    this.#diagnostics = [];
    this.#exception = undefined;
    const ok = await this.#executor.execute(expandShorthand(code));
    // Filled in by tslab's console callbacks during execute().
    const exception = this.#exception as { error: unknown } | undefined;
    const value = this.#value as { value: unknown } | undefined;
    if (this.#diagnostics.length > 0) {
      return { status: "error", error: compileErrorContent(this.#diagnostics) };
    }
    if (!ok || exception) {
      return { status: "error", error: this.#errorContent(exception?.error) };
    }
    return value
      ? { status: "ok", hasValue: true, value: value.value }
      : { status: "ok", hasValue: false };
  }

  #errorContent(e: unknown): ErrorContent {
    return exceptionErrorContent(e, { mapStack: (stack) => this.#locations.mapStack(stack) });
  }

  /** Settles like `work`, or rejects as interrupted when interrupt() comes first. */
  #raceInterrupt<T>(work: Promise<T>): Promise<T> {
    let reject: ((e: Error) => void) | undefined;
    const interrupted = new Promise<never>((_, r) => {
      reject = r;
      this.#interruptWaiters.add(r);
    });
    return Promise.race([work, interrupted]).finally(() => {
      if (reject) this.#interruptWaiters.delete(reject);
    });
  }

  #onError(args: unknown[]): void {
    if (args[0] === DIAGNOSTIC_FORMAT && args.length === 5) {
      this.#diagnostics.push({
        line: Number(args[2]),
        column: Number(args[3]),
        message: String(args[4]),
      });
      return;
    }
    this.#exception = { error: args[0] };
  }
}
