/**
 * Summation kernels for the reductions: NumPy's pairwise summation for floats and
 * complex (loops_utils.h.src: runs shorter than 8 are summed in order, runs up to
 * PAIRWISE_BLOCK with 8 interleaved accumulators, longer runs split in halves at a
 * multiple of 8), and exact integer sums (wrapped to the result dtype at the end).
 */
const PAIRWISE_BLOCK = 128;

type Real = ArrayLike<number>;

/** Pairwise sum of n doubles at d[off], d[off + s], ... (NumPy's DOUBLE_pairwise_sum). */
export function pairwiseSum64(d: Real, off: number, n: number, s: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += d[off + i * s]!;
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    let r0 = d[off]!;
    let r1 = d[off + s]!;
    let r2 = d[off + 2 * s]!;
    let r3 = d[off + 3 * s]!;
    let r4 = d[off + 4 * s]!;
    let r5 = d[off + 5 * s]!;
    let r6 = d[off + 6 * s]!;
    let r7 = d[off + 7 * s]!;
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      const k = off + i * s;
      r0 += d[k]!;
      r1 += d[k + s]!;
      r2 += d[k + 2 * s]!;
      r3 += d[k + 3 * s]!;
      r4 += d[k + 4 * s]!;
      r5 += d[k + 5 * s]!;
      r6 += d[k + 6 * s]!;
      r7 += d[k + 7 * s]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += d[off + i * s]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum64(d, off, n2, s) + pairwiseSum64(d, off + n2 * s, n - n2, s);
}

/** As pairwiseSum64 with every addition rounded to float32 (NumPy's FLOAT_pairwise_sum). */
export function pairwiseSum32(d: Real, off: number, n: number, s: number): number {
  const f = Math.fround;
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + d[off + i * s]!);
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    const r = new Float32Array(8);
    for (let k = 0; k < 8; k++) r[k] = d[off + k * s]!;
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      const k = off + i * s;
      for (let j = 0; j < 8; j++) r[j]! += d[k + j * s]!;
    }
    let res = f(f(f(r[0]! + r[1]!) + f(r[2]! + r[3]!)) + f(f(r[4]! + r[5]!) + f(r[6]! + r[7]!)));
    for (; i < n; i++) res = f(res + d[off + i * s]!);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(pairwiseSum32(d, off, n2, s) + pairwiseSum32(d, off + n2 * s, n - n2, s));
}

/**
 * NumPy's complex pairwise sum over n complex elements of interleaved storage starting
 * at element `off` with element stride `s`; adds the result into out[0], out[1] as
 * `out += sum`. `single` rounds every addition to float32 (complex64).
 */
export function pairwiseSumComplex(
  d: Real,
  off: number,
  n: number,
  s: number,
  single: boolean,
  out: Float64Array,
): void {
  const r = single ? Math.fround : (x: number) => x;
  const sum = new Float64Array(2);
  complexPairwise(d, off, 2 * n, s, r, sum);
  out[0] = r(out[0]! + sum[0]!);
  out[1] = r(out[1]! + sum[1]!);
}

/** n counts real slots (2 per element), as in NumPy's CDOUBLE_pairwise_sum. */
function complexPairwise(
  d: Real,
  off: number,
  n: number,
  s: number,
  r: (x: number) => number,
  out: Float64Array,
): void {
  // Slot i (even) of the run is element off + (i/2)*s.
  const at = (i: number): number => 2 * (off + (i >> 1) * s) + (i & 1);
  if (n < 8) {
    let rr = 0;
    let ri = 0;
    for (let i = 0; i < n; i += 2) {
      rr = r(rr + d[at(i)]!);
      ri = r(ri + d[at(i) + 1]!);
    }
    out[0] = rr;
    out[1] = ri;
    return;
  }
  if (n <= PAIRWISE_BLOCK) {
    const acc = new Float64Array(8);
    for (let k = 0; k < 8; k++) acc[k] = d[at(k)]!;
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      for (let k = 0; k < 8; k++) acc[k] = r(acc[k]! + d[at(i + k)]!);
    }
    let rr = r(r(r(acc[0]! + acc[2]!) + r(acc[4]! + acc[6]!)));
    let ri = r(r(r(acc[1]! + acc[3]!) + r(acc[5]! + acc[7]!)));
    for (; i < n; i += 2) {
      rr = r(rr + d[at(i)]!);
      ri = r(ri + d[at(i) + 1]!);
    }
    out[0] = rr;
    out[1] = ri;
    return;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  const a = new Float64Array(2);
  const b = new Float64Array(2);
  complexPairwise(d, off, n2, s, r, a);
  complexPairwise(d, off + (n2 >> 1) * s, n - n2, s, r, b);
  out[0] = r(a[0]! + b[0]!);
  out[1] = r(a[1]! + b[1]!);
}

/** Exact sum of n integers held in numbers (up to 32 bits each), as a bigint. */
export function exactIntSum(d: Real, off: number, n: number, s: number): bigint {
  let total = 0n;
  // 2^20 values of at most 2^32 stay below 2^53: exact in a double.
  const chunk = 1 << 20;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    let acc = 0;
    for (let i = start; i < end; i++) acc += d[off + i * s]!;
    total += BigInt(acc);
  }
  return total;
}

/** Exact sum of n bigints. */
export function exactBigSum(d: ArrayLike<bigint>, off: number, n: number, s: number): bigint {
  let total = 0n;
  for (let i = 0; i < n; i++) total += d[off + i * s]!;
  return total;
}
