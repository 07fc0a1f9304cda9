import assert from "node:assert/strict";
import { test } from "node:test";
import { CommRegistry } from "@distarray/kernel/jupyter/comms";

interface Sent {
  msgType: string;
  content: Record<string, unknown>;
  buffers: readonly unknown[];
}

function registry() {
  const sent: Sent[] = [];
  const reg = new CommRegistry((msgType, content, _metadata, buffers) =>
    sent.push({ msgType, content, buffers }),
  );
  return { reg, sent };
}

const payload = (data: Record<string, unknown>) => ({ data, metadata: {}, buffers: [] });

test("a frontend comm_open reaches the target handler; messages go both ways; close is reported", async () => {
  const { reg, sent } = registry();
  const received: unknown[] = [];
  let closed = false;
  reg.registerTarget("echo", (comm, open) => {
    assert.deepEqual(open.data, { hello: 1 });
    comm.onMessage((m) => {
      received.push(m.data);
      comm.send({ echo: m.data }, { buffers: [new Uint8Array([7])] });
    });
    comm.onClose(() => {
      closed = true;
    });
  });
  assert.equal(await reg.handleOpen("c1", "echo", payload({ hello: 1 })), true);
  assert.deepEqual(reg.info(), { c1: { target_name: "echo" } });
  assert.equal(reg.handleMessage("c1", payload({ ping: 2 })), true);
  assert.deepEqual(received, [{ ping: 2 }]);
  assert.deepEqual(sent[0], {
    msgType: "comm_msg",
    content: { comm_id: "c1", data: { echo: { ping: 2 } } },
    buffers: [new Uint8Array([7])],
  });
  assert.equal(reg.handleClose("c1", payload({})), true);
  assert.equal(closed, true);
  assert.deepEqual(reg.info(), {});
  assert.equal(reg.handleMessage("c1", payload({})), false);
});

test("comm_open to an unknown target is answered with comm_close", async () => {
  const { reg, sent } = registry();
  assert.equal(await reg.handleOpen("c2", "missing", payload({})), false);
  assert.deepEqual(sent, [
    { msgType: "comm_close", content: { comm_id: "c2", data: {} }, buffers: [] },
  ]);
  assert.deepEqual(reg.info(), {});
});

test("a kernel-side comm sends comm_open, filters comm_info by target, and refuses to send after close", () => {
  const { reg, sent } = registry();
  const comm = reg.open("jupyter.widget", { state: { value: 1 } }, { commId: "w1" });
  reg.open("other", {}, { commId: "o1" });
  assert.deepEqual(sent[0]!.content, {
    comm_id: "w1",
    target_name: "jupyter.widget",
    data: { state: { value: 1 } },
  });
  assert.deepEqual(reg.info("jupyter.widget"), { w1: { target_name: "jupyter.widget" } });
  comm.close({ bye: true });
  assert.equal(sent.at(-1)!.msgType, "comm_close");
  assert.equal(comm.closed, true);
  assert.throws(() => comm.send({}), /closed/);
  comm.close();
  assert.equal(sent.filter((s) => s.msgType === "comm_close").length, 1);
});
