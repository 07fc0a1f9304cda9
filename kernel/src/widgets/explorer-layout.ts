/**
 * What the distribution explorer shows for one setting of its controls: the Distribution,
 * the process-map payload, per-engine element counts and the load imbalance. Pure: no
 * engines and no kernel; the widget (distribution-explorer.ts) only wires controls to it.
 */
import { type AxisDist, DistArrayError, Distribution } from "@distarray/engines/core";
import { computeProcmapPayload } from "../plot/procmap-payload.js";
import type { ProcmapPayload } from "../plot/procmap-schema.js";

/** The per-axis choices the explorer offers, in drop-down order. */
export const AXIS_CHOICES = ["b", "c", "block-cyclic", "n"] as const;
/** One axis's choice in the explorer: `b`, `c`, `block-cyclic` or `n`. */
export type AxisChoice = (typeof AXIS_CHOICES)[number];

/** The explorer's setting for one axis. */
export interface AxisSetting {
  /** The dist type chosen for the axis. */
  dist: AxisChoice;
  /** Block size for `block-cyclic` (ignored otherwise). */
  blockSize: number;
}

/** The whole setting of the explorer's controls. */
export interface ExplorerSetting {
  /** Shape of the array. */
  shape: number[];
  /** Number of engines to lay it out on. */
  engines: number;
  /** One setting per axis. */
  axes: AxisSetting[];
  /** An explicit process grid, or null to let `makeGridShape` choose. */
  gridShape: number[] | null;
}

/** How many elements one engine holds. */
export interface EngineCount {
  /** The engine's target number. */
  target: number;
  /** Elements it holds. */
  elements: number;
}

/** What the explorer computed for a setting: the distribution, its process map and the balance. */
export interface ExplorerLayout {
  /** The distribution of the setting. */
  distribution: Distribution;
  /** The process map drawn for it. */
  payload: ProcmapPayload;
  /** Elements held by every engine 0..engines-1 (0 for an engine the array does not use). */
  counts: EngineCount[];
  /** max(count) / (size / engines): 1 is perfectly balanced. */
  imbalance: number;
}

/** The DAP spec of one axis setting. */
export function axisDist(a: AxisSetting): AxisDist {
  if (a.dist === "block-cyclic") return { dist_type: "c", block_size: a.blockSize };
  return a.dist;
}

/**
 * Lays out `shape` on `engines` engines as the setting says.
 * Throws the Distribution's own errors (e.g. GridShapeError) for impossible settings.
 */
export function explorerLayout(s: ExplorerSetting): ExplorerLayout {
  if (!Number.isInteger(s.engines) || s.engines < 1) {
    throw new DistArrayError(`engines must be a positive integer; got ${s.engines}`, {
      code: "DA_ERR_VALUE",
    });
  }
  const targets = Array.from({ length: s.engines }, (_, i) => i);
  const distribution = Distribution.fromShape({ targets }, s.shape, {
    dist: s.axes.map(axisDist),
    ...(s.gridShape ? { gridShape: s.gridShape } : {}),
  });
  // The explorer shows the global map only: the counts table stands in for the subfigures.
  const payload = {
    ...computeProcmapPayload(distribution, { engineCount: s.engines, legend: true }),
    locals: [],
  };
  const held = new Map(payload.engines.map((e) => [e.target, e.localSize]));
  const counts = targets.map((target) => ({ target, elements: held.get(target) ?? 0 }));
  const size = s.shape.reduce((a, b) => a * b, 1);
  const max = Math.max(...counts.map((c) => c.elements));
  const imbalance = size === 0 ? 1 : max / (size / s.engines);
  return { distribution, payload, counts, imbalance };
}

/** The counts table and imbalance line as HTML (what the explorer's stats panel shows). */
export function explorerStatsHtml(layout: ExplorerLayout): string {
  const rows = layout.counts
    .map(
      (c) =>
        `<tr data-target="${c.target}"><td>${c.target}</td><td class="da-count">${c.elements}</td></tr>`,
    )
    .join("");
  const d = layout.distribution;
  return `<div class="da-explorer-stats"><p>grid (${d.gridShape.join(", ")}), dist (${d.dist.map((x) => `'${x}'`).join(", ")})</p><table><thead><tr><th>engine</th><th>elements</th></tr></thead><tbody>${rows}</tbody></table><p class="da-imbalance">load imbalance (max / mean): <b>${layout.imbalance.toFixed(2)}</b></p></div>`;
}
