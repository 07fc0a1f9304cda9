/**
 * The standard ipywidgets controls we use (@jupyter-widgets/controls 2.0.0 models, as the
 * widget manager in our JupyterLab app renders them), plus our own process-map widget
 * (`ProcmapModel` in labextension/src/widget-plugin.ts). Each returns a WidgetModel whose
 * state keys are the ipywidgets trait names (`value`, `index`, `_options_labels`, ...).
 */
import type { ProcmapPayload } from "../plot/procmap-schema.js";
import { WidgetModel } from "./widget-model.js";

const BASE = "@jupyter-widgets/base";
const CONTROLS = "@jupyter-widgets/controls";
const WIDGETS_VERSION = "2.0.0";
/** Our widget module (the labextension package) and its version. */
export const DISTARRAY_WIDGET_MODULE = "@distarray/labextension";
export const DISTARRAY_WIDGET_VERSION = "0.1.0";

function spec(module: string, model: string, view: string | null, version = WIDGETS_VERSION) {
  return {
    _model_module: module,
    _model_module_version: version,
    _model_name: model,
    _view_module: view === null ? null : module,
    _view_module_version: view === null ? "" : version,
    _view_name: view,
  };
}

function layout(extra: Record<string, unknown> = {}): WidgetModel {
  return new WidgetModel({ ...spec(BASE, "LayoutModel", "LayoutView"), ...extra });
}

function descriptionStyle(): WidgetModel {
  return new WidgetModel({
    ...spec(CONTROLS, "DescriptionStyleModel", "StyleView"),
    _view_module: BASE,
    description_width: "",
  });
}

function control(
  model: string,
  view: string,
  state: Record<string, unknown>,
  options: { style?: WidgetModel; layout?: Record<string, unknown> } = {},
): WidgetModel {
  return new WidgetModel({
    ...spec(CONTROLS, model, view),
    layout: layout(options.layout).ref,
    ...(options.style ? { style: options.style.ref } : {}),
    ...state,
  });
}

/** A drop-down choice; `index` is the chosen position in `labels`. */
export function dropdown(o: { description: string; labels: string[]; index: number }) {
  return control(
    "DropdownModel",
    "DropdownView",
    { description: o.description, _options_labels: o.labels, index: o.index, disabled: false },
    { style: descriptionStyle(), layout: { width: "180px" } },
  );
}

/** An integer box limited to [min, max]. */
export function boundedIntText(o: {
  description: string;
  value: number;
  min: number;
  max: number;
}) {
  return control(
    "BoundedIntTextModel",
    "IntTextView",
    {
      description: o.description,
      value: o.value,
      min: o.min,
      max: o.max,
      step: 1,
      disabled: false,
    },
    { style: descriptionStyle(), layout: { width: "180px" } },
  );
}

/** A one-line text box. */
export function text(o: { description: string; value: string; placeholder?: string }) {
  return control(
    "TextModel",
    "TextView",
    {
      description: o.description,
      value: o.value,
      placeholder: o.placeholder ?? "",
      continuous_update: false,
      disabled: false,
    },
    { style: descriptionStyle(), layout: { width: "240px" } },
  );
}

/** A block of HTML. */
export function html(value: string): WidgetModel {
  const style = new WidgetModel({
    ...spec(CONTROLS, "HTMLStyleModel", "StyleView"),
    _view_module: BASE,
    description_width: "",
    font_size: null,
    text_color: null,
  });
  return control("HTMLModel", "HTMLView", { value, description: "", placeholder: "" }, { style });
}

/** A horizontal or vertical box of other widgets. */
export function box(kind: "HBox" | "VBox", children: WidgetModel[]): WidgetModel {
  return control(`${kind}Model`, `${kind}View`, {
    children: children.map((c) => c.ref),
    box_style: "",
  });
}

/** Our process-map widget: draws `payload` (or nothing for null) and redraws on change. */
export function procmap(payload: ProcmapPayload | null): WidgetModel {
  return new WidgetModel({
    ...spec(DISTARRAY_WIDGET_MODULE, "ProcmapModel", "ProcmapView", DISTARRAY_WIDGET_VERSION),
    layout: layout().ref,
    payload,
  });
}
