/**
 * The one error root of DistArray. Every deliberate throw in the project is a
 * `DistArrayError` (or a subclass) carrying a stable `code` from `ERROR_CODES`;
 * each code has a paragraph in docs/errors.md (a test keeps the two lists equal).
 *
 * A wrong argument *type* throws the built-in `TypeError` instead, as NumPy and
 * DistArray do.
 */

/** Every stable error code with a one-line summary. docs/errors.md explains each. */
export const ERROR_CODES = {
  DA_ERR_GENERIC: "a DistArray failure with no more specific code",
  DA_ERR_VALUE: "an argument has the right type but a value the operation cannot accept",
  DA_ERR_CONTEXT:
    "arrays or distributions from different contexts were mixed, or a context is closed",
  DA_ERR_ENGINE: "an engine reported a failure while running an operation",
  DA_ERR_ENGINE_DIED: "an engine process exited or its connection was lost",
  DA_ERR_GRID_SHAPE: "no process grid can be formed for the shape, dist and engine count",
  DA_ERR_INVALID_GRID_SHAPE: "a given process grid does not fit the array or the engines",
  DA_ERR_INCOMPATIBLE_DISTRIBUTION: "two distributions that must match do not",
  DA_ERR_INDEX: "an index is out of range, or not owned by the rank asked",
  DA_ERR_INVALID_DIMENSION: "an axis number is out of range for the array",
  DA_ERR_DIST_TYPE: "an unknown or unsupported dist_type was given",
  DA_ERR_TARGET_DIST_CONFLICT: "an undistributed array was asked to live on more than one target",
  DA_ERR_DIM_DATA: "a DAP dim dict or per-rank dim data is malformed or inconsistent",
  DA_ERR_SHAPE: "array shapes do not match where they must",
  DA_ERR_DTYPE:
    "a dtype is unknown, or an operation is not defined for it, or a cast is not allowed",
  DA_ERR_OVERFLOW: "a JS integer scalar does not fit the integer dtype it is combined with",
  DA_ERR_FORMAT: "a file or buffer is not in the expected format",
  DA_ERR_IO:
    "a file could not be written or read: the operating system refused (missing folder, no space, permissions)",
  DA_ERR_MEMORY_LIMIT: "an operation would exceed an engine's memory limit",
  DA_ERR_PROTOCOL: "a wire message is malformed, of an unknown op, or of another protocol version",
  DA_ERR_AUTH: "a wire message or connection failed authentication",
  DA_ERR_TIMEOUT: "an operation did not complete within its time limit",
  DA_ERR_INTERRUPTED: "an operation was cancelled by an interrupt",
  DA_ERR_CLUSTER: "a cluster could not be started, found or stopped",
  DA_ERR_KEY: "an engine holds no object under the key an operation names",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface DistArrayErrorOptions {
  code?: ErrorCode;
  cause?: unknown;
  /** The engine rank the failure happened on, when it happened on an engine. */
  rank?: number;
}

/** Base class of every DistArray error; `code` is stable across releases. */
export class DistArrayError extends Error {
  readonly code: ErrorCode;
  /** The engine rank where the failure happened, if it happened on an engine. */
  readonly rank: number | undefined;

  constructor(message: string, options: DistArrayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? (new.target as typeof DistArrayError).defaultCode;
    this.rank = options.rank;
    this.name = new.target.name;
  }

  /** The code used when a constructor call does not give one. */
  static defaultCode: ErrorCode = "DA_ERR_GENERIC";
}

/** Mixing arrays of different contexts, or using a closed context. */
export class ContextError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_CONTEXT";
}

/** A failure reported by an engine; `rank` names it and `remoteCode` is the engine's code. */
export class EngineError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_ENGINE";
  readonly remoteCode: string;
  constructor(message: string, options: DistArrayErrorOptions & { remoteCode?: string } = {}) {
    super(message, options);
    this.remoteCode = options.remoteCode ?? "DA_ERR_GENERIC";
  }
}

/** An engine exited or its connection broke; `rank` names it. */
export class EngineDiedError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_ENGINE_DIED";
}

/** No grid factorisation exists (e.g. zero engines). */
export class GridShapeError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_GRID_SHAPE";
}

/** A user-given grid shape does not match the dims or the number of engines. */
export class InvalidGridShapeError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_INVALID_GRID_SHAPE";
}

/** Distributions that must be compatible are not. */
export class IncompatibleDistributionError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_INCOMPATIBLE_DISTRIBUTION";
}

/** An index out of range or not owned locally. */
export class IndexError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_INDEX";
}

/** An unknown dtype, an operation not defined for a dtype, or a forbidden cast. */
export class DTypeError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_DTYPE";
}

/** Bad file or buffer contents; the message names the file and the reason. */
export class FormatError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_FORMAT";
}

/** An allocation refused because it would exceed the engine's memory limit. */
export class MemoryLimitError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_MEMORY_LIMIT";
}

/** A malformed or unknown wire message. */
export class ProtocolError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_PROTOCOL";
}

/** A frame or connection that failed HMAC authentication. */
export class AuthenticationError extends DistArrayError {
  static override defaultCode: ErrorCode = "DA_ERR_AUTH";
}

/** Every exported error class by name, for rebuilding errors that crossed the wire. */
export const ERROR_CLASSES = {
  DistArrayError,
  ContextError,
  EngineError,
  EngineDiedError,
  GridShapeError,
  InvalidGridShapeError,
  IncompatibleDistributionError,
  IndexError,
  DTypeError,
  FormatError,
  MemoryLimitError,
  ProtocolError,
  AuthenticationError,
} as const;

export type ErrorClassName = keyof typeof ERROR_CLASSES;

/** True if `code` is one of the stable codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}
