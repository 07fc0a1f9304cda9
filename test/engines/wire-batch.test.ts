// The frame MAC after the handshake (Poly1305 under per-connection keys, docs/protocol.md
// "Authentication") against values computed independently, and batching of small messages
// against a real engine: one socket write per event-loop turn, messages kept in order.
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { encodeHeader } from "@distarray/engines/core/protocol-codec";
import { encodeFrameHead, signedParts } from "@distarray/engines/core/protocol-frame";
import type { Channel } from "@distarray/engines/engine/wire/channel";
import { deriveFrameKey, FrameMac } from "@distarray/engines/engine/wire/frame-mac";
import { connectChannel } from "@distarray/engines/engine/wire/handshake";
import { readClusterFile } from "@distarray/kernel/cluster/cluster-file";
import { startTestContext, type TestContext } from "../helpers/engines.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("frame MAC", () => {
  const key = new Uint8Array([...Array(32).keys()]);
  const acceptor = new Uint8Array(16).fill(0xa0);
  const connector = new Uint8Array(16).fill(0x11);

  it("derives per-direction keys with HKDF-SHA256 (values from Python cryptography)", () => {
    assert.equal(
      hex(deriveFrameKey(key, acceptor, connector, 0)),
      "eb86e1b7e35f0c7152cbc78ee037fa93903a6b7e104421d36c1fdd2147d64ff4",
    );
    assert.equal(
      hex(deriveFrameKey(key, acceptor, connector, 1)),
      "052f0a5850b06c87e85b3b1710a8b035e7a4b99144c4360eca38daf3f45c94d9",
    );
  });

  it("tags the documented example frame with ChaCha20-Poly1305's tag (Python cryptography), then 16 zero bytes", () => {
    const head = encodeFrameHead({
      flags: 0,
      seq: 5,
      header: encodeHeader({ t: "op" }),
      bufferLengths: [3],
    });
    const mac = new FrameMac(deriveFrameKey(key, acceptor, connector, 0));
    const parts = signedParts(head, [new Uint8Array([1, 2, 3])]);
    const tag = mac.tag(5, parts);
    assert.equal(hex(tag), `9b91363f899184ce9332b1d166c7ea3f${"00".repeat(16)}`);
    assert.equal(mac.verify(5, parts, tag), true);
    assert.equal(mac.verify(6, parts, tag), false, "another sequence number");
    const tail = tag.slice();
    tail[31] = 1;
    assert.equal(mac.verify(5, parts, tail), false, "non-zero trailing bytes");
    const other = new FrameMac(deriveFrameKey(key, acceptor, connector, 1));
    assert.equal(other.verify(5, parts, tag), false, "the other direction");
  });
});

describe("batched messages against a real engine", () => {
  let t: TestContext;
  let ch: Channel;
  /** Byte lengths of the chunks the channel wrote to its socket. */
  let writes: number[] = [];

  before(async () => {
    t = await startTestContext(1);
    const file = await readClusterFile(t.ctx.cluster);
    const key = new Uint8Array(Buffer.from(file.key, "base64"));
    ({ channel: ch } = await connectChannel(
      file.engines[0]!.address,
      { role: "client", clientId: "batch-test" },
      { key },
    ));
    const socket = (ch.ws as unknown as { _socket: Socket })._socket;
    const original = socket.write.bind(socket);
    socket.write = ((chunk: Uint8Array, ...rest: unknown[]) => {
      writes.push(chunk.byteLength);
      return (original as (...x: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof socket.write;
  });

  after(async () => {
    ch?.close();
    await t.stop();
  });

  function collect(n: number): Promise<{ header: unknown; buffers: Uint8Array[] }[]> {
    const got: { header: unknown; buffers: Uint8Array[] }[] = [];
    return new Promise((resolve) => {
      ch.onMessage = (header, buffers) => {
        got.push({ header, buffers });
        if (got.length === n) resolve(got);
      };
    });
  }

  const op = (id: number, name: string, reply: boolean, args: Record<string, unknown> = {}) => ({
    t: "op",
    id,
    op: name,
    reply,
    keys: [],
    targets: [0],
    args,
  });

  it("writes the messages of one turn as one frame and the engine runs them in order", async () => {
    const replies = collect(3);
    writes = [];
    const sends = [];
    for (let id = 1; id <= 100; id++) sends.push(ch.send(op(id, "delete", false, { keys: [] })));
    sends.push(ch.send(op(101, "ping", true)));
    // A failing pipelined op inside the batch is reported, and later ops still run.
    sends.push(ch.send(op(102, "delete", false, { keys: "not-a-list" })));
    sends.push(ch.send(op(103, "ping", true)));
    await Promise.all(sends);
    assert.equal(writes.length, 1, "one socket write: WebSocket header and frame in one buffer");
    const got = (await replies).map((m) => m.header as { t: string; id: number });
    assert.deepEqual(
      got.map((h) => [h.t, h.id]),
      [
        ["reply", 101],
        ["error", 102],
        ["reply", 103],
      ],
    );
  });

  it("copies a small buffer when send is called, so the caller may reuse it", async () => {
    const replies = collect(1);
    const data = new Float64Array([1.5, 2.5, 3.5]);
    const args = {
      source: "(x) => Array.from(x)",
      args: [{ $ta: ["Float64Array", 0] }],
      resultKey: "__distarray__batchtest",
    };
    const sent = ch.send(op(104, "apply", true, args), [new Uint8Array(data.buffer)]);
    data.fill(0);
    await sent;
    const reply = (await replies)[0]!.header as { ok: boolean; result: unknown };
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.deepEqual(reply.result, [1.5, 2.5, 3.5]);
  });

  it("writes a mid-size batch to the socket from its own copies, in order, data intact", async () => {
    const replies = collect(3);
    const data = new Float64Array(4096);
    for (let i = 0; i < data.length; i++) data[i] = i * 0.5 - 1000;
    let expect = 0;
    for (const v of data) expect += v;
    const args = {
      source: "(x) => { let s = 0; for (const v of x) s += v; return [x.length, s]; }",
      args: [{ $ta: ["Float64Array", 0] }],
      resultKey: "__distarray__batchtest",
    };
    writes = [];
    const a = ch.send(op(107, "ping", true));
    const b = ch.send(op(108, "apply", true, args), [new Uint8Array(data.buffer)]);
    const c = ch.send(op(109, "ping", true));
    data.fill(0);
    await Promise.all([a, b, c]);
    // 32 KiB of buffers: written as the frame's parts, the buffer itself not joined.
    assert.ok(writes.includes(data.byteLength), JSON.stringify(writes));
    const got = (await replies).map((m) => m.header as { id: number; result: unknown });
    assert.deepEqual(
      got.map((h) => [h.id, h.result]),
      [
        [107, null],
        [108, [4096, expect]],
        [109, null],
      ],
    );
  });

  it("sends borrowed buffers (left unchanged until the send settles) without copying them", async () => {
    const replies = collect(2);
    const data = new Int32Array(8192).map((_, i) => i * 3 - 7);
    const before = data.slice();
    const args = {
      source: "(x) => [x.length, x[0], x[x.length - 1], x.reduce((s, v) => s + v, 0)]",
      args: [{ $ta: ["Int32Array", 0] }],
      resultKey: "__distarray__batchtest",
    };
    const a = ch.send(op(110, "apply", true, args), [new Uint8Array(data.buffer)], {
      borrow: true,
    });
    const b = ch.send(op(111, "ping", true));
    await Promise.all([a, b]);
    assert.deepEqual(data, before, "the borrowed buffer is not modified");
    const got = (await replies).map((m) => m.header as { id: number; result: unknown });
    assert.deepEqual(
      got.map((h) => [h.id, h.result]),
      [
        [110, [8192, -7, 8191 * 3 - 7, before.reduce((s, v) => s + v, 0)]],
        [111, null],
      ],
    );
  });

  it("keeps order across a large (pieced) message after small ones", async () => {
    const replies = collect(2);
    const big = new Uint8Array(3 * 1024 * 1024 + 5).fill(7);
    const args = {
      source: "(x) => x.length + x[x.length - 1]",
      args: [{ $ta: ["Uint8Array", 0] }],
      resultKey: "__distarray__batchtest",
    };
    const a = ch.send(op(105, "ping", true));
    const b = ch.send(op(106, "apply", true, args), [big]);
    await Promise.all([a, b]);
    const got = (await replies).map((m) => m.header as { id: number; result: unknown });
    assert.deepEqual(
      got.map((h) => [h.id, h.result]),
      [
        [105, null],
        [106, big.length + 7],
      ],
    );
  });
});
