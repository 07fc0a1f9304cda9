/**
 * Dist specifications and process-grid shapes: `normalizeDist`, `makeGridShape`,
 * `normalizeGridShape`, and the C-order rank <-> grid coordinate helpers.
 *
 * Follows DistArray's `metadata_utils.py` (normalize_dist, make_grid_shape,
 * normalize_grid_shape) and `utils.py` (mult_partitions, mirror_sort), taking the
 * v0.4+ behaviour where versions differ: a single distributed axis gets
 * `min(commSize, shape[d])` processes, and a grid may use fewer processes than
 * there are engines (only a grid needing more is an error).
 */
import { DistArrayError, GridShapeError, IndexError, InvalidGridShapeError } from "./errors.js";
import { checkCount, checkShape, describe, fmtShape, product } from "./maps-util.js";

/** `'b'` block, `'c'` cyclic (block-cyclic with a block size > 1), `'n'` not distributed, `'u'` unstructured. */
export type DistType = "b" | "c" | "n" | "u";

/** The four dist type characters. */
export const DIST_TYPES: readonly DistType[] = Object.freeze(["b", "c", "n", "u"]);

/** One axis of a dist given as an object: `{dist_type: 'c', block_size: 4}` is block-cyclic. */
export interface AxisDistSpec {
  readonly dist_type: DistType;
  readonly block_size?: number;
}

/** One axis of a dist: a dist type character or an {@link AxisDistSpec}. */
export type AxisDist = DistType | AxisDistSpec;

/**
 * A dist as users write it: a string (`'bc'`, one character per axis), an array
 * (`['b', 'c']`), or a per-axis object (`{0: 'b', 3: 'c'}`; missing axes are `'n'`).
 */
export type DistSpec = string | readonly AxisDist[] | { readonly [axis: number]: AxisDist };

/** True if `x` is one of the four dist type characters. */
export function isDistType(x: unknown): x is DistType {
  return x === "b" || x === "c" || x === "n" || x === "u";
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function isAxisSpecObject(x: unknown): x is AxisDistSpec {
  return isPlainObject(x) && Object.hasOwn(x, "dist_type");
}

/**
 * Per-axis specs of a dist, padded with `'n'` to `ndim` (a longer dist is kept
 * whole, as DistArray does). Entries are not checked against the four dist types
 * here; building a distribution does that.
 *
 * @throws TypeError if `dist` is not a string, array or object, or an entry is
 *   neither a string nor an axis object.
 */
export function normalizeDistSpecs(dist: unknown, ndim: number): AxisDist[] {
  checkCount(ndim, "ndim");
  let entries: unknown[];
  if (typeof dist === "string") {
    entries = [...dist];
  } else if (Array.isArray(dist)) {
    entries = [...dist];
  } else if (isAxisSpecObject(dist)) {
    // A single axis object stands for a 1-entry dist: {dist_type: 'c', block_size: 2}.
    entries = [dist];
  } else if (isPlainObject(dist)) {
    // normalize_dist: tuple(dist.get(i, 'n') for i in range(ndim)); other keys ignored.
    entries = [];
    for (let i = 0; i < ndim; i++) entries.push(Object.hasOwn(dist, String(i)) ? dist[i] : "n");
  } else {
    throw new TypeError(
      `dist must be a string, an array or a per-axis object; got ${describe(dist)}`,
    );
  }
  for (const e of entries) {
    if (typeof e !== "string" && !isAxisSpecObject(e)) {
      throw new TypeError(`each dist entry must be a string or {dist_type}; got ${describe(e)}`);
    }
  }
  while (entries.length < ndim) entries.push("n");
  return entries as AxisDist[];
}

/**
 * DistArray's `normalize_dist(dist, ndim)`: one dist type per axis, padded with
 * `'n'` to `ndim`. A string is split into characters (`'bnc'` -> `['b','n','c']`),
 * a per-axis object gives `'n'` for missing axes (`{0:'b', 3:'c'}`, 4 ->
 * `['b','n','n','c']`; keys >= ndim are ignored), and a longer array is returned
 * whole. Axis objects (`{dist_type: 'c', block_size: 4}`) give their `dist_type`.
 * Unknown characters are passed through; building a distribution rejects them
 * with `DA_ERR_DIST_TYPE`.
 *
 * @throws TypeError for anything but a string, an array or an object.
 */
export function normalizeDist(dist: unknown, ndim: number): DistType[] {
  return normalizeDistSpecs(dist, ndim).map((e) =>
    typeof e === "string" ? e : e.dist_type,
  ) as DistType[];
}

/**
 * Checks that every entry of a normalized dist is a known dist type.
 *
 * @throws DistArrayError `DA_ERR_DIST_TYPE` naming the first unknown entry.
 */
export function checkDistTypes(dist: readonly unknown[]): asserts dist is DistType[] {
  dist.forEach((d, axis) => {
    if (!isDistType(d)) {
      throw new DistArrayError(
        `dist type must be one of 'b', 'c', 'n', 'u'; axis ${axis} has ${describe(d)}`,
        { code: "DA_ERR_DIST_TYPE" },
      );
    }
  });
}

/**
 * The multiplicative partitions of `n` into `s` factors, including factors of 1,
 * in DistArray's order (`utils.mult_partitions`, whose recursion this follows):
 * `multPartitions(12, 2)` = `[[1,12],[2,6],[3,4]]`, `multPartitions(0, 2)` = `[]`.
 */
export function multPartitions(n: number, s: number): number[][] {
  checkCount(n, "n");
  if (!Number.isInteger(s) || s < 1) {
    throw new DistArrayError(`partition length must be an integer >= 1; got ${s}`, {
      code: "DA_ERR_VALUE",
    });
  }
  return multPartitionsFrom(n, s, 0);
}

// mult_partitions_recurs(n, s, pd): divisors d of n in (pd, floor(sqrt(n))], each
// followed by the partitions of n/d into s-1 factors with divisors above the
// previous d (DistArray updates `pd` after each divisor, and so do we).
function multPartitionsFrom(n: number, s: number, pd: number): number[][] {
  if (s === 1) return [[n]];
  const out: number[][] = [];
  const dmax = Math.floor(Math.sqrt(n));
  for (let d = pd + 1; d <= dmax; d++) {
    if (n % d !== 0) continue;
    for (const rest of multPartitionsFrom(n / d, s - 1, pd)) out.push([d, ...rest]);
    pd = d;
  }
  return out;
}

/**
 * DistArray's `utils.mirror_sort(seq, refSeq)`: places the k-th entry of `seq`
 * (sorted ascending) where `refSeq` has its k-th smallest value; ties in `refSeq`
 * keep their order. `mirrorSort([1,4], [9,5])` = `[4,1]`.
 */
export function mirrorSort(seq: readonly number[], refSeq: readonly number[]): number[] {
  if (seq.length !== refSeq.length) {
    throw new DistArrayError(
      `mirrorSort needs sequences of equal length; got ${seq.length} and ${refSeq.length}`,
      { code: "DA_ERR_VALUE" },
    );
  }
  const order = refSeq.map((v, i) => [i, v] as const).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const out = new Array<number>(seq.length).fill(0);
  order.forEach(([i], k) => {
    out[i] = seq[k]!;
  });
  return out;
}

// _compute_grid_ratios: s[i] / s[j] for every i < j, in row-major pair order.
function gridRatios(s: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    for (let j = i + 1; j < s.length; j++) out.push(s[i]! / s[j]!);
  }
  return out;
}

// numpy.linalg.norm(a - b, 2) of 1-d vectors: sqrt(dot(d, d)).
function ratioDistance(a: readonly number[], b: readonly number[]): number {
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sq += d * d;
  }
  return Math.sqrt(sq);
}

// The factorisation of `comm` over the distributed axes whose ratios best match the
// axis lengths' ratios (first minimum wins, as numpy.argmin), among those that give
// no axis more processes than it has elements (v0.4+ check_grid_shape_postconditions,
// which ignores zero-length axes). Null if none fits.
function bestFactorisation(reduced: readonly number[], comm: number): number[] | null {
  const target = gridRatios(reduced);
  let best: number[] | null = null;
  let bestNorm = Number.POSITIVE_INFINITY;
  for (const p of multPartitions(comm, reduced.length)) {
    const f = mirrorSort(p, reduced);
    if (f.some((g, i) => reduced[i]! > 0 && g > reduced[i]!)) continue;
    const norm = ratioDistance(target, gridRatios(f));
    // NaN and infinite distances (zero-length axes) keep the first candidate, as argmin does.
    if (best === null || norm < bestNorm) {
      best = f;
      bestNorm = norm;
    }
  }
  return best;
}

/**
 * DistArray's `make_grid_shape(shape, dist, comm_size)`: the process grid for an
 * array, one entry per axis, 1 on every `'n'` axis.
 *
 * - One distributed axis gets `min(commSize, shape[d])` processes (at least 1).
 * - Several distributed axes: the multiplicative partitions of `commSize` (with
 *   1s), each mirror-sorted so the smallest factor goes to the shortest axis, and
 *   the one whose pairwise ratios `s[i]/s[j]` (i < j) are closest (Euclidean) to
 *   the axis lengths' ratios wins; the first minimum wins ties. So `[20,20]`, bb,
 *   12 gives `[3,4]`, `[5,9]` gives `[1,4]` but `[9,5]` gives `[2,2]` on 4.
 * - Partitions that give an axis more processes than elements are skipped; if
 *   none is left, the next smaller process count is tried (DistArray raised an
 *   error there), so a small array uses only some of the engines.
 *
 * `dist` is a string or an array of dist types (a per-axis object is rejected, as
 * in DistArray); a shorter dist is padded with `'n'`.
 *
 * @throws TypeError if `dist` is not a string or an array, or `shape`/`commSize`
 *   are not numbers.
 * @throws GridShapeError if `commSize < 1`.
 * @throws DistArrayError `DA_ERR_DIST_TYPE` for an unknown dist type,
 *   `DA_ERR_VALUE` for a dist longer than the shape or a negative length.
 */
export function makeGridShape(shape: readonly number[], dist: unknown, commSize: number): number[] {
  const dims = checkShape(shape);
  if (typeof dist !== "string" && !Array.isArray(dist)) {
    throw new TypeError(`dist must be a string or an array of dist types; got ${describe(dist)}`);
  }
  if (typeof commSize !== "number" || !Number.isInteger(commSize)) {
    throw new TypeError(`commSize must be an integer; got ${describe(commSize)}`);
  }
  if (commSize < 1) {
    throw new GridShapeError(`a process grid needs at least 1 process; got ${commSize}`);
  }
  const d = normalizeDist(dist, dims.length);
  checkDistTypes(d);
  if (d.length !== dims.length) {
    throw new DistArrayError(
      `dist must have one entry per axis; got ${d.length} for shape ${fmtShape(dims)}`,
      { code: "DA_ERR_VALUE" },
    );
  }
  const distdims = d.flatMap((t, i) => (t === "n" ? [] : [i]));
  const grid = new Array<number>(dims.length).fill(1);
  if (distdims.length === 0 || commSize === 1) return grid;
  if (distdims.length === 1) {
    const axis = distdims[0]!;
    grid[axis] = Math.max(1, Math.min(commSize, dims[axis]!));
    return grid;
  }
  const reduced = distdims.map((i) => dims[i]!);
  for (let comm = commSize; comm >= 1; comm--) {
    const f = bestFactorisation(reduced, comm);
    if (f !== null) {
      distdims.forEach((axis, k) => {
        grid[axis] = f[k]!;
      });
      return grid;
    }
  }
  throw new GridShapeError(`cannot distribute shape ${fmtShape(dims)} over ${commSize} processes`);
}

/**
 * DistArray's `normalize_grid_shape`: pads a user-given grid with trailing 1s to
 * `ndim` (or the length of a shape given in its place) and checks it (v0.4+
 * rule: the grid may use fewer processes than `commSize`, not more).
 *
 * @throws TypeError if `gridShape` is not an array of numbers.
 * @throws InvalidGridShapeError if the grid is longer than `ndim` or than `dist`,
 *   an entry is not an integer >= 1, an `'n'` axis has more than one process
 *   (so an all-`'n'` dist needs an all-1 grid), or its product exceeds `commSize`
 *   (`grid shape [3, 2] needs 6 engines; context has 4`).
 */
export function normalizeGridShape(
  gridShape: readonly number[],
  ndim: number | readonly number[],
  dist: unknown,
  commSize: number,
): number[] {
  if (!Array.isArray(gridShape) || gridShape.some((g) => typeof g !== "number")) {
    throw new TypeError(`gridShape must be an array of numbers; got ${describe(gridShape)}`);
  }
  // DistArray v0.3 passed the number of dimensions, later versions the shape: take either.
  if (Array.isArray(ndim)) ndim = ndim.length;
  checkCount(ndim, "ndim");
  const nd = ndim as number;
  const d = normalizeDist(dist, nd);
  if (gridShape.length > nd) {
    throw new InvalidGridShapeError(
      `grid shape ${fmtShape(gridShape)} has more entries than the array's ${nd} dimensions`,
    );
  }
  const grid = [...gridShape, ...new Array<number>(nd - gridShape.length).fill(1)];
  if (grid.length !== d.length) {
    throw new InvalidGridShapeError(
      `grid shape's length (${grid.length}) is not equal to dist's length (${d.length})`,
    );
  }
  for (const g of grid) {
    if (!Number.isInteger(g) || g < 1) {
      throw new InvalidGridShapeError(
        `grid shape entries must be integers >= 1; got ${fmtShape(grid)}`,
      );
    }
  }
  grid.forEach((g, axis) => {
    if (d[axis] === "n" && g !== 1) {
      throw new InvalidGridShapeError(
        `an undistributed ('n') axis needs grid size 1; axis ${axis} of grid shape ${fmtShape(grid)} is ${g}`,
      );
    }
  });
  const needed = product(grid);
  if (needed > commSize) {
    throw new InvalidGridShapeError(
      `grid shape ${fmtShape(grid)} needs ${needed} engines; context has ${commSize}`,
    );
  }
  return grid;
}

/**
 * The C-order (row-major) rank of grid coordinates, as `MPI_Cart_create` and the
 * DAP number them: for an N x M grid, `(i, j)` is rank `i*M + j`.
 *
 * @throws IndexError if `coords` has the wrong length or a coordinate is out of range.
 */
export function rankFromGridCoords(
  coords: readonly number[],
  gridShape: readonly number[],
): number {
  if (coords.length !== gridShape.length) {
    throw new IndexError(
      `grid coordinates need ${gridShape.length} entries; got ${fmtShape(coords)}`,
    );
  }
  let rank = 0;
  for (let i = 0; i < gridShape.length; i++) {
    const c = coords[i]!;
    const g = gridShape[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= g) {
      throw new IndexError(
        `grid coordinate ${i} must be in [0, ${g}); got ${c} in ${fmtShape(coords)}`,
      );
    }
    rank = rank * g + c;
  }
  return rank;
}

/**
 * The grid coordinates of a C-order rank (inverse of {@link rankFromGridCoords}).
 *
 * @throws IndexError if `rank` is not in `[0, product(gridShape))`.
 */
export function gridCoordsFromRank(rank: number, gridShape: readonly number[]): number[] {
  const n = product(gridShape);
  if (!Number.isInteger(rank) || rank < 0 || rank >= n) {
    throw new IndexError(
      `rank must be in [0, ${n}) for grid shape ${fmtShape(gridShape)}; got ${rank}`,
    );
  }
  const coords = new Array<number>(gridShape.length);
  for (let i = gridShape.length - 1; i >= 0; i--) {
    const g = gridShape[i]!;
    coords[i] = rank % g;
    rank = Math.floor(rank / g);
  }
  return coords;
}
