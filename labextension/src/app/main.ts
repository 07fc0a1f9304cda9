/**
 * The JupyterLab application we serve: JupyterLab's core plugins that a notebook user needs,
 * the ipywidgets manager, our process-map renderer, and any federated extensions the server
 * lists (a federated `@distarray/labextension` replaces the bundled renderer).
 */
import { type JupyterFrontEndPlugin, JupyterLab } from "@jupyterlab/application";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { federatedExtensions, loadFederated } from "./federated.js";

const OUR_PACKAGE = "@distarray/labextension";

/** Plugins of a module: its default export, as one plugin or an array of them. */
function pluginsOf(mod: unknown): JupyterFrontEndPlugin<unknown>[] {
  const m = mod as { default?: unknown; __esModule?: boolean };
  const exported = m && typeof m === "object" && "default" in m ? m.default : mod;
  return (Array.isArray(exported) ? exported : [exported]) as JupyterFrontEndPlugin<unknown>[];
}

/** A mime extension module as JupyterLab takes it: `{default: extension or extensions}`. */
function mimeModule(mod: unknown): IRenderMime.IExtensionModule {
  const m = mod as { default?: unknown };
  return (
    m && typeof m === "object" && "default" in m ? m : { default: mod }
  ) as IRenderMime.IExtensionModule;
}

/** Drops plugins whose id contains one of `parts` (e.g. language-server hooks we do not ship). */
function without(parts: string[]) {
  return (mod: unknown) => pluginsOf(mod).filter((p) => !parts.some((s) => p.id.includes(s)));
}

async function main(): Promise<void> {
  await import("@distarray/lab-style");
  const federated = federatedExtensions();
  const ourFederated = federated.some((e) => e.name === OUR_PACKAGE);
  const core = await Promise.all([
    import("@jupyterlab/application-extension").then(pluginsOf),
    import("@jupyterlab/apputils-extension").then(without([":announcements"])),
    import("@jupyterlab/codemirror-extension").then(pluginsOf),
    import("@jupyterlab/completer-extension").then(pluginsOf),
    import("@jupyterlab/console-extension").then(pluginsOf),
    import("@jupyterlab/docmanager-extension").then(pluginsOf),
    import("@jupyterlab/documentsearch-extension").then(pluginsOf),
    import("@jupyterlab/filebrowser-extension").then(pluginsOf),
    import("@jupyterlab/fileeditor-extension").then(without([":language-server"])),
    import("@jupyterlab/launcher-extension").then(pluginsOf),
    import("@jupyterlab/mainmenu-extension").then(pluginsOf),
    import("@jupyterlab/markedparser-extension").then(pluginsOf),
    import("@jupyterlab/metadataform-extension").then(pluginsOf),
    import("@jupyterlab/notebook-extension").then(without([":language-server", ":toc"])),
    import("@jupyterlab/rendermime-extension").then(pluginsOf),
    import("@jupyterlab/running-extension").then(pluginsOf),
    import("@jupyterlab/shortcuts-extension").then(pluginsOf),
    import("@jupyterlab/statusbar-extension").then(pluginsOf),
    import("@jupyterlab/theme-light-extension").then(pluginsOf),
    import("@jupyterlab/tooltip-extension").then(pluginsOf),
    import("@jupyterlab/translation-extension").then(pluginsOf),
    import("@jupyterlab/ui-components-extension").then(pluginsOf),
    import("@jupyter-widgets/jupyterlab-manager").then(pluginsOf),
    ourFederated ? [] : import("../widget-plugin.js").then(pluginsOf),
  ]);
  const mimeExtensions: IRenderMime.IExtensionModule[] = [];
  if (!ourFederated) mimeExtensions.push(mimeModule(await import("../mime-extension.js")));
  const loaded = await loadFederated(federated);
  mimeExtensions.push(...loaded.mimeExtensions.map(mimeModule));
  const lab = new JupyterLab({ mimeExtensions });
  lab.registerPlugins(core.flat());
  lab.registerPlugins(loaded.extensions.flatMap(pluginsOf));
  // Exposed like JupyterLab's own builds do, so tests and power users can run commands.
  (window as unknown as { jupyterapp: JupyterLab }).jupyterapp = lab;
  await lab.start();
  await lab.restored;
  document.body.dataset.distarrayLab = "ready";
  document.body.dataset.procmapRenderer = ourFederated ? "federated" : "bundled";
}

if (document.readyState === "complete") void main();
else window.addEventListener("load", () => void main());
