// Byte-level tests of the protocol v1 frame layout, the header codec and the message guards.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DistArrayError,
  EngineError,
  IndexError,
  MemoryLimitError,
  ProtocolError,
} from "@distarray/engines/core/errors";
import {
  errorFromWire,
  errorToWire,
  isHelloMessage,
  isOpMessage,
  isOpName,
  OP_NAMES,
  parseOpMessage,
  SUBPROTOCOL,
} from "@distarray/engines/core/protocol";
import {
  decodeHeader,
  encodeHeader,
  packValue,
  unpackValue,
} from "@distarray/engines/core/protocol-codec";
import {
  authContext,
  decodeFrame,
  decodePieceHeader,
  encodeFrameHead,
  encodePieceHeader,
  FLAG_PIECE,
  FLAG_PIECED,
  padTo8,
  setFrameTag,
  signedParts,
} from "@distarray/engines/core/protocol-frame";

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

function bytes(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h.replace(/\s+/g, ""), "hex"));
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

// {t: "op"} in msgpack: fixmap(1), fixstr "t", fixstr "op".
const OP_HEADER = "81 a1 74 a2 6f 70";

// The whole frame for header {t:"op"}, seq 5, one buffer [1, 2, 3], tag all 0xaa.
const FRAME_HEX = `
  44 41 01 00  06 00 00 00  01 00 00 00  00 00 00 00
  05 00 00 00 00 00 00 00
  ${"aa ".repeat(32)}
  03 00 00 00 00 00 00 00
  81 a1 74 a2 6f 70 00 00
  01 02 03 00 00 00 00 00`;

describe("protocol v1 constants", () => {
  it("names the subprotocol with the version", () => {
    assert.equal(SUBPROTOCOL, "distarray.v1");
  });

  it("has a closed list of unique op names", () => {
    assert.equal(new Set(OP_NAMES).size, OP_NAMES.length);
    for (const op of ["ping", "status", "apply", "register", "call", "delete", "clear"])
      assert.ok(isOpName(op));
    assert.equal(isOpName("exec"), false);
    assert.equal(isOpName(7), false);
  });
});

describe("frame layout", () => {
  it("encodes header, length table, padding and buffer at the documented offsets", () => {
    const head = encodeFrameHead({
      flags: 0,
      seq: 5,
      header: bytes(OP_HEADER),
      bufferLengths: [3],
    });
    setFrameTag(head, new Uint8Array(32).fill(0xaa));
    const buf = new Uint8Array([1, 2, 3]);
    const frame = concat([head, buf, new Uint8Array(padTo8(3))]);
    assert.equal(hex(frame), hex(bytes(FRAME_HEX)));
    assert.equal(frame.byteLength, 80);
  });

  it("decodes the same literal bytes into views of the frame", () => {
    const frame = bytes(FRAME_HEX);
    const d = decodeFrame(frame);
    assert.equal(d.flags, 0);
    assert.equal(d.seq, 5);
    assert.equal(hex(d.tag), "aa".repeat(32));
    assert.equal(hex(d.header), hex(bytes(OP_HEADER)));
    assert.deepEqual(d.bufferLengths, [3]);
    assert.deepEqual([...d.buffers[0]!], [1, 2, 3]);
    assert.equal(d.buffers[0]!.buffer, frame.buffer, "buffers are views, not copies");
    assert.equal(d.buffers[0]!.byteOffset % 8, 0, "buffers start 8-byte aligned");
    assert.deepEqual(decodeHeader(d.header), { t: "op" });
  });

  it("signs everything but the tag field", () => {
    const frame = bytes(FRAME_HEX);
    const d = decodeFrame(frame);
    assert.equal(hex(concat(d.signed)), hex(concat([frame.subarray(0, 24), frame.subarray(56)])));
    const head = frame.subarray(0, 72);
    assert.equal(hex(concat(signedParts(head, [frame.subarray(72, 75)]))), hex(concat(d.signed)));
  });

  it("puts the auth context as acceptor nonce, connector nonce, direction", () => {
    const a = new Uint8Array(16).fill(1);
    const c = new Uint8Array(16).fill(2);
    assert.equal(hex(authContext(a, c, 1)), `${"01".repeat(16)}${"02".repeat(16)}01`);
    assert.equal(hex(authContext(a, undefined, 0)), `${"01".repeat(16)}${"00".repeat(16)}00`);
  });

  it("encodes piece headers as u32 index, u32 0, u64 offset", () => {
    const h = encodePieceHeader(2, 0x0102030405);
    assert.equal(hex(h), "02000000000000000504030201000000");
    assert.deepEqual(decodePieceHeader(h), { bufferIndex: 2, offset: 0x0102030405 });
  });

  it("decodes a pieced head (lengths only) and a piece frame", () => {
    const pieced = encodeFrameHead({
      flags: FLAG_PIECED,
      seq: 1,
      header: bytes(OP_HEADER),
      bufferLengths: [1 << 20, 8],
    });
    const d = decodeFrame(pieced);
    assert.equal(d.flags, FLAG_PIECED);
    assert.deepEqual(d.bufferLengths, [1 << 20, 8]);
    assert.deepEqual(d.buffers, []);
    const piece = new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]);
    const ph = encodeFrameHead({
      flags: FLAG_PIECE,
      seq: 2,
      header: encodePieceHeader(1, 0),
      bufferLengths: [8],
    });
    const pd = decodeFrame(concat([ph, piece]));
    assert.equal(pd.flags, FLAG_PIECE);
    assert.deepEqual(decodePieceHeader(pd.header), { bufferIndex: 1, offset: 0 });
    assert.deepEqual([...pd.buffers[0]!], [...piece]);
  });

  it("rejects malformed frames with ProtocolError and never reads past the end", () => {
    const good = bytes(FRAME_HEX);
    /** The good frame with `changes` (offset -> byte) applied. */
    const patched = (changes: Record<number, number>) => {
      const f = good.slice();
      for (const [o, v] of Object.entries(changes)) f[Number(o)] = v;
      return () => decodeFrame(f);
    };
    assert.throws(
      () => decodeFrame(good.subarray(0, 40)),
      ProtocolError,
      "shorter than the prefix",
    );
    assert.throws(patched({ 0: 0x45 }), /magic/);
    assert.throws(patched({ 2: 2 }), /version 1 expected; got 2/);
    assert.throws(patched({ 3: 0x80 }), /unknown frame flags/);
    assert.throws(patched({ 12: 1 }), /reserved/);
    assert.throws(patched({ 4: 0xff }), ProtocolError, "header overruns");
    assert.throws(patched({ 8: 0xff, 9: 0xff }), ProtocolError, "too many buffers");
    assert.throws(patched({ 56: 0x40 }), /overruns the frame/);
    assert.throws(patched({ 23: 0xff }), /sequence too large/);
    assert.throws(() => decodeFrame(concat([good, new Uint8Array(8)])), /does not match its table/);
    assert.throws(patched({ 3: FLAG_PIECE }), /piece frame/);
    assert.throws(() => decodeFrame(new Uint8Array(1000).fill(0xff)), ProtocolError);
  });
});

describe("header codec", () => {
  it("encodes headers as plain msgpack", () => {
    assert.equal(hex(encodeHeader({ t: "op" })), hex(bytes(OP_HEADER)));
  });

  it("encodes bigint as extension type 0 holding decimal digits", () => {
    assert.equal(hex(encodeHeader(5n)), "d40035");
    assert.equal(decodeHeader(bytes("d40035")), 5n);
    const big = -(2n ** 63n);
    assert.equal(decodeHeader(encodeHeader({ v: big })) instanceof Object, true);
    assert.deepEqual(decodeHeader(encodeHeader({ v: big })), { v: big });
  });

  it("drops undefined fields and rejects garbage with ProtocolError", () => {
    assert.deepEqual(decodeHeader(encodeHeader({ a: 1, b: undefined })), { a: 1 });
    assert.throws(() => decodeHeader(bytes("c1")), ProtocolError);
    assert.throws(() => decodeHeader(bytes("d40078")), ProtocolError);
  });

  it("packs typed arrays as raw buffers without copying and restores them", () => {
    const f = new Float64Array([1.5, -2, Number.NaN]);
    const i = new BigInt64Array([-(2n ** 63n), 7n]);
    const value = { a: f, list: [i, "x", 3], nested: { u: new Uint8Array([1, 2]) } };
    const { skeleton, buffers } = packValue(value);
    assert.equal(buffers.length, 3);
    assert.equal(buffers[0]!.buffer, f.buffer);
    assert.deepEqual(skeleton, {
      a: { $ta: ["Float64Array", 0] },
      list: [{ $ta: ["BigInt64Array", 1] }, "x", 3],
      nested: { u: { $ta: ["Uint8Array", 2] } },
    });
    const back = unpackValue(
      decodeHeader(encodeHeader(skeleton)),
      buffers.map((b) => b.slice()),
    ) as typeof value;
    assert.deepEqual(back, value);
    assert.ok(back.a instanceof Float64Array);
  });

  it("refuses functions and class instances with TypeError", () => {
    assert.throws(() => packValue({ f: () => 1 }), TypeError);
    assert.throws(() => packValue(new Map()), TypeError);
    assert.throws(() => unpackValue({ $ta: ["Float64Array", 3] }, []), ProtocolError);
  });
});

describe("message guards and errors", () => {
  const op = { t: "op", id: 1, op: "ping", reply: true, keys: [], targets: [0, 1], args: {} };

  it("accepts a well-formed op and explains what is wrong with others", () => {
    assert.ok(isOpMessage(op));
    assert.deepEqual(parseOpMessage(op), op);
    assert.throws(() => parseOpMessage({ ...op, op: "rm -rf" }), /unknown op; the ops are ping/);
    assert.throws(() => parseOpMessage({ ...op, id: "1" }), /integer id/);
    assert.throws(() => parseOpMessage({ ...op, targets: ["0"] }), /malformed 'ping' message/);
    assert.throws(() => parseOpMessage([1, 2]), ProtocolError);
    assert.equal(
      isHelloMessage({
        t: "hello",
        v: 1,
        nonce: new Uint8Array(15),
        role: "client",
        clientId: "x",
      }),
      false,
    );
  });

  it("round-trips known error classes with the rank and maps others to EngineError", () => {
    const m = errorFromWire(errorToWire(new MemoryLimitError("too big"), 2));
    assert.ok(m instanceof MemoryLimitError);
    assert.equal((m as DistArrayError).rank, 2);
    assert.equal(m.message, "engine 2: too big");
    assert.ok(errorFromWire(errorToWire(new IndexError("i"), 0)) instanceof IndexError);
    const g = errorFromWire(errorToWire(new RangeError("boom"), 1));
    assert.ok(g instanceof EngineError);
    assert.equal((g as EngineError).remoteCode, "DA_ERR_ENGINE");
    const v = errorFromWire(errorToWire(new DistArrayError("bad", { code: "DA_ERR_VALUE" }), 3));
    assert.ok(v instanceof EngineError);
    assert.equal((v as EngineError).remoteCode, "DA_ERR_VALUE");
    assert.equal((v as EngineError).rank, 3);
    assert.ok(errorFromWire(errorToWire(new TypeError("t"), 0)) instanceof TypeError);
  });
});
