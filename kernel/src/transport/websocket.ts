/**
 * The WebSocket Transport: one authenticated channel per engine (handshake and frames in
 * @distarray/engines/engine/wire), with a heartbeat for hung engines.
 */
import { EngineDiedError } from "@distarray/engines/core";
import { errorToWire } from "@distarray/engines/core/protocol";
import { type Channel, WIRE_DEFAULTS } from "@distarray/engines/engine/wire/channel";
import { connectChannel } from "@distarray/engines/engine/wire/handshake";
import {
  type DestinationFn,
  type Transport,
  type TransportOptions,
  undeliverable,
} from "./transport.js";

class WebSocketTransport implements Transport {
  readonly rank: number;
  readonly pid: number;
  onMessage: (header: unknown, buffers: Uint8Array[]) => void = () => {};
  onClose: (error: Error) => void = () => {};
  #channel: Channel;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #lastSeen = Date.now();

  constructor(channel: Channel, rank: number, pid: number, options: TransportOptions) {
    this.#channel = channel;
    this.rank = rank;
    this.pid = pid;
    channel.onMessage = (header, buffers, error) => {
      this.#lastSeen = Date.now();
      if (error) {
        this.onMessage(undeliverable(header, error, rank), []);
        return;
      }
      this.onMessage(header, buffers);
    };
    channel.onReject = (error) => {
      const wire = errorToWire(error, rank);
      wire.message = `a frame from engine ${rank} was rejected: ${error.message}`;
      this.onMessage({ t: "error", id: null, op: null, keys: [], error: wire }, []);
    };
    channel.onClose = (error) =>
      this.#lost(
        new EngineDiedError(`engine ${rank} died or closed its connection: ${error.message}`, {
          rank,
          cause: error,
        }),
      );
    const interval = options.heartbeatMs ?? WIRE_DEFAULTS.heartbeatMs;
    const timeout = options.heartbeatTimeoutMs ?? WIRE_DEFAULTS.heartbeatTimeoutMs;
    channel.ws.on("pong", () => {
      this.#lastSeen = Date.now();
    });
    this.#timer = setInterval(() => {
      if (Date.now() - this.#lastSeen > timeout) {
        this.#lost(
          new EngineDiedError(`engine ${rank} did not answer for ${timeout} ms`, { rank }),
        );
        channel.terminate();
        return;
      }
      if (channel.open) channel.ws.ping();
    }, interval);
    this.#timer.unref();
  }

  get open(): boolean {
    return !this.#closed && this.#channel.open;
  }

  #lost(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.onClose(error);
  }

  send(header: Record<string, unknown>, buffers: readonly Uint8Array[] = []): Promise<void> {
    if (!this.open)
      return Promise.reject(
        new EngineDiedError(`engine ${this.rank} is not connected`, { rank: this.rank }),
      );
    return this.#channel.send(header, buffers);
  }

  setDestination(id: number, fn: DestinationFn): void {
    this.#channel.setDestination(id, fn);
  }

  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#channel.ws.readyState === this.#channel.ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#channel.ws.once("close", () => resolve());
      this.#channel.close();
      setTimeout(() => {
        this.#channel.terminate();
        resolve();
      }, 1000).unref();
    });
  }
}

/**
 * Connects to the engine at `address` (`ws://host:port`) and authenticates with the cluster
 * key. Rejects with AuthenticationError (wrong key) or EngineDiedError (unreachable).
 */
export async function connectWebSocket(
  address: string,
  rank: number,
  options: TransportOptions,
): Promise<Transport> {
  const connectOpts: Parameters<typeof connectChannel>[2] = { key: options.key };
  if (options.pieceBytes !== undefined) connectOpts.pieceBytes = options.pieceBytes;
  if (options.maxFrameBytes !== undefined) connectOpts.maxFrameBytes = options.maxFrameBytes;
  if (options.connectTimeoutMs !== undefined)
    connectOpts.connectTimeoutMs = options.connectTimeoutMs;
  const { channel, welcome } = await connectChannel(
    address,
    { role: "client", clientId: options.clientId, peers: options.peers },
    connectOpts,
  ).catch((e: unknown) => {
    if (e instanceof Error && "code" in e && e.code !== "DA_ERR_ENGINE_DIED") throw e;
    throw new EngineDiedError(
      `engine ${rank} at ${address} is not reachable: ${e instanceof Error ? e.message : String(e)}`,
      { rank, cause: e },
    );
  });
  if (welcome.rank !== rank) {
    channel.close();
    throw new EngineDiedError(`engine at ${address} is rank ${welcome.rank}, not ${rank}`, {
      rank,
    });
  }
  return new WebSocketTransport(channel, rank, welcome.pid, options);
}
