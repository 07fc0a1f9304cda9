/**
 * The client's view of one engine connection: ordered, authenticated messages of
 * `{header, buffers}`. The WebSocket implementation is websocket.ts; Context only uses
 * this interface.
 */

/** Where the bytes of one incoming buffer should go (see Transport.setDestination). */
export type DestinationFn = (bufferIndex: number, byteLength: number) => Uint8Array | undefined;

export interface Transport {
  /** The engine's rank. */
  readonly rank: number;
  /** The engine's pid as it reported it in the handshake. */
  readonly pid: number;
  /** True until the connection closed or failed. */
  readonly open: boolean;
  /**
   * Queues one message; buffers are sent without copying (do not modify them until the
   * returned Promise resolves, which it does once they are handed to the socket).
   * Rejects with EngineDiedError if the connection is gone.
   */
  send(header: Record<string, unknown>, buffers?: readonly Uint8Array[]): Promise<void>;
  /**
   * For the reply to op `id`: receive its buffers into the views this returns (exactly
   * byteLength bytes), or into fresh aligned memory when it returns undefined.
   */
  setDestination(id: number, fn: DestinationFn): void;
  /** Called for each incoming message (after authentication), in order. */
  onMessage: (header: unknown, buffers: Uint8Array[]) => void;
  /** Called once when the connection is lost or closed; `error` says why. */
  onClose: (error: Error) => void;
  /** Closes the connection; pending sends are dropped. */
  close(): Promise<void>;
}

export interface TransportOptions {
  /** The cluster key (HMAC secret). */
  key: Uint8Array;
  /** The client session id, the same on every engine. */
  clientId: string;
  /** All engines of the cluster, so engines can build their mesh. */
  peers: { rank: number; address: string }[];
  /** Largest accepted frame in bytes. */
  maxFrameBytes?: number;
  /** Size of the pieces large buffers are sent in. */
  pieceBytes?: number;
  /** Heartbeat ping interval in ms (default WIRE_DEFAULTS.heartbeatMs). */
  heartbeatMs?: number;
  /** No pong for this long declares the engine dead (default WIRE_DEFAULTS.heartbeatTimeoutMs). */
  heartbeatTimeoutMs?: number;
  /** Connection/handshake timeout in ms. */
  connectTimeoutMs?: number;
}

/**
 * The message a transport delivers when an incoming message's buffers could not be received
 * (no memory, or a destination that failed): a failed reply when it was one (so the request
 * settles), else an unsolicited error.
 */
export function undeliverable(
  header: unknown,
  error: Error,
  rank: number,
): Record<string, unknown> {
  const wire = {
    name: error.name,
    code: (error as { code?: unknown }).code ?? "DA_ERR_GENERIC",
    message: error.message,
    rank,
  };
  const h = header as { t?: unknown; id?: unknown } | null;
  if (h?.t === "reply" && typeof h.id === "number")
    return { t: "reply", id: h.id, ok: false, error: wire };
  return { t: "error", id: null, op: null, keys: [], error: wire };
}
