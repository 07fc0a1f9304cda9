// Kernel-side widget models over the kernel's real comm registry, with an in-memory link in
// place of the ZeroMQ sockets: the messages a frontend would receive are recorded, and
// frontend messages are delivered the way the kernel delivers comm_msg.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setKernelBridge } from "@distarray/kernel/jupyter/bridge";
import { CommRegistry } from "@distarray/kernel/jupyter/comms";
import * as da from "distarray";

interface Sent {
  msgType: string;
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

describe("widget models", () => {
  const sent: Sent[] = [];
  let comms: CommRegistry;

  before(() => {
    comms = new CommRegistry((msgType, content, metadata) => {
      sent.push({ msgType, content, metadata });
    });
    setKernelBridge({
      publish: (msgType, content) => sent.push({ msgType, content, metadata: {} }),
      comms,
      onInterrupt: () => () => {},
    });
  });
  after(() => setKernelBridge(undefined));

  /** What a frontend sends when the user edits a control. */
  function fromFrontend(model: da.widgets.WidgetModel, state: Record<string, unknown>): void {
    comms.handleMessage(model.id, {
      data: { method: "update", state, buffer_paths: [] },
      metadata: {},
      buffers: [],
    });
  }

  it("opens a jupyter.widget comm with the full state and protocol 2.1.0", () => {
    sent.length = 0;
    const m = new da.widgets.WidgetModel({ _model_name: "IntTextModel", value: 1 });
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.msgType, "comm_open");
    assert.equal(sent[0]!.content.target_name, "jupyter.widget");
    assert.deepEqual(sent[0]!.content.data, {
      state: { _model_name: "IntTextModel", value: 1 },
      buffer_paths: [],
    });
    assert.deepEqual(sent[0]!.metadata, { version: "2.1.0" });
    assert.equal(m.ref, `IPY_MODEL_${m.id}`);
    assert.deepEqual(m.bundle()["application/vnd.jupyter.widget-view+json"], {
      model_id: m.id,
      version_major: 2,
      version_minor: 1,
    });
  });

  it("sends kernel changes, takes frontend changes, and tells listeners which side changed", () => {
    const m = new da.widgets.WidgetModel({ value: 1 });
    const seen: [Record<string, unknown>, string][] = [];
    m.onChange((changed, origin) => seen.push([changed, origin]));
    sent.length = 0;
    m.set({ value: 2 });
    assert.deepEqual(sent[0]!.content, {
      comm_id: m.id,
      data: { method: "update", state: { value: 2 }, buffer_paths: [] },
    });
    fromFrontend(m, { value: 5 });
    assert.equal(m.get("value"), 5);
    assert.deepEqual(seen, [
      [{ value: 2 }, "kernel"],
      [{ value: 5 }, "frontend"],
    ]);
    sent.length = 0;
    comms.handleMessage(m.id, { data: { method: "request_state" }, metadata: {}, buffers: [] });
    assert.deepEqual((sent[0]!.content.data as { state: unknown }).state, { value: 5 });
  });

  it("the explorer recomputes counts and map when a dropdown changes in the frontend", () => {
    sent.length = 0;
    const ex = da.widgets.distributionExplorer({ shape: [10, 6], engines: 4 });
    const opened = sent.filter((s) => s.msgType === "comm_open");
    const state = (s: Sent) => (s.content.data as { state: Record<string, unknown> }).state;
    const dropdowns = opened.filter((s) => state(s)._model_name === "DropdownModel");
    assert.equal(dropdowns.length, 2);
    const axis1 = comms.get(dropdowns[1]!.content.comm_id as string)!;
    sent.length = 0;
    comms.handleMessage(axis1.commId, {
      data: { method: "update", state: { index: 0 }, buffer_paths: [] },
      metadata: {},
      buffers: [],
    });
    assert.equal(ex.setting.axes[1]!.dist, "b");
    const d = da.Distribution.fromShape({ targets: [0, 1, 2, 3] }, [10, 6], { dist: "bb" });
    assert.deepEqual(
      ex.layout!.counts.map((c) => c.elements),
      d.targets.map((_, r) => d.localShape(r).reduce((a, b) => a * b, 1)),
    );
    const updates = sent.map((s) => (s.content.data as { state: Record<string, unknown> }).state);
    assert.ok(updates.some((u) => typeof u.value === "string" && u.value.includes("da-count")));
    assert.ok(updates.some((u) => u.payload !== undefined && u.payload !== null));
  });
});
