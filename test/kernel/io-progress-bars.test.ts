import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { ProgressReporter } from "@distarray/kernel/io-progress";
import { setKernelBridge } from "@distarray/kernel/jupyter/bridge";
import { CommRegistry } from "@distarray/kernel/jupyter/comms";
import { installIoProgressBars } from "@distarray/kernel/jupyter/io-progress-bars";

const MiB = 1 << 20;
let restore: (() => void) | undefined;

afterEach(() => {
  restore?.();
  setKernelBridge(undefined);
});

function record(): { msgType: string; text: string; id: string }[] {
  const out: { msgType: string; text: string; id: string }[] = [];
  setKernelBridge({
    publish: (msgType, content) =>
      out.push({
        msgType,
        text: String((content.data as Record<string, unknown>)["text/plain"]),
        id: String((content.transient as { display_id?: string }).display_id),
      }),
    comms: new CommRegistry(() => {}),
    onInterrupt: () => () => {},
  });
  return out;
}

test("a large IO transfer shows one progress bar that is completed in place", () => {
  const out = record();
  restore = installIoProgressBars();
  const r = new ProgressReporter("saveNpy", "big.npy", 256 * MiB);
  r.add(128 * MiB);
  r.finish();
  assert.equal(out[0]!.msgType, "display_data");
  assert.match(out[0]!.text, /^saveNpy big\.npy \[-+\] 0%$/);
  assert.ok(out.slice(1).every((m) => m.msgType === "update_display_data" && m.id === out[0]!.id));
  assert.match(out.at(-1)!.text, /^saveNpy big\.npy: done \(\d+\.\d s\)$/);
});

test("a failed transfer says where it stopped; small transfers show nothing", () => {
  const out = record();
  restore = installIoProgressBars();
  const r = new ProgressReporter("loadNpy", "x.npy", 100 * MiB);
  r.add(25 * MiB);
  r.finish(false);
  assert.equal(out.at(-1)!.text, "loadNpy x.npy: stopped at 25%");
  const before = out.length;
  new ProgressReporter("loadNpy", "small.npy", 1024).finish();
  assert.equal(out.length, before);
});
