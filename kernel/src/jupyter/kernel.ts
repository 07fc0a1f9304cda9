/**
 * The DistArray TypeScript kernel: the Jupyter protocol (messaging spec 5.3) on top of tslab's
 * executor. Execute requests run one at a time in arrival order; every other request (kernel
 * info, completion, inspection, comms) is answered at once, even while a cell awaits, so widgets
 * keep talking to the kernel during long cells.
 *
 * After a failing cell with `stop_on_error` (the default) the execute requests already queued are
 * answered `aborted`; with `stop_on_error: false` they run.
 */
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { type BinaryBuffer, type KernelBridge, setKernelBridge } from "./bridge.js";
import { CellExecutor } from "./cell-executor.js";
import { CommRegistry } from "./comms.js";
import { DaclusterMagic } from "./dacluster-magic.js";
import { toMimeBundle } from "./display-format.js";
import { exceptionErrorContent } from "./error-content.js";
import { installIoProgressBars } from "./io-progress-bars.js";
import { type MagicIO, MagicRegistry } from "./magics.js";
import { type Channel, type ConnectionInfo, KernelSockets } from "./sockets.js";
import { loadTslab } from "./tslab.js";
import { type JupyterMessage, type MessageHeader, PROTOCOL_VERSION } from "./wire.js";

/** Buffered stream text is published once it reaches this many characters. */
export const STREAM_FLUSH_CHARS = 64 * 1024;

/** The kernel's implementation version (kernel_info_reply). */
export const KERNEL_VERSION = "0.1.0";

export interface KernelOptions {
  connection: ConnectionInfo;
  /** Working directory cells resolve imports from. */
  rootDir: string;
  /** Where the kernel's own log lines go (default: the process's real stderr). */
  log?: (text: string) => void;
  /** Called after shutdown_request has been answered and resources released. */
  onShutdown?: (restart: boolean) => void;
}

type Content = Record<string, unknown>;

function str(v: unknown, fallback = ""): string {
  return typeof v === "string" ? v : fallback;
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === "boolean" ? v : fallback;
}

function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

export class DistArrayKernel {
  readonly #sockets: KernelSockets;
  readonly #executor: CellExecutor;
  readonly #comms: CommRegistry;
  readonly #dacluster: DaclusterMagic;
  readonly #log: (text: string) => void;
  readonly #onShutdown: (restart: boolean) => void;
  readonly #queue: JupyterMessage[] = [];
  readonly #interruptHooks = new Set<() => void>();
  #draining = false;
  #executionCount = 0;
  /** Parent of outputs: the request being handled (a comm message) or the running cell. */
  #handlerParent: MessageHeader | undefined;
  #cellParent: MessageHeader | undefined;
  #lastParent: MessageHeader | undefined;
  #shuttingDown = false;
  /** Stream text not yet published (see #bufferStream). */
  #stream: { name: string; text: string; parent: MessageHeader | undefined } | undefined;
  /** Settles when the preload has run; cells wait for it (other requests are answered at once). */
  #ready: Promise<void> = Promise.resolve();

  private constructor(
    sockets: KernelSockets,
    executor: CellExecutor,
    comms: CommRegistry,
    dacluster: DaclusterMagic,
    options: KernelOptions,
  ) {
    this.#sockets = sockets;
    this.#executor = executor;
    this.#comms = comms;
    this.#dacluster = dacluster;
    this.#log = options.log ?? (() => {});
    this.#onShutdown = options.onShutdown ?? (() => {});
  }

  /**
   * Binds the sockets, installs the bridge (display, comms), routes process stdout/stderr to the
   * running cell and runs the preload.
   */
  static async start(options: KernelOptions): Promise<DistArrayKernel> {
    const realStderr = process.stderr.write.bind(process.stderr);
    const log = options.log ?? ((t: string) => realStderr(`[distarray kernel] ${t}\n`));
    const magics = new MagicRegistry();
    const dacluster = new DaclusterMagic();
    magics.register(dacluster);
    const executor = new CellExecutor({ rootDir: options.rootDir, magics });
    let kernel: DistArrayKernel | undefined;
    const pending: [Channel, JupyterMessage][] = [];
    const sockets = await KernelSockets.bind(options.connection, {
      session: randomUUID(),
      log,
      handler: (channel, msg) => {
        if (kernel) kernel.#handle(channel, msg);
        else pending.push([channel, msg]);
      },
    });
    const comms = new CommRegistry((msgType, content, metadata, buffers) => {
      if (kernel) kernel.#publish(msgType, content, buffers, metadata);
    });
    kernel = new DistArrayKernel(sockets, executor, comms, dacluster, { ...options, log });
    kernel.#installBridge();
    kernel.#captureStreams();
    installIoProgressBars();
    const k = kernel;
    loadTslab().setDisplayWriter((data, update) =>
      k.#publish(update ? "update_display_data" : "display_data", data),
    );
    kernel.#ready = executor
      .preload()
      .catch((e) => log(e instanceof Error ? e.message : String(e)));
    for (const [channel, msg] of pending.splice(0)) kernel.#handle(channel, msg);
    await kernel.#ready;
    return kernel;
  }

  /**
   * Interrupts the running cell: rejects its pending await, runs the interrupt hooks (which
   * cancel pending engine operations) and cancels the bound context's pending work.
   */
  interrupt(): void {
    this.#executor.interrupt();
    for (const hook of [...this.#interruptHooks]) {
      try {
        hook();
      } catch (e) {
        this.#log(`interrupt hook failed: ${String(e)}`);
      }
    }
    this.#dacluster.interrupt();
  }

  /** Stops the cluster this kernel started, closes sockets and the compiler. */
  async shutdown(restart: boolean): Promise<void> {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    this.#flushStream();
    try {
      await this.#dacluster.shutdown();
    } catch (e) {
      this.#log(`stopping the cluster failed: ${String(e)}`);
    }
    this.#executor.close();
    this.#sockets.close();
    setKernelBridge(undefined);
    this.#onShutdown(restart);
  }

  #installBridge(): void {
    const bridge: KernelBridge = {
      publish: (msgType, content, buffers) => this.#publish(msgType, content, buffers),
      comms: this.#comms,
      onInterrupt: (hook) => {
        this.#interruptHooks.add(hook);
        return () => this.#interruptHooks.delete(hook);
      },
    };
    setKernelBridge(bridge);
  }

  #captureStreams(): void {
    const route =
      (name: "stdout" | "stderr") =>
      (chunk: string | Uint8Array, encodingOrCb?: unknown, cb?: unknown): boolean => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        this.#publish("stream", { name, text });
        const done = typeof encodingOrCb === "function" ? encodingOrCb : cb;
        if (typeof done === "function") queueMicrotask(() => done());
        return true;
      };
    process.stdout.write = route("stdout") as typeof process.stdout.write;
    process.stderr.write = route("stderr") as typeof process.stderr.write;
  }

  #publish(
    msgType: string,
    content: Content,
    buffers?: readonly BinaryBuffer[],
    metadata?: Record<string, unknown>,
  ): void {
    const parent = this.#handlerParent ?? this.#cellParent ?? this.#lastParent;
    if (msgType === "stream") {
      this.#bufferStream(String(content.name), String(content.text), parent);
      return;
    }
    this.#flushStream();
    void this.#sockets.publish({ msgType, content, parent, buffers, metadata });
  }

  /**
   * Stream text is coalesced: consecutive writes to the same stream for the same request go out
   * as one message at the next turn of the event loop (or once STREAM_FLUSH_CHARS collect), and
   * always before any other IOPub message, so order is kept.
   */
  #bufferStream(name: string, text: string, parent: MessageHeader | undefined): void {
    const buf = this.#stream;
    if (buf && (buf.name !== name || buf.parent !== parent)) this.#flushStream();
    if (!this.#stream) {
      this.#stream = { name, text: "", parent };
      setImmediate(() => this.#flushStream());
    }
    this.#stream.text += text;
    if (this.#stream.text.length >= STREAM_FLUSH_CHARS) this.#flushStream();
  }

  #flushStream(): void {
    const buf = this.#stream;
    if (!buf) return;
    this.#stream = undefined;
    void this.#sockets.publish({
      msgType: "stream",
      content: { name: buf.name, text: buf.text },
      parent: buf.parent,
    });
  }

  #status(state: "busy" | "idle", parent: MessageHeader): void {
    this.#flushStream();
    void this.#sockets.publish({ msgType: "status", content: { execution_state: state }, parent });
  }

  #handle(channel: Channel, msg: JupyterMessage): void {
    const type = msg.header.msg_type;
    if (type === "execute_request" && channel === "shell") {
      this.#queue.push(msg);
      if (!this.#draining) void this.#drain();
      return;
    }
    this.#status("busy", msg.header);
    this.#handlerParent = msg.header;
    let done: Promise<void> | void;
    try {
      done = this.#handleNow(channel, msg);
    } catch (e) {
      this.#requestFailed(channel, msg, e);
    } finally {
      this.#handlerParent = undefined;
    }
    void Promise.resolve(done)
      .catch((e) => this.#requestFailed(channel, msg, e))
      .finally(() => this.#status("idle", msg.header));
  }

  /**
   * A handler threw: a request still gets its reply (status "error"), a failing comm handler
   * shows on stderr, and the kernel keeps running.
   */
  #requestFailed(channel: Channel, msg: JupyterMessage, e: unknown): void {
    const type = msg.header.msg_type;
    const err = exceptionErrorContent(e);
    this.#log(`${type} failed: ${err.ename}: ${err.evalue}`);
    if (type.endsWith("_request")) {
      void this.#sockets.reply(channel, msg, type.replace(/_request$/, "_reply"), {
        status: "error",
        ...err,
      });
    } else if (type.startsWith("comm_")) {
      this.#publish("stream", {
        name: "stderr",
        text: `comm handler failed: ${err.ename}: ${err.evalue}\n`,
      });
    }
  }

  #handleNow(channel: Channel, msg: JupyterMessage): Promise<void> | void {
    const c = msg.content;
    const reply = (type: string, content: Content) =>
      this.#sockets.reply(channel, msg, type, content);
    switch (msg.header.msg_type) {
      case "kernel_info_request":
        return reply("kernel_info_reply", this.#kernelInfo());
      case "complete_request": {
        const code = str(c.code);
        const info = this.#executor.complete(code, num(c.cursor_pos, code.length));
        return reply("complete_reply", {
          status: "ok",
          matches: info.candidates,
          cursor_start: info.start,
          cursor_end: info.end,
          metadata: {},
        });
      }
      case "inspect_request": {
        const code = str(c.code);
        const text = this.#executor.inspect(code, num(c.cursor_pos, code.length));
        return reply("inspect_reply", {
          status: "ok",
          found: text !== undefined,
          data: text !== undefined ? { "text/plain": text } : {},
          metadata: {},
        });
      }
      case "is_complete_request": {
        const r = this.#executor.isComplete(str(c.code));
        return reply(
          "is_complete_reply",
          r.completed ? { status: "complete" } : { status: "incomplete", indent: r.indent ?? "" },
        );
      }
      case "history_request":
        return reply("history_reply", { status: "ok", history: [] });
      case "comm_info_request": {
        const target = typeof c.target_name === "string" ? c.target_name : undefined;
        return reply("comm_info_reply", { status: "ok", comms: this.#comms.info(target) });
      }
      case "comm_open":
        return this.#comms
          .handleOpen(str(c.comm_id), str(c.target_name), this.#commPayload(msg))
          .then(
            (opened) => {
              if (!opened) this.#log(`comm_open for unknown target ${str(c.target_name)}; closed`);
            },
            (e) => this.#requestFailed(channel, msg, e),
          );
      case "comm_msg":
        this.#comms.handleMessage(str(c.comm_id), this.#commPayload(msg));
        return;
      case "comm_close":
        this.#comms.handleClose(str(c.comm_id), this.#commPayload(msg));
        return;
      case "interrupt_request":
        this.interrupt();
        return reply("interrupt_reply", { status: "ok" });
      case "shutdown_request": {
        const restart = bool(c.restart, false);
        return reply("shutdown_reply", { status: "ok", restart }).then(() =>
          this.shutdown(restart),
        );
      }
      default:
        this.#log(`ignored unknown message type ${msg.header.msg_type} on ${channel}`);
    }
  }

  #commPayload(msg: JupyterMessage) {
    const data = msg.content.data;
    return {
      data: typeof data === "object" && data !== null ? (data as Content) : {},
      metadata: msg.metadata,
      buffers: msg.buffers,
    };
  }

  #kernelInfo(): Content {
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: "distarray",
      implementation_version: KERNEL_VERSION,
      language_info: {
        name: "typescript",
        version: "5.0",
        mimetype: "text/typescript",
        file_extension: ".ts",
        pygments_lexer: "typescript",
        codemirror_mode: { name: "javascript", typescript: true },
      },
      banner: `DistArray (TypeScript) kernel ${KERNEL_VERSION}: da and, after %dacluster start, ctx`,
      help_links: [],
    };
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      await this.#ready;
      for (let msg = this.#queue.shift(); msg; msg = this.#queue.shift()) {
        const failed = await this.#execute(msg).catch((e: unknown) => {
          this.#log(`execute_request failed inside the kernel: ${String(e)}`);
          return true;
        });
        if (failed && bool(msg.content.stop_on_error, true)) {
          // Let requests already waiting in the socket arrive, as ipykernel flushes its stream.
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.#abortQueued();
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  #abortQueued(): void {
    for (const msg of this.#queue.splice(0)) {
      this.#status("busy", msg.header);
      void this.#sockets.reply("shell", msg, "execute_reply", {
        status: "aborted",
        execution_count: this.#executionCount,
        user_expressions: {},
        payload: [],
      });
      this.#status("idle", msg.header);
    }
  }

  /** Runs one execute_request; resolves to true when the cell failed. */
  async #execute(msg: JupyterMessage): Promise<boolean> {
    const c = msg.content;
    const code = str(c.code);
    const silent = bool(c.silent, false);
    const storeHistory = bool(c.store_history, !silent);
    this.#status("busy", msg.header);
    this.#cellParent = msg.header;
    this.#lastParent = msg.header;
    if (storeHistory) this.#executionCount += 1;
    const count = this.#executionCount;
    if (!silent) this.#publish("execute_input", { code, execution_count: count });
    const io: MagicIO = {
      print: (text) => this.#publish("stream", { name: "stdout", text }),
      displayBundle: (data, metadata) =>
        this.#publish("display_data", { data, metadata: metadata ?? {}, transient: {} }),
      bind: (name, value) => {
        this.#executor.locals[name] = value;
      },
    };
    let failed = false;
    try {
      const outcome = await this.#executor.run(code, io, { label: `In[${count}]` });
      if (outcome.status === "ok") {
        if (outcome.hasValue && !silent) {
          this.#publish("execute_result", {
            execution_count: count,
            data: this.#bundleOf(outcome.value),
            metadata: {},
          });
        }
        await this.#sockets.reply("shell", msg, "execute_reply", {
          status: "ok",
          execution_count: count,
          user_expressions: {},
          payload: [],
        });
      } else {
        failed = true;
        this.#publish("error", { ...outcome.error });
        await this.#sockets.reply("shell", msg, "execute_reply", {
          status: "error",
          execution_count: count,
          ...outcome.error,
        });
      }
    } finally {
      this.#cellParent = undefined;
      this.#status("idle", msg.header);
    }
    return failed;
  }

  #bundleOf(value: unknown): Content {
    try {
      return toMimeBundle(value);
    } catch (e) {
      const err = exceptionErrorContent(e);
      let text: string;
      try {
        text = inspect(value);
      } catch {
        text = "<a value that cannot be printed>";
      }
      return { "text/plain": `${text}\n(display failed: ${err.ename}: ${err.evalue})` };
    }
  }
}
