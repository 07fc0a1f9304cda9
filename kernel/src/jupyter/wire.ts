/**
 * The Jupyter wire protocol (messaging spec 5.3, "The Wire Protocol"): a message travels as
 * ZeroMQ frames `[...identities, "<IDS|MSG>", hmac, header, parent_header, metadata, content,
 * ...buffers]`, where `hmac` is the hex HMAC-SHA256 over the four JSON frames, keyed by the
 * connection file's `key`. Buffers are raw bytes and are not signed.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { ProtocolError } from "@distarray/engines/core";

/** The messaging protocol version this kernel speaks. */
export const PROTOCOL_VERSION = "5.3";

const DELIMITER = Buffer.from("<IDS|MSG>");

/** A message header (`header` and, when present, `parent_header`). */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded Jupyter message. `content` is validated by the handler for its `msg_type`. */
export interface JupyterMessage {
  identities: Buffer[];
  header: MessageHeader;
  parent_header: MessageHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Uint8Array[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isHeader(v: unknown): v is MessageHeader {
  return (
    isRecord(v) &&
    typeof v.msg_id === "string" &&
    typeof v.msg_type === "string" &&
    typeof v.session === "string"
  );
}

/** Signs and verifies frames with the connection key (an empty key turns signing off). */
export class Signer {
  readonly #key: string;
  readonly #scheme: string;

  constructor(key: string, scheme = "hmac-sha256") {
    if (key !== "" && scheme !== "hmac-sha256") {
      throw new ProtocolError(`signature scheme must be hmac-sha256; got ${scheme}`);
    }
    this.#key = key;
    this.#scheme = scheme;
  }

  get scheme(): string {
    return this.#scheme;
  }

  sign(frames: readonly Buffer[]): string {
    if (this.#key === "") return "";
    const h = createHmac("sha256", this.#key);
    for (const f of frames) h.update(f);
    return h.digest("hex");
  }

  verify(signature: string, frames: readonly Buffer[]): boolean {
    if (this.#key === "") return true;
    const want = Buffer.from(this.sign(frames));
    const got = Buffer.from(signature);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

/**
 * Decodes frames received on a ROUTER socket.
 * @throws ProtocolError when the delimiter is missing, the signature is wrong or a JSON frame
 * is malformed.
 */
export function decodeMessage(frames: readonly Buffer[], signer: Signer): JupyterMessage {
  const delim = frames.findIndex((f) => f.equals(DELIMITER));
  if (delim < 0 || frames.length < delim + 6) {
    throw new ProtocolError("a Jupyter message needs <IDS|MSG>, a signature and four JSON frames");
  }
  const signature = frames[delim + 1]!.toString("ascii");
  const parts = frames.slice(delim + 2, delim + 6);
  if (!signer.verify(signature, parts)) {
    throw new ProtocolError(`message signature does not match; got ${signature.slice(0, 16)}...`);
  }
  let decoded: unknown[];
  try {
    decoded = parts.map((p) => JSON.parse(p.toString("utf8")) as unknown);
  } catch (cause) {
    throw new ProtocolError("message frames must be JSON", { cause });
  }
  const [header, parent, metadata, content] = decoded;
  if (!isHeader(header)) {
    throw new ProtocolError("message header needs msg_id, msg_type and session strings");
  }
  return {
    identities: frames.slice(0, delim),
    header,
    parent_header: isHeader(parent) ? parent : {},
    metadata: isRecord(metadata) ? metadata : {},
    content: isRecord(content) ? content : {},
    buffers: frames.slice(delim + 6).map((b) => new Uint8Array(b.buffer, b.byteOffset, b.length)),
  };
}

/** What a kernel sends: a reply or a broadcast, with the request it answers (if any). */
export interface OutgoingMessage {
  msgType: string;
  content: Record<string, unknown>;
  parent?: MessageHeader | Record<string, never>;
  metadata?: Record<string, unknown>;
  identities?: Buffer[];
  buffers?: readonly (ArrayBufferView | ArrayBuffer)[];
}

/** Encodes a message into frames, signing the four JSON parts. */
export function encodeMessage(msg: OutgoingMessage, session: string, signer: Signer): Buffer[] {
  const header: MessageHeader = {
    msg_id: randomUUID(),
    session,
    username: "kernel",
    date: new Date().toISOString(),
    msg_type: msg.msgType,
    version: PROTOCOL_VERSION,
  };
  const parts = [header, msg.parent ?? {}, msg.metadata ?? {}, msg.content].map((p) =>
    Buffer.from(JSON.stringify(p), "utf8"),
  );
  const buffers = (msg.buffers ?? []).map((b) =>
    b instanceof ArrayBuffer ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
  return [
    ...(msg.identities ?? []),
    DELIMITER,
    Buffer.from(signer.sign(parts), "ascii"),
    ...parts,
    ...buffers,
  ];
}
