/**
 * The ws package, loaded with `require`. Its ES module entry (ws/wrapper.mjs) imports eight
 * CommonJS files, and node's ES module loader gives each such file (and every `require`
 * inside it) its own source scan and module records: an engine that imported ws that way
 * was 3-7 MiB larger at rest (resident memory) than one that required it.
 */
import { createRequire } from "node:module";
import type * as Ws from "ws";

const ws = createRequire(import.meta.url)("ws") as typeof Ws;

export const WebSocket = ws.WebSocket;
export type WebSocket = Ws.WebSocket;
export const WebSocketServer = ws.WebSocketServer;
export type WebSocketServer = Ws.WebSocketServer;
