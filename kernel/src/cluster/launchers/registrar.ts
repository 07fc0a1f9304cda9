/**
 * The registrar: a TCP server of the starting client that engines started by a launcher
 * register with (engines/src/engine/registration.ts has the protocol). It collects one
 * registration per rank, with a deadline per rank, and explains every missing rank.
 */
import { createServer, type Server, type Socket } from "node:net";
import { DistArrayError } from "@distarray/engines/core";
import {
  isRegisterMessage,
  LineReader,
  newRegistrationNonce,
  type RegisterMessage,
  registeredTag,
  registerTag,
  tagsEqual,
} from "@distarray/engines/engine/registration";

export interface RegistrarOptions {
  key: Uint8Array;
  /** Number of ranks expected (0 .. size-1). */
  size: number;
  /** Interface to listen on; engines must be able to reach it. */
  host: string;
  /** Each rank must register within this many ms of `start()`. */
  timeoutMs: number;
  log?: (m: string) => void;
}

export class Registrar {
  readonly size: number;
  #key: Uint8Array;
  #server: Server;
  #host: string;
  #timeoutMs: number;
  #registered = new Map<number, RegisterMessage>();
  #failed = new Map<number, string>();
  #evidence: string[] = [];
  #timers = new Map<number, NodeJS.Timeout>();
  #sockets = new Set<Socket>();
  #explain: (rank: number) => Promise<string> = async () => "";
  #waiter: (() => void) | undefined;
  #log: (m: string) => void;

  private constructor(o: RegistrarOptions, server: Server) {
    this.size = o.size;
    this.#key = o.key;
    this.#server = server;
    this.#host = o.host;
    this.#timeoutMs = o.timeoutMs;
    this.#log = o.log ?? (() => {});
  }

  /** Listens on `host`, port 0. */
  static open(o: RegistrarOptions): Promise<Registrar> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      const r = new Registrar(o, server);
      server.on("connection", (s) => r.#accept(s));
      server.once("error", (e) =>
        reject(
          new DistArrayError(`cannot listen for engine registrations on ${o.host}: ${e.message}`, {
            code: "DA_ERR_CLUSTER",
            cause: e,
          }),
        ),
      );
      server.listen(0, o.host, () => resolve(r));
    });
  }

  /** `host:port` engines register with. */
  get address(): string {
    const a = this.#server.address();
    const port = typeof a === "object" && a ? a.port : 0;
    return `${this.#host.includes(":") ? `[${this.#host}]` : this.#host}:${port}`;
  }

  get registered(): ReadonlyMap<number, RegisterMessage> {
    return this.#registered;
  }

  /** Ranks neither registered nor failed yet. */
  get pending(): number[] {
    return Array.from({ length: this.size }, (_, r) => r).filter(
      (r) => !this.#registered.has(r) && !this.#failed.has(r),
    );
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.setTimeout(this.#timeoutMs, () => socket.destroy());
    const nonce = newRegistrationNonce();
    const lines = new LineReader(socket);
    socket.write(`${JSON.stringify({ t: "challenge", v: 1, nonce })}\n`);
    const refuse = (reason: string) => {
      this.#log(`refused a registration from ${socket.remoteAddress}: ${reason}`);
      socket.end(`${JSON.stringify({ t: "refused", reason })}\n`);
    };
    lines.next().then(
      (m) => {
        if (!isRegisterMessage(m)) return refuse("not a register message");
        const { t: _t, v: _v, tag, ...body } = m;
        if (!tagsEqual(tag, registerTag(this.#key, nonce, body))) {
          return refuse("bad tag (not signed with this cluster's key)");
        }
        if (m.size !== this.size) {
          this.fail(m.rank, `it started as one of ${m.size} engines, not ${this.size}`);
          return refuse(`this cluster has ${this.size} engines, not ${m.size}`);
        }
        if (m.rank < 0 || m.rank >= this.size) return refuse(`no rank ${m.rank} here`);
        if (this.#registered.has(m.rank)) return refuse(`rank ${m.rank} registered already`);
        if (this.#failed.has(m.rank)) return refuse(`rank ${m.rank} was given up`);
        this.#registered.set(m.rank, m);
        clearTimeout(this.#timers.get(m.rank));
        socket.end(
          `${JSON.stringify({ t: "registered", tag: registeredTag(this.#key, m.nonce, m.rank) })}\n`,
        );
        this.#check();
      },
      () => socket.destroy(),
    );
  }

  /**
   * Starts every rank's deadline. `explain(rank)` is asked, for a rank that did not register
   * in time, what the launcher knows (its output, a job state, the engine's log).
   */
  start(explain: (rank: number) => Promise<string>): void {
    this.#explain = explain;
    for (let r = 0; r < this.size; r++) {
      this.#timers.set(
        r,
        setTimeout(() => {
          if (this.#registered.has(r) || this.#failed.has(r)) return;
          this.fail(r, `did not register within ${this.#timeoutMs} ms`);
        }, this.#timeoutMs),
      );
    }
  }

  /** Marks a rank as failed (e.g. its ssh session or the launcher exited). */
  fail(rank: number, reason: string): void {
    if (this.#registered.has(rank) || this.#failed.has(rank)) return;
    this.#failed.set(rank, reason);
    clearTimeout(this.#timers.get(rank));
    this.#check();
  }

  /** Marks every pending rank as failed. */
  failPending(reason: string): void {
    for (const r of this.pending) this.fail(r, reason);
  }

  /** Launcher output worth showing if start-up fails. */
  addEvidence(text: string): void {
    if (text.trim()) this.#evidence.push(text.trim());
  }

  #check(): void {
    if (this.pending.length === 0) this.#waiter?.();
  }

  /**
   * Resolves with every registration, in rank order, once all ranks registered. Rejects with
   * DistArrayError (DA_ERR_CLUSTER) naming each missing rank and why, once every rank either
   * registered, failed or ran out of time.
   */
  async wait(): Promise<RegisterMessage[]> {
    if (this.pending.length > 0) {
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
    if (this.#failed.size === 0) {
      return Array.from({ length: this.size }, (_, r) => this.#registered.get(r)!);
    }
    const missing = [...this.#failed.keys()].sort((a, b) => a - b);
    const lines: string[] = [];
    for (const r of missing) {
      const extra = (await this.#explain(r).catch(() => "")).trim();
      lines.push(
        `  rank ${r}: ${this.#failed.get(r)}${extra ? `\n    ${extra.replace(/\n/g, "\n    ")}` : ""}`,
      );
    }
    const ok = [...this.#registered.keys()].sort((a, b) => a - b);
    const evidence = this.#evidence.length
      ? `\nlauncher output:\n  ${this.#evidence.join("\n").split("\n").slice(-20).join("\n  ")}`
      : "";
    throw new DistArrayError(
      `${missing.length} of ${this.size} engines did not start: ranks ${missing.join(", ")} missing` +
        ` (registered: ${ok.length ? ok.join(", ") : "none"})\n${lines.join("\n")}${evidence}`,
      { code: "DA_ERR_CLUSTER" },
    );
  }

  close(): Promise<void> {
    for (const t of this.#timers.values()) clearTimeout(t);
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
