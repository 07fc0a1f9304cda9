/**
 * Our ipywidgets module: `ProcmapModel`/`ProcmapView`, a widget whose `payload` trait is a
 * process-map payload (procmap-schema.ts), redrawn whenever the kernel changes it. The
 * distribution explorer uses it for its live map.
 */

import { DOMWidgetModel, DOMWidgetView, IJupyterWidgetRegistry } from "@jupyter-widgets/base";
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { renderProcmap } from "./procmap-renderer.js";

/** The widget module name and version the kernel puts in `_model_module(_version)`. */
export const WIDGET_MODULE = "@distarray/labextension";
export const WIDGET_MODULE_VERSION = "0.1.0";

export class ProcmapModel extends DOMWidgetModel {
  override defaults() {
    return {
      ...super.defaults(),
      _model_name: "ProcmapModel",
      _model_module: WIDGET_MODULE,
      _model_module_version: WIDGET_MODULE_VERSION,
      _view_name: "ProcmapView",
      _view_module: WIDGET_MODULE,
      _view_module_version: WIDGET_MODULE_VERSION,
      payload: null,
    };
  }
}

export class ProcmapView extends DOMWidgetView {
  override render(): void {
    this.el.classList.add("da-procmap-widget");
    this.listenTo(this.model, "change:payload", () => this.#draw());
    this.#draw();
  }

  #draw(): void {
    const payload: unknown = this.model.get("payload");
    if (payload === null) {
      this.el.replaceChildren();
      return;
    }
    void renderProcmap(this.el, payload);
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: "@distarray/labextension:widgets",
  description: "Registers the DistArray process-map widget with the widget manager.",
  autoStart: true,
  requires: [IJupyterWidgetRegistry],
  activate: (_app: JupyterFrontEnd, registry: IJupyterWidgetRegistry) => {
    registry.registerWidget({
      name: WIDGET_MODULE,
      version: WIDGET_MODULE_VERSION,
      exports: { ProcmapModel, ProcmapView },
    });
  },
};

export default plugin;
