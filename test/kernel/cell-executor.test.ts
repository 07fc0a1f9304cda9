import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CellExecutor } from "@distarray/kernel/jupyter/cell-executor";
import { MagicRegistry } from "@distarray/kernel/jupyter/magics";
import { notebooksDir } from "./jupyter-env.js";

const magics = new MagicRegistry();
const printed: string[] = [];
let exec: CellExecutor;
const io = {
  print: (t: string) => printed.push(t),
  displayBundle: () => {},
  bind: (name: string, value: unknown) => {
    exec.locals[name] = value;
  },
};
magics.register({
  name: "setz",
  help: "",
  run: async (args, mio) => mio.bind("z", Number(args[0])),
});

before(async () => {
  exec = new CellExecutor({ rootDir: notebooksDir, magics });
  await exec.preload();
});
after(() => exec.close());

test("the last expression of a cell is its value; declarations carry over to later cells", async () => {
  assert.deepEqual(await exec.run("const q: number = 20;\nq + 1", io), {
    status: "ok",
    hasValue: true,
    value: 21,
  });
  assert.deepEqual(await exec.run("q * 2", io), { status: "ok", hasValue: true, value: 40 });
  assert.deepEqual(await exec.run("const unused = 1;", io), { status: "ok", hasValue: false });
});

test("da, jupyter and display are preloaded with types; ctx explains how to bind it", async () => {
  assert.deepEqual(
    await exec.run("typeof da.DistArrayError + typeof jupyter.display + typeof display", io),
    {
      status: "ok",
      hasValue: true,
      value: "functionfunctionfunction",
    },
  );
  const r = await exec.run("ctx.targets", io);
  assert.equal(r.status, "error");
  assert.equal(r.status === "error" && r.error.ename, "ContextError");
  assert.match(r.status === "error" ? r.error.evalue : "", /%dacluster start/);
});

test("a magic between TypeScript lines runs in order and keeps the cell's line numbers", async () => {
  assert.deepEqual(await exec.run("let z = 1;\n%setz 41\nz + 1", io), {
    status: "ok",
    hasValue: true,
    value: 42,
  });
  const bad = await exec.run("let w = 1;\n%setz 2\n\nw.nope()", io);
  assert.equal(bad.status, "error");
  assert.equal(bad.status === "error" && bad.error.ename, "TypeScriptError");
  assert.match(
    bad.status === "error" ? bad.error.evalue : "",
    /^Line 4, column 3: Property 'nope'/,
  );
});

test("a failing magic stops the cell: later lines do not run", async () => {
  const r = await exec.run('%unknown\nconsole.log("not reached")', io);
  assert.equal(r.status, "error");
  assert.match(r.status === "error" ? r.error.evalue : "", /unknown magic %unknown/);
});

test("object shorthand for a variable of an earlier cell works", async () => {
  assert.deepEqual(await exec.run("const owner = 7;", io), { status: "ok", hasValue: false });
  assert.deepEqual(await exec.run("({ owner })", io), {
    status: "ok",
    hasValue: true,
    value: { owner: 7 },
  });
});

test("runtime errors point at cell lines, also for functions of earlier cells", async () => {
  assert.equal(
    (
      await exec.run(
        'function boom(n: number) {\n  if (n > 1) {\n    throw new RangeError("n=" + n);\n  }\n}',
        io,
        { label: "In[1]" },
      )
    ).status,
    "ok",
  );
  const r = await exec.run("const k = 5;\n\nboom(k);", io, { label: "In[2]" });
  assert.equal(r.status, "error");
  const tb = r.status === "error" ? r.error.traceback : [];
  assert.equal(tb[0], "RangeError: n=5");
  assert.match(tb[1]!, /^\s+at boom \(In\[1\]:3:11\)$/);
  assert.match(tb[2]!, /^\s+at In\[2\]:3:1$/);
  assert.ok(!tb.some((l) => /distarray-cell-|evalmachine/.test(l)), tb.join("\n"));
});

test("top-level await works and rejections become errors", async () => {
  assert.deepEqual(await exec.run("await Promise.resolve(5)", io), {
    status: "ok",
    hasValue: true,
    value: 5,
  });
  const r = await exec.run('await Promise.reject(new RangeError("nope"))', io);
  assert.deepEqual(r.status === "error" && [r.error.ename, r.error.evalue], ["RangeError", "nope"]);
});

test("interrupt() stops a cell waiting on a promise that never settles", async () => {
  const running = exec.run("await new Promise(() => {})", io);
  setImmediate(() => exec.interrupt());
  const r = await running;
  assert.equal(r.status === "error" && r.error.ename, "InterruptedError");
  assert.deepEqual(await exec.run("1 + 1", io), { status: "ok", hasValue: true, value: 2 });
});

test("interrupt() stops a magic that is still running", async () => {
  let release: () => void = () => {};
  magics.register({
    name: "hang",
    help: "",
    run: () =>
      new Promise<void>((resolve) => {
        release = resolve;
      }),
  });
  const running = exec.run("%hang", io);
  setImmediate(() => exec.interrupt());
  const r = await running;
  release();
  assert.equal(r.status === "error" && r.error.ename, "InterruptedError");
});

test("completion, inspection and is_complete ignore magic lines", () => {
  const code = "%dacluster status\nMath.ma";
  assert.ok(exec.complete(code, code.length).candidates.includes("max"));
  assert.match(exec.inspect("Math.max", 8) ?? "", /max\(/);
  assert.equal(exec.isComplete("%dacluster\nfunction f() {").completed, false);
  assert.equal(exec.isComplete("%dacluster\n1 + 1").completed, true);
});
