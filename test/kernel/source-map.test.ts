import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeMappings,
  decodeVlq,
  inlineMappings,
  SourceMap,
} from "@distarray/kernel/jupyter/source-map";

test("Base64 VLQ groups decode to signed integers", () => {
  assert.deepEqual(decodeVlq("AAAA"), [0, 0, 0, 0]);
  assert.deepEqual(decodeVlq("AACA"), [0, 0, 1, 0]);
  assert.deepEqual(decodeVlq("D"), [-1]);
  assert.deepEqual(decodeVlq("gB"), [16]);
  assert.deepEqual(decodeVlq("2HktC"), [123, 1234]);
  assert.throws(() => decodeVlq("A!"), /not a base64 VLQ digit/);
});

test("mappings decode per generated line with running source positions", () => {
  const lines = decodeMappings("AAAA,IAAI;AACA;;EAAE");
  assert.deepEqual(lines[0], [
    { column: 0, sourceLine: 0, sourceColumn: 0 },
    { column: 4, sourceLine: 0, sourceColumn: 4 },
  ]);
  assert.deepEqual(lines[1], [{ column: 0, sourceLine: 1, sourceColumn: 4 }]);
  assert.deepEqual(lines[2], []);
  assert.deepEqual(lines[3], [{ column: 2, sourceLine: 1, sourceColumn: 6 }]);
});

test("lookup takes the last segment at or before the column", () => {
  const map = new SourceMap("AAAA,IAAI;AACA");
  assert.deepEqual(map.lookup(0, 0), { line: 0, column: 0 });
  assert.deepEqual(map.lookup(0, 9), { line: 0, column: 4 });
  assert.deepEqual(map.lookup(1, 3), { line: 1, column: 4 });
  assert.equal(map.lookup(5, 0), undefined);
});

test("inline map comments are found in order", () => {
  const json = (m: string) =>
    Buffer.from(JSON.stringify({ version: 3, mappings: m })).toString("base64");
  const code = `x\n//# sourceMappingURL=data:application/json;base64,${json("AAAA")}\n//# sourceMappingURL=data:application/json;base64,${json("AACA")}\n`;
  assert.deepEqual(inlineMappings(code), ["AAAA", "AACA"]);
});
