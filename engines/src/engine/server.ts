/**
 * The engine server: a WebSocket server (subprotocol distarray.v1) accepting authenticated
 * clients and mesh peers, and the op dispatcher. Ops of one client session run strictly in
 * order; different sessions run concurrently. A bad frame, a malformed message, an unknown
 * op or a failing handler produces a typed error (a reply or an ErrorMessage), never a crash.
 */
import type { AddressInfo } from "node:net";
import { ProtocolError } from "../core/errors.js";
import {
  type ErrorMessage,
  errorToWire,
  type HelloMessage,
  isMeshMessage,
  type OpMessage,
  parseOpMessage,
  type ReplyMessage,
  SUBPROTOCOL,
} from "../core/protocol.js";
import { MeshComm } from "./comm.js";
import { Mesh } from "./mesh.js";
import { type EngineContext, getOp, type OpHandler, type OpOutput } from "./op-types.js";
import { Pool } from "./pool.js";
import { EngineRegistry } from "./registry.js";
import { WIRE_DEFAULTS } from "./wire/channel.js";
import type { MessageEndpoint } from "./wire/endpoint.js";
import { acceptChannel } from "./wire/handshake.js";
import { type WebSocket, WebSocketServer } from "./wire/ws.js";

export interface EngineServerOptions {
  rank: number;
  key: Uint8Array;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Memory limit of the buffer pool in bytes. */
  memoryLimit: number;
  /** Largest accepted frame (default WIRE_DEFAULTS.maxFrameBytes). */
  maxFrameBytes?: number;
  /** Piece size for large messages (default WIRE_DEFAULTS.pieceBytes). */
  pieceBytes?: number;
  log?: (message: string) => void;
  /** Ops wait for this before running (the op groups still loading while the server listens). */
  opsReady?: Promise<unknown>;
}

/** One received op message waiting for its turn. */
interface Job {
  channel: MessageEndpoint;
  header: unknown;
  buffers: Uint8Array[];
  allocError: Error | undefined;
}

interface Session {
  clientId: string;
  functions: Map<string, (...args: unknown[]) => unknown>;
  /** Ops received and not yet started, in order. */
  queue: Job[];
  /** Index of the next job in `queue`. */
  head: number;
  /** True while an op runs (or waits on its Promise). */
  busy: boolean;
  /** Called once the queue is empty and no op runs. */
  idle: (() => void)[];
  channels: Set<MessageEndpoint>;
}

export class EngineServer {
  readonly rank: number;
  readonly pool: Pool;
  readonly registry: EngineRegistry;
  readonly mesh: Mesh;
  #key: Uint8Array;
  #opts: EngineServerOptions;
  #wss: WebSocketServer | undefined;
  #sessions = new Map<string, Session>();
  #log: (m: string) => void;
  #address = "";
  /** Set once `opsReady` has settled: ops then start without waiting on it. */
  #opsLoaded = false;
  #pieceBytes: number;

  constructor(options: EngineServerOptions) {
    this.rank = options.rank;
    this.#key = options.key;
    this.#opts = options;
    this.#log = options.log ?? (() => {});
    this.#pieceBytes = options.pieceBytes ?? WIRE_DEFAULTS.pieceBytes;
    if (options.opsReady === undefined) this.#opsLoaded = true;
    else
      options.opsReady.then(
        () => (this.#opsLoaded = true),
        () => (this.#opsLoaded = true),
      );
    this.pool = new Pool({ limit: options.memoryLimit, rank: options.rank });
    this.registry = new EngineRegistry({ pool: this.pool, rank: options.rank });
    const meshOpts: ConstructorParameters<typeof Mesh>[0] = {
      rank: options.rank,
      key: options.key,
      log: this.#log,
    };
    if (options.pieceBytes !== undefined) meshOpts.pieceBytes = options.pieceBytes;
    if (options.maxFrameBytes !== undefined) meshOpts.maxFrameBytes = options.maxFrameBytes;
    this.mesh = new Mesh(meshOpts);
  }

  /** `ws://host:port` once listening. */
  get address(): string {
    return this.#address;
  }

  /** Starts listening; resolves to the address. */
  listen(): Promise<string> {
    const host = this.#opts.host ?? "127.0.0.1";
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host,
        port: this.#opts.port ?? 0,
        perMessageDeflate: false,
        maxPayload: this.#opts.maxFrameBytes ?? WIRE_DEFAULTS.maxFrameBytes,
        handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
        verifyClient: (info, cb) => {
          const offered = String(info.req.headers["sec-websocket-protocol"] ?? "")
            .split(",")
            .map((s) => s.trim());
          if (offered.includes(SUBPROTOCOL)) cb(true);
          else {
            this.#log(`refused a connection without subprotocol ${SUBPROTOCOL}`);
            cb(false, 400, `subprotocol ${SUBPROTOCOL} required`);
          }
        },
      });
      this.#wss = wss;
      wss.once("error", reject);
      wss.once("listening", () => {
        const a = wss.address() as AddressInfo;
        const h = a.family === "IPv6" ? `[${a.address}]` : a.address;
        this.#address = `ws://${h}:${a.port}`;
        wss.on("error", (e) => this.#log(`server error: ${e.message}`));
        resolve(this.#address);
      });
      wss.on("connection", (ws) => this.#accept(ws));
    });
  }

  #accept(ws: WebSocket): void {
    let hello: HelloMessage | undefined;
    const acceptOpts: Parameters<typeof acceptChannel>[1] = {
      key: this.#key,
      rank: this.rank,
      // Client op buffers come from the pool (checked against the memory limit, returned
      // after the op unless adopted); mesh payloads are ordinary memory owned by the receiver.
      allocate: (n) =>
        hello?.role === "peer" ? new Uint8Array(new ArrayBuffer(n)) : this.pool.allocateBytes(n),
      onHello: (h) => {
        hello = h;
        if (h.role === "peer" && h.rank === undefined)
          throw new ProtocolError("a peer hello needs its rank");
        return { t: "welcome", rank: this.rank, pid: process.pid, memoryLimit: this.pool.limit };
      },
      onFailure: (e) => this.#log(`rejected a connection: ${e.message}`),
    };
    if (this.#opts.pieceBytes !== undefined) acceptOpts.pieceBytes = this.#opts.pieceBytes;
    acceptChannel(ws, acceptOpts).then(
      ({ channel }) => {
        if (!hello) return;
        if (hello.role === "peer") this.#peer(channel, hello.rank!);
        else this.attachClient(channel, hello);
      },
      () => undefined,
    );
  }

  #peer(channel: MessageEndpoint, peerRank: number): void {
    this.mesh.peerJoined(peerRank);
    channel.destinationOf = (h) => this.mesh.destinationOf(h);
    channel.onMessage = (header, buffers, error) => {
      if (error) {
        this.#log(`mesh message from ${peerRank} dropped: ${error.message}`);
        return;
      }
      if (!isMeshMessage(header)) {
        this.#log(`peer ${peerRank} sent a non-mesh message; dropped`);
        return;
      }
      this.mesh.deliver(header, buffers);
    };
    channel.onReject = (e) => this.#log(`rejected a frame from peer ${peerRank}: ${e.message}`);
    channel.onClose = () => this.mesh.peerLost(peerRank, "its mesh connection closed");
  }

  /**
   * Serves a client over an authenticated endpoint (a WebSocket channel after its handshake,
   * or an in-process memory endpoint). `hello` names the client session and the peers.
   */
  attachClient(channel: MessageEndpoint, hello: Pick<HelloMessage, "clientId" | "peers">): void {
    if (hello.peers) this.mesh.setPeers(hello.peers);
    let session = this.#sessions.get(hello.clientId);
    if (!session) {
      session = {
        clientId: hello.clientId,
        functions: new Map(),
        queue: [],
        head: 0,
        busy: false,
        idle: [],
        channels: new Set(),
      };
      this.#sessions.set(hello.clientId, session);
    }
    const s = session;
    s.channels.add(channel);
    channel.onMessage = (header, buffers, error) => {
      s.queue.push({ channel, header, buffers, allocError: error });
      if (!s.busy) this.#drain(s);
    };
    channel.onReject = (e) => {
      this.#log(`rejected a frame from client ${s.clientId}: ${e.message}`);
      const msg: ErrorMessage = {
        t: "error",
        id: null,
        op: null,
        keys: [],
        error: errorToWire(e, this.rank),
      };
      channel.send(msg).catch(() => undefined);
    };
    channel.onClose = () => {
      s.channels.delete(channel);
      if (s.channels.size === 0) {
        this.#whenIdle(s, () => {
          if (s.channels.size === 0) {
            this.#sessions.delete(s.clientId);
            this.mesh.dropTags(`${s.clientId}/`);
          }
        });
      }
    };
  }

  /** Runs `fn` once session `s` has no op running or waiting. */
  #whenIdle(s: Session, fn: () => void): void {
    if (!s.busy && s.head === s.queue.length) fn();
    else s.idle.push(fn);
  }

  /**
   * Runs the session's queued ops in order. An op whose handler finishes synchronously is
   * done before the next starts, with no Promise in between; one that returns a Promise
   * holds the queue until it settles.
   */
  #drain(s: Session): void {
    s.busy = true;
    while (s.head < s.queue.length) {
      const job = s.queue[s.head]!;
      s.queue[s.head++] = undefined as unknown as Job;
      if (s.head > 1024 && s.head * 2 > s.queue.length) {
        s.queue = s.queue.slice(s.head);
        s.head = 0;
      }
      const pending = this.#run(s, job);
      if (pending !== undefined) {
        pending.then(
          () => this.#drain(s),
          (e: unknown) => {
            this.#log(`op bookkeeping failed: ${e instanceof Error ? e.message : String(e)}`);
            this.#drain(s);
          },
        );
        return;
      }
    }
    s.queue = [];
    s.head = 0;
    s.busy = false;
    const waiting = s.idle;
    s.idle = [];
    for (const fn of waiting) fn();
  }

  /** Runs one op; returns a Promise only when it did not finish synchronously. */
  #run(s: Session, job: Job): Promise<void> | undefined {
    if (!this.#opsLoaded) {
      return Promise.resolve(this.#opts.opsReady)
        .catch(() => undefined)
        .then(() => {
          this.#opsLoaded = true;
          return this.#run(s, job);
        });
    }
    let msg: OpMessage | undefined;
    let out: ReturnType<OpHandler["handle"]>;
    try {
      msg = parseOpMessage(job.header);
      if (job.allocError) throw job.allocError;
      if (!msg.targets.includes(this.rank)) {
        throw new ProtocolError(
          `op ${msg.op} was sent to engine ${this.rank} but its targets are [${msg.targets.join(", ")}]`,
        );
      }
      const handler = getOp(msg.op);
      if (!handler)
        throw new ProtocolError(
          `op '${msg.op}' has no handler on this engine (its op group did not load)`,
        );
      out = handler.handle(this.#context(s, msg), { msg, args: msg.args, buffers: job.buffers });
    } catch (e) {
      this.#failed(s, job, msg, e);
      return undefined;
    }
    const m = msg;
    if (out instanceof Promise) {
      return out.then(
        (o) => this.#succeeded(s, job, m, o),
        (e: unknown) => this.#failed(s, job, m, e),
      );
    }
    return this.#succeeded(s, job, m, out);
  }

  /** Replies to a finished op; waits only while a large reply is being written. */
  #succeeded(
    s: Session,
    job: Job,
    msg: OpMessage,
    out: OpOutput | undefined,
  ): Promise<void> | undefined {
    let sent: Promise<void> | undefined;
    if (msg.reply) {
      const reply: ReplyMessage = { t: "reply", id: msg.id, ok: true, result: out?.result ?? null };
      const buffers = out?.buffers ?? [];
      let total = 0;
      for (const b of buffers) total += b.byteLength;
      try {
        sent = job.channel.send(reply, buffers);
      } catch (e) {
        this.#failed(s, job, msg, e);
        return undefined;
      }
      // A small reply's buffers are copied as it is queued; a large one is written from the
      // handler's memory, which must not be released or reused until it is on the socket.
      if (total <= this.#pieceBytes) {
        sent.catch(() => undefined);
        sent = undefined;
      } else {
        sent = sent.then(
          () => this.#release(job),
          (e: unknown) => this.#failed(s, job, msg, e),
        );
        return sent;
      }
    }
    this.#release(job);
    return undefined;
  }

  #failed(s: Session, job: Job, msg: OpMessage | undefined, e: unknown): void {
    this.#log(
      `op ${msg?.op ?? "?"} #${msg?.id ?? "?"} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    const error = errorToWire(e, this.rank);
    if (msg && msg.targets.length > 1) {
      this.mesh.abortLocal(
        `${s.clientId}/${msg.id}`,
        e instanceof Error ? e : new Error(String(e)),
      );
      this.mesh.abortOthers(`${s.clientId}/${msg.id}`, msg.targets, error.message);
    }
    const h = job.header as { id?: unknown; reply?: unknown; op?: unknown; keys?: unknown };
    const id = msg?.id ?? (Number.isSafeInteger(h?.id) ? (h.id as number) : null);
    const wantsReply = msg ? msg.reply : h?.reply === true;
    try {
      if (wantsReply && id !== null) {
        const reply: ReplyMessage = { t: "reply", id, ok: false, error };
        job.channel.send(reply).catch(() => undefined);
      } else {
        const keys =
          msg?.keys ??
          (Array.isArray(h?.keys) ? h.keys.filter((k): k is string => typeof k === "string") : []);
        const m: ErrorMessage = {
          t: "error",
          id,
          op: msg?.op ?? (typeof h?.op === "string" ? h.op : null),
          keys,
          error,
        };
        job.channel.send(m).catch(() => undefined);
      }
    } catch (err) {
      this.#log(`could not report the failure of op #${id ?? "?"}: ${String(err)}`);
    }
    this.#release(job);
  }

  /** Op buffers come from the pool; those no registry entry adopted go back to it. */
  #release(job: Job): void {
    for (const b of job.buffers) if (!this.registry.references(b)) this.pool.release(b);
    job.buffers = [];
  }

  #context(s: Session, msg: OpMessage): EngineContext {
    let counters: Map<string, number> | undefined;
    const tagBase = `${s.clientId}/${msg.id}`;
    const mesh = this.mesh;
    const rank = this.rank;
    return {
      rank,
      clientId: s.clientId,
      opId: msg.id,
      targets: msg.targets,
      registry: this.registry,
      pool: this.pool,
      functions: s.functions,
      comm: (targets?: readonly number[]) => {
        counters ??= new Map();
        return new MeshComm({
          mesh,
          engineRank: rank,
          targets: targets ?? msg.targets,
          tagBase,
          counters,
        });
      },
      log: (m: string) => this.#log(m),
    };
  }

  /** Stops accepting, closes every connection. */
  close(): Promise<void> {
    this.mesh.close();
    return new Promise((resolve) => {
      if (!this.#wss) {
        resolve();
        return;
      }
      for (const c of this.#wss.clients) c.terminate();
      this.#wss.close(() => resolve());
    });
  }
}
