/**
 * Python literals, as found in `.npy` and `.dnpy` headers: a reader for the subset of
 * `ast.literal_eval` that those headers use, and a printer that reproduces Python's
 * `repr` for the same values.
 *
 * Representation (the DAP convention of engines/src/core): a Python tuple is a FROZEN
 * JS array, a list a plain array, a dict a plain object with string keys, `None` is
 * `null`, `True`/`False` are booleans, strings are strings. Python ints become JS numbers
 * when they are safe integers and bigints otherwise; Python floats become numbers.
 * A float that happens to be integral (`2.0`) is read back as the number 2, so it prints
 * as `2`; headers never carry floats, so nothing is lost there.
 *
 * Pure: no Node built-ins.
 */

/** A value a Python literal can denote (see the module comment for the mapping). */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly PyValue[]
  | { readonly [key: string]: PyValue };

/** Why a literal could not be read; `offset` is the character position. */
export class PyLiteralSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at character ${offset}`);
    this.offset = offset;
    this.name = "PyLiteralSyntaxError";
  }
}

/** Builds a Python tuple: a frozen array. */
export function pyTuple<T extends PyValue>(...items: T[]): readonly T[] {
  return Object.freeze(items);
}

/** True if `v` denotes a Python tuple (a frozen array). */
export function isPyTuple(v: unknown): v is readonly PyValue[] {
  return Array.isArray(v) && Object.isFrozen(v);
}

/** True if `v` denotes a Python dict (a plain, non-array object). */
export function isPyDict(v: unknown): v is { readonly [key: string]: PyValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The nesting depth beyond which the reader gives up (headers are shallow). */
export const MAX_LITERAL_DEPTH = 64;

/**
 * Reads one Python literal, like `ast.literal_eval` restricted to dicts, tuples, lists,
 * strings (single or double quoted, with the usual backslash escapes), ints (decimal,
 * hex, octal, binary, with `_` separators, unary minus or plus), floats (incl. `inf`-free
 * exponents), `True`, `False` and `None`. Whitespace (spaces, tabs, newlines) is allowed
 * between tokens. Dict keys must be strings.
 * @throws PyLiteralSyntaxError when the text is not such a literal.
 */
export function parsePyLiteral(text: string): PyValue {
  const p = new Parser(text);
  p.skipSpace();
  const v = p.value(0);
  p.skipSpace();
  if (p.pos !== text.length)
    throw new PyLiteralSyntaxError("unexpected text after the literal", p.pos);
  return v;
}

class Parser {
  readonly text: string;
  pos = 0;
  constructor(text: string) {
    this.text = text;
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c) this.pos++;
      else break;
    }
  }

  fail(message: string): never {
    throw new PyLiteralSyntaxError(message, this.pos);
  }

  value(depth: number): PyValue {
    if (depth > MAX_LITERAL_DEPTH) this.fail("literal nested too deeply");
    const c = this.text[this.pos];
    if (c === undefined) this.fail("unexpected end of text");
    if (c === "{") return this.dict(depth);
    if (c === "(") return this.sequence(depth, ")");
    if (c === "[") return this.sequence(depth, "]");
    if (c === "'" || c === '"') return this.string();
    if (c === "-" || c === "+" || c === "." || (c >= "0" && c <= "9")) return this.number();
    for (const [word, v] of KEYWORDS) {
      if (this.text.startsWith(word, this.pos) && !isIdentChar(this.text[this.pos + word.length])) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  dict(depth: number): PyValue {
    this.pos++;
    const out: Record<string, PyValue> = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const keyAt = this.pos;
      const key = this.value(depth + 1);
      if (typeof key !== "string") {
        throw new PyLiteralSyntaxError("dict keys must be strings", keyAt);
      }
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.fail("expected ':' after a dict key");
      this.pos++;
      this.skipSpace();
      const v = this.value(depth + 1);
      Object.defineProperty(out, key, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep === ",") this.pos++;
      else if (sep !== "}") this.fail("expected ',' or '}' in a dict");
    }
  }

  sequence(depth: number, close: ")" | "]"): PyValue {
    this.pos++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        break;
      }
      items.push(this.value(depth + 1));
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep === ",") {
        this.pos++;
        sawComma = true;
      } else if (sep !== close) {
        this.fail(`expected ',' or '${close}'`);
      }
    }
    if (close === "]") return items;
    // `(x)` is just x in Python; `(x,)` and `()` are tuples.
    if (items.length === 1 && !sawComma) return items[0]!;
    return Object.freeze(items);
  }

  string(): string {
    const t = this.text;
    let out = "";
    // Adjacent literals concatenate, as in Python: 'a' "b" == 'ab'.
    do {
      const quote = t[this.pos]!;
      const triple = t.startsWith(quote.repeat(3), this.pos);
      const end = triple ? quote.repeat(3) : quote;
      this.pos += end.length;
      for (;;) {
        if (this.pos >= t.length) this.fail("unterminated string");
        if (t.startsWith(end, this.pos)) {
          this.pos += end.length;
          break;
        }
        const c = t[this.pos]!;
        if (c === "\n" && !triple) this.fail("newline inside a string");
        if (c === "\\") {
          out += this.escape();
        } else {
          out += c;
          this.pos++;
        }
      }
      this.skipSpace();
    } while (t[this.pos] === "'" || t[this.pos] === '"');
    return out;
  }

  escape(): string {
    const t = this.text;
    const c = t[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case undefined:
        return this.fail("unterminated string");
      case "\n":
        return "";
      case "\\":
      case "'":
      case '"':
        return c;
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "r":
        return "\r";
      case "0":
        return "\0";
      case "a":
        return "\x07";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "v":
        return "\v";
      case "x":
        return this.hexEscape(2);
      case "u":
        return this.hexEscape(4);
      case "U":
        return this.hexEscape(8);
      default:
        // Python keeps an unknown escape as is, backslash included.
        return `\\${c}`;
    }
  }

  hexEscape(digits: number): string {
    const hex = this.text.slice(this.pos, this.pos + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) this.fail("bad hex escape");
    this.pos += digits;
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) this.fail("escape out of the Unicode range");
    return String.fromCodePoint(code);
  }

  number(): number | bigint {
    const rest = this.text.slice(this.pos);
    const m = NUMBER_RE.exec(rest);
    if (m === null || m[0].length === 0) this.fail("bad number");
    const token = m[0];
    this.pos += token.length;
    if (isIdentChar(this.text[this.pos]) || this.text[this.pos] === ".") this.fail("bad number");
    const sign = token.startsWith("-") ? -1 : 1;
    const body = token.replace(/^[+-]\s*/, "").replaceAll("_", "");
    if (m[1] !== undefined) {
      // an integer with a base prefix
      const big = BigInt(body.toLowerCase());
      return intValue(sign < 0 ? -big : big);
    }
    if (/^[0-9]+$/.test(body)) {
      if (body.length > 1 && body.startsWith("0") && /[1-9]/.test(body)) {
        throw new PyLiteralSyntaxError(
          "leading zeros in a decimal integer",
          this.pos - token.length,
        );
      }
      const big = BigInt(body);
      return intValue(sign < 0 ? -big : big);
    }
    return sign * Number(body);
  }
}

const NUMBER_RE =
  /^[+-]?\s*(?:(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+)|(?:[0-9](?:_?[0-9])*)?(?:\.(?:[0-9](?:_?[0-9])*)?)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?)/;

const KEYWORDS: readonly (readonly [string, PyValue])[] = [
  ["True", true],
  ["False", false],
  ["None", null],
];

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

function intValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;
}

/**
 * Python's `repr` of a value: tuples `(a,)`/`(a, b)`, lists `[a, b]`, dicts
 * `{'k': v}` in insertion order, strings single-quoted unless they contain a single
 * quote and no double quote (Python's rule), `True`/`False`/`None`, ints as digits,
 * non-integral numbers as Python prints floats (`0.5`, `1e-07`, `inf`, `nan`).
 * @throws TypeError for values that have no Python literal (functions, typed arrays).
 */
export function pyRepr(v: PyValue): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return reprNumber(v);
  if (typeof v === "string") return reprString(v);
  if (Array.isArray(v)) {
    const items = (v as readonly PyValue[]).map(pyRepr);
    if (isPyTuple(v)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
    return `[${items.join(", ")}]`;
  }
  if (isPyDict(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`);
    return `{${parts.join(", ")}}`;
  }
  throw new TypeError(`no Python literal for ${Object.prototype.toString.call(v)}`);
}

function reprNumber(x: number): string {
  if (Number.isInteger(x)) return Object.is(x, -0) ? "-0.0" : BigInt(x).toString();
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  // Python's float repr: shortest round-trip digits, exponent form when the exponent
  // is < -4 or >= 16, written as e-05 / e+16.
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 16) {
    const [mant, e] = x.toExponential().split("e") as [string, string];
    const n = Number(e);
    const digits = String(Math.abs(n)).padStart(2, "0");
    return `${mant}e${n < 0 ? "-" : "+"}${digits}`;
  }
  return String(x);
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * The header dict text DistArray and NumPy write: `{` + `'%s': %r, ` for each key in
 * sorted order + `}` (note the trailing `, }`; NumPy's `_write_array_header`,
 * DistArray's `localapi/format.py`). Only the top-level keys are sorted.
 */
export function headerDictText(d: { readonly [key: string]: PyValue }): string {
  const keys = Object.keys(d).sort();
  let out = "{";
  for (const k of keys) out += `'${k}': ${pyRepr(d[k]!)}, `;
  return `${out}}`;
}
