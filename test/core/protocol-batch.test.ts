// Batch frames (docs/protocol.md, "Small messages: batches"): literal header bytes, the checks
// on a decoded batch header, and a whole batch frame through decodeFrame.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProtocolError } from "@distarray/engines/core/errors";
import { decodeHeader, encodeHeader } from "@distarray/engines/core/protocol-codec";
import {
  decodeFrame,
  encodeBatchHeader,
  encodeFrameHead,
  FLAG_BATCH,
  parseBatchHeader,
} from "@distarray/engines/core/protocol-frame";

describe("batch frame header", () => {
  it("is a msgpack array of [header, count] pairs (literal bytes)", () => {
    const a = encodeHeader({ t: "op" });
    const b = encodeHeader({ t: "op", id: 8 });
    const bytes = encodeBatchHeader([a, b], [0, 1]);
    assert.equal(
      Buffer.from(bytes).toString("hex"),
      "92" + "92" + "81a174a26f70" + "00" + "92" + "82a174a26f70a2696408" + "01",
    );
    assert.deepEqual(decodeHeader(bytes), [
      [{ t: "op" }, 0],
      [{ t: "op", id: 8 }, 1],
    ]);
  });

  it("uses the longer msgpack forms for many messages and large counts", () => {
    const h = encodeHeader(null);
    const headers = Array.from({ length: 70_000 }, () => h);
    const counts = headers.map((_, i) => (i === 1 ? 300 : i === 2 ? 70_000 : 0));
    const decoded = decodeHeader(encodeBatchHeader(headers, counts)) as [unknown, number][];
    assert.equal(decoded.length, 70_000);
    assert.deepEqual(decoded.slice(0, 3), [
      [null, 0],
      [null, 300],
      [null, 70_000],
    ]);
    const sixteen = decodeHeader(encodeBatchHeader(headers.slice(0, 16), counts.slice(0, 16)));
    assert.equal((sixteen as unknown[]).length, 16);
  });

  it("checks the entries and that the counts add up to the frame's buffers", () => {
    assert.deepEqual(parseBatchHeader([[{ t: "op" }, 2]], 2), [[{ t: "op" }, 2]]);
    assert.throws(() => parseBatchHeader([], 0), ProtocolError);
    assert.throws(() => parseBatchHeader({ t: "op" }, 0), ProtocolError);
    assert.throws(() => parseBatchHeader([[{ t: "op" }]], 0), ProtocolError);
    assert.throws(() => parseBatchHeader([[{ t: "op" }, -1]], 0), ProtocolError);
    assert.throws(() => parseBatchHeader([[{ t: "op" }, 1.5]], 0), ProtocolError);
    assert.throws(
      () => parseBatchHeader([[{ t: "op" }, 1]], 2),
      /names 1 buffers; the frame has 2/,
    );
  });

  it("decodes as a frame with flags 0x04 whose buffers belong to the messages in order", () => {
    const header = encodeBatchHeader([encodeHeader({ t: "a" }), encodeHeader({ t: "b" })], [1, 1]);
    const head = encodeFrameHead({ flags: FLAG_BATCH, seq: 3, header, bufferLengths: [3, 1] });
    const frame = Buffer.concat([
      head,
      Buffer.from([1, 2, 3, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0]),
    ]);
    const f = decodeFrame(frame);
    assert.equal(f.flags, 0x04);
    assert.deepEqual(
      f.buffers.map((b) => [...b]),
      [[1, 2, 3], [9]],
    );
    assert.deepEqual(parseBatchHeader(decodeHeader(f.header), f.buffers.length), [
      [{ t: "a" }, 1],
      [{ t: "b" }, 1],
    ]);
  });
});
