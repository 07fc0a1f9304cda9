import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as da from "distarray";
import { repoRoot } from "../helpers/paths.js";

test("every error code has a paragraph in docs/errors.md and no paragraph lacks a code", () => {
  const doc = readFileSync(join(repoRoot, "docs", "errors.md"), "utf8");
  const documented = [...doc.matchAll(/^## `(DA_ERR_[A-Z_]+)`/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, Object.keys(da.ERROR_CODES).sort());
});

test("error classes carry their default code, rank and cause", () => {
  const cause = new Error("inner");
  const e = new da.MemoryLimitError("needs 10 GiB; limit is 1 GiB", { rank: 2, cause });
  assert.ok(e instanceof da.DistArrayError);
  assert.equal(e.code, "DA_ERR_MEMORY_LIMIT");
  assert.equal(e.rank, 2);
  assert.equal(e.cause, cause);
  assert.equal(e.name, "MemoryLimitError");
  const v = new da.DistArrayError("bad", { code: "DA_ERR_VALUE" });
  assert.equal(v.code, "DA_ERR_VALUE");
  assert.equal(
    new da.EngineError("x", { rank: 1, remoteCode: "DA_ERR_INDEX" }).remoteCode,
    "DA_ERR_INDEX",
  );
});
