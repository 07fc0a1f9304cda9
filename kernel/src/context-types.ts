/** Option and reply types of the client Context (kernel/src/context.ts). */
import type { TransportOptions } from "./transport/transport.js";

/** Options shared by sendOp and requestOp. */
export interface OpSendOptions {
  /** Engine ranks to send to (default: all of the context's targets). Sorted on send. */
  targets?: readonly number[];
  /** Array keys the op touches; errors are recorded against them. */
  keys?: readonly string[];
  /** Op arguments sent to every target. */
  args?: Record<string, unknown>;
  /** Raw buffers sent to every target (not copied). */
  buffers?: readonly Uint8Array[];
  /** Per-target arguments and buffers, merged over `args` and appended after `buffers`. */
  perTarget?: (
    target: number,
    index: number,
  ) =>
    | {
        /** Arguments for this target, merged over `args`. */
        args?: Record<string, unknown>;
        /** Buffers for this target, appended after `buffers`. */
        buffers?: readonly Uint8Array[];
      }
    | undefined;
}

export interface OpRequestOptions extends OpSendOptions {
  /**
   * Where the reply buffers of `target` go: return a view of exactly `byteLength` bytes to
   * receive into (pieces are written straight into it), or undefined for fresh memory.
   */
  destination?: (target: number, bufferIndex: number, byteLength: number) => Uint8Array | undefined;
  /**
   * Reject with DistArrayError (DA_ERR_TIMEOUT) if a target has not replied within this many
   * ms (default: the context's requestTimeoutMs; 0 = no limit). The engine still runs the op.
   */
  timeoutMs?: number;
}

/** One engine's reply to a request. */
export interface OpReply {
  /** The replying engine's rank. */
  rank: number;
  /** The op's JSON result. */
  result: unknown;
  /** Raw buffers that came with the reply. */
  buffers: Uint8Array[];
}

/** Options of `Context.start`, which starts a private local cluster. */
export interface ContextStartOptions {
  /** Number of engines (default: one per core, at least 2). */
  engines?: number;
  /** Per-engine memory limit in bytes (default: physical memory / engines, with headroom). */
  memoryLimit?: number;
  /** Connection options. */
  transport?: Partial<Omit<TransportOptions, "key" | "clientId" | "peers">>;
  /** Default time limit for a request in ms; 0 (the default) waits as long as the work takes. */
  requestTimeoutMs?: number;
}

/** Options of `Context.connect`, which joins a cluster started by `dacluster start`. */
export interface ContextConnectOptions {
  /** Cluster name (default "default"). */
  cluster?: string;
  /** Engine ranks to use (default: all). */
  targets?: readonly number[];
  /** Connection options. */
  transport?: Partial<Omit<TransportOptions, "key" | "clientId" | "peers">>;
  /** Default time limit for a request in ms; 0 (the default) waits as long as the work takes. */
  requestTimeoutMs?: number;
}

/** Options of `ctx.apply`. */
export interface ApplyOptions {
  /** Engines to run on (default: all of the context's targets). */
  targets?: readonly number[];
}

/** One engine's answer to the `status` op. */
export interface EngineStatus {
  /** The engine's rank. */
  rank: number;
  /** The engine's process id. */
  pid: number;
  /** Bytes the engine's buffer pool has handed out. */
  memoryBytes: number;
  /** The engine's memory limit in bytes. */
  memoryLimit: number;
  /** Resident memory of the engine process in bytes. */
  rssBytes: number;
  /** Objects held in the engine's registry. */
  arrays: number;
}
