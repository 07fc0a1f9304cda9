/**
 * Functions sent to the engines from notebook cells (ctx.apply, ctx.register), driven through
 * Debian's jupyter_server with @jupyterlab/services: the kernel's compiler rewrites names of
 * earlier cells, `da` among them, inside such functions; the engines resolve the engine-side
 * ones and explain the client-side ones.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { INTEGRATION_TIMEOUT_MS } from "./jupyter-env.js";
import { type CellRun, outputsOfType, useKernelSession } from "./kernel-session.js";

const session = useKernelSession();
const run = session.run;

/** The JSON a cell printed with console.log. */
function printed(r: CellRun): unknown {
  const text = outputsOfType(r, "stream")
    .filter((c) => c.name === "stdout")
    .map((c) => String(c.text))
    .join("");
  return JSON.parse(text);
}

function assertOk(r: CellRun): void {
  assert.equal(r.reply.status, "ok", JSON.stringify(r.outputs.map((m) => m.content)));
}

test("a function using da, run by ctx.apply and ctx.register from a later cell", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  assertOk(await run("%dacluster start -n 2"));
  assertOk(await run("const k = 3;"));
  const applied = await run(
    "const r = await ctx.apply((x: number) => da.DTYPES.length + x, [1]);\n" +
      "console.log(JSON.stringify({ r, expected: da.DTYPES.length + 1 }));",
  );
  assertOk(applied);
  const { r, expected } = printed(applied) as {
    r: number[];
    expected: number;
  };
  assert.ok(expected > 1);
  assert.deepEqual(r, [expected, expected]);
  // Engine-side names declared in an earlier cell resolve on the engines too.
  assertOk(await run("declare const rank: number;"));
  assertOk(
    await run(
      'ctx.register("tagged", (x: number) => new da.DistArrayError("e").code + (x + rank));',
    ),
  );
  const called = await run('console.log(JSON.stringify(await ctx.call("tagged", k)));');
  assertOk(called);
  assert.deepEqual(printed(called), ["DA_ERR_GENERIC3", "DA_ERR_GENERIC4"]);
});

test("a function using a variable of an earlier cell fails with a clear error", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const failed = await run("await ctx.apply((x: number) => x + k, [1])");
  assert.equal(failed.reply.status, "error");
  const error = outputsOfType(failed, "error")[0]!;
  assert.equal(error.ename, "EngineError");
  assert.match(
    String(error.evalue),
    /ReferenceError: the function refers to the client-side variable 'k', which does not exist on the engines \(closures over client variables are not shipped; pass values as arguments\)/,
  );
  // Passing the value as an argument is the way; the kernel and engines keep working.
  const passed = await run(
    "console.log(JSON.stringify(await ctx.apply((x: number, kk: number) => x + kk, [1, k])));",
  );
  assertOk(passed);
  assert.deepEqual(printed(passed), [4, 4]);
  assertOk(await run("%dacluster stop"));
});
