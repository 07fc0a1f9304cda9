// Test helpers for the JupyterLab app: a fresh server per suite (our Python launcher on a free
// 127.0.0.1 port, its own Jupyter data/runtime folders, notebooks in a folder inside the repo so
// the kernel finds node_modules) and headless Chromium through playwright-core.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type Browser, chromium, type Page } from "playwright-core";
import { repoRoot } from "../helpers/paths.js";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Where tests save screenshots (git-ignored). */
export const ARTIFACTS = join(repoRoot, "test-artifacts", "lab");
/** An error output (JupyterLab renders error and stderr outputs with this MIME type). */
const STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']";
/** Longest wait for the server to print its URL. */
export const SERVER_START_TIMEOUT_MS = 60_000;

export interface LabServer {
  /** e.g. http://127.0.0.1:40123 */
  base: string;
  token: string;
  /** The notebook folder the server serves. */
  root: string;
  pid: number;
  /** Stops the server (it shuts its kernels down) and removes its folders. */
  stop: () => Promise<void>;
}

export interface StartLabOptions {
  /** Folders put in front of the repo-local JUPYTER_PATH (e.g. one holding labextensions/). */
  jupyterPath?: string[];
}

/** Fails the suite early, with the fix, when the app has not been built. */
export function requireBuiltApp(): void {
  const bundle = join(repoRoot, "labextension", "app", "static", "bundle.js");
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  const spec = join(repoRoot, "build", "jupyter", "path", "kernels", "distarray", "kernel.json");
  if (!existsSync(spec)) throw new Error(`${spec} is missing: run \`npm run build\` first`);
}

/** Starts the app's server; resolves once it prints the URL it listens on. */
export async function startLab(options: StartLabOptions = {}): Promise<LabServer> {
  requireBuiltApp();
  const scratch = join(repoRoot, "build", "test-lab");
  mkdirSync(scratch, { recursive: true });
  const work = mkdtempSync(join(scratch, "run-"));
  const root = join(work, "notebooks");
  mkdirSync(root);
  // Render every cell (no windowing), so off-screen outputs exist in the page for the checks.
  const trackerSettings = join(
    work,
    "data",
    "lab",
    "user-settings",
    "@jupyterlab",
    "notebook-extension",
  );
  mkdirSync(trackerSettings, { recursive: true });
  writeFileSync(
    join(trackerSettings, "tracker.jupyterlab-settings"),
    JSON.stringify({ windowingMode: "none" }),
  );
  const jupyter = join(repoRoot, "build", "jupyter");
  const env = {
    ...process.env,
    JUPYTER_PATH: [...(options.jupyterPath ?? []), join(jupyter, "path")].join(":"),
    JUPYTER_CONFIG_DIR: join(work, "config"),
    JUPYTER_DATA_DIR: join(work, "data"),
    JUPYTER_RUNTIME_DIR: join(work, "runtime"),
    DISTARRAY_HOME: join(work, "distarray-home"),
  };
  const child: ChildProcess = spawn(
    "/usr/bin/python3",
    [join(repoRoot, "labextension", "app", "distarray_lab.py"), "--root", root],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`server printed no URL in ${SERVER_START_TIMEOUT_MS} ms:\n${log.join("\n")}`),
      );
    }, SERVER_START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const m = /^DistArray JupyterLab: (http:\/\/127\.0\.0\.1:\d+\/lab\?token=\w+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    createInterface({ input: child.stderr! }).on("line", (line) => log.push(line));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before printing its URL:\n${log.join("\n")}`));
    });
  });
  const parsed = new URL(url);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    base: parsed.origin,
    token: parsed.searchParams.get("token")!,
    root,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** A notebook for our kernel with the given code cells (no outputs). */
export function writeNotebook(path: string, cells: string[]): void {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: "distarray",
        display_name: "DistArray (TypeScript)",
        language: "typescript",
      },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
    },
    cells: cells.map((source, i) => ({
      cell_type: "code",
      id: `cell-${i}`,
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    })),
  };
  writeFileSync(path, JSON.stringify(nb, null, 1));
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Opens a notebook (with `?reset`, so no saved workspace interferes) and waits for the app. */
export async function openNotebook(browser: Browser, lab: LabServer, name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${lab.base}/lab/tree/${encodeURIComponent(name)}?reset&token=${lab.token}`);
  await page.waitForSelector("body[data-distarray-lab=ready]", {
    state: "attached",
    timeout: 60_000,
  });
  await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
  // Cells sent before the kernel has started can be lost: wait for "<kernel> | Idle".
  await page.waitForFunction(
    `[...document.querySelectorAll(".jp-StatusBar-TextItem")].some((e) => /\\| Idle$/.test(e.textContent))`,
    undefined,
    { timeout: 60_000 },
  );
  return page;
}

/** Runs every cell of the open notebook and waits until all have run (or one failed). */
export async function runAll(page: Page, cellCount: number, timeoutMs = 180_000): Promise<void> {
  await page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')");
  // Done when every code cell shows an execution count, or as soon as one shows an error.
  try {
    await page.waitForFunction(
      `[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
         .filter((p) => /\\[\\d+\\]/.test(p.textContent)).length >= ${cellCount}
       || document.querySelector(${JSON.stringify(STDERR)}) !== null`,
      undefined,
      { timeout: timeoutMs },
    );
  } catch (err) {
    await page.screenshot({ path: artifactPath("run-all-timeout.png"), fullPage: true });
    throw err;
  }
  const error = await page.$(STDERR);
  if (error) throw new Error(`a cell failed: ${await error.textContent()}`);
}

/** Evaluates `fn` (browser-side source text) on `arg` in the page. */
export function inPage<T>(page: Page, fn: string, arg: unknown = null): Promise<T> {
  return page.evaluate(`(${fn})(${JSON.stringify(arg)})`) as Promise<T>;
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/**
 * Runs `code` in the open notebook's kernel (outside any cell) and resolves to the
 * text/plain of its result ("" if none); rejects with the error's text if it fails.
 */
export async function kernelExec(page: Page, code: string): Promise<string> {
  const result = await inPage<{ ok: boolean; text: string }>(
    page,
    `async (code) => {
      const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const future = kernel.requestExecute({ code, stop_on_error: true });
      let text = "";
      let failure = null;
      future.onIOPub = (msg) => {
        const t = msg.header.msg_type;
        if (t === "execute_result") text = msg.content.data["text/plain"] ?? "";
        if (t === "error") failure = msg.content.ename + ": " + msg.content.evalue;
      };
      await future.done;
      return failure === null ? { ok: true, text } : { ok: false, text: failure };
    }`,
    code,
  );
  if (!result.ok) throw new Error(`kernel code failed: ${result.text}`);
  return result.text;
}
