/**
 * The link between library code (display, comms, progress) and the running kernel. The kernel
 * process installs one bridge on a global symbol at start-up; library code looks it up, so it
 * works whichever copy of a module a cell happens to load, and does nothing kernel-specific
 * when no kernel is running (plain Node scripts, tests).
 */
import type { CommRegistry } from "./comms.js";

/** A buffer carried next to a message (comm and display messages). */
export type BinaryBuffer = ArrayBuffer | ArrayBufferView;

export interface KernelBridge {
  /** Publishes an IOPub message (display_data, update_display_data, clear_output, comm_*) whose
   * parent is the request being handled (or the last one). */
  publish(
    msgType: string,
    content: Record<string, unknown>,
    buffers?: readonly BinaryBuffer[],
  ): void;
  /** The kernel's comms. */
  readonly comms: CommRegistry;
  /** Registers a hook run when the user interrupts the kernel; returns its remover. */
  onInterrupt(hook: () => void): () => void;
}

const BRIDGE_KEY = Symbol.for("distarray.kernel.bridge");

type Holder = { [BRIDGE_KEY]?: KernelBridge };

/** The running kernel's bridge, or undefined outside a kernel. */
export function getKernelBridge(): KernelBridge | undefined {
  return (globalThis as Holder)[BRIDGE_KEY];
}

/** Installs (or with undefined, removes) the bridge; only the kernel process calls this. */
export function setKernelBridge(bridge: KernelBridge | undefined): void {
  if (bridge) (globalThis as Holder)[BRIDGE_KEY] = bridge;
  else delete (globalThis as Holder)[BRIDGE_KEY];
}

/** True inside a DistArray kernel process. */
export function inKernel(): boolean {
  return getKernelBridge() !== undefined;
}
