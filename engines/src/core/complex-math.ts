/**
 * Complex functions for the complex ufunc loops. Each takes real and imaginary parts and
 * writes its result into `out[0]` (real) and `out[1]` (imaginary), so loops allocate
 * nothing. Arithmetic follows NumPy's own loops (loops.c.src: Smith's division, the
 * reciprocal, sign = z/|z|, lexicographic comparisons); the elementary functions follow
 * C99 (Annex G) with the branch cuts NumPy documents; where C99 leaves the sign of a
 * special value open, glibc's choice (which NumPy shows) is taken. The inverse functions
 * are in complex-inverse.ts.
 */

export type ComplexOut = Float64Array;

/** NumPy's complex division (loops.c.src, Smith's algorithm). */
export function cdiv(ar: number, ai: number, br: number, bi: number, out: ComplexOut): void {
  const abr = Math.abs(br);
  const abi = Math.abs(bi);
  if (abr >= abi) {
    if (abr === 0 && abi === 0) {
      out[0] = ar / abr;
      out[1] = ai / abr;
      return;
    }
    const rat = bi / br;
    const scl = 1.0 / (br + bi * rat);
    out[0] = (ar + ai * rat) * scl;
    out[1] = (ai - ar * rat) * scl;
  } else {
    const rat = br / bi;
    const scl = 1.0 / (bi + br * rat);
    out[0] = (ar * rat + ai) * scl;
    out[1] = (ai * rat - ar) * scl;
  }
}

export function cmul(ar: number, ai: number, br: number, bi: number, out: ComplexOut): void {
  const re = ar * br - ai * bi;
  out[1] = ar * bi + ai * br;
  out[0] = re;
}

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp splitting)

/** The rounding error of a*b (a*b = fl(a*b) + error exactly), for |a|, |b| < 2^995. */
function productError(a: number, b: number, p: number): number {
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** fma(a, b, c) = a*b + c with one rounding (to within an ulp where the sum cancels). */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || Math.abs(a) > 2 ** 995 || Math.abs(b) > 2 ** 995) {
    if (Number.isFinite(a) && Number.isFinite(b) && !Number.isNaN(c)) {
      // a*b overflows but is finite: only an infinite c of the other sign can win.
      return isInf(c) ? c : p;
    }
    return p + c;
  }
  if (p === 0 || !Number.isFinite(c)) return p + c;
  return p + c + productError(a, b, p);
}

/** NumPy's complex square: its SIMD loop computes r*r - i*i and 2ri with fused multiply-adds. */
export function csquare(r: number, i: number, out: ComplexOut): void {
  out[0] = fma(r, r, -(i * i));
  out[1] = fma(r, i, i * r);
}

/** NumPy's complex reciprocal loop. */
export function creciprocal(r: number, i: number, out: ComplexOut): void {
  if (Math.abs(i) <= Math.abs(r)) {
    const q = i / r;
    const d = r + i * q;
    out[0] = 1 / d;
    out[1] = -q / d;
  } else {
    const q = r / i;
    const d = r * q + i;
    out[0] = q / d;
    out[1] = -1 / d;
  }
}

/** NumPy 2's complex sign: z / |z|, 0 for 0, and unit values for infinite parts. */
export function csign(r: number, i: number, out: ComplexOut): void {
  const abs = Math.hypot(r, i);
  if (Number.isNaN(abs)) {
    out[0] = Number.NaN;
    out[1] = Number.NaN;
  } else if (abs === Number.POSITIVE_INFINITY) {
    if (isInf(r)) {
      if (isInf(i)) {
        out[0] = Number.NaN;
        out[1] = Number.NaN;
      } else {
        out[0] = r > 0 ? 1 : -1;
        out[1] = 0;
      }
    } else {
      out[0] = 0;
      out[1] = i > 0 ? 1 : -1;
    }
  } else if (abs === 0) {
    out[0] = 0;
    out[1] = 0;
  } else {
    out[0] = r / abs;
    out[1] = i / abs;
  }
}

export function isInf(x: number): boolean {
  return x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY;
}

export function copysign(x: number, y: number): number {
  const ax = Math.abs(x);
  return y < 0 || Object.is(y, -0) ? -ax : ax;
}

/** Round half to even (C rint in the default rounding mode). */
export function rint(x: number): number {
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return r;
}

const LARGE = 2 ** 1000;

/** C99 csqrt: principal square root, branch cut along the negative real axis. */
export function csqrt(x: number, y: number, out: ComplexOut): void {
  if (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY) {
    out[0] = Number.POSITIVE_INFINITY;
    out[1] = y;
    return;
  }
  if (Number.isNaN(x)) {
    out[0] = x;
    out[1] = Number.NaN;
    return;
  }
  if (x === Number.POSITIVE_INFINITY) {
    out[0] = x;
    out[1] = Number.isNaN(y) ? y : copysign(0, y);
    return;
  }
  if (x === Number.NEGATIVE_INFINITY) {
    out[0] = Number.isNaN(y) ? y : 0;
    out[1] = Number.isNaN(y) ? Number.POSITIVE_INFINITY : copysign(Number.POSITIVE_INFINITY, y);
    return;
  }
  if (Number.isNaN(y)) {
    out[0] = Number.NaN;
    out[1] = Number.NaN;
    return;
  }
  if (x === 0 && y === 0) {
    out[0] = 0;
    out[1] = y;
    return;
  }
  let scale = 1;
  let ax = Math.abs(x);
  let ay = Math.abs(y);
  if (ax > LARGE || ay > LARGE) {
    ax *= 0.25;
    ay *= 0.25;
    scale = 2;
  } else if (ax < 2 ** -1000 && ay < 2 ** -1000) {
    ax *= 2 ** 600;
    ay *= 2 ** 600;
    scale = 2 ** -300;
  }
  const t = Math.sqrt((ax + Math.hypot(ax, ay)) * 0.5);
  if (x >= 0) {
    out[0] = t * scale;
    out[1] = copysign((ay / (2 * t)) * scale, y);
  } else {
    out[0] = (ay / (2 * t)) * scale;
    out[1] = copysign(t * scale, y);
  }
}

/** C99 cexp. */
export function cexp(x: number, y: number, out: ComplexOut): void {
  if (y === 0) {
    out[0] = Math.exp(x);
    out[1] = y;
    return;
  }
  if (!Number.isFinite(y)) {
    if (x === Number.NEGATIVE_INFINITY) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    if (x === Number.POSITIVE_INFINITY) {
      out[0] = x;
      out[1] = Number.NaN;
      return;
    }
    out[0] = Number.NaN;
    out[1] = Number.NaN;
    return;
  }
  if (x > 709 && Number.isFinite(x)) {
    // exp(x) overflows before the product with cos/sin does: scale.
    const e = Math.exp(x - 709);
    const big = Math.exp(709);
    out[0] = Math.cos(y) * e * big;
    out[1] = Math.sin(y) * e * big;
    return;
  }
  const e = Math.exp(x);
  out[0] = e * Math.cos(y);
  out[1] = e * Math.sin(y);
}

/** C99 clog: log|z| + i arg(z), branch cut along the negative real axis. */
export function clog(x: number, y: number, out: ComplexOut): void {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const im = Math.atan2(y, x);
  if (!Number.isFinite(ax) || !Number.isFinite(ay)) {
    out[0] = ax === Number.POSITIVE_INFINITY || ay === Number.POSITIVE_INFINITY ? Infinity : NaN;
    out[1] = im;
    return;
  }
  const big = Math.max(ax, ay);
  const small = Math.min(ax, ay);
  if (big > 0.5 && big < 2 && small < 1) {
    // |z| near 1: log1p keeps the digits that log(hypot) would lose.
    out[0] = 0.5 * Math.log1p((big - 1) * (big + 1) + small * small);
  } else {
    out[0] = Math.log(Math.hypot(x, y));
  }
  out[1] = im;
}

/** C99 csinh. */
export function csinh(x: number, y: number, out: ComplexOut): void {
  if (y === 0) {
    out[0] = Math.sinh(x);
    out[1] = y;
    return;
  }
  if (x === 0 && !Number.isFinite(y)) {
    out[0] = x;
    out[1] = Number.NaN;
    return;
  }
  if (isInf(x)) {
    if (!Number.isFinite(y)) {
      // glibc's choice for the unspecified sign: +inf.
      out[0] = Number.POSITIVE_INFINITY;
      out[1] = Number.NaN;
      return;
    }
    out[0] = x * Math.cos(y);
    out[1] = Number.POSITIVE_INFINITY * Math.sin(y);
    return;
  }
  out[0] = Math.sinh(x) * Math.cos(y);
  out[1] = Math.cosh(x) * Math.sin(y);
}

/** C99 ccosh. */
export function ccosh(x: number, y: number, out: ComplexOut): void {
  if (y === 0) {
    out[0] = Math.cosh(x);
    out[1] = Number.isNaN(x) ? y : isInf(x) ? y * Math.sign(x) : Math.sinh(x) * y;
    return;
  }
  if (x === 0 && !Number.isFinite(y)) {
    out[0] = Number.NaN;
    out[1] = 0;
    return;
  }
  if (isInf(x)) {
    if (!Number.isFinite(y)) {
      out[0] = Number.POSITIVE_INFINITY;
      out[1] = Number.NaN;
      return;
    }
    out[0] = Number.POSITIVE_INFINITY * Math.cos(y);
    out[1] = x * Math.sin(y);
    return;
  }
  out[0] = Math.cosh(x) * Math.cos(y);
  out[1] = Math.sinh(x) * Math.sin(y);
}

/** C99 ctanh (the algorithm of Kahan as in FreeBSD's s_ctanh.c). */
export function ctanh(x: number, y: number, out: ComplexOut): void {
  if (!Number.isFinite(x)) {
    if (Number.isNaN(x)) {
      out[0] = x;
      out[1] = y === 0 ? y : Number.NaN;
      return;
    }
    out[0] = copysign(1, x);
    out[1] = copysign(0, Number.isFinite(y) ? Math.sin(y) * Math.cos(y) : y);
    return;
  }
  if (!Number.isFinite(y)) {
    if (x === 0) {
      out[0] = x;
      out[1] = Number.NaN;
      return;
    }
    out[0] = Number.NaN;
    out[1] = Number.NaN;
    return;
  }
  if (Math.abs(x) >= 22) {
    const e = Math.exp(-Math.abs(x));
    out[0] = copysign(1, x);
    out[1] = 4 * Math.sin(y) * Math.cos(y) * e * e;
    return;
  }
  const t = Math.tan(y);
  const beta = 1 + t * t;
  const s = Math.sinh(x);
  const rho = Math.sqrt(1 + s * s);
  const denom = 1 + beta * s * s;
  out[0] = (beta * rho * s) / denom;
  out[1] = t / denom;
}

const tmp = new Float64Array(2);

/** csin(z) = -i csinh(iz). */
export function csin(x: number, y: number, out: ComplexOut): void {
  if (isInf(y) && !Number.isFinite(x)) {
    // glibc's choice for the unspecified sign: +inf.
    out[0] = Number.NaN;
    out[1] = Number.POSITIVE_INFINITY;
    return;
  }
  csinh(-y, x, tmp);
  out[0] = tmp[1]!;
  out[1] = -tmp[0]!;
}

/** ccos(z) = ccosh(iz). */
export function ccos(x: number, y: number, out: ComplexOut): void {
  ccosh(-y, x, out);
}

/** ctan(z) = -i ctanh(iz). */
export function ctan(x: number, y: number, out: ComplexOut): void {
  ctanh(-y, x, tmp);
  out[0] = tmp[1]!;
  out[1] = -tmp[0]!;
}

/** NumPy's nc_expm1: expm1(x) cos(y) - 2 sin^2(y/2) + i exp(x) sin(y). */
export function cexpm1(x: number, y: number, out: ComplexOut): void {
  const a = Math.sin(y / 2);
  out[0] = Math.expm1(x) * Math.cos(y) - 2 * a * a;
  out[1] = Math.exp(x) * Math.sin(y);
}

/** NumPy's nc_log1p: log|1+z| + i arg(1+z). */
export function clog1p(x: number, y: number, out: ComplexOut): void {
  const l = Math.hypot(x + 1, y);
  out[1] = Math.atan2(y, x + 1);
  out[0] = Math.log(l);
}

/** NumPy's nc_log10: clog scaled by log10(e). */
export function clog10(x: number, y: number, out: ComplexOut): void {
  clog(x, y, out);
  out[0] = out[0]! * Math.LOG10E;
  out[1] = out[1]! * Math.LOG10E;
}

const pw = new Float64Array(2);
const acc = new Float64Array(2);

/**
 * NumPy's nc_pow: 0 ** b is 0 when Re b > 0 (else nan); small integer exponents by
 * repeated multiplication; else exp(b log a).
 */
export function cpow(ar: number, ai: number, br: number, bi: number, out: ComplexOut): void {
  if (br === 0 && bi === 0) {
    out[0] = 1;
    out[1] = 0;
    return;
  }
  if (ar === 0 && ai === 0) {
    if (br > 0) {
      out[0] = 0;
      out[1] = 0;
    } else {
      out[0] = Number.NaN;
      out[1] = Number.NaN;
    }
    return;
  }
  if (bi === 0 && Number.isInteger(br) && br > -100 && br < 100) {
    let n = br;
    if (n === 1) {
      out[0] = ar;
      out[1] = ai;
      return;
    }
    if (n === 2) {
      cmul(ar, ai, ar, ai, out);
      return;
    }
    if (n === 3) {
      cmul(ar, ai, ar, ai, acc);
      cmul(ar, ai, acc[0]!, acc[1]!, out);
      return;
    }
    if (n < 0) n = -n;
    acc[0] = 1;
    acc[1] = 0;
    pw[0] = ar;
    pw[1] = ai;
    let mask = 1;
    for (;;) {
      if (n & mask) cmul(acc[0]!, acc[1]!, pw[0]!, pw[1]!, acc);
      mask <<= 1;
      if (n < mask || mask <= 0) break;
      cmul(pw[0]!, pw[1]!, pw[0]!, pw[1]!, pw);
    }
    if (br < 0) {
      // NumPy's nc_quot(1, r): the textbook quotient.
      const d = acc[0]! * acc[0]! + acc[1]! * acc[1]!;
      out[0] = (1 * acc[0]! + 0 * acc[1]!) / d;
      out[1] = (0 * acc[0]! - 1 * acc[1]!) / d;
    } else {
      out[0] = acc[0]!;
      out[1] = acc[1]!;
    }
    return;
  }
  clog(ar, ai, tmp);
  const lr = tmp[0]!;
  const li = tmp[1]!;
  cexp(lr * br - li * bi, lr * bi + li * br, out);
}

/** cpow for complex64: as cpow, with exp(b log a) formed in single precision (as cpowf). */
export function cpow64(ar: number, ai: number, br: number, bi: number, out: ComplexOut): void {
  const f = Math.fround;
  if (br === 0 && bi === 0) {
    cpow(ar, ai, br, bi, out);
    return;
  }
  if ((ar === 0 && ai === 0) || (bi === 0 && Number.isInteger(br) && br > -100 && br < 100)) {
    cpow(ar, ai, br, bi, out);
    return;
  }
  clog(ar, ai, tmp);
  const lr = f(tmp[0]!);
  const li = f(tmp[1]!);
  cexp(f(f(lr * br) - f(li * bi)), f(f(lr * bi) + f(li * br)), out);
}

/** NumPy's lexicographic complex order, NaN-aware (CLT/CLE/CGT/CGE/CEQ/CNE of loops.c.src). */
export function cless(ar: number, ai: number, br: number, bi: number): boolean {
  return (ar < br && !Number.isNaN(ai) && !Number.isNaN(bi)) || (ar === br && ai < bi);
}
export function clessEqual(ar: number, ai: number, br: number, bi: number): boolean {
  return (ar < br && !Number.isNaN(ai) && !Number.isNaN(bi)) || (ar === br && ai <= bi);
}
export function cgreater(ar: number, ai: number, br: number, bi: number): boolean {
  return (ar > br && !Number.isNaN(ai) && !Number.isNaN(bi)) || (ar === br && ai > bi);
}
export function cgreaterEqual(ar: number, ai: number, br: number, bi: number): boolean {
  return (ar > br && !Number.isNaN(ai) && !Number.isNaN(bi)) || (ar === br && ai >= bi);
}
