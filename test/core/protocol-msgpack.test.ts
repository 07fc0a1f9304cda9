// The header codec (core/protocol-msgpack.ts) against the msgpack library it replaced:
// byte-identical encoding and equal decoding over generated values, every msgpack form,
// and the refusals (malformed input, unknown extensions, __proto__ keys).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeHeader, EXT_BIGINT, encodeHeader } from "@distarray/engines/core/protocol-codec";
import { Decoder, Encoder, ExtensionCodec } from "@msgpack/msgpack";

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const codec = new ExtensionCodec();
codec.register({
  type: EXT_BIGINT,
  encode: (x: unknown) => (typeof x === "bigint" ? textEncoder.encode(x.toString()) : null),
  decode: (d: Uint8Array) => BigInt(textDecoder.decode(d)),
});
const reference = new Encoder({ extensionCodec: codec, ignoreUndefined: true });
const referenceDecoder = new Decoder({ extensionCodec: codec });

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** A small deterministic generator (LCG), so a failure reproduces. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  31,
  32,
  127,
  128,
  255,
  256,
  -32,
  -33,
  -128,
  -129,
  65535,
  65536,
  -32768,
  -32769,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32 - 1,
  2 ** 32,
  -(2 ** 32),
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 53,
  1.5,
  -2.25,
  0.1,
  1e300,
  5e-324,
  NaN,
  Infinity,
  -Infinity,
];
const STRINGS = [
  "",
  "t",
  "float64",
  "x".repeat(31),
  "y".repeat(32),
  "z".repeat(64),
  "w".repeat(65),
  "é",
  "日本語",
  "mixé".repeat(20),
  "a".repeat(300),
  "b".repeat(70_000),
];

function value(rnd: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const r = rnd();
  if (depth > 3 || r < 0.4) {
    const leaves: (() => unknown)[] = [
      () => pick(NUMBERS),
      () => pick(STRINGS.slice(0, -1)),
      () => null,
      () => rnd() < 0.5,
      () =>
        BigInt(Math.floor(rnd() * 1e9)) *
        (rnd() < 0.5 ? -1n : 1n) *
        10n ** BigInt(pick([0, 5, 30])),
      () => new Uint8Array(Math.floor(rnd() * 300)).map(() => Math.floor(rnd() * 256)),
      () => Math.floor((rnd() - 0.5) * 2 ** Math.floor(rnd() * 54)),
    ];
    return pick(leaves)();
  }
  const n = Math.floor(rnd() * 6) + (rnd() < 0.1 ? 14 : 0);
  if (r < 0.7) return Array.from({ length: n }, () => value(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[`${pick(STRINGS.slice(0, 9))}${i}`] = value(rnd, depth + 1);
  if (rnd() < 0.3) o.skipped = undefined;
  return o;
}

describe("header msgpack codec", () => {
  it("encodes exactly as the reference msgpack encoder and decodes its output alike", () => {
    const rnd = generator(8);
    for (let i = 0; i < 2000; i++) {
      const v = value(rnd, 0);
      const ours = encodeHeader(v);
      const theirs = reference.encode(v);
      assert.equal(hex(ours), hex(theirs));
      assert.deepEqual(decodeHeader(theirs), referenceDecoder.decode(theirs));
    }
  });

  it("handles the longest forms (64 KiB strings, 16-bit and 32-bit lengths)", () => {
    const big = {
      s: STRINGS.at(-1),
      a: Array.from({ length: 70_000 }, (_, i) => i),
      m: Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, i % 3])),
      b: new Uint8Array(70_000).fill(7),
    };
    const ours = encodeHeader(big);
    assert.equal(hex(ours), hex(reference.encode(big)));
    assert.deepEqual(decodeHeader(ours), referenceDecoder.decode(ours));
  });

  it("decodes forms the encoder never writes (float32, wide ints, 16-bit containers)", () => {
    for (const h of [
      "ca3fc00000",
      "d000",
      "d0ff",
      "d1ff00",
      "d2ffffffff",
      "d3ffffffffffffffff",
      "d3fff0000000000000",
      "cf0000000100000000",
      "cc05",
      "cd0100",
      "ce00010000",
      "c40100",
      "c5000100",
      "c600000000",
      "da0003616263",
      "db00000003616263",
      "de0001a161c0",
      "df00000001a161c3",
      "dc0002c0c2",
      "dd00000001c3",
      "81037b",
      "c702002d34",
    ]) {
      const bytes = Buffer.from(h, "hex");
      assert.deepEqual(decodeHeader(bytes), referenceDecoder.decode(bytes), h);
    }
  });

  it("refuses malformed input with ProtocolError", () => {
    for (const h of [
      "c1", // never used
      "81c0c0", // nil key
      "82a161", // truncated map
      "a3616263ff", // extra byte
      "91", // truncated array
      "d4ff00", // extension type -1
      "d40161", // extension type 1
      "d5006178", // bigint that is not digits
      "81a95f5f70726f746f5f5fc0", // __proto__ key
      "dd7fffffff", // array longer than the input
    ]) {
      assert.throws(
        () => decodeHeader(Buffer.from(h, "hex")),
        (e: Error & { code?: string }) => e.code === "DA_ERR_PROTOCOL",
        h,
      );
    }
  });

  it("refuses values msgpack cannot hold and nesting past 100 levels", () => {
    assert.throws(() => encodeHeader({ f: () => 1 }));
    assert.throws(() => encodeHeader({ s: Symbol("x") }));
    let deep: unknown = 1;
    for (let i = 0; i < 101; i++) deep = [deep];
    assert.throws(() => encodeHeader(deep));
    let nested = "";
    for (let i = 0; i < 101; i++) nested += "91";
    assert.throws(() => decodeHeader(Buffer.from(`${nested}c0`, "hex")));
  });
});
