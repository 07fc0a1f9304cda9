/**
 * Loads prebuilt (federated) JupyterLab extensions the way a pip-installed JupyterLab does:
 * jupyterlab_server lists those found under `labextensions` in the Jupyter data paths in the
 * page config; each one's `remoteEntry` script registers a container on `window._JUPYTERLAB`,
 * which joins our shared-module scope and hands out its `./extension` and `./mimeExtension`.
 */
import { PageConfig, URLExt } from "@jupyterlab/coreutils";

/** One entry of the page config's `federated_extensions`. */
export interface FederatedExtension {
  name: string;
  load: string;
  extension?: string;
  mimeExtension?: string;
  style?: string;
}

interface Container {
  init(scope: unknown): Promise<void>;
  get(module: string): Promise<() => unknown>;
}

declare const __webpack_init_sharing__: (scope: string) => Promise<void>;
declare const __webpack_share_scopes__: { default: unknown };

function isFederatedExtension(x: unknown): x is FederatedExtension {
  if (typeof x !== "object" || x === null) return false;
  const e = x as Record<string, unknown>;
  return typeof e.name === "string" && typeof e.load === "string";
}

/** The federated extensions the server found (an empty list when there are none). */
export function federatedExtensions(): FederatedExtension[] {
  const raw = PageConfig.getOption("federated_extensions");
  if (!raw) return [];
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed.filter(isFederatedExtension) : [];
}

function loadScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`failed to load ${url}`));
    document.head.appendChild(script);
  });
}

async function container(ext: FederatedExtension): Promise<Container> {
  const base = PageConfig.getOption("fullLabextensionsUrl");
  await loadScript(URLExt.join(base, ext.name, ext.load));
  await __webpack_init_sharing__("default");
  const registry = (window as unknown as { _JUPYTERLAB: Record<string, Container> })._JUPYTERLAB;
  const c = registry[ext.name];
  if (!c) throw new Error(`${ext.name} did not register a module federation container`);
  await c.init(__webpack_share_scopes__.default);
  return c;
}

/** The modules of every federated extension, loaded; failures are logged and skipped. */
export async function loadFederated(exts: FederatedExtension[]): Promise<{
  extensions: unknown[];
  mimeExtensions: unknown[];
}> {
  const extensions: unknown[] = [];
  const mimeExtensions: unknown[] = [];
  await Promise.all(
    exts.map(async (ext) => {
      try {
        const c = await container(ext);
        if (ext.style) (await c.get(ext.style))();
        if (ext.extension) extensions.push((await c.get(ext.extension))());
        if (ext.mimeExtension) mimeExtensions.push((await c.get(ext.mimeExtension))());
      } catch (err) {
        console.error(`federated extension ${ext.name} failed to load`, err);
      }
    }),
  );
  return { extensions, mimeExtensions };
}
