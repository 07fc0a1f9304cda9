// AssemblyScript sources of the engines' WebAssembly SIMD kernels (built by
// `npm run build` into engines/dist/core/wasm/kernels.wasm). Every pointer is a byte
// offset into the engine's shared memory; every count is in elements. The JS side
// (engines/src/core/wasm/) calls these only for contiguous operands.

// --- elementwise float64 -----------------------------------------------------------------

const PAIRWISE_BLOCK: i32 = 128;

// Array op array in float64: eight elements (four vectors) per iteration, all loaded before
// any is stored (so o may be a or b), then the tail one by one. Unrolled, the loop ran 1-4%
// faster on large arrays here than with one vector per iteration.

export function add_f64(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~7;
  let i = 0;
  for (; i < m; i += 8) {
    const k = (<usize>i) << 3;
    const x0 = f64x2.add(v128.load(a + k), v128.load(b + k));
    const x1 = f64x2.add(v128.load(a + k, 16), v128.load(b + k, 16));
    const x2 = f64x2.add(v128.load(a + k, 32), v128.load(b + k, 32));
    const x3 = f64x2.add(v128.load(a + k, 48), v128.load(b + k, 48));
    v128.store(o + k, x0);
    v128.store(o + k, x1, 16);
    v128.store(o + k, x2, 32);
    v128.store(o + k, x3, 48);
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    store<f64>(o + k, load<f64>(a + k) + load<f64>(b + k));
  }
}

export function sub_f64(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~7;
  let i = 0;
  for (; i < m; i += 8) {
    const k = (<usize>i) << 3;
    const x0 = f64x2.sub(v128.load(a + k), v128.load(b + k));
    const x1 = f64x2.sub(v128.load(a + k, 16), v128.load(b + k, 16));
    const x2 = f64x2.sub(v128.load(a + k, 32), v128.load(b + k, 32));
    const x3 = f64x2.sub(v128.load(a + k, 48), v128.load(b + k, 48));
    v128.store(o + k, x0);
    v128.store(o + k, x1, 16);
    v128.store(o + k, x2, 32);
    v128.store(o + k, x3, 48);
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    store<f64>(o + k, load<f64>(a + k) - load<f64>(b + k));
  }
}

export function mul_f64(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~7;
  let i = 0;
  for (; i < m; i += 8) {
    const k = (<usize>i) << 3;
    const x0 = f64x2.mul(v128.load(a + k), v128.load(b + k));
    const x1 = f64x2.mul(v128.load(a + k, 16), v128.load(b + k, 16));
    const x2 = f64x2.mul(v128.load(a + k, 32), v128.load(b + k, 32));
    const x3 = f64x2.mul(v128.load(a + k, 48), v128.load(b + k, 48));
    v128.store(o + k, x0);
    v128.store(o + k, x1, 16);
    v128.store(o + k, x2, 32);
    v128.store(o + k, x3, 48);
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    store<f64>(o + k, load<f64>(a + k) * load<f64>(b + k));
  }
}

export function div_f64(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~7;
  let i = 0;
  for (; i < m; i += 8) {
    const k = (<usize>i) << 3;
    const x0 = f64x2.div(v128.load(a + k), v128.load(b + k));
    const x1 = f64x2.div(v128.load(a + k, 16), v128.load(b + k, 16));
    const x2 = f64x2.div(v128.load(a + k, 32), v128.load(b + k, 32));
    const x3 = f64x2.div(v128.load(a + k, 48), v128.load(b + k, 48));
    v128.store(o + k, x0);
    v128.store(o + k, x1, 16);
    v128.store(o + k, x2, 32);
    v128.store(o + k, x3, 48);
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    store<f64>(o + k, load<f64>(a + k) / load<f64>(b + k));
  }
}

export function adds_f64(o: usize, a: usize, s: f64, n: i32): void {
  const v = f64x2.splat(s);
  const m = n & ~1;
  let i = 0;
  for (; i < m; i += 2) {
    const k = (<usize>i) << 3;
    v128.store(o + k, f64x2.add(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    store<f64>(o + k, load<f64>(a + k) + s);
  }
}

export function subs_f64(o: usize, a: usize, s: f64, n: i32): void {
  const v = f64x2.splat(s);
  const m = n & ~1;
  let i = 0;
  for (; i < m; i += 2) {
    const k = (<usize>i) << 3;
    v128.store(o + k, f64x2.sub(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    store<f64>(o + k, load<f64>(a + k) - s);
  }
}

export function muls_f64(o: usize, a: usize, s: f64, n: i32): void {
  const v = f64x2.splat(s);
  const m = n & ~1;
  let i = 0;
  for (; i < m; i += 2) {
    const k = (<usize>i) << 3;
    v128.store(o + k, f64x2.mul(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    store<f64>(o + k, load<f64>(a + k) * s);
  }
}

export function divs_f64(o: usize, a: usize, s: f64, n: i32): void {
  const v = f64x2.splat(s);
  const m = n & ~1;
  let i = 0;
  for (; i < m; i += 2) {
    const k = (<usize>i) << 3;
    v128.store(o + k, f64x2.div(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    store<f64>(o + k, load<f64>(a + k) / s);
  }
}

// --- elementwise float32 -----------------------------------------------------------------

export function add_f32(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, f32x4.add(v128.load(a + k), v128.load(b + k)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<f32>(o + k, load<f32>(a + k) + load<f32>(b + k));
  }
}

export function sub_f32(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, f32x4.sub(v128.load(a + k), v128.load(b + k)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<f32>(o + k, load<f32>(a + k) - load<f32>(b + k));
  }
}

export function mul_f32(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, f32x4.mul(v128.load(a + k), v128.load(b + k)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<f32>(o + k, load<f32>(a + k) * load<f32>(b + k));
  }
}

export function div_f32(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, f32x4.div(v128.load(a + k), v128.load(b + k)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<f32>(o + k, load<f32>(a + k) / load<f32>(b + k));
  }
}

export function adds_f32(o: usize, a: usize, s: f32, n: i32): void {
  const v = f32x4.splat(s);
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, f32x4.add(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<f32>(o + k, load<f32>(a + k) + s);
  }
}

export function subs_f32(o: usize, a: usize, s: f32, n: i32): void {
  const v = f32x4.splat(s);
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, f32x4.sub(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<f32>(o + k, load<f32>(a + k) - s);
  }
}

export function muls_f32(o: usize, a: usize, s: f32, n: i32): void {
  const v = f32x4.splat(s);
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, f32x4.mul(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<f32>(o + k, load<f32>(a + k) * s);
  }
}

export function divs_f32(o: usize, a: usize, s: f32, n: i32): void {
  const v = f32x4.splat(s);
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, f32x4.div(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<f32>(o + k, load<f32>(a + k) / s);
  }
}

// --- elementwise int32 (wrap-around) ---------------------------------------------------------

export function add_i32(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, i32x4.add(v128.load(a + k), v128.load(b + k)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<i32>(o + k, load<i32>(a + k) + load<i32>(b + k));
  }
}

export function sub_i32(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, i32x4.sub(v128.load(a + k), v128.load(b + k)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<i32>(o + k, load<i32>(a + k) - load<i32>(b + k));
  }
}

export function mul_i32(o: usize, a: usize, b: usize, n: i32): void {
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, i32x4.mul(v128.load(a + k), v128.load(b + k)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<i32>(o + k, load<i32>(a + k) * load<i32>(b + k));
  }
}

export function adds_i32(o: usize, a: usize, s: i32, n: i32): void {
  const v = i32x4.splat(s);
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, i32x4.add(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<i32>(o + k, load<i32>(a + k) + s);
  }
}

export function subs_i32(o: usize, a: usize, s: i32, n: i32): void {
  const v = i32x4.splat(s);
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, i32x4.sub(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<i32>(o + k, load<i32>(a + k) - s);
  }
}

export function muls_i32(o: usize, a: usize, s: i32, n: i32): void {
  const v = i32x4.splat(s);
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const k = (<usize>i) << 2;
    v128.store(o + k, i32x4.mul(v128.load(a + k), v));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    store<i32>(o + k, load<i32>(a + k) * s);
  }
}

// --- pairwise sums in NumPy's order ------------------------------------------------------
// Runs shorter than 8 are summed in order from 0; runs up to 128 use 8 accumulators
// (r0..r7 held as the lanes of four f64x2 or two f32x4 vectors) combined as
// ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the tail in order; longer runs split in
// halves at a multiple of 8. The sqdev variants sum (x - mean)^2 instead of x (the
// moments of var/std), computed on the fly in the same order.

export function sum_f64(p: usize, n: i32): f64 {
  if (n < 8) {
    let res: f64 = 0;
    for (let i = 0; i < n; i++) {
      const x = load<f64>(p + ((<usize>i) << 3));
      res += x;
    }
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    const x0 = v128.load(p);
    let v0 = x0;
    const x1 = v128.load(p + 16);
    let v1 = x1;
    const x2 = v128.load(p + 32);
    let v2 = x2;
    const x3 = v128.load(p + 48);
    let v3 = x3;
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      const q = p + ((<usize>i) << 3);
      const x0 = v128.load(q);
      v0 = f64x2.add(v0, x0);
      const x1 = v128.load(q + 16);
      v1 = f64x2.add(v1, x1);
      const x2 = v128.load(q + 32);
      v2 = f64x2.add(v2, x2);
      const x3 = v128.load(q + 48);
      v3 = f64x2.add(v3, x3);
    }
    const r01: f64 = f64x2.extract_lane(v0, 0) + f64x2.extract_lane(v0, 1);
    const r23: f64 = f64x2.extract_lane(v1, 0) + f64x2.extract_lane(v1, 1);
    const r45: f64 = f64x2.extract_lane(v2, 0) + f64x2.extract_lane(v2, 1);
    const r67: f64 = f64x2.extract_lane(v3, 0) + f64x2.extract_lane(v3, 1);
    let res: f64 = r01 + r23 + (r45 + r67);
    for (; i < n; i++) {
      const x = load<f64>(p + ((<usize>i) << 3));
      res += x;
    }
    return res;
  }
  let n2 = n / 2;
  n2 -= n2 % 8;
  return sum_f64(p, n2) + sum_f64(p + ((<usize>n2) << 3), n - n2);
}

export function sqdev_f64(p: usize, n: i32, mean: f64): f64 {
  if (n < 8) {
    let res: f64 = 0;
    for (let i = 0; i < n; i++) {
      const x = load<f64>(p + ((<usize>i) << 3));
      const d = x - mean;
      res += d * d;
    }
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    const mv = f64x2.splat(mean);
    const y0 = f64x2.sub(v128.load(p), mv);
    const x0 = f64x2.mul(y0, y0);
    let v0 = x0;
    const y1 = f64x2.sub(v128.load(p + 16), mv);
    const x1 = f64x2.mul(y1, y1);
    let v1 = x1;
    const y2 = f64x2.sub(v128.load(p + 32), mv);
    const x2 = f64x2.mul(y2, y2);
    let v2 = x2;
    const y3 = f64x2.sub(v128.load(p + 48), mv);
    const x3 = f64x2.mul(y3, y3);
    let v3 = x3;
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      const q = p + ((<usize>i) << 3);
      const y0 = f64x2.sub(v128.load(q), mv);
      const x0 = f64x2.mul(y0, y0);
      v0 = f64x2.add(v0, x0);
      const y1 = f64x2.sub(v128.load(q + 16), mv);
      const x1 = f64x2.mul(y1, y1);
      v1 = f64x2.add(v1, x1);
      const y2 = f64x2.sub(v128.load(q + 32), mv);
      const x2 = f64x2.mul(y2, y2);
      v2 = f64x2.add(v2, x2);
      const y3 = f64x2.sub(v128.load(q + 48), mv);
      const x3 = f64x2.mul(y3, y3);
      v3 = f64x2.add(v3, x3);
    }
    const r01: f64 = f64x2.extract_lane(v0, 0) + f64x2.extract_lane(v0, 1);
    const r23: f64 = f64x2.extract_lane(v1, 0) + f64x2.extract_lane(v1, 1);
    const r45: f64 = f64x2.extract_lane(v2, 0) + f64x2.extract_lane(v2, 1);
    const r67: f64 = f64x2.extract_lane(v3, 0) + f64x2.extract_lane(v3, 1);
    let res: f64 = r01 + r23 + (r45 + r67);
    for (; i < n; i++) {
      const x = load<f64>(p + ((<usize>i) << 3));
      const d = x - mean;
      res += d * d;
    }
    return res;
  }
  let n2 = n / 2;
  n2 -= n2 % 8;
  return sqdev_f64(p, n2, mean) + sqdev_f64(p + ((<usize>n2) << 3), n - n2, mean);
}

export function sum_f32(p: usize, n: i32): f32 {
  if (n < 8) {
    let res: f32 = 0;
    for (let i = 0; i < n; i++) {
      const x = load<f32>(p + ((<usize>i) << 2));
      res += x;
    }
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    const x0 = v128.load(p);
    let v0 = x0;
    const x1 = v128.load(p + 16);
    let v1 = x1;
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      const q = p + ((<usize>i) << 2);
      const x0 = v128.load(q);
      v0 = f32x4.add(v0, x0);
      const x1 = v128.load(q + 16);
      v1 = f32x4.add(v1, x1);
    }
    const r01: f32 = f32x4.extract_lane(v0, 0) + f32x4.extract_lane(v0, 1);
    const r23: f32 = f32x4.extract_lane(v0, 2) + f32x4.extract_lane(v0, 3);
    const r45: f32 = f32x4.extract_lane(v1, 0) + f32x4.extract_lane(v1, 1);
    const r67: f32 = f32x4.extract_lane(v1, 2) + f32x4.extract_lane(v1, 3);
    let res: f32 = r01 + r23 + (r45 + r67);
    for (; i < n; i++) {
      const x = load<f32>(p + ((<usize>i) << 2));
      res += x;
    }
    return res;
  }
  let n2 = n / 2;
  n2 -= n2 % 8;
  return sum_f32(p, n2) + sum_f32(p + ((<usize>n2) << 2), n - n2);
}

export function sqdev_f32(p: usize, n: i32, mean: f32): f32 {
  if (n < 8) {
    let res: f32 = 0;
    for (let i = 0; i < n; i++) {
      const x = load<f32>(p + ((<usize>i) << 2));
      const d = x - mean;
      res += d * d;
    }
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    const mv = f32x4.splat(mean);
    const y0 = f32x4.sub(v128.load(p), mv);
    const x0 = f32x4.mul(y0, y0);
    let v0 = x0;
    const y1 = f32x4.sub(v128.load(p + 16), mv);
    const x1 = f32x4.mul(y1, y1);
    let v1 = x1;
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      const q = p + ((<usize>i) << 2);
      const y0 = f32x4.sub(v128.load(q), mv);
      const x0 = f32x4.mul(y0, y0);
      v0 = f32x4.add(v0, x0);
      const y1 = f32x4.sub(v128.load(q + 16), mv);
      const x1 = f32x4.mul(y1, y1);
      v1 = f32x4.add(v1, x1);
    }
    const r01: f32 = f32x4.extract_lane(v0, 0) + f32x4.extract_lane(v0, 1);
    const r23: f32 = f32x4.extract_lane(v0, 2) + f32x4.extract_lane(v0, 3);
    const r45: f32 = f32x4.extract_lane(v1, 0) + f32x4.extract_lane(v1, 1);
    const r67: f32 = f32x4.extract_lane(v1, 2) + f32x4.extract_lane(v1, 3);
    let res: f32 = r01 + r23 + (r45 + r67);
    for (; i < n; i++) {
      const x = load<f32>(p + ((<usize>i) << 2));
      const d = x - mean;
      res += d * d;
    }
    return res;
  }
  let n2 = n / 2;
  n2 -= n2 % 8;
  return sqdev_f32(p, n2, mean) + sqdev_f32(p + ((<usize>n2) << 2), n - n2, mean);
}

// --- row accumulation (reductions that keep the last axis) -----------------------------------

/** o[i] += a[i] (float64). */
export function acc_f64(o: usize, a: usize, n: i32): void {
  add_f64(o, o, a, n);
}

/** o[i] += a[i] (float32, rounded per addition). */
export function acc_f32(o: usize, a: usize, n: i32): void {
  add_f32(o, o, a, n);
}

/** o[i] += (a[i] - mean[i])^2 (float64). */
export function accsq_f64(o: usize, a: usize, mean: usize, n: i32): void {
  const m = n & ~1;
  let i = 0;
  for (; i < m; i += 2) {
    const k = (<usize>i) << 3;
    const d = f64x2.sub(v128.load(a + k), v128.load(mean + k));
    v128.store(o + k, f64x2.add(v128.load(o + k), f64x2.mul(d, d)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 3;
    const d = load<f64>(a + k) - load<f64>(mean + k);
    store<f64>(o + k, load<f64>(o + k) + d * d);
  }
}

// Several rows at a time: o[j] += a_r[j] for rows r = 0..rows-1 (a_r at a + r * stride
// bytes), still one addition per row in row order, but o is loaded and stored once per
// four rows.

export function accrows_f64(o: usize, a: usize, stride: usize, rows: i32, n: i32): void {
  const m = n & ~1;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a0 = a + <usize>r * stride;
    const a1 = a0 + stride;
    const a2 = a1 + stride;
    const a3 = a2 + stride;
    let i = 0;
    for (; i < m; i += 2) {
      const k = (<usize>i) << 3;
      let v = f64x2.add(v128.load(o + k), v128.load(a0 + k));
      v = f64x2.add(v, v128.load(a1 + k));
      v = f64x2.add(v, v128.load(a2 + k));
      v128.store(o + k, f64x2.add(v, v128.load(a3 + k)));
    }
    for (; i < n; i++) {
      const k = (<usize>i) << 3;
      let v = load<f64>(o + k) + load<f64>(a0 + k);
      v += load<f64>(a1 + k);
      v += load<f64>(a2 + k);
      store<f64>(o + k, v + load<f64>(a3 + k));
    }
  }
  for (; r < rows; r++) add_f64(o, o, a + <usize>r * stride, n);
}

export function accrows_f32(o: usize, a: usize, stride: usize, rows: i32, n: i32): void {
  const m = n & ~3;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a0 = a + <usize>r * stride;
    const a1 = a0 + stride;
    const a2 = a1 + stride;
    const a3 = a2 + stride;
    let i = 0;
    for (; i < m; i += 4) {
      const k = (<usize>i) << 2;
      let v = f32x4.add(v128.load(o + k), v128.load(a0 + k));
      v = f32x4.add(v, v128.load(a1 + k));
      v = f32x4.add(v, v128.load(a2 + k));
      v128.store(o + k, f32x4.add(v, v128.load(a3 + k)));
    }
    for (; i < n; i++) {
      const k = (<usize>i) << 2;
      let v: f32 = load<f32>(o + k) + load<f32>(a0 + k);
      v += load<f32>(a1 + k);
      v += load<f32>(a2 + k);
      store<f32>(o + k, v + load<f32>(a3 + k));
    }
  }
  for (; r < rows; r++) add_f32(o, o, a + <usize>r * stride, n);
}

/** o[j] += (a_r[j] - mean[j])^2 for rows r in order (float64), four rows per pass. */
export function accsqrows_f64(
  o: usize,
  a: usize,
  stride: usize,
  rows: i32,
  mean: usize,
  n: i32,
): void {
  const m = n & ~1;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a0 = a + <usize>r * stride;
    const a1 = a0 + stride;
    const a2 = a1 + stride;
    const a3 = a2 + stride;
    let i = 0;
    for (; i < m; i += 2) {
      const k = (<usize>i) << 3;
      const mv = v128.load(mean + k);
      const d0 = f64x2.sub(v128.load(a0 + k), mv);
      const d1 = f64x2.sub(v128.load(a1 + k), mv);
      const d2 = f64x2.sub(v128.load(a2 + k), mv);
      const d3 = f64x2.sub(v128.load(a3 + k), mv);
      let v = f64x2.add(v128.load(o + k), f64x2.mul(d0, d0));
      v = f64x2.add(v, f64x2.mul(d1, d1));
      v = f64x2.add(v, f64x2.mul(d2, d2));
      v128.store(o + k, f64x2.add(v, f64x2.mul(d3, d3)));
    }
    for (; i < n; i++) {
      const k = (<usize>i) << 3;
      const mu = load<f64>(mean + k);
      const d0 = load<f64>(a0 + k) - mu;
      const d1 = load<f64>(a1 + k) - mu;
      const d2 = load<f64>(a2 + k) - mu;
      const d3 = load<f64>(a3 + k) - mu;
      let v = load<f64>(o + k) + d0 * d0;
      v += d1 * d1;
      v += d2 * d2;
      store<f64>(o + k, v + d3 * d3);
    }
  }
  for (; r < rows; r++) accsq_f64(o, a + <usize>r * stride, mean, n);
}
