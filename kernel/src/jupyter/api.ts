/**
 * The kernel-side Jupyter API for cells and library code (preloaded in cells as `jupyter`, with
 * `display` also bound on its own): rich display, progress bars, comms, interrupt hooks.
 * Everything here is safe to import outside a kernel; see each function for what it does there.
 */
import { getKernelBridge } from "./bridge.js";

export { type BinaryBuffer, inKernel } from "./bridge.js";
export {
  Comm,
  type CommMessage,
  type CommSendOptions,
  type CommTargetHandler,
  type OpenCommOptions,
  openComm,
  registerCommTarget,
} from "./comms.js";
export {
  clearOutput,
  DISPLAY_SYMBOL,
  DisplayHandle,
  type DisplayOptions,
  display,
  displayBundle,
  type MimeBundle,
  toMimeBundle,
} from "./display.js";
export { ProgressBar, type ProgressOptions, progress } from "./progress.js";

/**
 * Runs `hook` when the user interrupts the kernel (e.g. to cancel pending work); returns its
 * remover. Outside a kernel the hook is never called.
 */
export function onInterrupt(hook: () => void): () => void {
  return getKernelBridge()?.onInterrupt(hook) ?? (() => {});
}
