/**
 * The protocol v1 handshake, on a fresh WebSocket with subprotocol `distarray.v1`:
 *
 * 1. acceptor -> connector: challenge `{t:'challenge', v, nonce: A, rank, pid}`, seq 0, tag
 *    context (zeros, zeros, fromAcceptor).
 * 2. connector -> acceptor: hello `{t:'hello', v, nonce: C, role, clientId, ...}`, seq 0, tag
 *    context (A, zeros, fromConnector). Only a holder of the key can produce it, and it is
 *    bound to this connection's A.
 * 3. acceptor -> connector: welcome `{t:'welcome', rank, pid, memoryLimit}`, seq 1, context
 *    (A, C, fromAcceptor): proves the engine holds the key too.
 * Then both sides use contexts (A, C, direction); connector frames continue at seq 1,
 * acceptor frames at seq 2. A failed handshake closes the socket with code 4401.
 */
import { AuthenticationError, EngineDiedError, ProtocolError } from "../../core/errors.js";
import {
  type ChallengeMessage,
  DIRECTION,
  type HelloMessage,
  isChallengeMessage,
  isHelloMessage,
  isWelcomeMessage,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  type WelcomeMessage,
} from "../../core/protocol.js";
import { authContext } from "../../core/protocol-frame.js";
import {
  Channel,
  type ChannelOptions,
  newNonce,
  openFrame,
  signFrame,
  WIRE_DEFAULTS,
} from "./channel.js";
import { WebSocket } from "./ws.js";

/** Close code for a failed handshake. */
export const CLOSE_AUTH_FAILED = 4401;

export interface ConnectOptions extends ChannelOptions {
  maxFrameBytes?: number;
  connectTimeoutMs?: number;
}

/**
 * Opens a WebSocket to `url`, runs the handshake as connector and resolves to the channel and
 * the engine's welcome. Rejects with AuthenticationError (bad key), ProtocolError or
 * EngineDiedError (refused, closed or timed out).
 */
export function connectChannel(
  url: string,
  hello: Omit<HelloMessage, "t" | "v" | "nonce">,
  options: ConnectOptions,
): Promise<{ channel: Channel; welcome: WelcomeMessage; challenge: ChallengeMessage }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, SUBPROTOCOL, {
      perMessageDeflate: false,
      maxPayload: options.maxFrameBytes ?? WIRE_DEFAULTS.maxFrameBytes,
      // Client frames need no mask between our own processes; a zero mask skips the copy.
      generateMask: (mask: Buffer) => {
        mask.fill(0);
      },
    });
    const key = options.key;
    let challenge: ChallengeMessage | undefined;
    let connectorNonce: Uint8Array | undefined;
    let done = false;
    const timer = setTimeout(
      () =>
        fail(
          new EngineDiedError(
            `no handshake from ${url} within ${options.connectTimeoutMs ?? WIRE_DEFAULTS.connectTimeoutMs} ms`,
          ),
        ),
      options.connectTimeoutMs ?? WIRE_DEFAULTS.connectTimeoutMs,
    );
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.removeAllListeners("message");
      ws.terminate();
      reject(e);
    };
    ws.on("error", (e) =>
      fail(new EngineDiedError(`cannot connect to ${url}: ${e.message}`, { cause: e })),
    );
    ws.on("close", (code, reason) =>
      fail(
        code === CLOSE_AUTH_FAILED
          ? new AuthenticationError(`engine at ${url} refused the handshake: ${reason.toString()}`)
          : new EngineDiedError(`connection to ${url} closed during the handshake (code ${code})`),
      ),
    );
    const onMessage = (data: unknown) => {
      try {
        if (!challenge) {
          const h = openFrame(
            key,
            authContext(undefined, undefined, DIRECTION.fromAcceptor),
            0,
            data,
          );
          if (!isChallengeMessage(h)) throw new ProtocolError("expected a challenge message");
          if (h.v !== PROTOCOL_VERSION)
            throw new ProtocolError(`engine speaks protocol ${h.v}, not ${PROTOCOL_VERSION}`);
          challenge = h;
          connectorNonce = newNonce();
          const msg: HelloMessage = {
            t: "hello",
            v: PROTOCOL_VERSION,
            nonce: connectorNonce,
            ...hello,
          };
          ws.send(signFrame(key, authContext(h.nonce, undefined, DIRECTION.fromConnector), 0, msg));
          return;
        }
        const w = openFrame(
          key,
          authContext(challenge.nonce, connectorNonce, DIRECTION.fromAcceptor),
          1,
          data,
        );
        if (!isWelcomeMessage(w)) throw new ProtocolError("expected a welcome message");
        done = true;
        clearTimeout(timer);
        ws.removeListener("message", onMessage);
        ws.removeAllListeners("close");
        ws.removeAllListeners("error");
        const channel = new Channel(
          ws,
          "connector",
          {
            acceptorNonce: challenge.nonce,
            connectorNonce: connectorNonce!,
            sendSeq: 1,
            recvSeq: 2,
          },
          options,
        );
        resolve({ channel, welcome: w, challenge });
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
    };
    ws.on("message", onMessage);
  });
}

export interface AcceptOptions extends ChannelOptions {
  rank: number;
  /** Checks the hello and returns the welcome, or throws to refuse. */
  onHello: (hello: HelloMessage) => WelcomeMessage;
  /** Called when the handshake fails (logging). */
  onFailure: (error: Error) => void;
  connectTimeoutMs?: number;
}

/** Runs the handshake as acceptor on a fresh server-side socket. */
export function acceptChannel(
  ws: WebSocket,
  options: AcceptOptions,
): Promise<{ channel: Channel; hello: HelloMessage }> {
  return new Promise((resolve, reject) => {
    const key = options.key;
    const acceptorNonce = newNonce();
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.removeAllListeners("message");
      options.onFailure(e);
      if (ws.readyState === ws.OPEN) ws.close(CLOSE_AUTH_FAILED, e.message.slice(0, 120));
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new AuthenticationError("no hello within the handshake time limit")),
      options.connectTimeoutMs ?? WIRE_DEFAULTS.connectTimeoutMs,
    );
    timer.unref();
    ws.on("error", (e) => fail(e));
    ws.on("close", () => fail(new EngineDiedError("connection closed during the handshake")));
    const challenge: ChallengeMessage = {
      t: "challenge",
      v: PROTOCOL_VERSION,
      nonce: acceptorNonce,
      rank: options.rank,
      pid: process.pid,
    };
    ws.send(
      signFrame(key, authContext(undefined, undefined, DIRECTION.fromAcceptor), 0, challenge),
    );
    const onMessage = (data: unknown, isBinary: boolean) => {
      try {
        if (!isBinary) throw new ProtocolError("text messages are not accepted");
        const h = openFrame(
          key,
          authContext(acceptorNonce, undefined, DIRECTION.fromConnector),
          0,
          data,
        );
        if (!isHelloMessage(h)) throw new ProtocolError("expected a hello message");
        if (h.v !== PROTOCOL_VERSION)
          throw new ProtocolError(`client speaks protocol ${h.v}, not ${PROTOCOL_VERSION}`);
        const welcome = options.onHello(h);
        ws.send(
          signFrame(key, authContext(acceptorNonce, h.nonce, DIRECTION.fromAcceptor), 1, welcome),
        );
        done = true;
        clearTimeout(timer);
        ws.removeListener("message", onMessage);
        ws.removeAllListeners("close");
        ws.removeAllListeners("error");
        const channel = new Channel(
          ws,
          "acceptor",
          { acceptorNonce, connectorNonce: h.nonce, sendSeq: 2, recvSeq: 1 },
          options,
        );
        resolve({ channel, hello: h });
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
    };
    ws.on("message", onMessage);
  });
}
