/**
 * Static fallbacks for a process map, for places without our JupyterLab extension
 * (nbconvert, GitHub, nbviewer, a terminal): an SVG picture, an HTML block wrapping it with a
 * table of engine counts, and plain text. Pure string building: runs in Node without a
 * browser.
 *
 * Every cell is one `<rect class="da-cell">` filled with its engine's colour and carrying
 * `data-rank`/`data-target`, with a `<title>` that browsers show on hover. In a down-sampled
 * map a block with several owners is one `<g class="da-mixed">` instead: a small checker of
 * `<rect class="da-part">` squares, one in each owner's colour (see {@link mixedParts}).
 */
import {
  cellOwners,
  formatIndex,
  type ProcmapPanel,
  type ProcmapPayload,
  type ProcmapView,
} from "./procmap-schema.js";

/** Sizes used by the SVG layout, in SVG user units (pixels). */
export interface ProcmapSvgOptions {
  /** Width the global map aims for. Default 640. */
  width?: number;
  /** Smallest and largest cell side. Defaults 6 and 36. */
  minCell?: number;
  maxCell?: number;
  /** Cells smaller than this get no label. Default 14. */
  minLabelCell?: number;
  /** Whether to draw the global map (title, labels, legend, note). Default true. */
  global?: boolean;
  /** Whether to draw the local-array subfigures below the map. Default true. */
  locals?: boolean;
  /** Above this many cells in the picture, cells get no hover `<title>` (keeps files small). Default 2000. */
  maxTitledCells?: number;
}

const FONT = 'font-family="Liberation Sans, Arial, sans-serif"';
const PANEL_GAP = 16;

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * Where the parts of a mixed block sit inside its cell, as fractions of the cell side: the
 * cell is split into an m x m grid (m = ceil(sqrt(n))) and owner i takes the i-th square in
 * row-major order; two owners take the diagonal. Unused squares stay empty (background).
 */
export function mixedParts(n: number): { x: number; y: number; size: number }[] {
  const m = Math.ceil(Math.sqrt(n));
  const slots = n === 2 ? [0, 3] : Array.from({ length: n }, (_, i) => i);
  return slots.map((s) => ({ x: (s % m) / m, y: Math.floor(s / m) / m, size: 1 / m }));
}

/** `a to b` (inclusive), or just `a` for a block one index wide. */
function span(start: number, end: number): string {
  return end - start > 1 ? `${start} to ${end - 1}` : String(start);
}

/** Hover text of one cell, shared by the SVG fallback and the plotly renderer. */
export function cellHoverText(payload: ProcmapPayload, panel: ProcmapPanel, k: number): string {
  const rank = panel.rank[k]!;
  const element = [
    `index ${formatIndex(panel.index[k]!)}`,
    `owner rank ${rank}, engine ${payload.targets[rank]}`,
    `local index ${formatIndex(panel.localIndex[k]!)}`,
    ...(payload.labels === "values" ? [`value ${panel.label[k]}`] : []),
  ];
  if (!panel.blockOwners || !panel.rowEnds || !panel.colEnds) return element.join("\n");
  const nc = panel.cols.length;
  const i = Math.floor(k / nc);
  const j = k % nc;
  const owners = cellOwners(panel, k);
  const total = owners.reduce((a, o) => a + o.count, 0);
  const cols = span(panel.cols[j]!, panel.colEnds[j]!);
  const where =
    panel.index[k]!.length === 1
      ? `indices ${cols}`
      : `rows ${span(panel.rows[i]!, panel.rowEnds[i]!)}, columns ${cols}`;
  const who = (o: { rank: number }) => `engine ${payload.targets[o.rank]} (rank ${o.rank})`;
  return [
    `block of ${total} element${total === 1 ? "" : "s"}: ${where}`,
    ...(owners.length === 1
      ? [`all owned by ${who(owners[0]!)}`]
      : [`mixed block, ${owners.length} owners:`, ...owners.map((o) => `  ${who(o)}: ${o.count}`)]),
    "first element:",
    ...element.map((line) => `  ${line}`),
  ].join("\n");
}

interface Drawn {
  svg: string;
  width: number;
  height: number;
}

function drawView(
  payload: ProcmapPayload,
  view: ProcmapView,
  cell: number,
  labels: boolean,
  titles: boolean,
  x0: number,
  y0: number,
): Drawn {
  const parts: string[] = [];
  let x = x0;
  let height = 0;
  const titleH = view.panels.some((p) => p.title) ? 16 : 0;
  for (const panel of view.panels) {
    const nr = panel.rows.length;
    const nc = panel.cols.length;
    if (panel.title) {
      parts.push(
        `<text x="${x + (nc * cell) / 2}" y="${y0 + 12}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(panel.title)}</text>`,
      );
    }
    const top = y0 + titleH;
    for (let i = 0; i < nr; i++) {
      const row = payload.yflip ? nr - 1 - i : i;
      for (let j = 0; j < nc; j++) {
        const k = row * nc + j;
        const rank = panel.rank[k]!;
        const target = payload.targets[rank]!;
        const cx = x + j * cell;
        const cy = top + i * cell;
        const owners = cellOwners(panel, k);
        if (owners.length > 1) {
          const squares = mixedParts(owners.length).map((part, n) => {
            const t = payload.targets[owners[n]!.rank]!;
            return `<rect class="da-part" data-rank="${owners[n]!.rank}" data-target="${t}" x="${cx + part.x * cell}" y="${cy + part.y * cell}" width="${part.size * cell}" height="${part.size * cell}" fill="${payload.colors[t]}"/>`;
          });
          parts.push(
            `<g class="da-mixed" data-owners="${owners.map((o) => o.rank).join(" ")}" data-counts="${owners.map((o) => o.count).join(" ")}">${titles ? `<title>${escapeXml(cellHoverText(payload, panel, k))}</title>` : ""}<rect x="${cx}" y="${cy}" width="${cell}" height="${cell}" fill="white"/>${squares.join("")}</g>`,
          );
          continue;
        }
        parts.push(
          `<rect class="da-cell" data-rank="${rank}" data-target="${target}" x="${cx}" y="${cy}" width="${cell}" height="${cell}" fill="${payload.colors[target]}">${titles ? `<title>${escapeXml(cellHoverText(payload, panel, k))}</title>` : ""}</rect>`,
        );
        if (labels) {
          parts.push(
            `<text x="${cx + cell / 2}" y="${cy + cell / 2}" stroke="none" dominant-baseline="central" text-anchor="middle" font-size="${Math.max(8, Math.floor(cell * 0.36))}" fill="${payload.textColors[target]}" ${FONT}>${escapeXml(panel.label[k]!)}</text>`,
          );
        }
      }
    }
    x += nc * cell + PANEL_GAP;
    height = Math.max(height, titleH + nr * cell);
  }
  return { svg: parts.join(""), width: x - x0 - PANEL_GAP, height };
}

function viewCells(view: ProcmapView): { cols: number; rows: number } {
  return {
    cols: view.panels.reduce((a, p) => a + p.cols.length, 0),
    rows: Math.max(1, ...view.panels.map((p) => p.rows.length)),
  };
}

/** The SVG picture of a process map (global map, legend, note, then the local arrays). */
export function procmapToSvg(payload: ProcmapPayload, options: ProcmapSvgOptions = {}): string {
  const width = options.width ?? 640;
  const minCell = options.minCell ?? 6;
  const maxCell = options.maxCell ?? 36;
  const minLabel = options.minLabelCell ?? 14;
  const showLocals = options.locals ?? true;
  const countCells = (v: ProcmapView) => v.panels.reduce((a, p) => a + p.rank.length, 0);
  const totalCells =
    ((options.global ?? true) ? countCells(payload.global) : 0) +
    (showLocals ? payload.locals.reduce((a, l) => a + countCells(l), 0) : 0);
  const titles = totalCells <= (options.maxTitledCells ?? 2000);
  const { cols } = viewCells(payload.global);
  const gaps = (payload.global.panels.length - 1) * PANEL_GAP;
  const cell = Math.max(minCell, Math.min(maxCell, Math.floor((width - gaps) / Math.max(1, cols))));
  const labels = payload.cellLabel && cell >= minLabel;
  const parts: string[] = [];
  const left = payload.ylabel ? 28 : 8;
  let y = 8;
  let right = left;
  let mapWidth = 0;
  if (options.global ?? true) {
    if (payload.title) {
      y += 18;
      parts.push(
        `<text x="${left}" y="${y}" font-size="16" font-weight="bold" ${FONT}>${escapeXml(payload.title)}</text>`,
      );
      y += 8;
    }
    const xlabelOnTop = !payload.yflip;
    if (payload.xlabel && xlabelOnTop) {
      y += 14;
      parts.push(
        `<text x="${left}" y="${y}" font-size="12" ${FONT}>${escapeXml(payload.xlabel)}</text>`,
      );
      y += 6;
    }
    const map = drawView(payload, payload.global, cell, labels, titles, left, y);
    parts.push(`<g class="da-global" stroke="white" stroke-width="0.5">${map.svg}</g>`);
    if (payload.ylabel) {
      const cy = y + map.height / 2;
      parts.push(
        `<text x="16" y="${cy}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${cy})" ${FONT}>${escapeXml(payload.ylabel)}</text>`,
      );
    }
    right = left + map.width;
    mapWidth = map.width;
    y += map.height;
    if (payload.xlabel && !xlabelOnTop) {
      y += 16;
      parts.push(
        `<text x="${left}" y="${y}" font-size="12" ${FONT}>${escapeXml(payload.xlabel)}</text>`,
      );
    }
    if (payload.legend) {
      const lx = right + 24;
      let ly = y - map.height;
      parts.push(`<text x="${lx}" y="${ly + 12}" font-size="12" ${FONT}>Engine</text>`);
      for (const e of payload.engines) {
        ly += 18;
        parts.push(
          `<rect class="da-legend" x="${lx}" y="${ly}" width="14" height="14" fill="${payload.colors[e.target]}"/><text x="${lx + 20}" y="${ly + 11}" font-size="12" ${FONT}>${e.target}</text>`,
        );
      }
      right = lx + 60;
      y = Math.max(y, ly + 18);
    }
    if (payload.global.note) {
      y += 18;
      parts.push(
        `<text class="da-note" x="${left}" y="${y}" font-size="12" font-style="italic" ${FONT}>${escapeXml(payload.global.note)}</text>`,
      );
    }
  }
  if (showLocals && payload.locals.length > 0) {
    y += right > left ? 32 : 18;
    parts.push(
      `<text x="${left}" y="${y}" font-size="14" font-weight="bold" ${FONT}>Local Arrays</text>`,
    );
    y += 10;
    let x = left;
    let rowHeight = 0;
    const localCell = Math.min(cell, 28);
    const localLabels = payload.cellLabel && localCell >= minLabel;
    for (const local of payload.locals) {
      const { cols: lc } = viewCells(local);
      const w = lc * localCell + (local.panels.length - 1) * PANEL_GAP;
      if (x > left && x + w > left + Math.max(width, mapWidth)) {
        x = left;
        y += rowHeight + 28;
        rowHeight = 0;
      }
      const drawn = drawView(payload, local, localCell, localLabels, titles, x, y + 18);
      parts.push(
        `<g class="da-local" data-rank="${local.rank}" data-target="${local.target}" stroke="white" stroke-width="0.5"><text x="${x}" y="${y + 12}" font-size="12" stroke="none" ${FONT}>${escapeXml(local.title)}</text>${drawn.svg}</g>`,
      );
      if (local.note) {
        parts.push(
          `<text x="${x}" y="${y + 18 + drawn.height + 14}" font-size="10" font-style="italic" ${FONT}>${escapeXml(local.note)}</text>`,
        );
      }
      rowHeight = Math.max(rowHeight, 18 + drawn.height + (local.note ? 18 : 0));
      right = Math.max(right, x + drawn.width);
      x += Math.max(drawn.width, 90) + 24;
    }
    y += rowHeight;
  }
  const w = Math.ceil(right + 8);
  const h = Math.ceil(y + 8);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="da-procmap" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
}

/** One line per engine: `engine 2 (rank 2, Process (1, 0)): 12 elements, local shape (3, 4)`. */
function engineLines(payload: ProcmapPayload): string[] {
  return payload.engines.map(
    (e) =>
      `engine ${e.target} (rank ${e.rank}, Process (${e.coords.join(", ")})): ${e.localSize} elements, local shape ${formatIndex(e.localShape)}`,
  );
}

/** A short header naming shape, dists and grid. */
function header(payload: ProcmapPayload): string {
  const title = payload.title ? `${payload.title}: ` : "";
  return `${title}process map of shape ${formatIndex(payload.shape)}, dist (${payload.dist.map((d) => `'${d}'`).join(", ")}), grid ${formatIndex(payload.gridShape)}`;
}

/** HTML fallback: the SVG with a table of per-engine element counts. */
export function procmapToHtml(payload: ProcmapPayload, options: ProcmapSvgOptions = {}): string {
  const rows = payload.engines
    .map(
      (e) =>
        `<tr><td><span style="display:inline-block;width:10px;height:10px;background:${payload.colors[e.target]}"></span> ${e.target}</td><td>${e.rank}</td><td>(${e.coords.join(", ")})</td><td>${e.localSize}</td><td>${escapeXml(formatIndex(e.localShape))}</td></tr>`,
    )
    .join("");
  return `<div class="distarray-procmap"><p>${escapeXml(header(payload))}</p>${procmapToSvg(payload, options)}<table><thead><tr><th>engine</th><th>rank</th><th>coords</th><th>elements</th><th>local shape</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * Plain-text fallback: the owner engine of every drawn cell (`*` for a block with several
 * owners), then per-engine counts.
 */
export function procmapToText(payload: ProcmapPayload): string {
  const lines = [header(payload)];
  const width = Math.max(1, ...payload.targets.map((t) => String(t).length));
  let mixed = false;
  for (const panel of payload.global.panels) {
    if (panel.title) lines.push(panel.title);
    const nc = panel.cols.length;
    for (let i = 0; i < panel.rows.length; i++) {
      const row = payload.yflip ? panel.rows.length - 1 - i : i;
      const cells: string[] = [];
      for (let j = 0; j < nc; j++) {
        const k = row * nc + j;
        const several = cellOwners(panel, k).length > 1;
        mixed ||= several;
        cells.push((several ? "*" : String(payload.targets[panel.rank[k]!])).padStart(width));
      }
      lines.push(cells.join(" "));
    }
  }
  if (payload.global.note) lines.push(payload.global.note);
  if (mixed) lines.push("* = a block with several owners");
  lines.push(...engineLines(payload));
  return lines.join("\n");
}
