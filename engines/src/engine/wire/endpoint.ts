/**
 * One end of an ordered message connection, as the engine server and the client transports
 * see it. `Channel` (WebSocket + frames + HMAC) implements it; `memoryPair` gives two
 * connected in-process ends, so the same server and client code runs without sockets.
 */
import { EngineDiedError } from "../../core/errors.js";
import { decodeHeader, encodeHeader } from "../../core/protocol-codec.js";

/** Where the bytes of one incoming buffer should go; undefined: fresh memory. */
export type DestinationFn = (bufferIndex: number, byteLength: number) => Uint8Array | undefined;

/** A received message; `error` is set when its buffers could not be allocated. */
export type MessageHandler = (header: unknown, buffers: Uint8Array[], error?: Error) => void;

export interface MessageEndpoint {
  readonly open: boolean;
  /** Sends one message; buffers are not modified. Rejects with EngineDiedError when closed. */
  send(header: unknown, buffers?: readonly Uint8Array[]): Promise<void>;
  /** Receive the buffers of the reply to op `id` into the views `fn` returns. */
  setDestination(
    id: number,
    fn: (bufferIndex: number, byteLength: number) => Uint8Array | undefined,
  ): void;
  /**
   * Optional: where the buffers of an incoming message (any message, by its header) should
   * go, consulted when it starts arriving (after the reply destinations of setDestination).
   */
  destinationOf?: ((header: unknown) => DestinationFn | undefined) | undefined;
  onMessage: MessageHandler;
  /** An incoming message was rejected (bad signature, malformed); the connection goes on. */
  onReject: (error: Error) => void;
  /** Called once when the connection ends. */
  onClose: (error: Error) => void;
  close(): void;
}

export interface MemoryPairOptions {
  /** Memory for buffers arriving at end A / end B (default: fresh). */
  allocateA?: (byteLength: number) => Uint8Array;
  allocateB?: (byteLength: number) => Uint8Array;
}

class MemoryEnd implements MessageEndpoint {
  destinationOf: ((header: unknown) => DestinationFn | undefined) | undefined;
  onMessage: MessageHandler = () => {};
  onReject: (error: Error) => void = () => {};
  onClose: (error: Error) => void = () => {};
  peer: MemoryEnd | undefined;
  #open = true;
  #allocate: (n: number) => Uint8Array;
  #destinations = new Map<number, (i: number, n: number) => Uint8Array | undefined>();
  #queue: Promise<void> = Promise.resolve();

  constructor(allocate: ((n: number) => Uint8Array) | undefined) {
    this.#allocate = allocate ?? ((n) => new Uint8Array(new ArrayBuffer(n)));
  }

  get open(): boolean {
    return this.#open;
  }

  setDestination(
    id: number,
    fn: (bufferIndex: number, byteLength: number) => Uint8Array | undefined,
  ): void {
    this.#destinations.set(id, fn);
  }

  send(header: unknown, buffers: readonly Uint8Array[] = []): Promise<void> {
    const peer = this.peer;
    if (!this.#open || !peer?.open)
      return Promise.reject(new EngineDiedError("the connection is closed"));
    // Headers go through the codec and buffers are copied, exactly as over the wire.
    const bytes = encodeHeader(header);
    const copies = buffers.map((b) => b.slice());
    this.#queue = this.#queue.then(() => peer.#receive(bytes, copies));
    return Promise.resolve();
  }

  #receive(bytes: Uint8Array, buffers: Uint8Array[]): void {
    if (!this.#open) return;
    let header: unknown;
    try {
      header = decodeHeader(bytes);
    } catch (e) {
      this.onReject(e as Error);
      return;
    }
    const h = header as { t?: unknown; id?: unknown };
    let dest =
      h?.t === "reply" && typeof h.id === "number" ? this.#destinations.get(h.id) : undefined;
    if (dest) this.#destinations.delete(h.id as number);
    else dest = this.destinationOf?.(header);
    const out: Uint8Array[] = [];
    try {
      buffers.forEach((b, i) => {
        const target = dest?.(i, b.byteLength) ?? this.#allocate(b.byteLength);
        target.set(b);
        out.push(target);
      });
    } catch (e) {
      this.onMessage(header, [], e as Error);
      return;
    }
    this.onMessage(header, out);
  }

  close(): void {
    if (!this.#open) return;
    const err = new EngineDiedError("connection closed");
    this.#shut(err);
    if (this.peer?.open) this.peer.#shut(err);
  }

  #shut(err: Error): void {
    this.#open = false;
    this.onClose(err);
  }
}

/** Two connected in-process ends: what one sends, the other receives, in order. */
export function memoryPair(options: MemoryPairOptions = {}): [MessageEndpoint, MessageEndpoint] {
  const a = new MemoryEnd(options.allocateA);
  const b = new MemoryEnd(options.allocateB);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
