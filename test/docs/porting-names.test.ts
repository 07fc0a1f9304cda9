// The porting guide's tables name TypeScript counterparts as inline code (`da.makeGridShape`,
// `ctx.saveDnpy(...)`, `a.localShapes()`, `la.globalShape`, ...). Every such name must exist
// in the library, so the guide cannot drift from the API. Receivers, as the chapter uses them:
// da = the package, ctx = Context, ctx.random = Random, a = DistArray, d = Distribution,
// la = LocalArray, la.distribution = LocalDistribution, la.ndarray = NDArray, map = an axis map.
// Names are looked up on real instances (a 1-engine context), so fields count as well as methods.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as da from "distarray";
import { useTestContext } from "../helpers/engines.js";
import { repoRoot } from "../helpers/paths.js";

const PORTING = join(repoRoot, "docs", "guide", "13-porting.md");

/** Receiver -> the object whose properties (own or inherited) it offers. */
function receivers(ctx: da.Context): [RegExp, object][] {
  const a = ctx.zeros([4, 4], { dist: "bc" });
  const d = a.distribution;
  const la = new da.LocalArray(d.forRank(0), "float64");
  return [
    [/\bctx\.random\.(\w+)/g, ctx.random],
    [/\bla\.distribution\.(\w+)/g, la.distribution],
    [/\bla\.ndarray\.(\w+)/g, la.ndarray],
    [/\bda\.widgets\.(\w+)/g, da.widgets],
    [/\bda\.(?!widgets\.)(\w+)/g, da],
    [/\bctx\.(?!random\.)(\w+)/g, ctx],
    [/(?<![.\w])a\.(\w+)/g, a],
    [/(?<![.\w])d\.(\w+)/g, d],
    [/(?<![.\w])la\.(?!distribution\.|ndarray\.)(\w+)/g, la],
    [/(?<![.\w])map\.(\w+)/g, d.maps[0]!],
  ];
}

/** Static members named on a class: `da.Distribution.fromShape`, `da.LocalArray.zeros`. */
function staticMember(span: string): [string, string][] {
  return [...span.matchAll(/\bda\.([A-Z]\w+)\.(\w+)/g)].map((m) => [m[1]!, m[2]!]);
}

describe("porting guide", () => {
  const t = useTestContext(1);

  it("names only TypeScript members that exist", () => {
    const text = readFileSync(PORTING, "utf8").replace(/```[\s\S]*?```/g, "");
    const spans = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const missing: string[] = [];
    let checked = 0;
    const targets = receivers(t.ctx);
    for (const span of spans) {
      for (const [re, target] of targets) {
        for (const m of span.matchAll(re)) {
          checked++;
          if (!(m[1]! in target)) missing.push(`${m[0]} (in \`${span}\`)`);
        }
      }
      for (const [cls, member] of staticMember(span)) {
        const c = (da as Record<string, unknown>)[cls];
        if (typeof c !== "function" || !(member in c)) missing.push(`da.${cls}.${member}`);
      }
    }
    assert.ok(checked > 150, `checked ${checked} names`);
    assert.deepEqual(missing, []);
  });
});
