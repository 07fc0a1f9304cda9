/**
 * Loads the parts of tslab 1.0.22 this kernel reuses: its TypeScript-to-JS cell converter and
 * its executor (top-level await, declarations carried from cell to cell, `breakOnSigint`).
 * These are tslab internals (`tslab/dist/*.js`), which is why tslab is pinned to exactly 1.0.22.
 *
 * tslab compiles cells with Node10 module resolution, which ignores package.json `exports`; the
 * public API is reached as `import * as da from "distarray"` (a self-reference through
 * `exports`), so the compiler options are switched to `Bundler` resolution here, before tslab
 * creates its compiler host.
 */
import { createRequire } from "node:module";

/** A TypeScript diagnostic as tslab reports it (zero-based line and character). */
export interface TslabDiagnostic {
  start: { offset: number; line: number; character: number };
  end: { offset: number; line: number; character: number };
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

export interface TslabCompletion {
  start: number;
  end: number;
  candidates: string[];
}

export interface TslabQuickInfo {
  displayParts?: { text: string }[];
  documentation?: { text: string }[];
  tags?: { name: string; text?: { text: string }[] }[];
}

export interface TslabConverter {
  convert(prevDecl: string, src: string): { output?: string };
  close(): void;
}

export interface TslabConverterSet {
  readonly node: TslabConverter;
  readonly browser: TslabConverter;
  close(): void;
}

/** What tslab's executor calls with the last value (`log`) and with diagnostics or errors. */
export interface TslabConsole {
  log(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  inspect(src: string, position: number): TslabQuickInfo | undefined;
  complete(src: string, position: number): TslabCompletion;
  readonly locals: Record<string, unknown>;
  reset(): void;
  interrupt(): void;
  close(): void;
}

/** The small part of tslab's TypeScript compiler API the kernel uses directly. */
export interface TsNode {
  kind: number;
  pos: number;
  end: number;
  name?: TsNode;
}

export interface TypeScriptApi {
  createSourceFile(
    fileName: string,
    text: string,
    target: number,
    setParentNodes: boolean,
    kind: number,
  ): TsNode;
  forEachChild(node: TsNode, visit: (child: TsNode) => void): void;
  SyntaxKind: { ShorthandPropertyAssignment: number };
  ScriptTarget: { Latest: number };
  ScriptKind: { TS: number };
}

/** What tslab's own display API (`import * as tslab from "tslab"`) publishes through. */
export type TslabDisplayWriter = (data: Record<string, unknown>, update: boolean) => void;

interface TslabModules {
  typescript: TypeScriptApi;
  /** Routes `tslab.display.*` from cells to this kernel. */
  setDisplayWriter(write: TslabDisplayWriter): void;
  createConverter(options: { isJS: boolean; isBrowser: boolean }): TslabConverter;
  createExecutor(rootDir: string, convs: TslabConverterSet, console: TslabConsole): TslabExecutor;
  isCompleteCode(code: string): { completed: boolean; indent?: string };
  printQuickInfo(info: TslabQuickInfo): string;
}

const BUNDLER_RESOLUTION = 100;
let loaded: TslabModules | undefined;

/** Loads (once) tslab's converter and executor with the resolution fix applied. */
export function loadTslab(): TslabModules {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const tslabDir = require.resolve("tslab/package.json").replace(/package\.json$/, "");
  const tsPath = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] });
  const ts = require(tsPath) as Record<string, unknown>;
  const createHost = ts.createWatchCompilerHost as (...args: unknown[]) => unknown;
  const transpile = ts.transpileModule as (input: string, options: object) => unknown;
  const patched: Record<string, unknown> = {
    ...ts,
    createWatchCompilerHost(files: unknown, options: Record<string, unknown>, ...rest: unknown[]) {
      return createHost(
        files,
        { ...options, moduleResolution: BUNDLER_RESOLUTION, inlineSourceMap: true },
        ...rest,
      );
    },
    // tslab's second step (ES module -> CommonJS) also keeps a map, for runtime error positions.
    transpileModule(input: string, options: { compilerOptions?: Record<string, unknown> }) {
      return transpile(input, {
        ...options,
        compilerOptions: { ...options.compilerOptions, inlineSourceMap: true },
      });
    },
  };
  const cached = require.cache[tsPath];
  if (!cached) throw new Error(`tslab's TypeScript was not loaded from ${tsPath}`);
  cached.exports = patched;
  const converter = require(`${tslabDir}dist/converter.js`) as Pick<
    TslabModules,
    "createConverter" | "isCompleteCode"
  >;
  const executor = require(`${tslabDir}dist/executor.js`) as Pick<TslabModules, "createExecutor">;
  const inspect = require(`${tslabDir}dist/inspect.js`) as Pick<TslabModules, "printQuickInfo">;
  const jupyter = require(`${tslabDir}dist/jupyter.js`) as {
    lastWriteDisplayData: TslabDisplayWriter | null;
  };
  loaded = {
    typescript: ts as unknown as TypeScriptApi,
    setDisplayWriter(write) {
      jupyter.lastWriteDisplayData = write;
    },
    createConverter: converter.createConverter,
    isCompleteCode: converter.isCompleteCode,
    createExecutor: executor.createExecutor,
    printQuickInfo: inspect.printQuickInfo,
  };
  return loaded;
}

/**
 * The converter pair tslab's executor expects, created lazily like tslab's own. `onOutput`
 * sees (and may replace) the compiled code of every cell before it runs.
 */
export function createConverterSet(
  options: { onOutput?: (output: string) => string } = {},
): TslabConverterSet {
  const { createConverter } = loadTslab();
  let node: TslabConverter | undefined;
  let browser: TslabConverter | undefined;
  const wrap = (conv: TslabConverter): TslabConverter => {
    const { onOutput } = options;
    if (!onOutput) return conv;
    return {
      convert(prevDecl, src) {
        const r = conv.convert(prevDecl, src);
        if (r.output !== undefined) r.output = onOutput(r.output);
        return r;
      },
      close: () => conv.close(),
      ...Object.fromEntries(Object.entries(conv).filter(([k]) => k !== "convert" && k !== "close")),
    };
  };
  return {
    get node() {
      node ??= wrap(createConverter({ isJS: false, isBrowser: false }));
      return node;
    },
    get browser() {
      browser ??= createConverter({ isJS: false, isBrowser: true });
      return browser;
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
}
