/**
 * NumPy-exact printing of arrays: `str(arr)` (arrayStr) and `repr(arr)` (arrayRepr) with
 * NumPy 2's default print options (precision 8, floatmode 'maxprec', threshold 1000,
 * edgeitems 3, linewidth 75, sign '-'), following numpy/_core/arrayprint.py
 * (`_formatArray`, `FloatingFormat`, `ComplexFloatingFormat`, `IntegerFormat`,
 * `BoolFormat`); the digits of each float come from float-format.ts (Dragon4).
 */
import { DTYPE_INFO, type DType, type TypedArray } from "./dtypes.js";
import {
  complexScalarStr,
  type FloatFormatOptions,
  floatScalarStr,
  formatFloatPositional,
  formatFloatScientific,
  formatNonFinite,
  type TrimMode,
} from "./float-format.js";
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
      const ret = formatNonFinite(x, this.#sign);
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

/** str() of a 0-d array: the str() of its scalar (not truncated to the print precision). */
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
