import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compileErrorContent,
  exceptionErrorContent,
  interruptErrorContent,
} from "@distarray/kernel/jupyter/error-content";
import * as da from "distarray";

test("compile errors name the cell line and column of every diagnostic", () => {
  const e = compileErrorContent([
    { line: 3, column: 1, message: "Cannot find name 'foo'." },
    { line: 3, column: 5, message: "')' expected." },
  ]);
  assert.equal(e.ename, "TypeScriptError");
  assert.equal(e.evalue, "Line 3, column 1: Cannot find name 'foo'. (and 1 more)");
  assert.deepEqual(e.traceback, [
    "Line 3, column 1: Cannot find name 'foo'.",
    "Line 3, column 5: ')' expected.",
  ]);
});

test("exceptions give ename, evalue and a traceback; DistArray errors show their code", () => {
  const e = exceptionErrorContent(
    new da.IndexError("index 9 is out of bounds for axis 0 with size 4"),
  );
  assert.equal(e.ename, "IndexError");
  assert.equal(e.evalue, "index 9 is out of bounds for axis 0 with size 4");
  assert.equal(
    e.traceback[0],
    "IndexError [DA_ERR_INDEX]: index 9 is out of bounds for axis 0 with size 4",
  );
  const plain = exceptionErrorContent(new TypeError("x is not a function"));
  assert.equal(plain.ename, "TypeError");
  assert.ok(plain.traceback.slice(1).every((l) => /^\s+at /.test(l)));
  assert.deepEqual(exceptionErrorContent("thrown string"), {
    ename: "Error",
    evalue: "thrown string",
    traceback: ["Uncaught thrown string"],
  });
});

test("interrupts (tslab's async and vm's SIGINT messages) become InterruptedError", () => {
  assert.deepEqual(
    exceptionErrorContent(new Error("Interrupted asynchronously")),
    interruptErrorContent(),
  );
  const sigint = Object.assign(new Error("Script execution was interrupted by `SIGINT`"), {
    code: "ERR_SCRIPT_EXECUTION_INTERRUPTED",
  });
  assert.equal(exceptionErrorContent(sigint).ename, "InterruptedError");
});
