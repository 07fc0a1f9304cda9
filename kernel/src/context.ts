/**
 * The client Context: a session with the engines of a cluster.
 *
 * How to add an op on the client side (the engine side is in engines/src/engine/op-types.ts):
 * - pipelined (produces arrays, no reply awaited): `ctx.sendOp("fill", {keys: [a.key],
 *   targets, args: {key, value}})`. It returns nothing; if it fails on an engine the error is
 *   recorded against `keys` and the context and rejects the next Promise that touches one of
 *   those keys, or any later await on the context (API.md, Asynchrony).
 * - request (returns data, exactly one round trip): `const replies = await ctx.requestOp(
 *   "gather", {keys: [a.key], targets, perTarget: (t) => ({args: {...}}), destination:
 *   (t, i, n) => result.subarray(...)})`; `replies[i]` belongs to `targets[i]` and holds
 *   `{rank, result, buffers}`. `destination` lets large reply buffers be written, piece by
 *   piece, straight into their final place.
 * - Per-target headers and buffers: `perTarget(target, i)` returns `{args, buffers}` merged
 *   over the shared `args`/`buffers`.
 * - New array keys come from `ctx.newKey()`; `ctx.track(distArray, key, targets)` makes the
 *   engines free the key when the DistArray is garbage collected.
 */
import { randomBytes } from "node:crypto";
import { ContextError, DistArrayError, EngineDiedError } from "@distarray/engines/core";
import {
  errorFromWire,
  isErrorMessage,
  isReplyMessage,
  type OpMessage,
  type OpName,
} from "@distarray/engines/core/protocol";
import { fullGarbageCollector } from "@distarray/engines/engine/gc";
import { startCluster, stopCluster } from "./cluster/cluster.js";
import { readClusterFile } from "./cluster/cluster-file.js";
import { functionSource, runOnEngines } from "./context-apply.js";
import type {
  ApplyOptions,
  ContextConnectOptions,
  ContextStartOptions,
  EngineStatus,
  OpReply,
  OpRequestOptions,
  OpSendOptions,
} from "./context-types.js";
import type { Transport } from "./transport/transport.js";
import { connectWebSocket } from "./transport/websocket.js";

export {
  functionSource,
  KEY_ARGUMENT,
  LOCAL_ARRAY_RESULT,
  type LocalArrayResultHook,
  setLocalArrayResultHook,
} from "./context-apply.js";
export type {
  ApplyOptions,
  ContextConnectOptions,
  ContextStartOptions,
  EngineStatus,
  OpReply,
  OpRequestOptions,
  OpSendOptions,
} from "./context-types.js";

interface Pending {
  id: number;
  targets: number[];
  replies: (OpReply | undefined)[];
  remaining: number;
  keys: readonly string[];
  error: Error | undefined;
  errorIndex: number;
  timer: NodeJS.Timeout | undefined;
  /** Set while a peer's report that an engine died waits for the client's own view of it. */
  lossTimer?: NodeJS.Timeout | undefined;
  /** Settled (resolved or rejected); later replies are ignored. */
  done: boolean;
  resolve: (r: OpReply[]) => void;
  reject: (e: unknown) => void;
}

/** An op whose message to one engine is being sent (Context.#watchSend). */
interface SentOp {
  id: number;
  keys: readonly string[];
  pending: Pending | undefined;
}

interface TrackedKey {
  key: string;
  targets: number[];
}

const KEY_PREFIX = "__distarray__";

/**
 * How long an op that an engine failed because a peer engine died waits for the client's own
 * connection to that engine to report the loss (so that the error and `deadTargets` agree).
 */
const PEER_REPORT_GRACE_MS = 500;

/**
 * Growth of the bytes of live arrays (by the client's count) after which the client runs a
 * full garbage collection, so that engines free dropped temporaries (see Context.track):
 * 256 MiB, and at least a doubling since the last collection.
 */
export const COLLECT_AFTER_BYTES = 256 * 2 ** 20;

function rankOf(e: Error): number {
  const r = (e as { rank?: unknown }).rank;
  return typeof r === "number" ? r : Number.POSITIVE_INFINITY;
}

/**
 * A session with a cluster's engines. Create with `Context.start` or `Context.connect`.
 * After `close()`, every method throws ContextError; pending requests reject with it.
 */
export class Context {
  /** Engine ranks this context uses, sorted. */
  readonly targets: number[];
  /** The cluster name. */
  readonly cluster: string;
  /** Random id of this session, the same on every engine. */
  readonly clientId: string;
  #transports = new Map<number, Transport>();
  /** Per transport: the Promise of the last send and the ops that share it. */
  #sendWatch = new Map<Transport, { sent: Promise<void>; ops: SentOp[] }>();
  #dead = new Map<number, EngineDiedError>();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #keyCounter = 0;
  #keyBase = randomBytes(6).toString("hex");
  #roundTrips = 0;
  #bytesSent = 0;
  #bytesReceived = 0;
  #contextErrors: Error[] = [];
  #failedKeys = new Map<string, Error>();
  #failedOps = new Map<number, Error>();
  #closed = false;
  #ownsCluster: boolean;
  #requestTimeoutMs = 0;
  #pendingDeletes = new Map<string, TrackedKey>();
  /** Keys of consecutive deleteKey calls not sent yet (one op per run of equal targets). */
  #deletes: { targets: number[]; keys: string[] } | undefined;
  #deleteScheduled = false;
  #finalizer = new FinalizationRegistry<TrackedKey>((t) => this.#scheduleDelete(t));
  /** Bytes of each tracked array not deleted yet (see #collectIfGrown). */
  #trackedBytes = new Map<string, number>();
  #liveTrackedBytes = 0;
  /** #liveTrackedBytes at the last collection, lowered as arrays are deleted. */
  #collectMark = 0;

  private constructor(o: { cluster: string; clientId: string; targets: number[]; owns: boolean }) {
    this.cluster = o.cluster;
    this.clientId = o.clientId;
    this.targets = o.targets;
    this.#ownsCluster = o.owns;
  }

  /**
   * Starts a private local cluster of `engines` engine processes and connects to all of them.
   * `close()` stops those engines. Rejects with DistArrayError (DA_ERR_CLUSTER) if they fail
   * to start.
   */
  static async start(options: ContextStartOptions = {}): Promise<Context> {
    const name = `private-${process.pid}-${randomBytes(4).toString("hex")}`;
    const startOpts: Parameters<typeof startCluster>[0] = {
      name,
      launcher: "local",
      private: true,
    };
    if (options.engines !== undefined) startOpts.engines = options.engines;
    if (options.memoryLimit !== undefined) startOpts.memoryLimit = options.memoryLimit;
    await startCluster(startOpts);
    try {
      return await Context.#open(name, undefined, true, options);
    } catch (e) {
      await stopCluster(name).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Connects to a running cluster (started by `dacluster start`). Rejects with
   * DistArrayError (DA_ERR_CLUSTER) if there is no such cluster, with RangeError-like
   * DistArrayError (DA_ERR_VALUE) for an unknown target, or EngineDiedError if an engine does
   * not answer.
   */
  static async connect(options: ContextConnectOptions = {}): Promise<Context> {
    return Context.#open(options.cluster ?? "default", options.targets, false, options);
  }

  static async #open(
    name: string,
    targets: readonly number[] | undefined,
    owns: boolean,
    options: Pick<ContextConnectOptions, "transport" | "requestTimeoutMs">,
  ): Promise<Context> {
    const transport = options.transport;
    const file = await readClusterFile(name);
    const all = file.engines.map((e) => e.rank).sort((a, b) => a - b);
    const chosen = targets === undefined ? all : [...new Set(targets)].sort((a, b) => a - b);
    for (const t of chosen) {
      if (!all.includes(t)) {
        throw new DistArrayError(
          `engine with id ${t} not registered; cluster '${name}' has ${JSON.stringify(all)}`,
          {
            code: "DA_ERR_VALUE",
          },
        );
      }
    }
    if (chosen.length === 0) {
      throw new DistArrayError("a context needs at least one target", { code: "DA_ERR_VALUE" });
    }
    const clientId = randomBytes(8).toString("hex");
    const ctx = new Context({ cluster: name, clientId, targets: chosen, owns });
    ctx.#requestTimeoutMs = options.requestTimeoutMs ?? 0;
    const key = Buffer.from(file.key, "base64");
    const peers = file.engines.map((e) => ({ rank: e.rank, address: e.address }));
    try {
      await Promise.all(
        chosen.map(async (rank) => {
          const engine = file.engines.find((e) => e.rank === rank)!;
          const t = await connectWebSocket(engine.address, rank, {
            ...transport,
            key,
            clientId,
            peers,
          });
          ctx.#attach(t);
        }),
      );
    } catch (e) {
      await ctx.#closeTransports();
      throw e;
    }
    return ctx;
  }

  /**
   * A context over transports you connected yourself (e.g. `connectInMemory` to engine servers
   * in this process). `connect` gets the session's client id and returns one transport per
   * target. `close()` closes the transports only.
   */
  static async fromTransports(
    connect: (clientId: string) => Transport[] | Promise<Transport[]>,
    options: { cluster?: string; requestTimeoutMs?: number } = {},
  ): Promise<Context> {
    const clientId = randomBytes(8).toString("hex");
    const transports = await connect(clientId);
    const targets = transports.map((t) => t.rank).sort((a, b) => a - b);
    const ctx = new Context({
      cluster: options.cluster ?? "in-process",
      clientId,
      targets,
      owns: false,
    });
    ctx.#requestTimeoutMs = options.requestTimeoutMs ?? 0;
    for (const t of transports) ctx.#attach(t);
    return ctx;
  }

  #attach(t: Transport): void {
    this.#transports.set(t.rank, t);
    t.onMessage = (header, buffers) => this.#onMessage(t.rank, header, buffers);
    t.onClose = (error) => this.#onEngineLost(t.rank, error);
  }

  /** Number of request round trips made so far (see countRoundTrips). */
  get roundTrips(): number {
    return this.#roundTrips;
  }

  /**
   * Raw buffer bytes (array data: scattered pieces, gathered pieces, apply buffers) this
   * context has sent to engines so far, counted per engine message. Headers are not counted.
   */
  get bytesSent(): number {
    return this.#bytesSent;
  }

  /** Raw buffer bytes (array data) received from engines so far; headers are not counted. */
  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The engines' process ids, in target order (as reported in the handshake). */
  get enginePids(): number[] {
    return this.targets.map((t) => this.#transports.get(t)?.pid ?? -1);
  }

  /** Ranks whose engine connection was lost. */
  get deadTargets(): number[] {
    return [...this.#dead.keys()].sort((a, b) => a - b);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ContextError("this context is closed");
  }

  #resolveTargets(targets: readonly number[] | undefined): number[] {
    if (targets === undefined || targets === this.targets) return this.targets;
    // Fast path for the common case (a distribution's targets: sorted, unique, all known).
    let plain = true;
    for (let i = 0; i < targets.length && plain; i++) {
      const t = targets[i]!;
      plain = this.#transports.has(t) && (i === 0 || t > targets[i - 1]!);
    }
    if (plain) return targets.slice();
    const out = [...new Set(targets)].sort((a, b) => a - b);
    for (const t of out) {
      if (!this.#transports.has(t)) {
        throw new DistArrayError(
          `target ${t} is not one of this context's targets ${JSON.stringify(this.targets)}`,
          {
            code: "DA_ERR_VALUE",
          },
        );
      }
    }
    return out;
  }

  /** A fresh array key, `__distarray__` + 16 hex digits (this context's prefix; see cleanup()). */
  newKey(): string {
    const n = (this.#keyCounter++).toString(16).padStart(4, "0");
    const key = `${KEY_PREFIX}${this.#keyBase}${n}`;
    return key;
  }

  /**
   * Frees `key` on `targets` when `owner` (its DistArray) is garbage collected. Deletes are
   * batched into one pipelined op per target set.
   */
  track(owner: object, key: string, targets: readonly number[], bytes = 0): void {
    this.#finalizer.register(owner, { key, targets: [...targets] }, owner);
    if (bytes > 0) {
      this.#trackedBytes.set(key, bytes);
      this.#liveTrackedBytes += bytes;
      this.#collectIfGrown();
    }
  }

  /**
   * Engines free an array only once the client's garbage collector has finalised its
   * DistArray, and V8 sees only the small handle objects, so a loop such as `x = x.add(1)`
   * could leave gigabytes of dropped temporaries on the engines before V8 collects. When the
   * bytes of the arrays alive by the client's count have grown by COLLECT_AFTER_BYTES and
   * doubled since the last collection, this runs a full collection, whose finalizers then
   * delete the dropped arrays.
   */
  #collectIfGrown(): void {
    const live = this.#liveTrackedBytes;
    if (live < this.#collectMark + Math.max(COLLECT_AFTER_BYTES, this.#collectMark)) return;
    this.#collectMark = live;
    fullGarbageCollector()();
  }

  #forgetBytes(key: string): void {
    const bytes = this.#trackedBytes.get(key);
    if (bytes === undefined) return;
    this.#trackedBytes.delete(key);
    this.#liveTrackedBytes -= bytes;
    if (this.#collectMark > this.#liveTrackedBytes) this.#collectMark = this.#liveTrackedBytes;
  }

  /** Stops tracking `owner` (e.g. after an explicit delete). */
  untrack(owner: object): void {
    this.#finalizer.unregister(owner);
  }

  #scheduleDelete(t: TrackedKey): void {
    this.#forgetBytes(t.key);
    if (this.#closed) return;
    this.#pendingDeletes.set(t.key, t);
    if (this.#deleteScheduled) return;
    this.#deleteScheduled = true;
    queueMicrotask(() => {
      this.#deleteScheduled = false;
      if (this.#closed) return;
      const groups = new Map<string, { targets: number[]; keys: string[] }>();
      for (const d of this.#pendingDeletes.values()) {
        const live = d.targets.filter((r) => this.#transports.has(r) && !this.#dead.has(r));
        if (live.length === 0) continue;
        const g = groups.get(live.join(",")) ?? { targets: live, keys: [] };
        g.keys.push(d.key);
        groups.set(live.join(","), g);
      }
      this.#pendingDeletes.clear();
      for (const g of groups.values())
        this.#post("delete", { targets: g.targets, args: { keys: g.keys } }, false);
    });
  }

  /**
   * Sends an op without waiting (pipelined). Returns nothing; an engine-side failure (or a
   * dead target) is recorded against `keys` and the context and surfaces at the next await.
   * @internal for DistArray and op front ends.
   */
  sendOp(op: OpName, options: OpSendOptions = {}): void {
    this.#checkOpen();
    this.#post(op, options, false);
  }

  /**
   * Sends an op to every target and resolves to their replies in target order: one round
   * trip. Rejects with the engine's error (rebuilt, naming the rank), EngineDiedError if a
   * target is or becomes unreachable, or an earlier pipelined error recorded against one of
   * `keys` (or against the context and not yet reported).
   * @internal for DistArray and op front ends.
   */
  requestOp(op: OpName, options: OpRequestOptions = {}): Promise<OpReply[]> {
    try {
      this.#checkOpen();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#post(op, options, true);
  }

  #post(op: OpName, options: OpRequestOptions, reply: true): Promise<OpReply[]>;
  #post(op: OpName, options: OpRequestOptions, reply: false): undefined;
  #post(op: OpName, options: OpRequestOptions, reply: boolean): Promise<OpReply[]> | undefined {
    if (this.#deletes !== undefined) this.#flushDeletes();
    const targets = this.#resolveTargets(options.targets);
    const keys = options.keys ?? [];
    const id = this.#nextId++;
    let pending: Pending | undefined;
    let promise: Promise<OpReply[]> | undefined;
    if (reply) {
      this.#roundTrips++;
      promise = new Promise<OpReply[]>((resolve, reject) => {
        pending = {
          id,
          targets,
          replies: targets.map(() => undefined),
          remaining: targets.length,
          keys,
          error: undefined,
          errorIndex: -1,
          timer: undefined,
          done: false,
          resolve,
          reject,
        };
      });
      this.#pending.set(id, pending!);
      const ms = options.timeoutMs ?? this.#requestTimeoutMs;
      if (ms > 0) {
        const p = pending!;
        p.timer = setTimeout(() => {
          p.targets.forEach((r, i) => {
            if (p.replies[i] !== undefined) return;
            const e = new DistArrayError(
              `op '${op}' got no reply from engine ${r} within ${ms} ms`,
              {
                code: "DA_ERR_TIMEOUT",
                rank: r,
              },
            );
            this.#settle(p, r, undefined, e);
          });
        }, ms);
      }
    }
    // Without per-target parts every engine gets the same message: one frozen object, which
    // the transport encodes once for all targets.
    const shared: OpMessage | undefined = options.perTarget
      ? undefined
      : Object.freeze({
          t: "op",
          id,
          op,
          reply,
          keys: [...keys],
          targets,
          args: options.args ?? {},
        });
    targets.forEach((rank, i) => {
      const extra = options.perTarget?.(rank, i);
      const args = extra?.args ? { ...options.args, ...extra.args } : (options.args ?? {});
      const buffers = extra?.buffers
        ? [...(options.buffers ?? []), ...extra.buffers]
        : (options.buffers ?? []);
      const msg: OpMessage = shared ?? { t: "op", id, op, reply, keys: [...keys], targets, args };
      const dead = this.#dead.get(rank);
      const t = this.#transports.get(rank)!;
      if (dead) {
        this.#fail(id, rank, keys, dead, pending);
        return;
      }
      for (const b of buffers) this.#bytesSent += b.byteLength;
      if (reply && options.destination) {
        const dest = options.destination;
        t.setDestination(id, (bi, n) => dest(rank, bi, n));
      }
      this.#watchSend(t, t.send(msg as unknown as Record<string, unknown>, buffers), {
        id,
        keys,
        pending,
      });
    });
    return promise;
  }

  /**
   * Records a failed send against its op. Small messages of one event-loop turn share the
   * Promise of their batch frame, so one handler per batch serves all of them (instead of a
   * handler, and a microtask on success, per message).
   */
  #watchSend(t: Transport, sent: Promise<void>, op: SentOp): void {
    const w = this.#sendWatch.get(t);
    if (w !== undefined && w.sent === sent) {
      w.ops.push(op);
      return;
    }
    const ops = [op];
    this.#sendWatch.set(t, { sent, ops });
    sent.then(
      () => {
        if (this.#sendWatch.get(t)?.sent === sent) this.#sendWatch.delete(t);
      },
      (e: unknown) => {
        if (this.#sendWatch.get(t)?.sent === sent) this.#sendWatch.delete(t);
        const err = e instanceof Error ? e : new Error(String(e));
        for (const o of ops) this.#fail(o.id, t.rank, o.keys, err, o.pending);
      },
    );
  }

  #fail(
    id: number,
    rank: number,
    keys: readonly string[],
    err: Error,
    pending: Pending | undefined,
  ): void {
    if (pending) {
      this.#settle(pending, rank, undefined, err);
      return;
    }
    this.#recordError(keys, err, id);
  }

  /** Records a pipelined failure; one op failing on several engines is recorded once. */
  #recordError(keys: readonly string[], err: Error, opId?: number): void {
    if (opId !== undefined) {
      const prev = this.#failedOps.get(opId);
      if (prev) {
        // The same op failed on several engines: keep the lowest rank's error (deterministic)
        // as long as it has not been reported yet.
        const i = this.#contextErrors.indexOf(prev);
        if (i >= 0 && rankOf(err) < rankOf(prev)) {
          this.#contextErrors[i] = err;
          this.#failedOps.set(opId, err);
          for (const [k, e] of this.#failedKeys) if (e === prev) this.#failedKeys.set(k, err);
        }
        return;
      }
      this.#failedOps.set(opId, err);
      if (this.#failedOps.size > 10_000)
        this.#failedOps.delete(this.#failedOps.keys().next().value!);
    }
    for (const k of keys) if (!this.#failedKeys.has(k)) this.#failedKeys.set(k, err);
    this.#contextErrors.push(err);
  }

  #settle(p: Pending, rank: number, reply: OpReply | undefined, err: Error | undefined): void {
    const i = p.targets.indexOf(rank);
    if (p.done || i < 0 || p.replies[i] !== undefined) return;
    p.replies[i] = reply ?? { rank, result: undefined, buffers: [] };
    // Several engines may fail the same op; report the lowest target's error (deterministic).
    if (err && (!p.error || i < p.errorIndex)) {
      p.error = err;
      p.errorIndex = i;
    }
    p.remaining--;
    const terminal =
      err instanceof EngineDiedError ||
      (err instanceof DistArrayError && err.code === "DA_ERR_TIMEOUT");
    if (terminal) p.error = err;
    if (terminal && this.#awaitOwnLoss(p, rank, err)) return;
    if (p.remaining > 0 && !terminal) return;
    this.#finish(p);
  }

  /**
   * An engine reports that a peer died (its collective lost the peer) while the client's own
   * connection to that peer still looks open: the client's loss notice is usually an instant
   * behind. Waits for it (then #onEngineLost settles the op) for at most PEER_REPORT_GRACE_MS,
   * after which the op fails with the peer's report. True while waiting.
   */
  #awaitOwnLoss(p: Pending, rank: number, err: Error): boolean {
    if (!(err instanceof EngineDiedError) || err.rank === undefined || err.rank === rank) {
      return false;
    }
    if (p.lossTimer !== undefined) return true;
    const lost = err.rank;
    const i = p.targets.indexOf(lost);
    if (i < 0 || p.replies[i] !== undefined || this.#dead.has(lost)) return false;
    if (!this.#transports.has(lost)) return false;
    p.lossTimer = setTimeout(() => {
      if (!p.done) this.#finish(p);
    }, PEER_REPORT_GRACE_MS);
    return true;
  }

  #finish(p: Pending): void {
    p.done = true;
    clearTimeout(p.timer);
    clearTimeout(p.lossTimer);
    this.#pending.delete(p.id);
    // An earlier pipelined failure on one of the op's keys is the root cause: report it first.
    for (const k of p.keys) {
      const e = this.#failedKeys.get(k);
      if (e) {
        this.#contextErrors = this.#contextErrors.filter((x) => x !== e);
        p.reject(e);
        return;
      }
    }
    if (p.error) {
      p.reject(p.error);
      return;
    }
    const e = this.#contextErrors.shift();
    if (e) {
      this.#contextErrors = this.#contextErrors.filter((x) => x !== e);
      p.reject(e);
      return;
    }
    p.resolve(p.replies as OpReply[]);
  }

  #onMessage(rank: number, header: unknown, buffers: Uint8Array[]): void {
    for (const b of buffers) this.#bytesReceived += b.byteLength;
    if (isReplyMessage(header)) {
      const p = this.#pending.get(header.id);
      if (!p) return;
      if (header.ok) this.#settle(p, rank, { rank, result: header.result, buffers }, undefined);
      else this.#settle(p, rank, undefined, errorFromWire(header.error, rank));
      return;
    }
    if (isErrorMessage(header)) {
      const err = errorFromWire(header.error, rank);
      if (header.id !== null) {
        const p = this.#pending.get(header.id);
        if (p) {
          this.#settle(p, rank, undefined, err);
          return;
        }
      }
      this.#recordError(header.keys, err, header.id ?? undefined);
    }
  }

  #onEngineLost(rank: number, error: Error): void {
    if (this.#closed || this.#dead.has(rank)) return;
    const died =
      error instanceof EngineDiedError
        ? error
        : new EngineDiedError(`engine ${rank} died or its connection was lost: ${error.message}`, {
            rank,
            cause: error,
          });
    this.#dead.set(rank, died);
    for (const p of [...this.#pending.values()]) {
      if (p.targets.includes(rank)) this.#settle(p, rank, undefined, died);
    }
  }

  /**
   * Runs `fn` on each target engine and resolves to the results in target order. `fn` travels
   * as source text (no closures over client variables) and is called with `args`; an argument
   * with a string `key` (a DistArray) arrives as the engine's object under that key (its
   * LocalArray). Inside `fn`, `comm` (collectives over the targets), `rank`, `da` (the engine
   * core module) and `proxyize(value)` (stores value, returns a key identical on all engines)
   * are in scope. If `fn` returns a LocalArray on every engine, the result is one DistArray.
   */
  async apply(
    fn: ((...args: never[]) => unknown) | string,
    args: readonly unknown[] = [],
    options: ApplyOptions = {},
  ): Promise<unknown> {
    this.#checkOpen();
    const source = functionSource(fn);
    return runOnEngines(this, "apply", { source }, args, options.targets);
  }

  /**
   * Registers `fn` under `name` on every target engine (pipelined; errors surface at the next
   * await). Call it with `call(name, ...args)`.
   */
  register(name: string, fn: ((...args: never[]) => unknown) | string): void {
    if (typeof name !== "string") throw new TypeError("register(name, fn): name must be a string");
    this.sendOp("register", { args: { name, source: functionSource(fn) } });
  }

  /** Calls a function registered with `register` on every target; results as for apply. */
  async call(name: string, ...args: unknown[]): Promise<unknown> {
    this.#checkOpen();
    if (typeof name !== "string") throw new TypeError("call(name, ...args): name must be a string");
    return runOnEngines(this, "call", { name }, args, undefined);
  }

  /**
   * Deletes `key` on the engines (pipelined; a missing key is not an error). Consecutive
   * deletes on the same targets travel as one delete op, sent before the next op of this
   * context (or at the end of the event-loop turn), so the order of ops is unchanged.
   */
  deleteKey(key: string, options: { targets?: readonly number[] } = {}): void {
    if (typeof key !== "string") throw new TypeError("deleteKey(key): key must be a string");
    this.#checkOpen();
    this.#forgetBytes(key);
    const targets = this.#resolveTargets(options.targets ?? this.#liveTargets());
    const g = this.#deletes;
    if (
      g !== undefined &&
      g.targets.length === targets.length &&
      g.targets.every((t, i) => t === targets[i])
    ) {
      g.keys.push(key);
      return;
    }
    this.#flushDeletes();
    this.#deletes = { targets, keys: [key] };
    queueMicrotask(() => this.#flushDeletes());
  }

  /** Sends the deletes deleteKey has grouped, if any. */
  #flushDeletes(): void {
    const g = this.#deletes;
    if (g === undefined) return;
    this.#deletes = undefined;
    if (this.#closed) return;
    this.#post("delete", { targets: g.targets, args: { keys: g.keys } }, false);
  }

  #liveTargets(): number[] {
    return this.targets.filter((t) => !this.#dead.has(t));
  }

  /** The prefix of every key this context makes (newKey, apply results, proxyize). */
  get keyPrefix(): string {
    return `${KEY_PREFIX}${this.#keyBase}`;
  }

  /**
   * Deletes every object this context created on the engines (all keys with its prefix,
   * including apply results and proxyized objects), on all live targets; one round trip.
   */
  async cleanup(): Promise<void> {
    this.#checkOpen();
    const live = this.#liveTargets();
    this.#trackedBytes.clear();
    this.#liveTrackedBytes = 0;
    this.#collectMark = 0;
    if (live.length === 0) return;
    await this.requestOp("delete", { targets: live, args: { prefixes: [this.keyPrefix] } });
  }

  /** Waits until every engine has run all ops sent so far; surfaces pending engine errors. */
  async sync(): Promise<void> {
    this.#checkOpen();
    await this.requestOp("ping", { targets: this.#liveTargets() });
  }

  /**
   * One status row per live target (rank, pid, pool memory in use, memory limit, resident
   * memory, objects held); one round trip. Runs after the ops this context sent before it.
   */
  async status(): Promise<EngineStatus[]> {
    const replies = await this.requestOp("status", { targets: this.#liveTargets() });
    return replies.map((r) => r.result as EngineStatus);
  }

  /**
   * Rejects every pending request with DistArrayError (DA_ERR_INTERRUPTED) and forgets it, so
   * late replies are dropped; work already sent still finishes on the engines. The Jupyter
   * kernel calls this when the user interrupts a cell. Returns how many requests were cancelled.
   */
  cancelPending(reason = "interrupted"): number {
    const err = new DistArrayError(`operation cancelled: ${reason}`, {
      code: "DA_ERR_INTERRUPTED",
    });
    const pending = [...this.#pending.values()];
    for (const p of pending) {
      this.#pending.delete(p.id);
      p.done = true;
      clearTimeout(p.timer);
      p.reject(err);
    }
    return pending.length;
  }

  /**
   * Deletes this context's arrays (best effort), closes the connections and, for a context
   * from `Context.start`, stops its engines. Pending requests reject with ContextError.
   * Calling it twice is harmless.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flushDeletes();
    if (!this.#ownsCluster && this.#keyCounter > 0) {
      // Pipelined, so a close never waits behind a long-running op; the engines delete this
      // context's objects once they reach it.
      const live = this.#liveTargets();
      if (live.length > 0)
        this.#post("delete", { targets: live, args: { prefixes: [this.keyPrefix] } }, false);
    }
    this.#closed = true;
    const err = new ContextError("the context was closed");
    for (const p of [...this.#pending.values()]) {
      this.#pending.delete(p.id);
      p.done = true;
      clearTimeout(p.timer);
      p.reject(err);
    }
    await this.#closeTransports();
    if (this.#ownsCluster) await stopCluster(this.cluster);
  }

  async #closeTransports(): Promise<void> {
    await Promise.all([...this.#transports.values()].map((t) => t.close().catch(() => undefined)));
  }

  /** `<Context cluster=NAME targets=[0, 1]>`. */
  toString(): string {
    return `<Context cluster=${this.cluster} targets=[${this.targets.join(", ")}]>`;
  }
}

/**
 * Resolves to the number of client<->engine round trips `fn` made on `ctx`: one per
 * request (all targets in parallel count once), zero for pipelined ops.
 */
export async function countRoundTrips(ctx: Context, fn: () => unknown): Promise<number> {
  const before = ctx.roundTrips;
  await fn();
  return ctx.roundTrips - before;
}
