/**
 * Comms: the Jupyter comm protocol (comm_open, comm_msg, comm_close, comm_info) that
 * ipywidgets-protocol widgets use to talk to kernel-side models.
 *
 * Kernel side, from a cell or library code:
 * ```ts
 * registerCommTarget("my.target", (comm, open) => {
 *   comm.onMessage((msg) => comm.send({ echo: msg.data }));
 * });
 * const comm = openComm("jupyter.widget", { state: {...}, buffer_paths: [] });
 * comm.send({ method: "update", state: { value: 3 } });
 * ```
 * Outside a kernel `openComm` and `registerCommTarget` throw ContextError.
 */
import { randomUUID } from "node:crypto";
import { ContextError } from "@distarray/engines/core";
import { type BinaryBuffer, getKernelBridge } from "./bridge.js";

/** A message received on a comm (the `content` of comm_open, comm_msg or comm_close). */
export interface CommMessage {
  commId: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
}

export interface CommSendOptions {
  metadata?: Record<string, unknown>;
  buffers?: readonly BinaryBuffer[];
}

type Publish = (
  msgType: string,
  content: Record<string, unknown>,
  metadata: Record<string, unknown>,
  buffers: readonly BinaryBuffer[],
) => void;

/** One end of a comm. Messages from the frontend arrive through `onMessage`. */
export class Comm {
  readonly commId: string;
  readonly targetName: string;
  readonly #publish: Publish;
  readonly #onClosed: (comm: Comm) => void;
  readonly #messageHandlers = new Set<(msg: CommMessage) => void>();
  readonly #closeHandlers = new Set<(msg: CommMessage) => void>();
  #closed = false;

  /** @internal Created by CommRegistry. */
  constructor(commId: string, targetName: string, publish: Publish, onClosed: (c: Comm) => void) {
    this.commId = commId;
    this.targetName = targetName;
    this.#publish = publish;
    this.#onClosed = onClosed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends comm_msg to the frontend.
   * @throws ContextError when the comm is closed.
   */
  send(data: Record<string, unknown>, options: CommSendOptions = {}): void {
    if (this.#closed) throw new ContextError(`comm ${this.commId} is closed; cannot send`);
    this.#publish(
      "comm_msg",
      { comm_id: this.commId, data },
      options.metadata ?? {},
      options.buffers ?? [],
    );
  }

  /** Closes the comm (sends comm_close once; later calls do nothing). */
  close(data: Record<string, unknown> = {}, options: CommSendOptions = {}): void {
    if (this.#closed) return;
    this.#publish(
      "comm_close",
      { comm_id: this.commId, data },
      options.metadata ?? {},
      options.buffers ?? [],
    );
    this.#markClosed({ commId: this.commId, data, metadata: {}, buffers: [] });
  }

  /** Calls `handler` for every comm_msg from the frontend; returns its remover. */
  onMessage(handler: (msg: CommMessage) => void): () => void {
    this.#messageHandlers.add(handler);
    return () => this.#messageHandlers.delete(handler);
  }

  /** Calls `handler` when the frontend closes the comm; returns its remover. */
  onClose(handler: (msg: CommMessage) => void): () => void {
    this.#closeHandlers.add(handler);
    return () => this.#closeHandlers.delete(handler);
  }

  /** @internal */
  deliver(msg: CommMessage): void {
    for (const h of this.#messageHandlers) h(msg);
  }

  /** @internal */
  remoteClose(msg: CommMessage): void {
    if (this.#closed) return;
    this.#markClosed(msg);
  }

  #markClosed(msg: CommMessage): void {
    this.#closed = true;
    this.#onClosed(this);
    for (const h of this.#closeHandlers) h(msg);
  }
}

/** Called when the frontend opens a comm to a registered target. */
export type CommTargetHandler = (comm: Comm, open: CommMessage) => void | Promise<void>;

/** The kernel's open comms and registered targets. One per kernel process. */
export class CommRegistry {
  readonly #publish: Publish;
  readonly #comms = new Map<string, Comm>();
  readonly #targets = new Map<string, CommTargetHandler>();

  constructor(publish: Publish) {
    this.#publish = publish;
  }

  registerTarget(targetName: string, handler: CommTargetHandler): () => void {
    this.#targets.set(targetName, handler);
    return () => {
      if (this.#targets.get(targetName) === handler) this.#targets.delete(targetName);
    };
  }

  /** Opens a comm from the kernel side (sends comm_open). */
  open(
    targetName: string,
    data: Record<string, unknown> = {},
    options: OpenCommOptions = {},
  ): Comm {
    const comm = this.#create(options.commId ?? randomUUID(), targetName);
    this.#publish(
      "comm_open",
      {
        comm_id: comm.commId,
        target_name: targetName,
        data,
        ...(options.targetModule ? { target_module: options.targetModule } : {}),
      },
      options.metadata ?? {},
      options.buffers ?? [],
    );
    return comm;
  }

  /** Open comms by id with their target names (`comm_info_reply`), optionally for one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const c of this.#comms.values()) {
      if (targetName === undefined || c.targetName === targetName) {
        out[c.commId] = { target_name: c.targetName };
      }
    }
    return out;
  }

  get(commId: string): Comm | undefined {
    return this.#comms.get(commId);
  }

  /**
   * Handles comm_open from the frontend: calls the target's handler and resolves to true, or
   * answers comm_close and resolves to false when no such target is registered (as ipykernel
   * does). Rejects with whatever the handler throws.
   */
  async handleOpen(
    commId: string,
    targetName: string,
    msg: Omit<CommMessage, "commId">,
  ): Promise<boolean> {
    const handler = this.#targets.get(targetName);
    if (!handler) {
      this.#publish("comm_close", { comm_id: commId, data: {} }, {}, []);
      return false;
    }
    const comm = this.#create(commId, targetName);
    await handler(comm, { commId, ...msg });
    return true;
  }

  /** Handles comm_msg from the frontend (an unknown comm id is ignored, as in ipykernel). */
  handleMessage(commId: string, msg: Omit<CommMessage, "commId">): boolean {
    const comm = this.#comms.get(commId);
    if (!comm) return false;
    comm.deliver({ commId, ...msg });
    return true;
  }

  /** Handles comm_close from the frontend. */
  handleClose(commId: string, msg: Omit<CommMessage, "commId">): boolean {
    const comm = this.#comms.get(commId);
    if (!comm) return false;
    comm.remoteClose({ commId, ...msg });
    return true;
  }

  #create(commId: string, targetName: string): Comm {
    const comm = new Comm(commId, targetName, this.#publish, (c) => this.#comms.delete(c.commId));
    this.#comms.set(commId, comm);
    return comm;
  }
}

export interface OpenCommOptions extends CommSendOptions {
  /** A comm id to use (default: a random UUID). */
  commId?: string;
  targetModule?: string;
}

function registry(): CommRegistry {
  const bridge = getKernelBridge();
  if (!bridge) throw new ContextError("comms need a running DistArray kernel; none is running");
  return bridge.comms;
}

/**
 * Opens a comm to the frontend target `targetName` (e.g. "jupyter.widget").
 * @throws ContextError outside a kernel.
 */
export function openComm(
  targetName: string,
  data: Record<string, unknown> = {},
  options: OpenCommOptions = {},
): Comm {
  return registry().open(targetName, data, options);
}

/**
 * Accepts comms that the frontend opens to `targetName`; returns the remover.
 * @throws ContextError outside a kernel.
 */
export function registerCommTarget(targetName: string, handler: CommTargetHandler): () => void {
  return registry().registerTarget(targetName, handler);
}
