import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DTYPE_INFO, DTYPES, FormatError } from "@distarray/engines/core";
import {
  byteSwapInPlace,
  decodeNpyHeader,
  encodeNpyHeader,
  npyHeaderLength,
} from "@distarray/engines/io/npy-header";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ascii = (s: string) => new TextEncoder().encode(s);

describe(".npy header", () => {
  it("encodes exactly what np.save writes (int32, shape (2,))", () => {
    // np.save(io.BytesIO(), np.arange(2, dtype='<i4')) with NumPy 1.24 and 2.4
    const expected =
      "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a20" +
      "28322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a";
    assert.equal(hex(encodeNpyHeader("int32", [2])), expected);
  });

  it("aligns to 64 by default and to 16 on request", () => {
    for (const shape of [[], [1], [12345, 3], [2, 3, 4]]) {
      assert.equal(encodeNpyHeader("float64", shape).length % 64, 0);
      const h16 = encodeNpyHeader("float64", shape, { align: 16, growthPadding: false });
      assert.equal(h16.length % 16, 0);
      assert.deepEqual(decodeNpyHeader(h16, "x.npy").shape, shape);
    }
  });

  it("round-trips every dtype and versions 1, 2 and 3", () => {
    for (const d of DTYPES) {
      for (const version of [1, 2, 3] as const) {
        const h = encodeNpyHeader(d, [4, 5], { version });
        const back = decodeNpyHeader(h, "x.npy");
        assert.equal(back.dtype, d);
        assert.equal(back.descr, DTYPE_INFO[d].descr);
        assert.equal(back.version, version);
        assert.equal(back.dataOffset, h.length);
        assert.deepEqual(back.shape, [4, 5]);
        assert.equal(back.fortranOrder, false);
        assert.equal(back.bigEndian, false);
      }
    }
  });

  it("reads hand-written headers: 16-byte alignment, big-endian, '=' order, odd spacing", () => {
    const text = "{'shape':(3,4),'fortran_order':True,\"descr\":'>c16'}";
    const pad = 16 - ((10 + text.length + 1) % 16);
    const body = ascii(`${text + " ".repeat(pad)}\n`);
    const bytes = new Uint8Array(10 + body.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, body.length & 255, body.length >> 8]);
    bytes.set(body, 10);
    const h = decodeNpyHeader(bytes, "h.npy");
    assert.equal(h.dtype, "complex128");
    assert.equal(h.bigEndian, true);
    assert.equal(h.fortranOrder, true);
    assert.deepEqual(h.shape, [3, 4]);
    assert.equal(h.dataOffset % 16, 0);
  });

  it("gives FormatError naming the file and the reason for bad input", () => {
    const good = encodeNpyHeader("float64", [3]);
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 5), /bad\.npy: truncated/],
      [Uint8Array.from([...ascii("NOTNPY"), 1, 0, 0, 0]), /bad\.npy: not a \.npy file/],
      [
        Uint8Array.from([...good.subarray(0, 6), 4, 0, 0, 0]),
        /bad\.npy: unsupported \.npy format version 4\.0/,
      ],
      [good.subarray(0, 40), /bad\.npy: truncated \.npy file \(the header needs/],
    ];
    for (const [bytes, re] of cases) {
      assert.throws(
        () => decodeNpyHeader(bytes, "bad.npy"),
        (e: unknown) => e instanceof FormatError && re.test(e.message),
      );
    }
    const withText = (t: string) => {
      const body = ascii(t);
      const b = new Uint8Array(10 + body.length);
      b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, body.length & 255, body.length >> 8]);
      b.set(body, 10);
      return b;
    };
    const textCases: [string, RegExp][] = [
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (3,), \n", /not a Python literal/],
      ["[1, 2]\n", /not a dict/],
      ["{'descr': '<f8', 'shape': (3,)}\n", /exactly the keys/],
      ["{'descr': '<U4', 'fortran_order': False, 'shape': (3,)}\n", /unsupported dtype '<U4'/],
      ["{'descr': '<f2', 'fortran_order': False, 'shape': (3,)}\n", /unsupported dtype '<f2'/],
      ["{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (3,)}\n", /structured/],
      ["{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}\n", /fortran_order is not a bool/],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': [3]}\n", /shape is not a tuple/],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}\n", /shape is not a tuple/],
    ];
    for (const [t, re] of textCases) {
      assert.throws(
        () => decodeNpyHeader(withText(t), "bad.npy"),
        (e: unknown) =>
          e instanceof FormatError &&
          e.code === "DA_ERR_FORMAT" &&
          e.message.startsWith("bad.npy: ") &&
          re.test(e.message),
        t,
      );
    }
  });

  it("reports the header length from the prefix alone", () => {
    const h = encodeNpyHeader("uint8", [10], { version: 2 });
    assert.deepEqual(npyHeaderLength(h.subarray(0, 12), "x"), { version: 2, total: h.length });
  });

  it("byte-swaps lanes", () => {
    const b = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    byteSwapInPlace(b, 4);
    assert.deepEqual([...b], [4, 3, 2, 1, 8, 7, 6, 5]);
  });
});
