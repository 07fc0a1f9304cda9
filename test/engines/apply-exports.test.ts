// Functions shipped to engines as notebook cells compile them: tslab rewrites names declared by
// earlier cells (the preloaded `da` among them) to `exports.X`, also inside the function. The
// source texts below are exactly what such a function's toString() gives in a notebook.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError } from "distarray";
import { useTestContext } from "../helpers/engines.js";

const CLIENT_VARIABLE = /ReferenceError: the function refers to the client-side variable 'k'/;

describe("engine functions written in notebook cells (exports.X)", () => {
  const t = useTestContext(2);

  it("exports.da is the engine's da; exports.rank, comm and proxyize are the engine's", async () => {
    const dtypes = (await t.ctx.apply("(x) => exports.da.DTYPES.length + x", [1])) as number[];
    assert.equal(dtypes.length, 2);
    assert.ok(dtypes.every((v) => Number.isInteger(v) && v > 1));
    assert.deepEqual(await t.ctx.apply("(x) => exports.rank * 10 + x", [5]), [5, 15]);
    assert.deepEqual(await t.ctx.apply("async () => exports.comm.size"), [2, 2]);
    const keys = (await t.ctx.apply("() => exports.proxyize({ v: exports.rank })")) as string[];
    assert.deepEqual(await t.ctx.apply("(o) => o.v", [{ key: keys[0]! }], { targets: [0] }), [0]);
    const err = (await t.ctx.apply("() => new exports.da.DistArrayError('x').code")) as string[];
    assert.deepEqual(err, ["DA_ERR_GENERIC", "DA_ERR_GENERIC"]);
    // Method shorthand and registered functions get the same binding.
    t.ctx.register("dtypesPlus", "m(x) { return exports.da.DTYPES.length + x + exports.rank; }");
    const called = (await t.ctx.call("dtypesPlus", 100)) as number[];
    assert.equal(called[1]! - called[0]!, 1);
    assert.equal(called[0], dtypes[0]! + 99);
  });

  it("a client variable read through exports fails with a clear ReferenceError", async () => {
    await assert.rejects(
      t.ctx.apply("(x) => exports.da.DTYPES.length + x + exports.k", [1]),
      (e: unknown) =>
        e instanceof EngineError &&
        CLIENT_VARIABLE.test(e.message) &&
        /does not exist on the engines/.test(e.message) &&
        /pass values as arguments/.test(e.message),
    );
    t.ctx.register("usesK", "function (x) { return x + exports.k; }");
    await assert.rejects(t.ctx.call("usesK", 1), CLIENT_VARIABLE);
    await assert.rejects(t.ctx.apply("() => { exports.k = 2; }"), CLIENT_VARIABLE);
    // The engines keep working afterwards.
    assert.deepEqual(await t.ctx.apply("(x) => x + 1", [1]), [2, 2]);
  });
});
