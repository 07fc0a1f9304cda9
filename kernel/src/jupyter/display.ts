/**
 * Rich display from cells and library code: `display_data` with multi-MIME bundles, updated in
 * place with `update_display_data` through a display id.
 *
 * ```ts
 * const h = display(a);                          // a DistArray: text/plain + text/html
 * displayBundle({ "text/plain": "x", "text/html": "<b>x</b>" }, { displayId: "status" });
 * h.update("done");                              // update_display_data for the same id
 * ```
 * Any object may define a `[DISPLAY_SYMBOL]()` method returning its bundle (it should include
 * "text/plain"); that is what `display` and a cell's last value use.
 * Outside a kernel, `display` prints the text/plain form to stdout.
 */
import { randomUUID } from "node:crypto";
import { type BinaryBuffer, getKernelBridge } from "./bridge.js";
import { toMimeBundle } from "./display-format.js";

export { DISPLAY_SYMBOL, type MimeBundle, toMimeBundle } from "./display-format.js";

import type { MimeBundle } from "./display-format.js";

export interface DisplayOptions {
  /** Id of the output to create (default: a random one); the same id updates it later. */
  displayId?: string;
  metadata?: Record<string, unknown>;
  /** Binary buffers sent along with the message. */
  buffers?: readonly BinaryBuffer[];
}

/** A published output that can be replaced in place. */
export class DisplayHandle {
  readonly displayId: string;

  constructor(displayId: string) {
    this.displayId = displayId;
  }

  /** Replaces the output with `value`'s bundle (update_display_data). */
  update(value: unknown, options: Omit<DisplayOptions, "displayId"> = {}): void {
    this.updateBundle(toMimeBundle(value), options);
  }

  /** Replaces the output with an explicit bundle. */
  updateBundle(data: MimeBundle, options: Omit<DisplayOptions, "displayId"> = {}): void {
    publishBundle("update_display_data", data, { ...options, displayId: this.displayId });
  }
}

function publishBundle(
  msgType: "display_data" | "update_display_data",
  data: MimeBundle,
  options: DisplayOptions,
): void {
  const bridge = getKernelBridge();
  if (!bridge) {
    if (msgType === "display_data") {
      process.stdout.write(`${String(data["text/plain"] ?? "")}\n`);
    }
    return;
  }
  bridge.publish(
    msgType,
    {
      data,
      metadata: options.metadata ?? {},
      transient: options.displayId ? { display_id: options.displayId } : {},
    },
    options.buffers,
  );
}

/** Displays any value: its `[DISPLAY_SYMBOL]()` bundle, a DistArray or NDArray view, or text. */
export function display(value: unknown, options: DisplayOptions = {}): DisplayHandle {
  return displayBundle(toMimeBundle(value), options);
}

/** Displays an explicit multi-MIME bundle, e.g. `{"text/plain": ..., "text/html": ...}`. */
export function displayBundle(data: MimeBundle, options: DisplayOptions = {}): DisplayHandle {
  const displayId = options.displayId ?? randomUUID();
  publishBundle("display_data", data, { ...options, displayId });
  return new DisplayHandle(displayId);
}

/** Clears the cell's output (with `wait`, when the next output arrives). */
export function clearOutput(options: { wait?: boolean } = {}): void {
  getKernelBridge()?.publish("clear_output", { wait: options.wait ?? false });
}
