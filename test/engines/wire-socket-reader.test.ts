// The channel's own reader of the WebSocket byte stream (engine/wire/socket-reader.ts): it
// keeps complete binary messages framed as its side expects, streams large ones to the sink,
// and hands every other WebSocket frame to `ws` byte for byte, however the stream is split
// into chunks. Also end to end: large messages both ways between two channels over a real
// WebSocket, received in place. No engine processes.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Channel } from "@distarray/engines/engine/wire/channel";
import { acceptChannel, connectChannel } from "@distarray/engines/engine/wire/handshake";
import {
  type FrameSink,
  SocketReader,
  STREAM_MIN_BYTES,
} from "@distarray/engines/engine/wire/socket-reader";
import { WebSocketServer } from "ws";

/** One WebSocket frame (RFC 6455 section 5.2); `mask` given: masked with that key. */
function wsFrame(o: {
  fin?: boolean;
  opcode: number;
  payload: Uint8Array;
  mask?: number[];
  rsv?: number;
}): Buffer {
  const n = o.payload.byteLength;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (o.mask ? 4 : 0));
  head[0] = ((o.fin ?? true) ? 0x80 : 0) | (o.rsv ?? 0) | o.opcode;
  head[1] = (o.mask ? 0x80 : 0) | (ext === 0 ? n : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(n, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(n), 2);
  const body = Buffer.from(o.payload);
  if (o.mask) {
    head.set(o.mask, 2 + ext);
    for (let i = 0; i < n; i++) body[i]! ^= o.mask[i % 4]!;
  }
  return Buffer.concat([head, body]);
}

/** Bytes that start like a protocol frame: a 56-byte prefix with header length and count. */
function fakeFrame(total: number, seed: number): Uint8Array {
  const b = new Uint8Array(total);
  for (let i = 0; i < total; i++) b[i] = (i * 31 + seed) & 0xff;
  const dv = new DataView(b.buffer);
  dv.setUint32(4, 16, true);
  dv.setUint32(8, 1, true);
  return b;
}

interface Seen {
  frames: Uint8Array[];
  streamed: { head: Uint8Array; total: number; body: Uint8Array[]; ended: boolean }[];
  forwarded: Buffer[];
}

function reader(server: boolean, stream: boolean): { r: SocketReader; seen: Seen } {
  const seen: Seen = { frames: [], streamed: [], forwarded: [] };
  const sink: FrameSink = {
    // Views of socket memory are only valid during the call: keep copies.
    frame: (bytes) => seen.frames.push(new Uint8Array(bytes)),
    open: (head, total) => {
      if (!stream) return undefined;
      const s = { head: new Uint8Array(head), total, body: [] as Uint8Array[], ended: false };
      seen.streamed.push(s);
      return { write: (c) => s.body.push(new Uint8Array(c)), end: () => (s.ended = true) };
    },
  };
  const r = new SocketReader(server, 64 * 1024 * 1024, sink, (b) => seen.forwarded.push(b));
  return { r, seen };
}

/** Feeds `bytes` in chunks of the given sizes, cycling. */
function feed(r: SocketReader, bytes: Buffer, sizes: number[]): void {
  let at = 0;
  let i = 0;
  while (at < bytes.byteLength) {
    const n = sizes[i++ % sizes.length]!;
    r.push(bytes.subarray(at, at + n));
    at += n;
  }
}

const zero = [0, 0, 0, 0];

describe("socket reader", () => {
  const small = fakeFrame(300, 1);
  const large = fakeFrame(STREAM_MIN_BYTES + 12_345, 2);
  const ping = wsFrame({ opcode: 0x9, payload: new Uint8Array([1, 2]), mask: zero });
  const text = wsFrame({ opcode: 0x1, payload: Buffer.from("hi"), mask: zero });
  const frag1 = wsFrame({ fin: false, opcode: 0x2, payload: new Uint8Array(5), mask: zero });
  const frag2 = wsFrame({ opcode: 0x0, payload: new Uint8Array(6), mask: zero });
  const keyed = wsFrame({ opcode: 0x2, payload: new Uint8Array(9).fill(4), mask: [1, 2, 3, 4] });
  const rsv = wsFrame({ opcode: 0x2, payload: new Uint8Array(3), mask: zero, rsv: 0x40 });
  const stream = Buffer.concat([
    ping,
    wsFrame({ opcode: 0x2, payload: small, mask: zero }),
    text,
    frag1,
    ping,
    frag2,
    wsFrame({ opcode: 0x2, payload: large, mask: zero }),
    keyed,
    rsv,
    wsFrame({ opcode: 0x2, payload: small, mask: zero }),
  ]);
  const forwardedExpect = Buffer.concat([ping, text, frag1, ping, frag2, keyed, rsv]);

  for (const sizes of [[stream.byteLength], [1], [7, 3, 1000], [65_536], [13, 70_000]]) {
    it(`keeps binary messages and forwards the rest exactly (chunks ${sizes.join(",")})`, () => {
      const { r, seen } = reader(true, true);
      feed(r, stream, sizes);
      assert.deepEqual(Buffer.concat(seen.forwarded), forwardedExpect);
      assert.deepEqual(seen.frames, [small, small]);
      assert.equal(seen.streamed.length, 1);
      const s = seen.streamed[0]!;
      assert.equal(s.total, large.byteLength);
      assert.equal(s.ended, true);
      assert.deepEqual(s.head, large.subarray(0, 80));
      assert.deepEqual(Buffer.concat([s.head, ...s.body]), Buffer.from(large));
    });
  }

  it("delivers a large frame whole when the sink does not stream it", () => {
    const { r, seen } = reader(true, false);
    feed(r, wsFrame({ opcode: 0x2, payload: large, mask: zero }), [999]);
    assert.deepEqual(seen.frames, [large]);
    assert.equal(seen.forwarded.length, 0);
  });

  it("on the connector side keeps unmasked frames and forwards masked ones", () => {
    const { r, seen } = reader(false, true);
    const masked = wsFrame({ opcode: 0x2, payload: small, mask: zero });
    feed(r, Buffer.concat([wsFrame({ opcode: 0x2, payload: small }), masked]), [50]);
    assert.deepEqual(seen.frames, [small]);
    assert.deepEqual(Buffer.concat(seen.forwarded), masked);
  });

  it("forwards a frame longer than the largest frame size", () => {
    const seen: Buffer[] = [];
    const r = new SocketReader(
      true,
      100,
      { frame: () => assert.fail(), open: () => undefined },
      (b) => seen.push(b),
    );
    const big = wsFrame({ opcode: 0x2, payload: new Uint8Array(200), mask: zero });
    r.push(big);
    assert.deepEqual(Buffer.concat(seen), big);
  });
});

describe("channels over a real WebSocket", () => {
  const key = new Uint8Array(32).fill(9);
  let wss: WebSocketServer;
  let client: Channel;
  let engine: Channel;

  before(async () => {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    const accepted = new Promise<Channel>((resolve, reject) =>
      wss.once("connection", (ws) =>
        acceptChannel(ws, {
          key,
          rank: 0,
          onHello: () => ({ t: "welcome", rank: 0, pid: process.pid, memoryLimit: 0 }),
          onFailure: () => undefined,
        }).then(({ channel }) => resolve(channel), reject),
      ),
    );
    const port = (wss.address() as AddressInfo).port;
    const connected = await connectChannel(
      `ws://127.0.0.1:${port}`,
      { role: "client", clientId: "test" },
      { key },
    );
    client = connected.channel;
    engine = await accepted;
  });

  after(() => {
    client?.terminate();
    engine?.terminate();
    wss?.close();
  });

  const pattern = (n: number, seed: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = (i * 7 + seed) & 0xff;
    return b;
  };

  it("moves large pieced messages both ways, in order with small ones, into given destinations", async () => {
    const big = pattern(5 * 1024 * 1024 + 3, 1);
    const got: { header: unknown; buffers: Uint8Array[] }[] = [];
    const arrived = new Promise<void>((resolve) => {
      engine.onMessage = (header, buffers) => {
        got.push({ header, buffers: buffers.map((b) => b.slice()) });
        if (got.length === 3) resolve();
      };
    });
    await Promise.all([
      client.send({ t: "a" }, [new Uint8Array([1, 2, 3])]),
      client.send({ t: "b" }, [big, new Uint8Array([4])]),
      client.send({ t: "c" }),
    ]);
    await arrived;
    assert.deepEqual(
      got.map((m) => m.header),
      [{ t: "a" }, { t: "b" }, { t: "c" }],
    );
    assert.deepEqual(got[1]!.buffers[0], big);
    assert.deepEqual(got[1]!.buffers[1], new Uint8Array([4]));

    // Engine to client, into a destination the client names (as toArray does).
    const reply = pattern(3 * 1024 * 1024, 2);
    const dest = new Uint8Array(reply.byteLength + 16);
    client.setDestination(7, (i, n) => (i === 0 ? dest.subarray(8, 8 + n) : undefined));
    const back = new Promise<Uint8Array[]>((resolve) => {
      client.onMessage = (_h, buffers) => resolve(buffers);
    });
    await engine.send({ t: "reply", id: 7, ok: true }, [reply]);
    const buffers = await back;
    assert.equal(buffers[0]!.buffer, dest.buffer, "received in place");
    assert.deepEqual(dest.subarray(8, 8 + reply.byteLength), reply);
  });

  it("rejects a piece altered in transit (its MAC fails) and never delivers its message", async () => {
    // Flip one byte inside the third piece as it leaves the socket's read, before the reader.
    const socket = (engine.ws as unknown as { _socket: import("node:net").Socket })._socket;
    let seen = 0;
    const flipAt = 2.5 * 1024 * 1024;
    const tamper = (chunk: Buffer) => {
      if (seen <= flipAt && flipAt < seen + chunk.byteLength) chunk[flipAt - seen]! ^= 1;
      seen += chunk.byteLength;
    };
    socket.prependListener("data", tamper);
    const rejected = new Promise<Error>((resolve) => {
      engine.onReject = resolve;
    });
    let delivered = false;
    engine.onMessage = () => {
      delivered = true;
    };
    await client.send({ t: "big" }, [pattern(4 * 1024 * 1024, 3)]);
    const e = await rejected;
    socket.removeListener("data", tamper);
    assert.match(e.message, /signature does not verify/);
    assert.equal((e as { code?: string }).code, "DA_ERR_AUTH");
    assert.equal(delivered, false);
  });
});
