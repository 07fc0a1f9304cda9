import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { type BinaryBuffer, setKernelBridge } from "@distarray/kernel/jupyter/bridge";
import { CommRegistry } from "@distarray/kernel/jupyter/comms";
import {
  DISPLAY_SYMBOL,
  display,
  displayBundle,
  toMimeBundle,
} from "@distarray/kernel/jupyter/display";
import { progress } from "@distarray/kernel/jupyter/progress";
import * as da from "distarray";

interface Published {
  msgType: string;
  content: Record<string, unknown>;
  buffers?: readonly BinaryBuffer[];
}

function recordingBridge(): Published[] {
  const out: Published[] = [];
  setKernelBridge({
    publish: (msgType, content, buffers) => out.push({ msgType, content, buffers }),
    comms: new CommRegistry(() => {}),
    onInterrupt: () => () => {},
  });
  return out;
}

afterEach(() => setKernelBridge(undefined));

test("display publishes display_data with every MIME type and a display id; update reuses it", () => {
  const out = recordingBridge();
  const h = displayBundle({ "text/plain": "x", "text/html": "<b>x</b>" }, { displayId: "d1" });
  h.update(42);
  assert.deepEqual(out[0], {
    msgType: "display_data",
    content: {
      data: { "text/plain": "x", "text/html": "<b>x</b>" },
      metadata: {},
      transient: { display_id: "d1" },
    },
    buffers: undefined,
  });
  assert.equal(out[1]!.msgType, "update_display_data");
  assert.deepEqual(out[1]!.content.data, { "text/plain": "42" });
  assert.deepEqual(out[1]!.content.transient, { display_id: "d1" });
  const auto = display("hi");
  assert.equal(typeof auto.displayId, "string");
  assert.equal(auto.displayId.length > 0, true);
});

test("objects choose their own bundle through DISPLAY_SYMBOL; text/plain is always present", () => {
  const custom = { [DISPLAY_SYMBOL]: () => ({ "image/svg+xml": "<svg/>" }) };
  const b = toMimeBundle(custom);
  assert.equal(b["image/svg+xml"], "<svg/>");
  assert.equal(typeof b["text/plain"], "string");
  assert.deepEqual(toMimeBundle({ a: [1, 2] }), { "text/plain": "{ a: [ 1, 2 ] }" });
});

test("an NDArray shows its NumPy-style text", {
  skip: typeof da.array !== "function" && "da.array has not landed",
}, () => {
  const a = (da as unknown as { array(v: unknown): { toString(): string } }).array([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(toMimeBundle(a), { "text/plain": a.toString() });
});

test("a progress bar updates one output in place and completes it", () => {
  const out = recordingBridge();
  const bar = progress({ label: "loading", total: 4, minIntervalMs: 0 });
  bar.update(2);
  bar.finish({ message: "loaded" });
  bar.update(3);
  assert.deepEqual(
    out.map((m) => m.msgType),
    ["display_data", "update_display_data", "update_display_data"],
  );
  const id = (out[0]!.content.transient as { display_id: string }).display_id;
  for (const m of out) assert.equal((m.content.transient as { display_id: string }).display_id, id);
  const mid = out[1]!.content.data as Record<string, string>;
  assert.match(mid["text/plain"]!, /^loading \[#{15}-{15}\] 50%$/);
  assert.match(mid["text/html"]!, /<progress value="2" max="4">/);
  assert.equal((out[2]!.content.data as Record<string, string>)["text/plain"], "loaded");
  assert.equal(bar.finished, true);
});

test("outside a kernel, progress does nothing", () => {
  const bar = progress({ label: "x" });
  bar.update(0.5);
  bar.finish();
  assert.equal(bar.finished, true);
});
