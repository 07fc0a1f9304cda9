/**
 * `da.plotArrayDistribution(a, opts)`: DistArray's `plot_array_distribution`
 * (dist/plotting.py, REFERENCE section 9) for TypeScript. It resolves to the
 * process-assignment DistArray (every element is the rank that owns it, laid out like `a`);
 * in the Jupyter kernel it displays the process map with the local-array subfigures (our MIME
 * type plus SVG, HTML and text fallbacks), and it writes `globalPlotFilename` /
 * `localPlotFilename` wherever it runs (HTML or SVG, chosen by the file's extension).
 */
import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { DistArrayError, type Distribution, NDArray } from "@distarray/engines/core";
import { DistArray } from "../distarray.js";
import { displayBundle, inKernel } from "../jupyter/api.js";
import { procmapBundle } from "./procmap-bundle.js";
import { computeProcmapPayload } from "./procmap-payload.js";
import type { ProcmapPayload } from "./procmap-schema.js";
import { escapeXml, procmapToHtml, procmapToSvg } from "./procmap-svg.js";

/** Arrays with more elements than this are labelled with owner ranks instead of values. */
export const DEFAULT_MAX_VALUE_FETCH = 1_000_000;

/** Options of `plotArrayDistribution` (DistArray's `plot_array_distribution` keywords, camelCased). */
export interface PlotArrayDistributionOptions {
  /** Figure title. */
  title?: string;
  /** Label of the x axis (columns). */
  xlabel?: string;
  /** Label of the y axis (rows). */
  ylabel?: string;
  /** Row 0 at the bottom (DistArray's `yflip`). Default false. */
  yflip?: boolean;
  /** Label each cell with its value. Default true. */
  cellLabel?: boolean;
  /** Show the engine colour legend. Default false. */
  legend?: boolean;
  /** Write the global map here (`.svg` or `.html`). */
  globalPlotFilename?: string;
  /** Write the local-array subfigures here (`.svg` or `.html`). */
  localPlotFilename?: string;
  /** Fetch values for cell labels only up to this many elements. Default 1,000,000. */
  maxValueFetch?: number;
  /** Cells per panel before down-sampling (see computeProcmapPayload). */
  maxCells?: number;
  /** Display in the kernel (default: when running in one). */
  display?: boolean;
}

const STRING_OPTIONS = [
  "title",
  "xlabel",
  "ylabel",
  "globalPlotFilename",
  "localPlotFilename",
] as const;
const BOOLEAN_OPTIONS = ["yflip", "cellLabel", "legend", "display"] as const;

function checkOptions(options: PlotArrayDistributionOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("plotArrayDistribution options must be an object");
  }
  for (const key of STRING_OPTIONS) {
    if (options[key] !== undefined && typeof options[key] !== "string") {
      throw new TypeError(`plotArrayDistribution option ${key} must be a string`);
    }
  }
  for (const key of BOOLEAN_OPTIONS) {
    if (options[key] !== undefined && typeof options[key] !== "boolean") {
      throw new TypeError(`plotArrayDistribution option ${key} must be a boolean`);
    }
  }
  for (const name of [options.globalPlotFilename, options.localPlotFilename]) {
    if (name !== undefined && !/^\.(svg|html?)$/i.test(extname(name))) {
      throw new DistArrayError(`plot file names must end in .svg or .html; got ${name}`, {
        code: "DA_ERR_VALUE",
      });
    }
  }
}

/**
 * The owner rank of every element of a distribution as an int32 NDArray (C order), computed
 * on the client (plotArrayDistribution computes the same on the engines). Each rank's
 * elements are found from its own global indices, so every element is visited once.
 */
export function processAssignment(distribution: Distribution): NDArray {
  const shape = [...distribution.shape];
  const out = NDArray.zeros(shape, { dtype: "int32" });
  const data = out.data as Int32Array;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  for (let rank = 0; rank < distribution.targets.length; rank++) {
    const local = distribution.forRank(rank);
    const axes = shape.map((_, d) => local.globalIndices(d));
    if (axes.some((ix) => ix.length === 0)) continue;
    const fill = (d: number, offset: number): void => {
      if (d === shape.length) {
        data[offset] = rank;
        return;
      }
      for (const g of axes[d]!) fill(d + 1, offset + g * strides[d]!);
    };
    fill(0, 0);
  }
  return out;
}

/**
 * Runs on each engine (as source text; `da` there is the engine's core module): a LocalArray
 * laid out like the argument's piece, every element the piece's rank in the process grid.
 */
const ASSIGNMENT_SOURCE = `(local) => da.LocalArray.fromFunction(
  () => local.distribution.rank, local.distribution, { dtype: "int32" })`;

/**
 * The process-assignment DistArray, computed where the data lives: each engine fills its own
 * piece with its rank in `a`'s process grid (nothing travels but the function's source).
 */
async function engineAssignment(a: DistArray): Promise<DistArray> {
  const result = await a.context.apply(ASSIGNMENT_SOURCE, [a], { targets: a.targets });
  if (!(result instanceof DistArray)) {
    throw new DistArrayError("engines did not return the process assignment as a DistArray", {
      code: "DA_ERR_ENGINE",
    });
  }
  return result;
}

function htmlPage(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title></head><body>${body}</body></html>\n`;
}

async function writePlot(file: string, payload: ProcmapPayload, part: "global" | "locals") {
  const opts = { global: part === "global", locals: part === "locals" };
  const isSvg = extname(file).toLowerCase() === ".svg";
  const text = isSvg
    ? procmapToSvg(payload, opts)
    : htmlPage(payload.title || "Process map", procmapToHtml(payload, opts));
  await writeFile(file, text);
}

/**
 * Plots how `a` is laid out over the engines. Resolves to the process-assignment DistArray.
 *
 * Throws TypeError for options of the wrong type and DistArrayError (DA_ERR_VALUE) for a
 * file name that is neither `.svg` nor `.html`.
 */
export async function plotArrayDistribution(
  a: DistArray,
  options: PlotArrayDistributionOptions = {},
): Promise<DistArray> {
  checkOptions(options);
  const distribution = a.distribution;
  const ctx = a.context;
  const assignment = await engineAssignment(a);
  const maxFetch = options.maxValueFetch ?? DEFAULT_MAX_VALUE_FETCH;
  const values = a.size <= maxFetch ? await a.toArray() : undefined;
  const payload = computeProcmapPayload(distribution, {
    ...(values ? { values } : {}),
    title: options.title ?? "",
    xlabel: options.xlabel ?? "",
    ylabel: options.ylabel ?? "",
    yflip: options.yflip ?? false,
    cellLabel: options.cellLabel ?? true,
    legend: options.legend ?? false,
    engineCount: Math.max(...ctx.targets, ...distribution.targets) + 1,
    ...(options.maxCells !== undefined ? { maxCells: options.maxCells } : {}),
  });
  if (options.display ?? inKernel()) displayBundle(procmapBundle(payload));
  const writes: Promise<void>[] = [];
  if (options.globalPlotFilename) {
    writes.push(writePlot(options.globalPlotFilename, payload, "global"));
  }
  if (options.localPlotFilename) {
    writes.push(writePlot(options.localPlotFilename, payload, "locals"));
  }
  await Promise.all(writes);
  return assignment;
}
