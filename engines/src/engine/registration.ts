/**
 * Engine registration: how an engine started by a launcher (mpiexec, Slurm, ssh) tells the
 * starting client its rank and address. Newline-delimited JSON over one TCP connection, from
 * the engine to the client's registrar:
 *
 * 1. registrar -> engine: `{"t":"challenge","v":1,"nonce":N}` (16 random bytes, hex)
 * 2. engine -> registrar: `{"t":"register","v":1,"rank","size","address","pid","host",
 *    "memoryLimit","nonce":M,"tag"}` where tag = HMAC-SHA256(key, registerSigningText(N, msg)).
 * 3. registrar -> engine: `{"t":"registered","tag"}` with tag = HMAC-SHA256(key,
 *    "distarray-registered\n" + M + "\n" + rank), or `{"t":"refused","reason"}`.
 *
 * Only a holder of the cluster key can register (the tag is bound to the registrar's fresh
 * nonce, so it cannot be replayed), and the engine checks that the registrar holds it too.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { connect, type Socket } from "node:net";

export const REGISTRATION_VERSION = 1;

export interface RegisterMessage {
  t: "register";
  v: number;
  rank: number;
  size: number;
  /** `ws://host:port`, the address peers and clients connect to. */
  address: string;
  pid: number;
  /** The engine's host name (os.hostname()). */
  host: string;
  memoryLimit: number;
  nonce: string;
  tag: string;
}

function hmacHex(key: Uint8Array, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("hex");
}

/** The text an engine signs: bound to the registrar's nonce and every field it reports. */
export function registerSigningText(
  challenge: string,
  m: Omit<RegisterMessage, "t" | "v" | "tag">,
): string {
  return `distarray-register\n${challenge}\n${JSON.stringify([
    m.rank,
    m.size,
    m.address,
    m.pid,
    m.host,
    m.memoryLimit,
    m.nonce,
  ])}`;
}

export function registerTag(
  key: Uint8Array,
  challenge: string,
  m: Omit<RegisterMessage, "t" | "v" | "tag">,
): string {
  return hmacHex(key, registerSigningText(challenge, m));
}

export function registeredTag(key: Uint8Array, engineNonce: string, rank: number): string {
  return hmacHex(key, `distarray-registered\n${engineNonce}\n${rank}`);
}

/** Constant-time comparison of two hex tags. */
export function tagsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

export function newRegistrationNonce(): string {
  return randomBytes(16).toString("hex");
}

/** Validates the shape of a register message (not its tag). */
export function isRegisterMessage(x: unknown): x is RegisterMessage {
  if (typeof x !== "object" || x === null) return false;
  const m = x as Record<string, unknown>;
  return (
    m.t === "register" &&
    m.v === REGISTRATION_VERSION &&
    Number.isSafeInteger(m.rank) &&
    Number.isSafeInteger(m.size) &&
    typeof m.address === "string" &&
    Number.isSafeInteger(m.pid) &&
    typeof m.host === "string" &&
    typeof m.memoryLimit === "number" &&
    typeof m.nonce === "string" &&
    typeof m.tag === "string"
  );
}

/** Reads newline-delimited JSON values from a socket, one per `next()`. */
export class LineReader {
  #buf = "";
  #lines: string[] = [];
  #waiters: { resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  #error: Error | undefined;

  constructor(socket: Socket, maxBytes = 64 * 1024) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.#buf += chunk;
      if (this.#buf.length > maxBytes) {
        this.#fail(new Error("registration message too long"));
        socket.destroy();
        return;
      }
      let i = this.#buf.indexOf("\n");
      while (i >= 0) {
        this.#push(this.#buf.slice(0, i));
        this.#buf = this.#buf.slice(i + 1);
        i = this.#buf.indexOf("\n");
      }
    });
    socket.on("error", (e) => this.#fail(e));
    socket.on("close", () => this.#fail(new Error("the connection closed")));
  }

  #push(line: string): void {
    const w = this.#waiters.shift();
    if (w) w.resolve(line);
    else this.#lines.push(line);
  }

  #fail(e: Error): void {
    this.#error ??= e;
    for (const w of this.#waiters.splice(0)) w.reject(this.#error);
  }

  /** The next line parsed as JSON. */
  async next(): Promise<unknown> {
    let line = this.#lines.shift();
    if (line === undefined) {
      if (this.#error) throw this.#error;
      line = await new Promise<string>((resolve, reject) =>
        this.#waiters.push({ resolve, reject }),
      );
    }
    return JSON.parse(line);
  }
}

export interface RegisterOptions {
  /** `host:port` of the registrar (IPv6 hosts in brackets). */
  registrar: string;
  key: Uint8Array;
  rank: number;
  size: number;
  /** The engine's own address; a wildcard host is replaced by the address that reached the registrar. */
  address: string;
  pid: number;
  host: string;
  memoryLimit: number;
  timeoutMs: number;
}

/** Splits `host:port` / `[v6]:port`. */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`a registrar address is host:port; got '${s}'`);
  }
  return { host: m[1]!, port };
}

const WILDCARD = /^ws:\/\/(0\.0\.0\.0|\[::\])(:\d+)$/;

/**
 * Registers with the registrar; resolves to the address reported (a wildcard bind address is
 * replaced by the local address of the connection to the registrar). Rejects with a readable
 * message if the registrar is unreachable, refuses, or does not prove it holds the key.
 */
export function registerEngine(o: RegisterOptions): Promise<string> {
  const { host, port } = parseHostPort(o.registrar);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`registrar ${o.registrar} did not answer within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    const done = (e: Error | undefined, address?: string) => {
      clearTimeout(timer);
      socket.end();
      if (e) reject(e);
      else resolve(address!);
    };
    socket.once("error", (e) =>
      done(new Error(`cannot reach the registrar at ${o.registrar}: ${e.message}`)),
    );
    socket.once("connect", async () => {
      const lines = new LineReader(socket);
      try {
        const challenge = (await lines.next()) as { t?: unknown; nonce?: unknown };
        if (challenge?.t !== "challenge" || typeof challenge.nonce !== "string") {
          throw new Error("the registrar sent no challenge");
        }
        let address = o.address;
        const wild = WILDCARD.exec(address);
        if (wild && socket.localAddress) {
          const local = socket.localAddress.replace(/^::ffff:/, "");
          address = `ws://${local.includes(":") ? `[${local}]` : local}${wild[2]}`;
        }
        const body = {
          rank: o.rank,
          size: o.size,
          address,
          pid: o.pid,
          host: o.host,
          memoryLimit: o.memoryLimit,
          nonce: newRegistrationNonce(),
        };
        const msg: RegisterMessage = {
          t: "register",
          v: REGISTRATION_VERSION,
          ...body,
          tag: registerTag(o.key, challenge.nonce, body),
        };
        socket.write(`${JSON.stringify(msg)}\n`);
        const answer = (await lines.next()) as { t?: unknown; tag?: unknown; reason?: unknown };
        if (answer?.t === "refused") {
          throw new Error(`the registrar refused rank ${o.rank}: ${String(answer.reason)}`);
        }
        if (
          answer?.t !== "registered" ||
          typeof answer.tag !== "string" ||
          !tagsEqual(answer.tag, registeredTag(o.key, body.nonce, o.rank))
        ) {
          throw new Error("the registrar could not prove it holds the cluster key");
        }
        done(undefined, address);
      } catch (e) {
        done(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
