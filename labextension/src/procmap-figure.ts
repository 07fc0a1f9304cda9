/**
 * Turns a process-map view (global map or one local array) into a plotly figure.
 *
 * Each cell is a square scatter marker, one trace per engine, so the SVG plotly draws has
 * one `path.point` per cell filled with the engine's colour, and hover works per cell. In a
 * down-sampled map a block with several owners is drawn as smaller squares, one per owner in
 * that owner's trace and colour, laid out by `mixedParts` like the SVG fallback.
 * Panels (slices of a 3-d array) sit side by side on their own axes.
 */
import {
  cellOwners,
  type ProcmapPayload,
  type ProcmapView,
} from "@distarray/kernel/plot/procmap-schema";
import { cellHoverText, mixedParts } from "@distarray/kernel/plot/procmap-svg";
import type { PlotData, PlotLayout } from "plotly.js-dist-min";

/** Pixel sizes for a figure. */
export interface FigureSizes {
  /** Width the cells may take in total. */
  width: number;
  minCell: number;
  maxCell: number;
  /** Cells smaller than this get no text label. */
  minLabelCell: number;
}

export const DEFAULT_SIZES: FigureSizes = { width: 640, minCell: 6, maxCell: 40, minLabelCell: 16 };

const PANEL_GAP = 24;

export interface Figure {
  data: PlotData[];
  layout: PlotLayout;
  /** Side of one cell in pixels. */
  cell: number;
}

export interface FigureOptions {
  title: string;
  xlabel: string;
  ylabel: string;
  legend: boolean;
  sizes?: Partial<FigureSizes>;
  /** Title font size in pixels. Default 17. */
  titleSize?: number;
}

/** One marker: cell `k` whole, or (size < 1) one owner's part of it, at data position x, y. */
interface Marker {
  k: number;
  x: number;
  y: number;
  /** Side as a fraction of a cell. */
  size: number;
  /** Whether the cell's label goes on this marker. */
  label: boolean;
}

/** Builds the figure for `view` (the global map or a local array of `payload`). */
export function buildFigure(
  payload: ProcmapPayload,
  view: ProcmapView,
  options: FigureOptions,
): Figure {
  const sizes = { ...DEFAULT_SIZES, ...options.sizes };
  const panels = view.panels;
  const totalCols = panels.reduce((a, p) => a + p.cols.length, 0);
  const maxRows = Math.max(1, ...panels.map((p) => p.rows.length));
  const gaps = (panels.length - 1) * PANEL_GAP;
  const cell = Math.max(
    sizes.minCell,
    Math.min(sizes.maxCell, Math.floor((sizes.width - gaps) / Math.max(1, totalCols))),
  );
  const labels = payload.cellLabel && cell >= sizes.minLabelCell;
  const xOnTop = !payload.yflip;
  const hasPanelTitles = panels.some((p) => p.title);
  const margin = {
    l: options.ylabel ? 70 : 50,
    r: options.legend ? 110 : 20,
    t:
      (options.title ? 30 : 6) +
      (xOnTop ? 22 + (options.xlabel ? 20 : 0) : 0) +
      (hasPanelTitles ? 20 : 0),
    b: xOnTop ? 10 : 30 + (options.xlabel ? 20 : 0),
  };
  const plotW = totalCols * cell + gaps;
  // Tall enough for the legend (one row per engine) when there is one.
  const legendH = options.legend ? 40 + 30 * payload.engines.length : 0;
  const plotH = Math.max(maxRows * cell, legendH);
  const layout: PlotLayout = {
    width: plotW + margin.l + margin.r,
    height: plotH + margin.t + margin.b,
    margin: { ...margin, pad: 0 },
    showlegend: options.legend,
    legend: { title: { text: "Engine" }, x: 1, xanchor: "left", y: 1, itemclick: false },
    hovermode: "closest",
    plot_bgcolor: "white",
    paper_bgcolor: "white",
    annotations: [] as Record<string, unknown>[],
  };
  if (options.title) {
    layout.title = {
      text: options.title,
      font: { size: options.titleSize ?? 17 },
      x: 0,
      xanchor: "left",
      xref: "container",
      y: 1,
      yanchor: "top",
      yref: "container",
      pad: { t: 6, l: 4 },
    };
  }
  const data: PlotData[] = [];
  const seenInLegend = new Set<number>();
  let x0 = 0;
  panels.forEach((panel, pi) => {
    const suffix = pi === 0 ? "" : String(pi + 1);
    const nr = panel.rows.length;
    const nc = panel.cols.length;
    const w = nc * cell;
    const domainX = [x0 / plotW, (x0 + w) / plotW];
    const domainY = [1 - (nr * cell) / plotH, 1];
    x0 += w + PANEL_GAP;
    layout[`xaxis${suffix}`] = {
      domain: domainX,
      range: [-0.5, nc - 0.5],
      tickvals: panel.cols.map((_, j) => j),
      ticktext: panel.cols.map(String),
      side: xOnTop ? "top" : "bottom",
      showgrid: false,
      zeroline: false,
      fixedrange: true,
      title: pi === 0 && options.xlabel ? { text: options.xlabel } : undefined,
      anchor: `y${suffix}`,
    };
    layout[`yaxis${suffix}`] = {
      domain: domainY,
      range: payload.yflip ? [-0.5, nr - 0.5] : [nr - 0.5, -0.5],
      tickvals: panel.rows.map((_, i) => i),
      ticktext: panel.rows.map(String),
      showgrid: false,
      zeroline: false,
      fixedrange: true,
      title: pi === 0 && options.ylabel ? { text: options.ylabel } : undefined,
      anchor: `x${suffix}`,
    };
    if (panel.title) {
      (layout.annotations as Record<string, unknown>[]).push({
        text: panel.title,
        xref: `x${suffix} domain`,
        yref: `y${suffix} domain`,
        x: 0.5,
        y: 1,
        yshift: xOnTop ? 24 : 4,
        showarrow: false,
        yanchor: "bottom",
      });
    }
    // Markers by engine: a whole cell, or one owner's part of a mixed block.
    const byTarget = new Map<number, Marker[]>();
    const add = (target: number, m: Marker) => {
      const list = byTarget.get(target);
      if (list) list.push(m);
      else byTarget.set(target, [m]);
    };
    // A part's offset from the cell centre, in cells; rows grow downwards unless yflip.
    const down = payload.yflip ? -1 : 1;
    for (let k = 0; k < panel.rank.length; k++) {
      const x = k % nc;
      const y = Math.floor(k / nc);
      const owners = cellOwners(panel, k);
      if (owners.length === 1) {
        add(payload.targets[owners[0]!.rank]!, { k, x, y, size: 1, label: true });
        continue;
      }
      mixedParts(owners.length).forEach((part, n) => {
        add(payload.targets[owners[n]!.rank]!, {
          k,
          x: x + part.x + part.size / 2 - 0.5,
          y: y + down * (part.y + part.size / 2 - 0.5),
          size: part.size,
          label: false,
        });
      });
    }
    for (const [target, cells] of [...byTarget].sort((a, b) => a[0] - b[0])) {
      const showlegend = options.legend && !seenInLegend.has(target);
      seenInLegend.add(target);
      data.push({
        type: "scatter",
        mode: labels ? "markers+text" : "markers",
        name: `${target}`,
        legendgroup: `engine-${target}`,
        showlegend,
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        x: cells.map((m) => m.x),
        y: cells.map((m) => m.y),
        text: labels ? cells.map((m) => (m.label ? panel.label[m.k]! : "")) : undefined,
        textfont: { color: payload.textColors[target], size: Math.max(9, Math.floor(cell * 0.32)) },
        textposition: "middle center",
        hovertext: cells.map((m) => cellHoverText(payload, panel, m.k).replace(/\n/g, "<br>")),
        hovertemplate: "%{hovertext}<extra></extra>",
        marker: {
          symbol: "square",
          size: cells.map((m) => Math.max(2, m.size * cell - 2)),
          color: payload.colors[target],
          line: { width: 0 },
        },
        cliponaxis: false,
      });
    }
  });
  return { data, layout, cell };
}
