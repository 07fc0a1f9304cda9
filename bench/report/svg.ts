/**
 * The SVG chart: (1) each target's score (achieved / required, log scale; 1 = just met) as
 * a bar, and (2) W8's time against size on log-log axes, with NumPy and the loop.
 */
import { sizeLabel } from "../options.js";
import type { BenchReport } from "../results.js";
import { formatMs } from "./format.js";

const WIDTH = 960;
const BAR_H = 22;
const LABEL_W = 430;
const PLOT_H = 320;
const COLORS = { met: "#2e7d32", notMet: "#c62828", na: "#9e9e9e", axis: "#444" };
const SERIES = [
  { key: "ours", label: "DistArray", color: "#1565c0" },
  { key: "numpy", label: "NumPy", color: "#ef6c00" },
  { key: "loop", label: "Float64Array loop", color: "#6a1b9a" },
] as const;

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
}

function scoreChart(report: BenchReport, top: number): { svg: string[]; height: number } {
  const out: string[] = [
    text(10, top + 16, "Targets: achieved / required (log scale, 1 = met)", 'font-weight="bold"'),
  ];
  const x0 = LABEL_W;
  const x1 = WIDTH - 80;
  const lo = -3;
  const hi = 1;
  const sx = (log10: number) =>
    x0 + ((Math.min(hi, Math.max(lo, log10)) - lo) / (hi - lo)) * (x1 - x0);
  let y = top + 30;
  for (const t of report.targets) {
    const color = t.met === null ? COLORS.na : t.met ? COLORS.met : COLORS.notMet;
    out.push(text(x0 - 8, y + 15, `${t.workload} ${t.target}`.slice(0, 72), 'text-anchor="end"'));
    if (t.score !== undefined && Number.isFinite(t.score) && t.score > 0) {
      const xs = sx(Math.log10(t.score));
      const xa = Math.min(sx(0), xs);
      out.push(
        `<rect x="${xa.toFixed(1)}" y="${y + 3}" width="${Math.abs(xs - sx(0)).toFixed(1)}" height="${BAR_H - 6}" fill="${color}"/>`,
        text(
          xs + (xs >= sx(0) ? 4 : -4),
          y + 15,
          `${t.score.toPrecision(2)}`,
          xs >= sx(0) ? "" : 'text-anchor="end"',
        ),
      );
    } else {
      out.push(
        text(
          sx(0) + 4,
          y + 15,
          t.met === null ? "n/a" : t.met ? "met" : "not met",
          `fill="${color}"`,
        ),
      );
    }
    y += BAR_H;
  }
  for (let p = lo; p <= hi; p++) {
    const x = sx(p);
    out.push(
      `<line x1="${x}" y1="${top + 28}" x2="${x}" y2="${y}" stroke="${COLORS.axis}" stroke-width="${p === 0 ? 1.5 : 0.3}"/>`,
      text(x, y + 14, `${10 ** p}`, 'text-anchor="middle"'),
    );
  }
  return { svg: out, height: y + 30 - top };
}

function scalingChart(report: BenchReport, top: number): { svg: string[]; height: number } {
  const s = report.scaling;
  if (!s || s.points.length < 2) return { svg: [], height: 0 };
  const series: Record<(typeof SERIES)[number]["key"], [number, number][]> = {
    ours: s.points.map((p) => [p.elements, p.time.median]),
    numpy: s.points.flatMap((p) => (p.numpyMs === undefined ? [] : [[p.elements, p.numpyMs]])),
    loop: s.points.flatMap((p) => (p.f64LoopMs === undefined ? [] : [[p.elements, p.f64LoopMs]])),
  };
  const all = Object.values(series).flat();
  const lx = all.map(([x]) => Math.log10(x));
  const ly = all.map(([, t]) => Math.log10(Math.max(t, 1e-4)));
  const [xmin, xmax] = [Math.min(...lx), Math.max(...lx)];
  const [ymin, ymax] = [Math.floor(Math.min(...ly)), Math.ceil(Math.max(...ly))];
  const x0 = 90;
  const x1 = WIDTH - 200;
  const y0 = top + 40;
  const y1 = y0 + PLOT_H;
  const px = (n: number) => x0 + ((Math.log10(n) - xmin) / (xmax - xmin || 1)) * (x1 - x0);
  const py = (ms: number) =>
    y1 - ((Math.log10(Math.max(ms, 1e-4)) - ymin) / (ymax - ymin || 1)) * (y1 - y0);
  const out: string[] = [
    text(
      10,
      top + 16,
      `W8: ${s.op} time against size, ${s.engines} engines (log-log)`,
      'font-weight="bold"',
    ),
    `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="${COLORS.axis}"/>`,
  ];
  for (let e = ymin; e <= ymax; e++) {
    const y = py(10 ** e);
    out.push(
      `<line x1="${x0}" y1="${y.toFixed(1)}" x2="${x1}" y2="${y.toFixed(1)}" stroke="#ddd"/>`,
      text(x0 - 6, y + 4, formatMs(10 ** e), 'text-anchor="end"'),
    );
  }
  for (const p of s.points) {
    out.push(text(px(p.elements), y1 + 16, sizeLabel(p.elements), 'text-anchor="middle"'));
  }
  SERIES.forEach((def, i) => {
    const pts = series[def.key];
    if (pts.length === 0) return;
    const d = pts.map(
      ([n, t], j) => `${j === 0 ? "M" : "L"}${px(n).toFixed(1)},${py(t).toFixed(1)}`,
    );
    out.push(`<path d="${d.join(" ")}" fill="none" stroke="${def.color}" stroke-width="2"/>`);
    for (const [n, t] of pts) {
      out.push(
        `<circle cx="${px(n).toFixed(1)}" cy="${py(t).toFixed(1)}" r="3" fill="${def.color}"/>`,
      );
    }
    out.push(
      `<line x1="${x1 + 15}" y1="${y0 + 10 + i * 20}" x2="${x1 + 40}" y2="${y0 + 10 + i * 20}" stroke="${def.color}" stroke-width="2"/>`,
      text(x1 + 46, y0 + 14 + i * 20, def.label),
    );
  });
  out.push(
    text(x0, y1 + 36, `${s.linear ? "linear" : "not linear"}: ${s.explanation}`.slice(0, 150)),
  );
  return { svg: out, height: y1 + 50 - top };
}

export function renderSvg(report: BenchReport): string {
  const scores = scoreChart(report, 10);
  const scaling = scalingChart(report, 10 + scores.height);
  const height = 20 + scores.height + scaling.height;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...scores.svg,
    ...scaling.svg,
    "</svg>",
    "",
  ].join("\n");
}
