/**
 * The DistArray wire protocol, version 1: the closed list of operations, the message
 * header types with one guard each, and the error wire form. Pure: no Node built-ins.
 * The binary frame layout lives in protocol-frame.ts, the header codec in
 * protocol-codec.ts; docs/protocol.md describes all of it for a compatible engine.
 *
 * Every message is one logical unit `{header, buffers}`: a msgpack-encoded header object
 * (below) plus zero or more raw byte buffers (array data, never JSON numbers).
 */
import {
  DistArrayError,
  EngineError,
  ERROR_CLASSES,
  type ErrorClassName,
  type ErrorCode,
  isErrorCode,
  ProtocolError,
} from "./errors.js";

/** The protocol version carried in every frame and in the handshake. */
export const PROTOCOL_VERSION = 1;

/** The WebSocket subprotocol clients and engines must agree on. */
export const SUBPROTOCOL = `distarray.v${PROTOCOL_VERSION}`;

/**
 * The closed set of operations an engine accepts. An op message naming anything else gets
 * a ProtocolError reply. Core ops (ops/core-*.ts): ping, status, apply, register, call,
 * delete, clear. Array ops (ops/array-*.ts) and IO ops (ops/io-*.ts) are listed here too;
 * a new op is added to this list AND registered with `registerOp` (engines/src/engine/op-types.ts).
 */
export const OP_NAMES = [
  // core
  "ping",
  "status",
  "apply",
  "register",
  "call",
  "delete",
  "clear",
  // arrays: creation, data movement, element access
  "create",
  "from-function",
  "random",
  "scatter",
  "gather",
  "fill",
  "getitem",
  "setitem",
  "astype",
  "copy",
  "view",
  "assign",
  "local-shapes",
  "get-ndarrays",
  // arrays: math
  "ufunc",
  "reduce",
  "where",
  "argreduce",
  "count",
  // arrays: layout
  "redistribute",
  "take",
  "mask",
  "set-at",
  // IO
  "io-save",
  "io-load",
] as const;

export type OpName = (typeof OP_NAMES)[number];

const OP_NAME_SET: ReadonlySet<string> = new Set(OP_NAMES);

/** True if `name` is one of the closed set of operations. */
export function isOpName(name: unknown): name is OpName {
  return typeof name === "string" && OP_NAME_SET.has(name);
}

/** Which side sent a frame: the side that opened the connection, or the side that accepted it. */
export const DIRECTION = { fromConnector: 0, fromAcceptor: 1 } as const;
export type Direction = (typeof DIRECTION)[keyof typeof DIRECTION];

/** Bytes of the handshake nonces. */
export const NONCE_BYTES = 16;

/** An engine address as kept in cluster files and sent to engines for the mesh. */
export interface PeerAddress {
  rank: number;
  /** `ws://host:port` */
  address: string;
}

/** First frame, engine -> connector, right after the WebSocket opens. Seq 0. */
export interface ChallengeMessage {
  t: "challenge";
  v: number;
  nonce: Uint8Array;
  rank: number;
  pid: number;
}

/** Connector -> engine, answering the challenge. Seq 0. */
export interface HelloMessage {
  t: "hello";
  v: number;
  nonce: Uint8Array;
  /** 'client' for a Context, 'peer' for another engine of the mesh. */
  role: "client" | "peer";
  /** Stable id of the client session (the same on every engine), or `peer-<rank>`. */
  clientId: string;
  /** For role 'peer': the connecting engine's rank. */
  rank?: number;
  /** For role 'client': the engines of the cluster, so engines can build the mesh. */
  peers?: PeerAddress[];
}

/** Engine -> connector, accepting the hello. Seq 1. */
export interface WelcomeMessage {
  t: "welcome";
  rank: number;
  pid: number;
  memoryLimit: number;
}

/**
 * Client -> engine: run one op. `reply: false` is pipelined (no reply unless it fails, then an
 * ErrorMessage); `reply: true` gets exactly one ReplyMessage with the same id.
 */
export interface OpMessage {
  t: "op";
  /** Client-chosen, increasing per client session; the same id goes to every target. */
  id: number;
  op: OpName;
  reply: boolean;
  /** Array keys the op reads or writes; engine errors are recorded against them. */
  keys: string[];
  /** Every target (rank) the op was sent to, sorted; the default communicator of the op. */
  targets: number[];
  /** Op-specific arguments (msgpack values; bigint allowed). */
  args: Record<string, unknown>;
}

export interface ReplyOkMessage {
  t: "reply";
  id: number;
  ok: true;
  result: unknown;
}

export interface ReplyErrorMessage {
  t: "reply";
  id: number;
  ok: false;
  error: WireError;
}

export type ReplyMessage = ReplyOkMessage | ReplyErrorMessage;

/**
 * Engine -> client, unsolicited: a pipelined op failed (`id` set), or a frame was rejected
 * (`id` null; e.g. a bad signature). Never lost: the client records it.
 */
export interface ErrorMessage {
  t: "error";
  id: number | null;
  op: string | null;
  keys: string[];
  error: WireError;
}

/** Engine -> engine over the mesh: one point-to-point part of a collective, tag-scoped. */
export interface MeshMessage {
  t: "mesh";
  tag: string;
  from: number;
  /** A packed value (see packValue); its typed arrays are the frame's buffers. */
  value: unknown;
}

export type WireMessage =
  | ChallengeMessage
  | HelloMessage
  | WelcomeMessage
  | OpMessage
  | ReplyMessage
  | ErrorMessage
  | MeshMessage;

/** An error as it crosses the wire. */
export interface WireError {
  /** An exported error class name (ERROR_CLASSES), else "Error". */
  name: string;
  code: string;
  message: string;
  rank?: number;
  /** For EngineError: the engine-side code. */
  remoteCode?: string;
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isInt(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x);
}

function isStrArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === "string");
}

function isIntArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every(isInt);
}

function isBytes(x: unknown, n?: number): x is Uint8Array {
  return x instanceof Uint8Array && (n === undefined || x.byteLength === n);
}

export function isWireError(x: unknown): x is WireError {
  return (
    isObj(x) &&
    typeof x.name === "string" &&
    typeof x.code === "string" &&
    typeof x.message === "string"
  );
}

export function isChallengeMessage(x: unknown): x is ChallengeMessage {
  return (
    isObj(x) &&
    x.t === "challenge" &&
    isInt(x.v) &&
    isBytes(x.nonce, NONCE_BYTES) &&
    isInt(x.rank) &&
    isInt(x.pid)
  );
}

export function isPeerAddress(x: unknown): x is PeerAddress {
  return isObj(x) && isInt(x.rank) && typeof x.address === "string";
}

export function isHelloMessage(x: unknown): x is HelloMessage {
  return (
    isObj(x) &&
    x.t === "hello" &&
    isInt(x.v) &&
    isBytes(x.nonce, NONCE_BYTES) &&
    (x.role === "client" || x.role === "peer") &&
    typeof x.clientId === "string" &&
    (x.rank === undefined || isInt(x.rank)) &&
    (x.peers === undefined || (Array.isArray(x.peers) && x.peers.every(isPeerAddress)))
  );
}

export function isWelcomeMessage(x: unknown): x is WelcomeMessage {
  return (
    isObj(x) &&
    x.t === "welcome" &&
    isInt(x.rank) &&
    isInt(x.pid) &&
    typeof x.memoryLimit === "number"
  );
}

export function isOpMessage(x: unknown): x is OpMessage {
  return (
    isObj(x) &&
    x.t === "op" &&
    isInt(x.id) &&
    isOpName(x.op) &&
    typeof x.reply === "boolean" &&
    isStrArray(x.keys) &&
    isIntArray(x.targets) &&
    isObj(x.args)
  );
}

export function isReplyMessage(x: unknown): x is ReplyMessage {
  return (
    isObj(x) &&
    x.t === "reply" &&
    isInt(x.id) &&
    ((x.ok === true && "result" in x) || (x.ok === false && isWireError(x.error)))
  );
}

export function isErrorMessage(x: unknown): x is ErrorMessage {
  return (
    isObj(x) &&
    x.t === "error" &&
    (x.id === null || isInt(x.id)) &&
    (x.op === null || typeof x.op === "string") &&
    isStrArray(x.keys) &&
    isWireError(x.error)
  );
}

export function isMeshMessage(x: unknown): x is MeshMessage {
  return isObj(x) && x.t === "mesh" && typeof x.tag === "string" && isInt(x.from) && "value" in x;
}

/**
 * Explains why an op header is not a valid OpMessage (unknown op, missing field), as a
 * ProtocolError; returns the message when it is valid.
 */
export function parseOpMessage(x: unknown): OpMessage {
  if (!isObj(x) || x.t !== "op") throw new ProtocolError("an op message needs t: 'op'");
  if (!isInt(x.id)) throw new ProtocolError("an op message needs an integer id");
  if (!isOpName(x.op)) {
    throw new ProtocolError(`unknown op; the ops are ${OP_NAMES.join(", ")}; got ${String(x.op)}`);
  }
  if (!isOpMessage(x)) {
    throw new ProtocolError(`malformed '${x.op}' message: needs reply, keys, targets and args`);
  }
  return x;
}

/** The wire form of any thrown value; `rank` is the engine it happened on. */
export function errorToWire(err: unknown, rank?: number): WireError {
  if (err instanceof DistArrayError) {
    const w: WireError = { name: err.name, code: err.code, message: err.message };
    const r = err.rank ?? rank;
    if (r !== undefined) w.rank = r;
    if (err instanceof EngineError) w.remoteCode = err.remoteCode;
    return w;
  }
  if (err instanceof TypeError) {
    const w: WireError = { name: "TypeError", code: "DA_ERR_GENERIC", message: err.message };
    if (rank !== undefined) w.rank = rank;
    return w;
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const w: WireError = { name: "Error", code: "DA_ERR_ENGINE", message };
  if (rank !== undefined) w.rank = rank;
  return w;
}

/**
 * Rebuilds an error that crossed the wire. A known DistArray class comes back as itself
 * (MemoryLimitError, IndexError, ...) with `rank` set; TypeError as TypeError; anything else
 * as EngineError whose `remoteCode` is the engine's code. Messages are prefixed with the rank.
 */
export function errorFromWire(w: WireError, rank?: number): Error {
  const r = w.rank ?? rank;
  const message = r === undefined ? w.message : `engine ${r}: ${w.message}`;
  if (w.name === "TypeError") return new TypeError(message);
  const code: ErrorCode = isErrorCode(w.code) ? w.code : "DA_ERR_ENGINE";
  const opts = r === undefined ? { code } : { code, rank: r };
  if (w.name === "EngineError" || w.name === "Error" || w.name === "DistArrayError") {
    return new EngineError(message, {
      ...opts,
      code: "DA_ERR_ENGINE",
      remoteCode: w.remoteCode ?? w.code,
    });
  }
  if (Object.hasOwn(ERROR_CLASSES, w.name)) {
    const Cls = ERROR_CLASSES[w.name as ErrorClassName];
    return new Cls(message, opts);
  }
  return new EngineError(message, { ...opts, code: "DA_ERR_ENGINE", remoteCode: w.code });
}
