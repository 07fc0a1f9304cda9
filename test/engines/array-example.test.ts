// The acceptance example, run as a plain script in a child process from the
// repository root (`import * as da from "distarray"` resolves there).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, it } from "node:test";
import { useTempHome } from "../helpers/engines.js";
import { repoRoot } from "../helpers/paths.js";

const SCRIPT = `
import * as da from "distarray";
const ctx = await da.Context.start({engines: 4});
const a = ctx.fromFunction((i, j) => i + j, [8, 8], {dist: 'bc'});
console.log((await a.sum().item()), (await a.sum({axis: 0}).toArray()).toString());
await ctx.close();
`;

let child: ChildProcess | undefined;
const home = useTempHome();

after(() => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
});

it("prints 448 and the column sums of fromFunction(i + j) over 4 engines", async () => {
  child = spawn(process.execPath, ["--input-type=module", "-e", SCRIPT], {
    cwd: repoRoot,
    env: { ...process.env, DISTARRAY_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child!.on("exit", resolve));
  assert.equal(code, 0, `script failed: ${err}`);
  assert.equal(out, "448 [28. 36. 44. 52. 60. 68. 76. 84.]\n");
});
