import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { decodeMessage, encodeMessage, Signer } from "@distarray/kernel/jupyter/wire";

const KEY = "a0436f6c-1916-498b-8eb9-e81ab9368e84";

function frames(parts: object[], key = KEY, ids: string[] = ["client-1"]): Buffer[] {
  const body = parts.map((p) => Buffer.from(JSON.stringify(p)));
  const h = createHmac("sha256", key);
  for (const b of body) h.update(b);
  return [
    ...ids.map((i) => Buffer.from(i)),
    Buffer.from("<IDS|MSG>"),
    Buffer.from(h.digest("hex")),
    ...body,
  ];
}

const header = {
  msg_id: "m1",
  session: "s1",
  username: "u",
  date: "2026-01-01T00:00:00Z",
  msg_type: "execute_request",
  version: "5.3",
};

test("decodeMessage reads identities, the four JSON parts and raw buffers of a signed message", () => {
  const raw = frames([header, {}, { a: 1 }, { code: "1+1" }]);
  raw.push(Buffer.from([1, 2, 3]));
  const msg = decodeMessage(raw, new Signer(KEY));
  assert.deepEqual(
    msg.identities.map((b) => b.toString()),
    ["client-1"],
  );
  assert.equal(msg.header.msg_type, "execute_request");
  assert.deepEqual(msg.parent_header, {});
  assert.deepEqual(msg.metadata, { a: 1 });
  assert.deepEqual(msg.content, { code: "1+1" });
  assert.deepEqual([...msg.buffers[0]!], [1, 2, 3]);
});

test("decodeMessage rejects a wrong signature, a missing delimiter and a malformed header", () => {
  const signer = new Signer(KEY);
  assert.throws(
    () => decodeMessage(frames([header, {}, {}, {}], "other-key"), signer),
    (e: unknown) => (e as { code?: string }).code === "DA_ERR_PROTOCOL",
  );
  const noDelim = frames([header, {}, {}, {}]).filter((f) => f.toString() !== "<IDS|MSG>");
  assert.throws(() => decodeMessage(noDelim, signer), /<IDS\|MSG>/);
  assert.throws(() => decodeMessage(frames([{ msg_type: 3 }, {}, {}, {}]), signer), /header/);
});

test("encodeMessage signs what decodeMessage verifies, keeping parent, identities and buffers", () => {
  const signer = new Signer(KEY);
  const encoded = encodeMessage(
    {
      msgType: "comm_msg",
      content: { comm_id: "c", data: { x: 1 } },
      parent: header,
      identities: [Buffer.from("peer")],
      buffers: [new Float64Array([1.5]), new Uint8Array([9]).buffer],
    },
    "session-x",
    signer,
  );
  const back = decodeMessage(encoded, signer);
  assert.equal(back.header.msg_type, "comm_msg");
  assert.equal(back.header.session, "session-x");
  assert.equal(back.header.version, "5.3");
  assert.equal((back.parent_header as { msg_id: string }).msg_id, "m1");
  assert.deepEqual(back.content, { comm_id: "c", data: { x: 1 } });
  assert.equal(back.buffers.length, 2);
  assert.equal(new Float64Array(new Uint8Array(back.buffers[0]!).buffer)[0], 1.5);
  assert.deepEqual([...back.buffers[1]!], [9]);
});

test("an empty key turns signing off", () => {
  const signer = new Signer("");
  const encoded = encodeMessage({ msgType: "status", content: {} }, "s", signer);
  const delim = encoded.findIndex((f) => f.toString() === "<IDS|MSG>");
  assert.equal(encoded[delim + 1]!.toString(), "");
  assert.equal(decodeMessage(encoded, signer).header.msg_type, "status");
});
