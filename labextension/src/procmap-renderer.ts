/**
 * The JupyterLab renderer for `application/vnd.distarray.procmap.v1+json`: the global process
 * map and one subfigure per non-empty engine, drawn with plotly.
 */
import {
  PROCMAP_MIME,
  type ProcmapPayload,
  procmapPayloadProblem,
} from "@distarray/kernel/plot/procmap-schema";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import Plotly from "plotly.js-dist-min";
import { buildFigure } from "./procmap-figure.js";

const PLOT_CONFIG = { displaylogo: false, responsive: false, modeBarButtons: [["toImage"]] };

/** Where this copy of the renderer was built: bundled into our app, or a federated extension. */
declare const DISTARRAY_RENDERER_ORIGIN: string | undefined;
const ORIGIN =
  typeof DISTARRAY_RENDERER_ORIGIN === "string" ? DISTARRAY_RENDERER_ORIGIN : "federated";

/**
 * Draws a payload into `host` (replacing what is there). Resolves once plotly has drawn every
 * figure. Throws nothing for a bad payload: it shows the problem instead.
 */
export async function renderProcmap(host: HTMLElement, data: unknown): Promise<void> {
  for (const el of host.querySelectorAll<HTMLElement>(".js-plotly-plot")) Plotly.purge(el);
  host.replaceChildren();
  delete host.dataset.rendered;
  host.classList.add("da-procmap");
  host.dataset.origin = ORIGIN;
  const problem = procmapPayloadProblem(data);
  if (problem) {
    const err = document.createElement("pre");
    err.className = "da-procmap-error";
    err.textContent = `Cannot draw this process map: ${problem}`;
    host.append(err);
    return;
  }
  const payload = data as ProcmapPayload;
  host.dataset.shape = payload.shape.join(",");
  const global = document.createElement("div");
  global.className = "da-procmap-global";
  host.append(global);
  const drawn: Promise<unknown>[] = [];
  const fig = buildFigure(payload, payload.global, {
    title: payload.title,
    xlabel: payload.xlabel,
    ylabel: payload.ylabel,
    legend: payload.legend,
  });
  drawn.push(Plotly.newPlot(global, fig.data, fig.layout, PLOT_CONFIG));
  if (payload.global.note) {
    const note = document.createElement("p");
    note.className = "da-procmap-note";
    note.textContent = payload.global.note;
    host.append(note);
  }
  if (payload.locals.length > 0) {
    const heading = document.createElement("h4");
    heading.className = "da-procmap-locals-title";
    heading.textContent = "Local Arrays";
    const grid = document.createElement("div");
    grid.className = "da-procmap-locals";
    host.append(heading, grid);
    for (const local of payload.locals) {
      const cellDiv = document.createElement("div");
      cellDiv.className = "da-procmap-local";
      cellDiv.dataset.rank = String(local.rank);
      cellDiv.dataset.target = String(local.target);
      grid.append(cellDiv);
      const lf = buildFigure(payload, local, {
        title: local.title,
        xlabel: "",
        ylabel: "",
        legend: false,
        titleSize: 14,
        sizes: { width: 260, maxCell: Math.min(32, fig.cell) },
      });
      drawn.push(Plotly.newPlot(cellDiv, lf.data, lf.layout, PLOT_CONFIG));
      if (local.note) {
        const note = document.createElement("p");
        note.className = "da-procmap-note";
        note.textContent = local.note;
        cellDiv.append(note);
      }
    }
  }
  await Promise.all(drawn);
  host.dataset.rendered = "true";
}

/** A rendermime renderer widget for process maps. */
export class ProcmapRenderer extends Widget implements IRenderMime.IRenderer {
  readonly #mimeType: string;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.#mimeType = options.mimeType;
    this.addClass("da-procmap-output");
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    return renderProcmap(this.node, model.data[this.#mimeType]);
  }

  protected override onBeforeDetach(): void {
    for (const el of this.node.querySelectorAll<HTMLElement>(".js-plotly-plot")) Plotly.purge(el);
  }
}

/** The renderer factory: safe (no script), for our MIME type only. */
export const procmapRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PROCMAP_MIME],
  defaultRank: 0,
  createRenderer: (options) => new ProcmapRenderer(options),
};

/** The mime extension: registers the factory with rendermime. */
export const procmapExtension: IRenderMime.IExtension = {
  id: "@distarray/labextension:procmap",
  rendererFactory: procmapRendererFactory,
  rank: 0,
  dataType: "json",
};
