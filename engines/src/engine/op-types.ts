/**
 * How engine operations are written and registered.
 *
 * To add an op:
 * 1. Add its name to OP_NAMES in engines/src/core/protocol.ts (the closed list).
 * 2. In the op group's file under engines/src/engine/ops/ (e.g. ops/array-create.ts), call
 *    ```ts
 *    registerOp({
 *      name: "fill",
 *      kind: "pipelined",
 *      handle(ectx, op) {
 *        const a = ectx.registry.get(op.args.key as string); // typed error if missing
 *        ...
 *        return { result: null };          // or nothing; or { result, buffers } for data
 *      },
 *    });
 *    ```
 *    and import that file from engines/src/engine/ops/index.ts (one line per file).
 * 3. On the client, send it with `ctx.sendOp(...)` (pipelined) or `ctx.requestOp(...)`
 *    (kernel/src/context.ts).
 *
 * The engine runs the ops of one client connection strictly in order, one at a time (a
 * handler's Promise settles before the next op of that client starts); every engine gets a
 * client's ops in the same order, so collectives inside handlers always match up. A handler
 * throws to fail: a DistArrayError keeps its class and code across the wire (e.g.
 * MemoryLimitError, IndexError); anything else comes back as EngineError.
 *
 * `op.buffers` are pool memory (allocated, with the memory-limit check, as the bytes arrive).
 * When the handler settles, every op buffer that no registry entry's `data` shares goes back
 * to the pool: a handler may adopt one without copying (e.g. store a LocalArray whose `data`
 * is a typed-array view of it), but must not keep other references to them.
 */
import type { DType, TypedArray } from "../core/dtypes.js";
import type { OpMessage, OpName } from "../core/protocol.js";

/** 'pipelined': produces arrays, normally sent without a reply; 'request': returns data. */
export type OpKind = "pipelined" | "request";

/** What a handler receives besides the engine context. */
export interface OpInput {
  /** The whole op message (id, keys, targets, reply flag). */
  readonly msg: OpMessage;
  /** Shortcut for msg.args. */
  readonly args: Record<string, unknown>;
  /** The raw buffers that came with the op, each 8-byte aligned pool memory, in order. */
  readonly buffers: readonly Uint8Array[];
}

/** What a handler returns: a msgpack-able result and raw buffers (sent without copying). */
export interface OpOutput {
  result?: unknown;
  buffers?: Uint8Array[];
}

export interface OpHandler {
  name: OpName;
  kind: OpKind;
  handle(ectx: EngineContext, op: OpInput): OpOutput | undefined | Promise<OpOutput | undefined>;
}

/** The engine-wide state and services a handler uses. */
export interface EngineContext {
  /** This engine's rank in the cluster. */
  readonly rank: number;
  /** The id of the client session that sent the op (the same on every engine). */
  readonly clientId: string;
  /** The op's id (the same on every engine it was sent to). */
  readonly opId: number;
  /** The op's targets (sorted). */
  readonly targets: readonly number[];
  readonly registry: Registry;
  readonly pool: BufferPool;
  /**
   * A communicator over `targets` (default: the op's targets; must include this rank),
   * tag-scoped to this op so concurrent ops of other clients never mix messages. Calling it
   * twice with the same targets in one op gives communicators that continue the same tag
   * sequence, so either may be used.
   */
  comm(targets?: readonly number[]): Communicator;
  /** Functions registered by this client with `register` (name -> function). */
  readonly functions: Map<string, (...args: unknown[]) => unknown>;
  /** Writes a line to the engine log. */
  log(message: string): void;
}

/**
 * The engine's objects by key (LocalArrays, and anything `apply` stored with proxyize).
 * An entry whose value has a `data` TypedArray owns that buffer: when the last entry whose
 * `data` shares the same ArrayBuffer is deleted, the buffer goes back to the pool (so views
 * sharing data are safe).
 */
export interface Registry {
  /** The value under `key`; throws DistArrayError (DA_ERR_KEY) naming the key and rank if absent. */
  get(key: string): unknown;
  has(key: string): boolean;
  /** Stores (replacing and releasing any previous value under the key). */
  set(key: string, value: unknown): void;
  /** Removes the key; returns false if it was absent (not an error). */
  delete(key: string): boolean;
  /** Removes everything. */
  clear(): void;
  keys(): string[];
  readonly size: number;
}

/**
 * Local buffers with a memory limit. Freed buffers are kept for reuse (touching fresh memory
 * is ~50x slower than reused), and dropped when the limit needs the room.
 */
export interface BufferPool {
  /** The limit in bytes. */
  readonly limit: number;
  /** Bytes handed out and not yet released. */
  readonly inUse: number;
  /**
   * An uninitialised (or `zero`ed) typed array of `size` elements (storage length 2*size for
   * complex). Throws MemoryLimitError before allocating if `inUse` would pass `limit`.
   */
  allocate(dtype: DType, size: number, options?: { zero?: boolean }): TypedArray;
  /** `byteLength` raw bytes, 8-byte aligned, same limit rule. */
  allocateBytes(byteLength: number, options?: { zero?: boolean }): Uint8Array;
  /** Throws MemoryLimitError if `bytes` more could not be allocated now. */
  check(bytes: number): void;
  /** Gives a buffer from allocate/allocateBytes back (any view of it); others are ignored. */
  release(view: ArrayBufferView): void;
  /** True if the view's memory came from this pool and is in use. */
  owns(view: ArrayBufferView): boolean;
  /**
   * The identity of the allocation `view` lies in (equal for views of one allocation); when
   * absent, the view's ArrayBuffer is the identity.
   */
  blockOf?(view: ArrayBufferView): unknown;
}

/** A reduction operator: a name, or a function combining two values (must be associative). */
export type ReduceOp =
  | "sum"
  | "prod"
  | "min"
  | "max"
  | "land"
  | "lor"
  | ((a: unknown, b: unknown) => unknown);

/**
 * Collectives over a set of engines. Values are msgpack-able data; typed arrays inside them
 * travel as raw buffers. Ranks here are positions in `targets` (0..size-1), not engine ranks.
 * Every member must make the same calls in the same order. If a member engine dies, pending
 * calls reject with EngineDiedError naming it; if a member fails the op, the others' pending
 * calls of that op reject too (no hang). Received typed arrays are ordinary memory (not from
 * the pool) owned by the receiver; sent ones are not copied before they are written out.
 */
export interface Communicator {
  /** This engine's position in `targets`. */
  readonly rank: number;
  readonly size: number;
  /** The engine ranks of the members, sorted. */
  readonly targets: readonly number[];
  barrier(): Promise<void>;
  /** The root's value, on every member (binomial tree). */
  bcast<T>(value: T | undefined, root?: number): Promise<T>;
  /**
   * Combines every member's value with `op` (binomial tree toward root); the root gets the
   * result, others undefined. Named ops work elementwise on numbers, bigints, booleans and
   * same-length typed arrays / arrays.
   */
  reduce<T>(value: T, op: ReduceOp, root?: number): Promise<T | undefined>;
  /** reduce then bcast: every member gets the combined value. */
  allreduce<T>(value: T, op: ReduceOp): Promise<T>;
  /** The root gets every member's value in member order; others get undefined. */
  gather<T>(value: T, root?: number): Promise<T[] | undefined>;
  /** Every member gets every member's value in member order. */
  allgather<T>(value: T): Promise<T[]>;
  /**
   * General all-to-all exchange: `values[j]` goes to member j; resolves to what each member
   * sent to this one, in member order (this member's own entry is passed through uncopied).
   * Index sets and array pieces travel as typed arrays (raw buffers).
   */
  alltoall<T>(values: readonly T[]): Promise<T[]>;
  /** Point to point, tag-scoped like the collectives. */
  send(value: unknown, dest: number): Promise<void>;
  recv<T>(source: number): Promise<T>;
}

const handlers = new Map<OpName, OpHandler>();

/** Registers an op handler; registering a name twice throws (one handler per op). */
export function registerOp(handler: OpHandler): void {
  if (handlers.has(handler.name)) throw new Error(`op '${handler.name}' is registered twice`);
  handlers.set(handler.name, handler);
}

/** The handler of `name`, if registered. */
export function getOp(name: OpName): OpHandler | undefined {
  return handlers.get(name);
}

/** Names of all registered ops. */
export function registeredOps(): OpName[] {
  return [...handlers.keys()];
}
