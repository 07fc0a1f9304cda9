/**
 * Decimal formatting of one float the way NumPy prints it: the Dragon4 digit generator
 * (numpy/_core/src/multiarray/dragon4.c, after Steele & White and Ryan Juckett) behind
 * numpy.format_float_positional / format_float_scientific in unique mode, and str() of
 * float and complex scalars. Exact for float64 and float32 (BigInt arithmetic).
 */

// ---------------------------------------------------------------------------
// Dragon4: shortest (or cut off) decimal digits of a binary float, exactly.

/** Trim modes of numpy.format_float_*: keep, trim zeros, leave one zero, trim zeros and dot. */
export type TrimMode = "k" | "." | "0" | "-";

interface FloatParts {
  mantissa: bigint;
  exponent: number;
  mantissaBit: number;
  unequalMargins: boolean;
}

const scratch = new DataView(new ArrayBuffer(8));

/** The binary decomposition of finite |x| as a float64 or float32. */
function decompose(x: number, float32: boolean): FloatParts {
  if (float32) {
    scratch.setFloat32(0, x);
    const bits = scratch.getUint32(0);
    const biased = (bits >>> 23) & 0xff;
    const frac = bits & 0x7fffff;
    if (biased !== 0) {
      return {
        mantissa: BigInt(frac | 0x800000),
        exponent: biased - 150,
        mantissaBit: 23,
        unequalMargins: biased !== 1 && frac === 0,
      };
    }
    return {
      mantissa: BigInt(frac),
      exponent: -149,
      mantissaBit: bitLength(frac) - 1,
      unequalMargins: false,
    };
  }
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) {
    return {
      mantissa: frac | (1n << 52n),
      exponent: biased - 1075,
      mantissaBit: 52,
      unequalMargins: biased !== 1 && frac === 0n,
    };
  }
  return {
    mantissa: frac,
    exponent: -1074,
    mantissaBit: frac.toString(2).length - 1,
    unequalMargins: false,
  };
}

function bitLength(n: number): number {
  return n === 0 ? 0 : 32 - Math.clz32(n);
}

const LOG10_2 = 0.3010299956639812;

/** Room for digits when no cutoff applies (NumPy's output buffer bound). */
const DIGIT_BUFFER = 16384;

interface Digits {
  /** The decimal digits, first one non-zero unless the value rounds to 0. */
  digits: string;
  /** Decimal exponent of the first digit. */
  exponent: number;
}

/**
 * Dragon4 in "unique" mode: the shortest digits that read back as the same float, but
 * never past `cutoffMax` digits (total digits or digits after the point, per `mode`)
 * and at least `cutoffMin`; -1 means no limit. The last digit is rounded half to even.
 */
function dragon4(
  parts: FloatParts,
  mode: "total" | "fraction",
  cutoffMax: number,
  cutoffMin: number,
): Digits {
  const { mantissa, exponent, mantissaBit, unequalMargins } = parts;
  if (mantissa === 0n) return { digits: "0", exponent: 0 };
  const isEven = mantissa % 2n === 0n;
  let value: bigint;
  let scale: bigint;
  let marginLow: bigint;
  let marginHigh: bigint;
  const e = BigInt(exponent);
  if (unequalMargins) {
    if (exponent > 0) {
      value = (4n * mantissa) << e;
      scale = 4n;
      marginLow = 1n << e;
    } else {
      value = 4n * mantissa;
      scale = 1n << (-e + 2n);
      marginLow = 1n;
    }
    marginHigh = 2n * marginLow;
  } else {
    if (exponent > 0) {
      value = (2n * mantissa) << e;
      scale = 2n;
      marginLow = 1n << e;
    } else {
      value = 2n * mantissa;
      scale = 1n << (-e + 1n);
      marginLow = 1n;
    }
    marginHigh = marginLow;
  }
  let digitExponent = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  if (mode === "fraction" && cutoffMax >= 0 && digitExponent <= -cutoffMax) {
    digitExponent = -cutoffMax + 1;
  }
  if (digitExponent > 0) scale *= 10n ** BigInt(digitExponent);
  else if (digitExponent < 0) {
    const p = 10n ** BigInt(-digitExponent);
    value *= p;
    marginLow *= p;
    marginHigh *= p;
  }
  if (value >= scale) digitExponent += 1;
  else {
    value *= 10n;
    marginLow *= 10n;
    marginHigh *= 10n;
  }
  let cutoffMaxExponent = digitExponent - DIGIT_BUFFER;
  if (cutoffMax >= 0) {
    const desired = mode === "total" ? digitExponent - cutoffMax : -cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = mode === "total" ? digitExponent - cutoffMin : -cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  const firstExponent = digitExponent - 1;
  let out = "";
  let digit: bigint;
  let low: boolean;
  let high: boolean;
  for (;;) {
    digitExponent -= 1;
    digit = value / scale;
    value %= scale;
    // With an even mantissa a decimal exactly on the rounding boundary still reads back
    // as this float (round half to even), so the boundaries are inclusive.
    low = isEven ? value <= marginLow : value < marginLow;
    high = isEven ? value + marginHigh >= scale : value + marginHigh > scale;
    if (
      ((low || high) && digitExponent <= cutoffMinExponent) ||
      digitExponent === cutoffMaxExponent
    ) {
      break;
    }
    out += String(digit);
    value *= 10n;
    marginLow *= 10n;
    marginHigh *= 10n;
  }
  let roundDown = low;
  if (low === high) {
    const twice = 2n * value;
    roundDown = twice < scale || (twice === scale && digit % 2n === 0n);
  }
  if (roundDown) return { digits: out + String(digit), exponent: firstExponent };
  if (digit < 9n) return { digits: out + String(digit + 1n), exponent: firstExponent };
  // Round up through a run of nines.
  let i = out.length - 1;
  while (i >= 0 && out[i] === "9") i--;
  if (i < 0) return { digits: "1", exponent: firstExponent + 1 };
  return {
    digits: out.slice(0, i) + String(Number(out[i]) + 1),
    exponent: firstExponent,
  };
}

export interface FloatFormatOptions {
  /** Maximum digits after the point (-1 or absent: as many as uniqueness needs). */
  precision?: number;
  /** Minimum digits after the point, filled with the exact value's digits. */
  minDigits?: number;
  trim?: TrimMode;
  /** Print '+' for non-negative values. */
  sign?: boolean;
  /** Pad on the left with spaces to at least this many characters before the point. */
  padLeft?: number;
  /** Pad on the right with spaces to at least this many characters after the point. */
  padRight?: number;
  /** Pad the exponent with zeros to at least this many digits (default 2). */
  expDigits?: number;
  /** Treat the value as a float32 (its shortest digits differ from float64's). */
  float32?: boolean;
}

export function formatNonFinite(x: number, sign: boolean): string {
  if (Number.isNaN(x)) return sign ? "+nan" : "nan";
  return x < 0 ? "-inf" : sign ? "+inf" : "inf";
}

function signOf(x: number, sign: boolean): string {
  return x < 0 || Object.is(x, -0) ? "-" : sign ? "+" : "";
}

/** numpy.format_float_positional(x, unique=True, fractional=True, ...). */
export function formatFloatPositional(x: number, o: FloatFormatOptions = {}): string {
  const precision = o.precision ?? -1;
  const minDigits = o.minDigits ?? -1;
  const trim = o.trim ?? "k";
  const padLeft = o.padLeft ?? -1;
  const padRight = o.padRight ?? -1;
  if (!Number.isFinite(x)) return formatNonFinite(x, o.sign ?? false);
  const sign = signOf(x, o.sign ?? false);
  const { digits, exponent } = dragon4(
    decompose(Math.abs(x), o.float32 ?? false),
    "fraction",
    precision,
    minDigits,
  );
  let whole: string;
  let frac: string;
  if (exponent >= 0) {
    const numWhole = exponent + 1;
    whole = digits.slice(0, numWhole).padEnd(numWhole, "0");
    frac = digits.slice(numWhole);
  } else {
    whole = "0";
    frac = "0".repeat(-(exponent + 1)) + digits;
  }
  let dot = trim !== "-" || frac.length > 0;
  // Unique mode: trailing zeros are added up to `minDigits`, never up to `precision`.
  if (trim === "0" && frac.length === 0) frac = "0";
  else if (trim === "k" && minDigits > frac.length) frac = frac.padEnd(minDigits, "0");
  if (precision >= 0 && trim !== "k" && frac.length > 0) {
    frac = frac.replace(/0+$/, "");
    if (frac.length === 0) {
      if (trim === "0") frac = "0";
      else if (trim === "-") dot = false;
    }
  }
  let s = sign + whole + (dot ? "." : "") + frac;
  if (padRight >= frac.length) {
    if (trim === "-" && frac.length === 0) s += " ";
    s += " ".repeat(padRight - frac.length);
  }
  const before = sign.length + whole.length;
  if (padLeft > before) s = " ".repeat(padLeft - before) + s;
  return s;
}

/** numpy.format_float_scientific(x, unique=True, ...). */
export function formatFloatScientific(x: number, o: FloatFormatOptions = {}): string {
  const precision = o.precision ?? -1;
  const minDigits = o.minDigits ?? -1;
  const trim = o.trim ?? "k";
  const padLeft = o.padLeft ?? -1;
  if (!Number.isFinite(x)) return formatNonFinite(x, o.sign ?? false);
  const sign = signOf(x, o.sign ?? false);
  const { digits, exponent } = dragon4(
    decompose(Math.abs(x), o.float32 ?? false),
    "total",
    precision < 0 ? -1 : precision + 1,
    minDigits < 0 ? -1 : minDigits + 1,
  );
  let frac = digits.slice(1);
  const dot = frac.length > 0 || trim !== "-";
  // Unique mode: trailing zeros are added up to `minDigits`, never up to `precision`.
  if (trim === "0" && frac.length === 0) frac = "0";
  else if (trim === "k" && minDigits > frac.length) frac = frac.padEnd(minDigits, "0");
  if (precision >= 0 && trim !== "k" && frac.length > 0) {
    frac = frac.replace(/0+$/, "");
    if (trim === "0" && frac.length === 0) frac = "0";
  }
  const expDigits = Math.min(5, (o.expDigits ?? -1) < 0 ? 2 : o.expDigits!);
  const expAbs = String(Math.abs(exponent)).padStart(expDigits, "0");
  let s = `${sign}${digits[0]}${dot ? "." : ""}${frac}e${exponent < 0 ? "-" : "+"}${expAbs}`;
  if (padLeft > 1 + sign.length) s = " ".repeat(padLeft - 1 - sign.length) + s;
  return s;
}

// ---------------------------------------------------------------------------
// Scalars (str of a 0-d array is str of its scalar)

/**
 * Below this magnitude a scalar's str() is positional: 1e16 for float64 and 1e6 for
 * float32 (NumPy 2 scales it to the type's decimal precision).
 */
function positionalLimit(float32: boolean): number {
  return float32 ? 1e6 : 1e16;
}

/** str() of a NumPy float scalar: positional for 0 and 1e-4 <= |x| < limit, else scientific. */
export function floatScalarStr(x: number, float32 = false): string {
  const a = Math.abs(x);
  if (a === 0 || (a >= 1e-4 && a < positionalLimit(float32)) || !Number.isFinite(x)) {
    return formatFloatPositional(x, { trim: "0", float32 });
  }
  return formatFloatScientific(x, { trim: "-", float32 });
}

function floatEither(x: number, float32: boolean, sign: boolean): string {
  const a = Math.abs(x);
  if (a === 0 || (a >= 1e-4 && a < positionalLimit(float32)) || !Number.isFinite(x)) {
    return formatFloatPositional(x, { trim: "-", float32, sign });
  }
  return formatFloatScientific(x, { trim: "-", float32, sign });
}

/** str() of a NumPy complex scalar: `(1+2j)`, or `2j` when the real part is +0. */
export function complexScalarStr(re: number, im: number, float32 = false): string {
  if (re === 0 && !Object.is(re, -0)) return `${floatEither(im, float32, false)}j`;
  const r = Number.isFinite(re) ? floatEither(re, float32, false) : formatNonFinite(re, false);
  const i = Number.isFinite(im) ? floatEither(im, float32, true) : formatNonFinite(im, true);
  return `(${r}${i}j)`;
}
