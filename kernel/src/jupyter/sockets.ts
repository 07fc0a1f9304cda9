/**
 * The five ZeroMQ sockets of a Jupyter kernel (shell, control, stdin, iopub, heartbeat), bound as
 * the connection file says. Incoming shell and control messages are decoded and handed to one
 * handler; sends are queued per socket (a zeromq socket takes one send at a time).
 */
import { readFileSync } from "node:fs";
import { ProtocolError } from "@distarray/engines/core";
import * as zmq from "zeromq";
import {
  decodeMessage,
  encodeMessage,
  type JupyterMessage,
  type OutgoingMessage,
  Signer,
} from "./wire.js";

/** A kernel connection file (written by the Jupyter server). */
export interface ConnectionInfo {
  transport: string;
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
}

const PORT_FIELDS = ["shell_port", "control_port", "stdin_port", "iopub_port", "hb_port"] as const;

/**
 * Reads and checks a connection file.
 * @throws ProtocolError when a field is missing or of the wrong type.
 */
export function readConnectionFile(path: string): ConnectionInfo {
  const raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  for (const f of PORT_FIELDS) {
    if (typeof raw[f] !== "number") {
      throw new ProtocolError(`connection file field ${f} must be a port number; got ${raw[f]}`);
    }
  }
  return {
    transport: typeof raw.transport === "string" ? raw.transport : "tcp",
    ip: typeof raw.ip === "string" ? raw.ip : "127.0.0.1",
    key: typeof raw.key === "string" ? raw.key : "",
    signature_scheme:
      typeof raw.signature_scheme === "string" ? raw.signature_scheme : "hmac-sha256",
    shell_port: raw.shell_port as number,
    control_port: raw.control_port as number,
    stdin_port: raw.stdin_port as number,
    iopub_port: raw.iopub_port as number,
    hb_port: raw.hb_port as number,
  };
}

export type Channel = "shell" | "control";

export type MessageHandler = (channel: Channel, msg: JupyterMessage) => void;

/** Serialises sends on one socket. */
class SendQueue {
  #tail: Promise<void> = Promise.resolve();
  readonly #socket: zmq.Socket & { send(frames: Buffer[]): Promise<void> };
  readonly #onError: (e: unknown) => void;

  constructor(
    socket: zmq.Socket & { send(frames: Buffer[]): Promise<void> },
    onError: (e: unknown) => void,
  ) {
    this.#socket = socket;
    this.#onError = onError;
  }

  send(frames: Buffer[]): Promise<void> {
    this.#tail = this.#tail.then(() => this.#socket.send(frames)).catch(this.#onError);
    return this.#tail;
  }
}

export class KernelSockets {
  readonly session: string;
  readonly #signer: Signer;
  readonly #shell = new zmq.Router();
  readonly #control = new zmq.Router();
  readonly #stdin = new zmq.Router();
  readonly #iopub = new zmq.Publisher();
  readonly #hb = new zmq.Reply();
  readonly #queues: Record<"shell" | "control" | "iopub", SendQueue>;
  readonly #log: (text: string) => void;
  #closed = false;

  private constructor(session: string, signer: Signer, log: (text: string) => void) {
    this.session = session;
    this.#signer = signer;
    this.#log = log;
    const onError = (e: unknown) => {
      if (!this.#closed) log(`send failed: ${String(e)}`);
    };
    this.#queues = {
      shell: new SendQueue(this.#shell, onError),
      control: new SendQueue(this.#control, onError),
      iopub: new SendQueue(this.#iopub, onError),
    };
  }

  /** Binds every socket; messages start flowing to `handler` at once. */
  static async bind(
    info: ConnectionInfo,
    options: { session: string; handler: MessageHandler; log: (text: string) => void },
  ): Promise<KernelSockets> {
    const s = new KernelSockets(
      options.session,
      new Signer(info.key, info.signature_scheme),
      options.log,
    );
    const addr = (port: number) => `${info.transport}://${info.ip}:${port}`;
    await Promise.all([
      s.#shell.bind(addr(info.shell_port)),
      s.#control.bind(addr(info.control_port)),
      s.#stdin.bind(addr(info.stdin_port)),
      s.#iopub.bind(addr(info.iopub_port)),
      s.#hb.bind(addr(info.hb_port)),
    ]);
    s.#receive(s.#shell, "shell", options.handler);
    s.#receive(s.#control, "control", options.handler);
    s.#heartbeat();
    return s;
  }

  /** Sends a reply on the channel the request came in on, to the request's sender. */
  reply(
    channel: Channel,
    request: JupyterMessage,
    msgType: string,
    content: Record<string, unknown>,
  ): Promise<void> {
    return this.#queues[channel].send(
      encodeMessage(
        { msgType, content, parent: request.header, identities: request.identities },
        this.session,
        this.#signer,
      ),
    );
  }

  /** Broadcasts on IOPub. */
  publish(msg: OutgoingMessage): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#queues.iopub.send(encodeMessage(msg, this.session, this.#signer));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [this.#shell, this.#control, this.#stdin, this.#iopub, this.#hb]) s.close();
  }

  #receive(socket: zmq.Router, channel: Channel, handler: MessageHandler): void {
    void (async () => {
      try {
        for await (const frames of socket) {
          let msg: JupyterMessage;
          try {
            msg = decodeMessage(frames, this.#signer);
          } catch (e) {
            this.#log(
              `dropped a ${channel} message: ${e instanceof Error ? e.message : String(e)}`,
            );
            continue;
          }
          handler(channel, msg);
        }
      } catch (e) {
        if (!this.#closed) this.#log(`${channel} socket failed: ${String(e)}`);
      }
    })();
  }

  #heartbeat(): void {
    void (async () => {
      try {
        for await (const frames of this.#hb) await this.#hb.send(frames);
      } catch (e) {
        if (!this.#closed) this.#log(`heartbeat socket failed: ${String(e)}`);
      }
    })();
  }
}
