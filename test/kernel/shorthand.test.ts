import assert from "node:assert/strict";
import { test } from "node:test";
import { expandShorthand } from "@distarray/kernel/jupyter/shorthand";

test("object shorthand is written out in literals and destructuring assignments", () => {
  assert.equal(expandShorthand("const o = {owner};"), "const o = {owner: owner};");
  assert.equal(expandShorthand("f({ a, b: 2, c })"), "f({ a: a, b: 2, c: c })");
  assert.equal(expandShorthand("({ x, y = 1 } = p);"), "({ x: x, y: y = 1 } = p);");
});

test("code without shorthand is unchanged, binding patterns and types included", () => {
  for (const code of [
    "const { a, b } = obj;",
    "function f({ a }: { a: number }) { return a; }",
    "type T = { a: number };",
    "const s = `{a}`; // {b}",
    "1 + 1",
  ]) {
    assert.equal(expandShorthand(code), code);
  }
});

test("line numbers are kept", () => {
  const code = "const a = 1;\nconst o = { a };\n\nfoo(";
  assert.equal(expandShorthand(code).split("\n").length, code.split("\n").length);
});
