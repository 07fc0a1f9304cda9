/**
 * TCP sink for the raw-TCP baseline: listens on 127.0.0.1 (port 0), prints `{"port": n}` on
 * stdout, then on its one connection counts incoming bytes and answers one byte each time
 * `argv[2]` bytes have arrived. Exits when the connection closes.
 */
import { createServer } from "node:net";

const transferBytes = Number(process.argv[2]);
if (!Number.isSafeInteger(transferBytes) || transferBytes <= 0) {
  console.error("usage: tcp-sink <bytes per transfer>");
  process.exit(2);
}

const ack = Buffer.from([1]);
const server = createServer((socket) => {
  let received = 0;
  socket.on("data", (chunk: Buffer) => {
    received += chunk.length;
    while (received >= transferBytes) {
      received -= transferBytes;
      socket.write(ack);
    }
  });
  socket.on("close", () => server.close());
  socket.on("error", () => server.close());
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
