/**
 * The engine mesh: one authenticated outbound channel from this engine to every peer (opened
 * as soon as a client's hello names the peers, reopened on demand), so every pair of engines
 * is connected both ways; and a mailbox of messages received from peers, keyed by tag and
 * sender. Peers' addresses come from the clients' hellos (taken from the cluster file).
 */
import { DistArrayError, EngineDiedError, type ErrorCode } from "../core/errors.js";
import { isMeshMessage, type MeshMessage, type PeerAddress } from "../core/protocol.js";
import { packValue, unpackValue } from "../core/protocol-codec.js";
import type { Channel } from "./wire/channel.js";
import type { DestinationFn } from "./wire/endpoint.js";
import { connectChannel } from "./wire/handshake.js";

/** Tag of the mesh message that aborts an op on the receiving engine. */
const ABORT_TAG = "!abort";
/** How many aborted ops are remembered (an abort may arrive before the op starts). */
const MAX_ABORTED = 10_000;

/** A collective was abandoned because another member of the op failed. */
export class OpAbortedError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_ENGINE";
}

interface Box {
  queue: unknown[];
  waiters: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[];
}

export interface MeshOptions {
  rank: number;
  key: Uint8Array;
  log: (message: string) => void;
  pieceBytes?: number;
  maxFrameBytes?: number;
}

export class Mesh {
  readonly rank: number;
  #key: Uint8Array;
  #log: (m: string) => void;
  #opts: MeshOptions;
  #peers = new Map<number, string>();
  #out = new Map<number, Promise<Channel>>();
  #boxes = new Map<string, Map<number, Box>>();
  #dead = new Map<number, EngineDiedError>();
  #aborted = new Map<string, Error>();
  /** Destinations for the buffers of expected messages, by `tag` NUL `from`. */
  #into = new Map<string, DestinationFn>();

  constructor(options: MeshOptions) {
    this.rank = options.rank;
    this.#key = options.key;
    this.#log = options.log;
    this.#opts = options;
  }

  /**
   * Learns (or updates) peer addresses and opens the mesh connections to them right away,
   * so the first collective does not pay for the handshakes. A changed address forgets the
   * old connection (the peer was restarted).
   */
  setPeers(peers: readonly PeerAddress[]): void {
    for (const p of peers) {
      if (this.#peers.get(p.rank) !== p.address) {
        this.#peers.set(p.rank, p.address);
        this.#out.delete(p.rank);
        this.#dead.delete(p.rank);
      }
      if (p.rank !== this.rank && !this.#out.has(p.rank) && !this.#dead.has(p.rank)) {
        this.#channel(p.rank).catch(() => undefined);
      }
    }
  }

  #channel(dest: number): Promise<Channel> {
    let c = this.#out.get(dest);
    if (c) return c;
    const address = this.#peers.get(dest);
    if (address === undefined) {
      return Promise.reject(
        new EngineDiedError(`engine ${this.rank} knows no address for engine ${dest}`, {
          rank: dest,
        }),
      );
    }
    const opts: Parameters<typeof connectChannel>[2] = { key: this.#key };
    if (this.#opts.pieceBytes !== undefined) opts.pieceBytes = this.#opts.pieceBytes;
    if (this.#opts.maxFrameBytes !== undefined) opts.maxFrameBytes = this.#opts.maxFrameBytes;
    c = connectChannel(
      address,
      { role: "peer", clientId: `peer-${this.rank}`, rank: this.rank },
      opts,
    ).then(
      ({ channel }) => {
        channel.onClose = () => this.peerLost(dest, "its mesh connection closed");
        channel.onMessage = () => {};
        return channel;
      },
      (e: unknown) => {
        this.#out.delete(dest);
        this.peerLost(dest, `cannot connect: ${e instanceof Error ? e.message : String(e)}`);
        throw this.#dead.get(dest) ?? e;
      },
    );
    this.#out.set(dest, c);
    return c;
  }

  /**
   * Sends `value` (typed arrays travel raw) to engine `dest` under `tag`. Its typed arrays are
   * borrowed, not copied: leave them unchanged until the Promise settles.
   */
  async send(dest: number, tag: string, value: unknown): Promise<void> {
    if (dest === this.rank) {
      this.#deliverValue(tag, this.rank, value);
      return;
    }
    const dead = this.#dead.get(dest);
    if (dead) throw dead;
    const ch = await this.#channel(dest);
    const { skeleton, buffers } = packValue(value);
    const msg: MeshMessage = { t: "mesh", tag, from: this.rank, value: skeleton };
    await ch.send(msg, buffers, { borrow: true });
  }

  /**
   * The next value engine `source` sent under `tag`. Rejects with EngineDiedError if it
   * dies, or with the failure of another member if the op was aborted.
   */
  recv(source: number, tag: string): Promise<unknown> {
    const aborted = this.#abortedFor(tag);
    const box = this.#box(tag, source);
    if (box.queue.length > 0) {
      const v = box.queue.shift();
      this.#gc(tag, source, box);
      return Promise.resolve(v);
    }
    if (aborted) return Promise.reject(aborted);
    const dead = this.#dead.get(source);
    if (dead) return Promise.reject(dead);
    // Make sure we notice if the source is gone: keep a connection to it open.
    if (source !== this.rank) this.#channel(source).catch(() => undefined);
    return new Promise((resolve, reject) => box.waiters.push({ resolve, reject }));
  }

  /**
   * Asks for the buffers of the next message engine `source` sends under `tag` to be
   * received into the views `fn` returns (undefined: fresh memory), so a collective can have
   * a peer's data land in its result. Register before the message can arrive; one that
   * arrived earlier is delivered as usual. `fn` undefined drops the registration.
   */
  receiveInto(source: number, tag: string, fn: DestinationFn | undefined): void {
    if (source === this.rank) return;
    if (fn) this.#into.set(`${tag}\0${source}`, fn);
    else this.#into.delete(`${tag}\0${source}`);
  }

  /** The registered destination of an incoming peer message (for its channel). */
  destinationOf(header: unknown): DestinationFn | undefined {
    if (this.#into.size === 0 || !isMeshMessage(header)) return undefined;
    const key = `${header.tag}\0${header.from}`;
    const fn = this.#into.get(key);
    if (fn) this.#into.delete(key);
    return fn;
  }

  /** A message that arrived on an inbound peer channel. */
  deliver(msg: MeshMessage, buffers: Uint8Array[]): void {
    if (msg.tag === ABORT_TAG) {
      const v = msg.value as { opTag?: unknown; message?: unknown };
      if (typeof v?.opTag === "string") {
        this.abortLocal(
          v.opTag,
          new OpAbortedError(`engine ${msg.from} failed: ${String(v.message)}`, { rank: msg.from }),
        );
      }
      return;
    }
    this.#deliverValue(msg.tag, msg.from, unpackValue(msg.value, buffers));
  }

  #abortedFor(tag: string): Error | undefined {
    if (this.#aborted.size === 0) return undefined;
    const bar = tag.indexOf("|");
    return this.#aborted.get(bar < 0 ? tag : tag.slice(0, bar));
  }

  /**
   * Marks the op with tag prefix `opTag` failed here: its pending and future receives reject
   * with `error`, so members waiting in a collective do not hang.
   */
  abortLocal(opTag: string, error: Error): void {
    if (this.#aborted.has(opTag)) return;
    this.#aborted.set(opTag, error);
    if (this.#aborted.size > MAX_ABORTED) this.#aborted.delete(this.#aborted.keys().next().value!);
    const prefix = `${opTag}|`;
    for (const key of [...this.#into.keys()]) if (key.startsWith(prefix)) this.#into.delete(key);
    for (const [tag, byFrom] of [...this.#boxes]) {
      if (!tag.startsWith(prefix)) continue;
      for (const box of byFrom.values()) for (const w of box.waiters.splice(0)) w.reject(error);
      this.#boxes.delete(tag);
    }
  }

  /** Tells the other `targets` that this engine failed op `opTag` (best effort). */
  abortOthers(opTag: string, targets: readonly number[], message: string): void {
    for (const t of targets) {
      if (t === this.rank || this.#dead.has(t)) continue;
      this.#channel(t)
        .then((ch) =>
          ch.send({ t: "mesh", tag: ABORT_TAG, from: this.rank, value: { opTag, message } }),
        )
        .catch(() => undefined);
    }
  }

  #deliverValue(tag: string, from: number, value: unknown): void {
    if (this.#into.size > 0) this.#into.delete(`${tag}\0${from}`);
    const box = this.#box(tag, from);
    const w = box.waiters.shift();
    if (w) {
      w.resolve(value);
      this.#gc(tag, from, box);
    } else {
      box.queue.push(value);
    }
  }

  #box(tag: string, from: number): Box {
    let byFrom = this.#boxes.get(tag);
    if (!byFrom) {
      byFrom = new Map();
      this.#boxes.set(tag, byFrom);
    }
    let box = byFrom.get(from);
    if (!box) {
      box = { queue: [], waiters: [] };
      byFrom.set(from, box);
    }
    return box;
  }

  #gc(tag: string, from: number, box: Box): void {
    if (box.queue.length > 0 || box.waiters.length > 0) return;
    const byFrom = this.#boxes.get(tag);
    byFrom?.delete(from);
    if (byFrom?.size === 0) this.#boxes.delete(tag);
  }

  /** Marks `rank` dead: its waiters reject with EngineDiedError naming it. */
  peerLost(rank: number, why: string): void {
    if (this.#dead.has(rank)) return;
    const err = new EngineDiedError(`engine ${rank} died or is unreachable (${why})`, { rank });
    this.#dead.set(rank, err);
    this.#out.delete(rank);
    this.#log(`peer ${rank} lost: ${why}`);
    for (const byFrom of this.#boxes.values()) {
      const box = byFrom.get(rank);
      if (!box) continue;
      for (const w of box.waiters.splice(0)) w.reject(err);
    }
  }

  /** An inbound connection from `rank` was authenticated: it is alive again. */
  peerJoined(rank: number): void {
    this.#dead.delete(rank);
  }

  /** Drops every queued message whose tag starts with `prefix` (a finished client session). */
  dropTags(prefix: string): void {
    for (const tag of [...this.#boxes.keys()]) if (tag.startsWith(prefix)) this.#boxes.delete(tag);
  }

  /** Messages waiting to be received (for tests and status). */
  get queued(): number {
    let n = 0;
    for (const byFrom of this.#boxes.values()) for (const b of byFrom.values()) n += b.queue.length;
    return n;
  }

  close(): void {
    for (const c of this.#out.values())
      c.then(
        (ch) => ch.close(),
        () => undefined,
      );
    this.#out.clear();
  }
}
