/**
 * WebSocket echo server for the raw-ws baseline: listens on 127.0.0.1 (port 0), prints
 * `{"port": n}` on stdout and sends every binary message straight back. No compression.
 * Exits when its client disconnects.
 */
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
server.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on("close", () => server.close());
});
server.on("listening", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
