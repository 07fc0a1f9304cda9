/**
 * The display bundle of a DistArray: text/plain is its repr
 * (`<DistArray(shape=(4, 5), targets=[0, 1, 2, 3])>`); text/html summarises shape, dtype, the
 * dist of each axis, the process grid and the local shape held by each engine. Works by duck
 * typing (shape, dtype, targets, distribution), so it needs nothing from the DistArray class.
 */

/** The members of a DistArray (and its Distribution) the display reads. */
export interface DistArrayLike {
  shape: readonly number[];
  dtype: string;
  targets: readonly number[];
  distribution: {
    dist: readonly string[];
    gridShape: readonly number[];
    localShape?: (rank: number) => readonly number[];
  };
  toString(): string;
}

export function isDistArrayLike(v: unknown): v is DistArrayLike {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  const d = o.distribution as Record<string, unknown> | undefined;
  return (
    Array.isArray(o.shape) &&
    typeof o.dtype === "string" &&
    Array.isArray(o.targets) &&
    typeof d === "object" &&
    d !== null &&
    Array.isArray(d.dist) &&
    Array.isArray(d.gridShape)
  );
}

const DIST_NAMES: Record<string, string> = {
  b: "block",
  c: "cyclic",
  n: "not distributed",
  u: "unstructured",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `(4, 5)` as NumPy prints a shape (`(4,)` for one axis). */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function localShapes(a: DistArrayLike): (readonly number[] | undefined)[] {
  const { localShape } = a.distribution;
  return a.targets.map((_, rank) => {
    if (typeof localShape !== "function") return undefined;
    try {
      return localShape.call(a.distribution, rank);
    } catch {
      return undefined;
    }
  });
}

/** The text/plain and text/html bundle of a DistArray. */
export function distArrayBundle(a: DistArrayLike): Record<string, string> {
  const repr = a.toString();
  const dist = a.distribution.dist
    .map((d, axis) => `<td>${axis}: ${escapeHtml(d)} (${DIST_NAMES[d] ?? "?"})</td>`)
    .join("");
  const shapes = localShapes(a);
  const rows = a.targets
    .map((t, rank) => {
      const s = shapes[rank];
      return `<tr><td>${rank}</td><td>${t}</td><td>${s ? escapeHtml(shapeText(s)) : "?"}</td></tr>`;
    })
    .join("");
  const html =
    `<div class="distarray-summary"><b>${escapeHtml(repr)}</b>` +
    `<table><tr><th>shape</th><td>${escapeHtml(shapeText(a.shape))}</td></tr>` +
    `<tr><th>dtype</th><td>${escapeHtml(a.dtype)}</td></tr>` +
    `<tr><th>dist</th>${dist}</tr>` +
    `<tr><th>grid</th><td>${escapeHtml(shapeText(a.distribution.gridShape))}</td></tr></table>` +
    `<table><tr><th>rank</th><th>engine</th><th>local shape</th></tr>${rows}</table></div>`;
  return { "text/plain": repr, "text/html": html };
}
