import assert from "node:assert/strict";
import { test } from "node:test";
import { blankMagics, MagicRegistry, splitCell, tokenize } from "@distarray/kernel/jupyter/magics";

test("splitCell keeps code lines where they were so diagnostics report cell line numbers", () => {
  const cell = "const n = 2;\n%dacluster start -n 4\nconst a = 1;\n\nfoo(";
  const segs = splitCell(cell);
  assert.equal(segs.length, 3);
  assert.deepEqual(segs[0], { kind: "code", code: "const n = 2;", line: 0 });
  assert.deepEqual(segs[1], {
    kind: "magic",
    name: "dacluster",
    args: ["start", "-n", "4"],
    line: 1,
    text: "%dacluster start -n 4",
  });
  assert.equal(segs[2]!.kind, "code");
  const code = (segs[2] as { code: string }).code;
  assert.equal(code.split("\n").length, 5);
  assert.equal(code.split("\n")[4], "foo(");
  assert.equal(code.split("\n")[2], "const a = 1;");
});

test("splitCell drops blank code segments and handles a magic-only cell", () => {
  assert.deepEqual(
    splitCell("%dacluster").map((s) => s.kind),
    ["magic"],
  );
  assert.deepEqual(
    splitCell("\n%dacluster stop\n\n").map((s) => s.kind),
    ["magic"],
  );
  assert.deepEqual(splitCell("x % 2"), [{ kind: "code", code: "x % 2", line: 0 }]);
});

test("blankMagics keeps offsets; tokenize groups quotes and rejects an open quote", () => {
  const cell = "%dacluster status\nMath.ma";
  const blank = blankMagics(cell);
  assert.equal(blank.length, cell.length);
  assert.equal(blank.indexOf("Math"), cell.indexOf("Math"));
  assert.deepEqual(tokenize(` start --cluster "my c" -n 3 `), [
    "start",
    "--cluster",
    "my c",
    "-n",
    "3",
  ]);
  assert.throws(() => tokenize(`start "oops`), /close every quote/);
});

test("MagicRegistry runs a registered magic and names the known ones for an unknown one", async () => {
  const reg = new MagicRegistry();
  const seen: string[][] = [];
  reg.register({
    name: "echo",
    help: "",
    run: async (args) => {
      seen.push(args);
    },
  });
  const io = { print: () => {}, displayBundle: () => {}, bind: () => {} };
  await reg.run("echo", ["a", "b"], io);
  assert.deepEqual(seen, [["a", "b"]]);
  await assert.rejects(reg.run("nope", [], io), /unknown magic %nope; available magics: %echo/);
});

test("completion offers magic names after % and subcommands after the name", () => {
  const reg = new MagicRegistry();
  reg.register({
    name: "dacluster",
    help: "",
    subcommands: ["start", "stop", "status"],
    run: async () => {},
  });
  const code = "const x = 1;\n%dac";
  assert.deepEqual(reg.complete(code, code.length), {
    start: 13,
    end: code.length,
    candidates: ["%dacluster"],
  });
  const sub = "%dacluster st";
  assert.deepEqual(reg.complete(sub, sub.length), {
    start: 11,
    end: 13,
    candidates: ["start", "stop", "status"],
  });
  assert.equal(reg.complete("Math.ma", 7), undefined);
  assert.deepEqual(reg.complete("%dacluster start -n ", 20)?.candidates, []);
});
