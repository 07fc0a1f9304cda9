/**
 * The inverse trigonometric and hyperbolic complex functions for the complex ufunc loops,
 * with Kahan's formulas ("Branch cuts for complex elementary functions", 1987), which
 * put the branch cuts where NumPy documents them, and C99 Annex G special values (with
 * glibc's choices where C99 leaves a sign open). Results go into `out` as in complex-math.ts.
 */
import { type ComplexOut, cdiv, copysign, csqrt, isInf } from "./complex-math.js";

const tmp = new Float64Array(2);
const s1 = new Float64Array(2);
const s2 = new Float64Array(2);

/** Kahan's casin: Re = atan(x / Re(sqrt(1-z) sqrt(1+z))), Im = asinh(Im(conj(sqrt(1-z)) sqrt(1+z))). */
export function casin(x: number, y: number, out: ComplexOut): void {
  if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || !Number.isFinite(y)) {
    casinSpecial(x, y, out);
    return;
  }
  csqrt(1 - x, -y, s1);
  csqrt(1 + x, y, s2);
  out[0] = Math.atan2(x, s1[0]! * s2[0]! - s1[1]! * s2[1]!);
  out[1] = Math.asinh(s1[0]! * s2[1]! - s1[1]! * s2[0]!);
}

function casinSpecial(x: number, y: number, out: ComplexOut): void {
  if (isInf(x) && Number.isNaN(y)) {
    out[0] = Number.NaN;
    out[1] = Number.POSITIVE_INFINITY;
    return;
  }
  // casin(z) = -i casinh(iz); C99 gives casinh's special values.
  casinhSpecial(-y, x, tmp);
  out[0] = tmp[1]!;
  out[1] = -tmp[0]!;
}

function casinhSpecial(x: number, y: number, out: ComplexOut): void {
  if (Number.isNaN(x)) {
    if (y === 0) {
      out[0] = x;
      out[1] = y;
    } else if (!Number.isFinite(y) && !Number.isNaN(y)) {
      out[0] = Number.POSITIVE_INFINITY;
      out[1] = Number.NaN;
    } else {
      out[0] = Number.NaN;
      out[1] = Number.NaN;
    }
    return;
  }
  if (Number.isNaN(y)) {
    out[0] = Number.isFinite(x) ? Number.NaN : x;
    out[1] = Number.NaN;
    return;
  }
  // At least one infinite part.
  if (!Number.isFinite(x)) {
    out[0] = x;
    out[1] = Number.isFinite(y) ? copysign(0, y) : copysign(Math.PI / 4, y);
    return;
  }
  out[0] = copysign(Number.POSITIVE_INFINITY, x);
  out[1] = copysign(Math.PI / 2, y);
}

/** casinh(z) = -i casin(iz). */
export function casinh(x: number, y: number, out: ComplexOut): void {
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    casinhSpecial(x, y, out);
    return;
  }
  casin(-y, x, tmp);
  out[0] = tmp[1]!;
  out[1] = -tmp[0]!;
}

/** Kahan's cacos: Re = 2 atan(Re sqrt(1-z) / Re sqrt(1+z)), Im = asinh(Im(conj(sqrt(1+z)) sqrt(1-z))). */
export function cacos(x: number, y: number, out: ComplexOut): void {
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    cacosSpecial(x, y, out);
    return;
  }
  csqrt(1 - x, -y, s1);
  csqrt(1 + x, y, s2);
  out[0] = 2 * Math.atan2(s1[0]!, s2[0]!);
  out[1] = Math.asinh(s2[0]! * s1[1]! - s2[1]! * s1[0]!);
}

function cacosSpecial(x: number, y: number, out: ComplexOut): void {
  if (Number.isNaN(x)) {
    out[0] = Number.NaN;
    out[1] = y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY ? -y : Number.NaN;
    return;
  }
  if (Number.isNaN(y)) {
    if (!Number.isFinite(x)) {
      out[0] = Number.NaN;
      out[1] = Number.NEGATIVE_INFINITY;
    } else {
      out[0] = x === 0 ? Math.PI / 2 : Number.NaN;
      out[1] = Number.NaN;
    }
    return;
  }
  if (Number.isFinite(x)) {
    out[0] = Math.PI / 2;
    out[1] = -y;
    return;
  }
  if (Number.isFinite(y)) {
    out[0] = x > 0 ? 0 : Math.PI;
    out[1] = y < 0 || Object.is(y, -0) ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return;
  }
  out[0] = x > 0 ? Math.PI / 4 : (3 * Math.PI) / 4;
  out[1] = -y;
}

/** Kahan's cacosh: Re = asinh(Re(conj(sqrt(z-1)) sqrt(z+1))), Im = 2 atan(Im sqrt(z-1) / Re sqrt(z+1)). */
export function cacosh(x: number, y: number, out: ComplexOut): void {
  if (x === 0 && Number.isNaN(y)) {
    out[0] = Number.NaN;
    out[1] = Math.PI / 2;
    return;
  }
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    // cacosh(z) = +-i cacos(z) with the sign that keeps Re >= 0.
    cacosSpecial(x, y, tmp);
    const re = tmp[0]!;
    const im = tmp[1]!;
    if (Number.isNaN(im)) {
      out[0] = Number.isNaN(re) ? Number.NaN : Math.abs(im);
      out[1] = Number.isNaN(re) ? Number.NaN : re;
      if (!Number.isNaN(re)) out[0] = Number.NaN;
      if (x === 0 && Number.isNaN(y)) {
        out[0] = Number.NaN;
        out[1] = Number.NaN;
      }
      if (!Number.isFinite(x) && !Number.isNaN(x) && Number.isNaN(y)) {
        out[0] = Number.POSITIVE_INFINITY;
        out[1] = Number.NaN;
      }
      return;
    }
    out[0] = Math.abs(im);
    out[1] = y < 0 || Object.is(y, -0) ? -re : re;
    return;
  }
  csqrt(x - 1, y, s1);
  csqrt(x + 1, y, s2);
  out[0] = Math.asinh(s1[0]! * s2[0]! + s1[1]! * s2[1]!);
  out[1] = 2 * Math.atan2(s1[1]!, s2[0]!);
}

/** catanh: Re = log1p(4x / ((1-x)^2 + y^2)) / 4, Im = atan2(2y, (1-x)(1+x) - y^2) / 2. */
export function catanh(x: number, y: number, out: ComplexOut): void {
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    if (Number.isNaN(x)) {
      out[0] = !Number.isFinite(y) && !Number.isNaN(y) ? copysign(0, x) : Number.NaN;
      out[1] = !Number.isFinite(y) && !Number.isNaN(y) ? copysign(Math.PI / 2, y) : Number.NaN;
      return;
    }
    if (Number.isNaN(y)) {
      out[0] = isInf(x) ? copysign(0, x) : x === 0 ? x : Number.NaN;
      out[1] = Number.NaN;
      return;
    }
    out[0] = copysign(0, x);
    out[1] = copysign(Math.PI / 2, y);
    return;
  }
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (ax > 1e150 || ay > 1e150) {
    // 1/z dominates: atanh(z) ~ 1/z + i pi/2 sign(y).
    cdiv(1, 0, x, y, tmp);
    out[0] = tmp[0]!;
    out[1] = copysign(Math.PI / 2, y);
    return;
  }
  if (ax === 1 && y === 0) {
    out[0] = copysign(Number.POSITIVE_INFINITY, x);
    out[1] = y;
    return;
  }
  const oneMinus = 1 - ax;
  out[0] = copysign(0.25 * Math.log1p((4 * ax) / (oneMinus * oneMinus + ay * ay)), x);
  out[1] = 0.5 * Math.atan2(2 * y, oneMinus * (1 + ax) - ay * ay);
}

/** catan(z) = -i catanh(iz). */
export function catan(x: number, y: number, out: ComplexOut): void {
  catanh(-y, x, tmp);
  out[0] = tmp[1]!;
  out[1] = -tmp[0]!;
}
