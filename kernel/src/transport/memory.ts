/**
 * The in-memory Transport: a Context talks to EngineServer objects in the same process
 * through message endpoints, with no sockets (headers still go through the codec and
 * buffers are copied as on the wire). For tests and embedding.
 */

import { EngineDiedError } from "@distarray/engines/core";
import type { EngineServer } from "@distarray/engines/engine/server";
import { type MessageEndpoint, memoryPair } from "@distarray/engines/engine/wire/endpoint";
import { type DestinationFn, type Transport, undeliverable } from "./transport.js";

class MemoryTransport implements Transport {
  readonly rank: number;
  readonly pid = process.pid;
  onMessage: (header: unknown, buffers: Uint8Array[]) => void = () => {};
  onClose: (error: Error) => void = () => {};
  #end: MessageEndpoint;

  constructor(end: MessageEndpoint, rank: number) {
    this.#end = end;
    this.rank = rank;
    end.onMessage = (header, buffers, error) => {
      if (error) this.onMessage(undeliverable(header, error, rank), []);
      else this.onMessage(header, buffers);
    };
    end.onClose = (e) =>
      this.onClose(
        new EngineDiedError(`engine ${rank} closed its connection: ${e.message}`, {
          rank,
          cause: e,
        }),
      );
  }

  get open(): boolean {
    return this.#end.open;
  }

  send(header: Record<string, unknown>, buffers: readonly Uint8Array[] = []): Promise<void> {
    return this.#end.send(header, buffers);
  }

  setDestination(id: number, fn: DestinationFn): void {
    this.#end.setDestination(id, fn);
  }

  async close(): Promise<void> {
    this.#end.close();
  }
}

/**
 * Connects to an in-process engine server. `peers` are the addresses of all engines (for
 * their mesh); give the servers' `address` after `listen()` when collectives are used.
 */
export function connectInMemory(
  server: EngineServer,
  options: { clientId: string; peers?: { rank: number; address: string }[] },
): Transport {
  const [client, engine] = memoryPair({ allocateB: (n) => server.pool.allocateBytes(n) });
  server.attachClient(
    engine,
    options.peers
      ? { clientId: options.clientId, peers: options.peers }
      : { clientId: options.clientId },
  );
  return new MemoryTransport(client, server.rank);
}
