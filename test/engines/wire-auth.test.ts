// Authentication and robustness of the engine wire, against real engine processes:
// unsigned, forged, replayed and garbage frames are rejected (and logged) while the engine
// keeps answering; malformed messages and unknown ops get typed error replies.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { AuthenticationError, EngineError } from "@distarray/engines/core/errors";
import { encodeHeader } from "@distarray/engines/core/protocol-codec";
import {
  authContext,
  encodeFrameHead,
  setFrameTag,
  signedParts,
} from "@distarray/engines/core/protocol-frame";
import { type Channel, signFrame } from "@distarray/engines/engine/wire/channel";
import { CLOSE_AUTH_FAILED, connectChannel } from "@distarray/engines/engine/wire/handshake";
import { clusterLogDir, readClusterFile } from "@distarray/kernel/cluster/cluster-file";
import { WebSocket } from "ws";
import { startTestContext, type TestContext } from "../helpers/engines.js";

/** Resolves to the next message the channel delivers (or the next rejection). */
function nextMessage(ch: Channel): Promise<{ header: unknown; buffers: Uint8Array[] }> {
  return new Promise((resolve) => {
    ch.onMessage = (header, buffers) => resolve({ header, buffers });
  });
}

function waitClose(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

function waitOpen(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
}

function op(id: number, name: string, args: Record<string, unknown> = {}, targets = [0]) {
  return { t: "op", id, op: name, reply: true, keys: [], targets, args };
}

describe("handshake frames", () => {
  it("signs a challenge exactly as the documented HMAC (literal bytes)", () => {
    const key = new Uint8Array(32).fill(7);
    const challenge = {
      t: "challenge",
      v: 1,
      nonce: new Uint8Array([...Array(16).keys()]),
      rank: 3,
      pid: 42,
    };
    const frame = signFrame(key, authContext(undefined, undefined, 1), 0, challenge);
    // Computed independently (Python hmac/hashlib) from docs/protocol.md.
    const expected =
      "4441010033000000000000000000000000000000000000006b69f2844d0f042c177b9792f28526f3635443e5eb63b174ff1b3771cbeb39c8" +
      "85a174a96368616c6c656e6765a17601a56e6f6e6365c410000102030405060708090a0b0c0d0e0fa472616e6b03a37069642a0000000000";
    assert.equal(Buffer.from(frame).toString("hex"), expected);
  });
});

describe("authenticated wire against a real engine", () => {
  let t: TestContext;
  let key: Uint8Array;
  let address: string;
  let ch: Channel;

  before(async () => {
    t = await startTestContext(2);
    const file = await readClusterFile(t.ctx.cluster);
    key = new Uint8Array(Buffer.from(file.key, "base64"));
    address = file.engines[0]!.address;
    ({ channel: ch } = await connectChannel(
      address,
      { role: "client", clientId: "wire-test" },
      { key },
    ));
  });

  after(async () => {
    ch?.close();
    await t.stop();
  });

  async function ping(id: number): Promise<unknown> {
    const reply = nextMessage(ch);
    await ch.send(op(id, "ping"));
    return (await reply).header;
  }

  it("answers a signed ping", async () => {
    assert.deepEqual(await ping(1), { t: "reply", id: 1, ok: true, result: null });
  });

  it("rejects an unsigned frame (zero tag), reports AuthenticationError and keeps answering", async () => {
    const head = encodeFrameHead({
      flags: 0,
      seq: 1,
      header: encodeHeader(op(2, "ping")),
      bufferLengths: [],
    });
    const reply = nextMessage(ch);
    await ch.sendRaw(head);
    const h = (await reply).header as {
      t: string;
      error: { name: string; code: string; message: string };
    };
    assert.equal(h.t, "error");
    assert.equal(h.error.name, "AuthenticationError");
    assert.equal(h.error.code, "DA_ERR_AUTH");
    assert.deepEqual(await ping(3), { t: "reply", id: 3, ok: true, result: null });
  });

  it("rejects a frame signed with another key, and a replayed frame", async () => {
    const head = encodeFrameHead({
      flags: 0,
      seq: 2,
      header: encodeHeader(op(4, "clear")),
      bufferLengths: [],
    });
    const wrong = createHmac("sha256", Buffer.alloc(32, 9));
    for (const p of signedParts(head, [])) wrong.update(p);
    setFrameTag(head, wrong.digest());
    let reply = nextMessage(ch);
    await ch.sendRaw(head);
    assert.match(
      ((await reply).header as { error: { message: string } }).error.message,
      /signature does not verify/,
    );

    // Capture the bytes of a correctly signed frame as the channel writes them (one socket
    // write: the WebSocket header, masked with a zero key, then the frame), then send the
    // frame again: the signature verifies but the sequence number was used already.
    const sent: Uint8Array[] = [];
    const socket = (ch.ws as unknown as { _socket: Socket })._socket;
    const original = socket.write;
    socket.write = ((data: Uint8Array, ...rest: never[]) => {
      sent.push(new Uint8Array(data));
      return (original as (...a: unknown[]) => boolean).call(socket, data, ...rest);
    }) as typeof socket.write;
    const first = nextMessage(ch);
    await ch.send(op(5, "ping"));
    await first;
    socket.write = original;
    assert.equal(sent.length, 1);
    const written = sent[0]!;
    assert.deepEqual(
      [...written.subarray(0, 6)],
      [0x82, 0x80 | (written.byteLength - 6), 0, 0, 0, 0],
    );
    const replay = written.subarray(6);
    reply = nextMessage(ch);
    await ch.sendRaw(replay);
    const h = (await reply).header as { error: { name: string; message: string } };
    assert.equal(h.error.name, "AuthenticationError");
    assert.match(h.error.message, /sequence .* \(replay\?\)/);
    assert.deepEqual(await ping(6), { t: "reply", id: 6, ok: true, result: null });
  });

  it("rejects garbage bytes and text messages on an authenticated channel", async () => {
    let reply = nextMessage(ch);
    await ch.sendRaw(new Uint8Array([1, 2, 3, 4, 5]));
    assert.equal(((await reply).header as { error: { name: string } }).error.name, "ProtocolError");
    reply = nextMessage(ch);
    ch.ws.send("hello");
    assert.equal(((await reply).header as { error: { name: string } }).error.name, "ProtocolError");
    assert.deepEqual(await ping(7), { t: "reply", id: 7, ok: true, result: null });
  });

  it("answers unknown ops, malformed messages and wrong targets with typed errors", async () => {
    let reply = nextMessage(ch);
    await ch.send({ ...op(8, "ping"), op: "shutdown" });
    let h = (await reply).header as {
      t: string;
      id: number;
      ok: boolean;
      error: { name: string; message: string };
    };
    assert.equal(h.t, "reply");
    assert.equal(h.id, 8);
    assert.equal(h.ok, false);
    assert.equal(h.error.name, "ProtocolError");
    assert.match(h.error.message, /unknown op/);

    reply = nextMessage(ch);
    await ch.send({ t: "op", id: 9, op: "ping", reply: true });
    h = (await reply).header as typeof h;
    assert.equal(h.error.name, "ProtocolError");

    reply = nextMessage(ch);
    await ch.send(op(10, "ping", {}, [1]));
    h = (await reply).header as typeof h;
    assert.match(h.error.message, /targets are \[1\]/);

    reply = nextMessage(ch);
    await ch.send(
      op(11, "apply", { source: "this is not javascript(", resultKey: "__distarray__k", args: [] }),
    );
    h = (await reply).header as typeof h;
    assert.equal(h.ok, false);
    assert.match(h.error.message, /does not compile/);

    reply = nextMessage(ch);
    await ch.send(op(12, "delete", { keys: "not-a-list" }));
    h = (await reply).header as typeof h;
    assert.equal(h.error.name, "TypeError");

    assert.deepEqual(await ping(13), { t: "reply", id: 13, ok: true, result: null });
  });

  it("closes a connection whose hello is unsigned or forged (code 4401) and logs it", async () => {
    const ws = new WebSocket(address, "distarray.v1");
    const closed = waitClose(ws);
    await new Promise<void>((resolve) => ws.once("message", () => resolve()));
    ws.send(
      encodeFrameHead({
        flags: 0,
        seq: 0,
        header: encodeHeader({ t: "hello" }),
        bufferLengths: [],
      }),
    );
    const c = await closed;
    assert.equal(c.code, CLOSE_AUTH_FAILED);
    const log = readFileSync(`${clusterLogDir(t.ctx.cluster)}/engine-0.log`, "utf8");
    assert.match(log, /rejected a connection: .*signature does not verify/);
    assert.deepEqual(await ping(14), { t: "reply", id: 14, ok: true, result: null });
  });

  it("closes a connection that sends garbage instead of a hello", async () => {
    const ws = new WebSocket(address, "distarray.v1");
    const closed = waitClose(ws);
    await waitOpen(ws);
    ws.send(Buffer.from("GET / HTTP/1.1\r\n\r\n"));
    assert.equal((await closed).code, CLOSE_AUTH_FAILED);
    assert.deepEqual(await ping(15), { t: "reply", id: 15, ok: true, result: null });
  });

  it("refuses a WebSocket without the distarray.v1 subprotocol", async () => {
    const ws = new WebSocket(address);
    const err = await new Promise<Error>((resolve) => ws.once("error", resolve));
    assert.match(err.message, /400/);
    assert.deepEqual(await ping(16), { t: "reply", id: 16, ok: true, result: null });
  });

  it("fails the handshake with AuthenticationError for a client with the wrong key", async () => {
    await assert.rejects(
      connectChannel(
        address,
        { role: "client", clientId: "intruder" },
        { key: new Uint8Array(32).fill(1) },
      ),
      AuthenticationError,
    );
    assert.deepEqual(await ping(17), { t: "reply", id: 17, ok: true, result: null });
  });

  it("keeps serving the Context meanwhile, and surfaces engine errors as typed errors", async () => {
    assert.deepEqual(await t.ctx.apply(() => rank), [0, 1]);
    await assert.rejects(
      t.ctx.apply(() => {
        throw new RangeError("inside apply");
      }),
      (e: unknown) =>
        e instanceof EngineError &&
        /engine 0: RangeError: inside apply/.test(e.message) &&
        e.rank === 0,
    );
  });
});

declare const rank: number;
