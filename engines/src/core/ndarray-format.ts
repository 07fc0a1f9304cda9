/**
 * NumPy-exact printing of arrays: `str(arr)` (arrayStr) and `repr(arr)` (arrayRepr) with
 * NumPy 2's default print options (precision 8, floatmode 'maxprec', threshold 1000,
 * edgeitems 3, linewidth 75, sign '-'), following numpy/_core/arrayprint.py
 * (`_formatArray`, `FloatingFormat`, `ComplexFloatingFormat`, `IntegerFormat`,
 * `BoolFormat`) and the Dragon4 digit generator NumPy uses for floats
 * (numpy/_core/src/multiarray/dragon4.c, after Steele & White and Ryan Juckett).
 */
import { DTYPE_INFO, type DType, type TypedArray } from "./dtypes.js";
import { cStrides, product } from "./shape.js";

/** What the printers need of an array: C-order storage, shape and dtype. */
export interface FormatSource {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

/** NumPy's default print options (numpy.get_printoptions()). */
export const PRINT_OPTIONS = Object.freeze({
  precision: 8,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 75,
  nanstr: "nan",
  infstr: "inf",
});

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

function nonFinite(x: number, sign: boolean): string {
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
  if (!Number.isFinite(x)) return nonFinite(x, o.sign ?? false);
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
  if (!Number.isFinite(x)) return nonFinite(x, o.sign ?? false);
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
// Element formatters (one per dtype family), built from the values to print.

type ElementFormatter = (flat: number) => string;

/** numpy's FloatingFormat with floatmode 'maxprec' (default print options). */
class FloatingFormat {
  #expFormat = false;
  #padLeft = 0;
  #padRight = 0;
  #precision: number = PRINT_OPTIONS.precision;
  #minDigits = 0;
  #trim: TrimMode = ".";
  #expSize = -1;
  readonly #sign: boolean;
  readonly #float32: boolean;

  constructor(values: readonly number[], float32: boolean, sign: boolean) {
    this.#sign = sign;
    this.#float32 = float32;
    const finite = values.filter(Number.isFinite);
    const nonZero = finite.filter((v) => v !== 0).map(Math.abs);
    if (nonZero.length > 0) {
      let max = nonZero[0]!;
      let min = nonZero[0]!;
      for (const v of nonZero) {
        if (v > max) max = v;
        if (v < min) min = v;
      }
      // The cutoff depends on the dtype's decimal precision (NumPy >= 2.3): 1e8 for
      // float64, 1e6 for float32. Python floats compare as the array's dtype (NEP 50).
      const cutoffMax = float32 ? 1e6 : 1e8;
      const small = float32 ? Math.fround(0.0001) : 0.0001;
      const ratio = float32 ? Math.fround(max / min) : max / min;
      if (max >= cutoffMax || min < small || ratio > 1000) this.#expFormat = true;
    }
    const common = { precision: this.#precision, trim: "." as TrimMode, sign, float32 };
    if (finite.length === 0) {
      this.#padLeft = 0;
      this.#padRight = 0;
      this.#trim = ".";
      this.#expSize = -1;
    } else if (this.#expFormat) {
      let intLen = 0;
      let fracLen = 0;
      let expLen = 0;
      for (const v of finite) {
        const s = formatFloatScientific(v, common);
        const e = s.indexOf("e");
        const dot = s.indexOf(".");
        intLen = Math.max(intLen, dot);
        fracLen = Math.max(fracLen, e - dot - 1);
        expLen = Math.max(expLen, s.length - e - 1);
      }
      this.#expSize = expLen - 1;
      this.#trim = "k";
      this.#precision = fracLen;
      this.#minDigits = fracLen;
      this.#padLeft = intLen;
      this.#padRight = this.#expSize + 2 + this.#precision;
    } else {
      let intLen = 0;
      let fracLen = 0;
      for (const v of finite) {
        const s = formatFloatPositional(v, common);
        const dot = s.indexOf(".");
        intLen = Math.max(intLen, dot);
        fracLen = Math.max(fracLen, s.length - dot - 1);
      }
      this.#padLeft = intLen;
      this.#padRight = fracLen;
      this.#expSize = -1;
      this.#trim = ".";
      this.#minDigits = 0;
    }
    if (finite.length !== values.length) {
      const negInf = sign || values.some((v) => v === Number.NEGATIVE_INFINITY);
      const offset = this.#padRight + 1;
      this.#padLeft = Math.max(
        this.#padLeft,
        PRINT_OPTIONS.nanstr.length - offset,
        PRINT_OPTIONS.infstr.length + (negInf ? 1 : 0) - offset,
      );
    }
  }

  format(x: number): string {
    if (!Number.isFinite(x)) {
      const ret = nonFinite(x, this.#sign);
      return " ".repeat(Math.max(0, this.#padLeft + this.#padRight + 1 - ret.length)) + ret;
    }
    const o: FloatFormatOptions = {
      precision: this.#precision,
      minDigits: this.#minDigits,
      trim: this.#trim,
      sign: this.#sign,
      padLeft: this.#padLeft,
      float32: this.#float32,
    };
    if (this.#expFormat) return formatFloatScientific(x, { ...o, expDigits: this.#expSize });
    return formatFloatPositional(x, { ...o, padRight: this.#padRight });
  }
}

function floatFormatter(
  data: TypedArray,
  flats: readonly number[],
  float32: boolean,
): ElementFormatter {
  const d = data as Float64Array;
  const f = new FloatingFormat(
    flats.map((i) => d[i]!),
    float32,
    false,
  );
  return (i) => f.format(d[i]!);
}

function complexFormatter(
  data: TypedArray,
  flats: readonly number[],
  float32: boolean,
): ElementFormatter {
  const d = data as Float64Array;
  const re = new FloatingFormat(
    flats.map((i) => d[2 * i]!),
    float32,
    false,
  );
  const im = new FloatingFormat(
    flats.map((i) => d[2 * i + 1]!),
    float32,
    true,
  );
  return (i) => {
    const r = re.format(d[2 * i]!);
    const s = im.format(d[2 * i + 1]!);
    const end = s.trimEnd().length;
    return `${r}${s.slice(0, end)}j${s.slice(end)}`;
  };
}

function intFormatter(data: TypedArray, flats: readonly number[]): ElementFormatter {
  let width = 0;
  if (flats.length > 0) {
    let max = data[flats[0]!]!;
    let min = max;
    for (const i of flats) {
      const v = data[i]!;
      if (v > max) max = v;
      if (v < min) min = v;
    }
    width = Math.max(String(max).length, String(min).length);
  }
  return (i) => String(data[i]!).padStart(width);
}

function boolFormatter(data: TypedArray, zeroD: boolean): ElementFormatter {
  const t = zeroD ? "True" : " True";
  return (i) => (data[i] ? t : "False");
}

function elementFormatter(src: FormatSource, flats: readonly number[]): ElementFormatter {
  const kind = DTYPE_INFO[src.dtype].kind;
  const float32 = src.dtype === "float32" || src.dtype === "complex64";
  switch (kind) {
    case "b":
      return boolFormatter(src.data, src.shape.length === 0);
    case "i":
    case "u":
      return intFormatter(src.data, flats);
    case "f":
      return floatFormatter(src.data, flats, float32);
    case "c":
      return complexFormatter(src.data, flats, float32);
  }
}

// ---------------------------------------------------------------------------
// Layout (numpy _formatArray, _extendLine)

function extendLine(
  s: string,
  line: string,
  word: string,
  lineWidth: number,
  nextLinePrefix: string,
): [string, string] {
  let needsWrap = line.length + word.length > lineWidth;
  // Do not wrap when it would not help.
  if (line.length <= nextLinePrefix.length) needsWrap = false;
  if (needsWrap) {
    s += `${line.trimEnd()}\n`;
    line = nextLinePrefix;
  }
  return [s, line + word];
}

/** The C-order positions printed: all, or only the leading/trailing edges when summarizing. */
function keptPositions(shape: readonly number[], summarize: boolean, edge: number): number[] {
  const strides = cStrides(shape);
  const axes = shape.map((n) =>
    summarize && n > 2 * edge
      ? [
          ...Array.from({ length: edge }, (_, i) => i),
          ...Array.from({ length: edge }, (_, i) => n - edge + i),
        ]
      : Array.from({ length: n }, (_, i) => i),
  );
  const out: number[] = [];
  const walk = (axis: number, base: number): void => {
    if (axis === shape.length) {
      out.push(base);
      return;
    }
    for (const i of axes[axis]!) walk(axis + 1, base + i * strides[axis]!);
  };
  walk(0, 0);
  return out;
}

function array2string(
  src: FormatSource,
  separator: string,
  prefix: string,
  lineWidth: number,
): string {
  const shape = src.shape;
  const size = product(shape);
  if (size === 0) return "[]";
  const { edgeitems } = PRINT_OPTIONS;
  const summarize = size > PRINT_OPTIONS.threshold;
  const fmt = elementFormatter(src, keptPositions(shape, summarize, edgeitems));
  const strides = cStrides(shape);
  const summaryInsert = summarize ? "..." : "";
  const sepTrim = separator.trimEnd();

  const recurse = (
    axis: number,
    base: number,
    hangingIndent: string,
    currWidth: number,
  ): string => {
    const axesLeft = shape.length - axis;
    if (axesLeft === 0) return fmt(base);
    const nextHangingIndent = `${hangingIndent} `;
    const nextWidth = currWidth - 1;
    const n = shape[axis]!;
    const stride = strides[axis]!;
    const showSummary = summaryInsert !== "" && 2 * edgeitems < n;
    const leading = showSummary ? edgeitems : 0;
    const trailing = showSummary ? edgeitems : n;
    const child = (i: number): string =>
      recurse(axis + 1, base + i * stride, nextHangingIndent, nextWidth);
    let s = "";
    if (axesLeft === 1) {
      const elemWidth = currWidth - Math.max(sepTrim.length, 1);
      let line = hangingIndent;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLine(s, line, child(i), elemWidth, hangingIndent);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, summaryInsert, elemWidth, hangingIndent);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLine(s, line, child(n - i), elemWidth, hangingIndent);
        line += separator;
      }
      [s, line] = extendLine(s, line, child(n - 1), elemWidth, hangingIndent);
      s += line;
    } else {
      const lineSep = sepTrim + "\n".repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hangingIndent + child(i) + lineSep;
      if (showSummary) s += hangingIndent + summaryInsert + lineSep;
      for (let i = trailing; i > 1; i--) s += hangingIndent + child(n - i) + lineSep;
      s += hangingIndent + child(n - 1);
    }
    return `[${s.slice(hangingIndent.length)}]`;
  };
  return recurse(0, 0, ` ${" ".repeat(prefix.length)}`, lineWidth);
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
  const r = Number.isFinite(re) ? floatEither(re, float32, false) : nonFinite(re, false);
  const i = Number.isFinite(im) ? floatEither(im, float32, true) : nonFinite(im, true);
  return `(${r}${i}j)`;
}

function scalarStr(src: FormatSource): string {
  const d = src.data;
  switch (DTYPE_INFO[src.dtype].kind) {
    case "b":
      return d[0] ? "True" : "False";
    case "i":
    case "u":
      return String(d[0]);
    case "f":
      return floatScalarStr(d[0] as number, src.dtype === "float32");
    case "c":
      return complexScalarStr(d[0] as number, d[1] as number, src.dtype === "complex64");
  }
}

// ---------------------------------------------------------------------------
// Public entry points

/** NumPy's `str(arr)` with default print options. */
export function arrayStr(src: FormatSource): string {
  if (src.shape.length === 0) return scalarStr(src);
  return array2string(src, " ", "", PRINT_OPTIONS.linewidth);
}

/** dtypes NumPy leaves out of a repr because the values imply them. */
const IMPLIED_DTYPES: ReadonlySet<DType> = new Set(["float64", "int64", "complex128", "bool"]);

function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** NumPy's `repr(arr)` with default print options: `array([1, 2], dtype=int32)`. */
export function arrayRepr(src: FormatSource): string {
  const prefix = "array(";
  const suffix = ")";
  const lineWidth = PRINT_OPTIONS.linewidth;
  const lst = array2string(src, ", ", prefix, lineWidth - suffix.length);
  const size = product(src.shape);
  const extras: string[] = [];
  if (
    (size === 0 && !(src.shape.length === 1 && src.shape[0] === 0)) ||
    size > PRINT_OPTIONS.threshold
  ) {
    extras.push(`shape=${pyTuple(src.shape)}`);
  }
  if (!IMPLIED_DTYPES.has(src.dtype) || size === 0) extras.push(`dtype=${src.dtype}`);
  if (extras.length === 0) return `${prefix}${lst})`;
  const arrStr = `${prefix}${lst},`;
  const extraStr = `${extras.join(", ")})`;
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf("\n") + 1);
  const spacer =
    lastLineLen + extraStr.length + 1 > lineWidth ? `\n${" ".repeat(prefix.length)}` : " ";
  return arrStr + spacer + extraStr;
}
