import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import { repoRoot } from "../helpers/paths.js";
import {
  INTEGRATION_TIMEOUT_MS,
  jupyterTestEnv,
  killLeftovers,
  notebooksDir,
  SYSTEM_PYTHON,
} from "./jupyter-env.js";

/**
 * Tests of jupyter_kernel_test 0.4.5 that apply to this kernel (pager and history do not), plus
 * our own interrupt_request test in the same module.
 */
const APPLICABLE = [
  "test_clear_output",
  "test_completion",
  "test_display_data",
  "test_error",
  "test_execute_result",
  "test_execute_stderr",
  "test_execute_stdout",
  "test_inspect",
  "test_is_complete",
  "test_kernel_info",
  "test_interrupt_request_message",
];

const env = jupyterTestEnv();
after(() => killLeftovers(env));

test("jupyter_kernel_test: every applicable conformance test passes", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const script = join(repoRoot, "test", "kernel", "kernel-conformance.py");
  const child = spawn(SYSTEM_PYTHON, [script], { cwd: notebooksDir, env });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, out);
  for (const name of APPLICABLE) {
    assert.match(
      out,
      new RegExp(`^${name} \\(.*\\) \\.\\.\\. ok$`, "m"),
      `${name} did not pass:\n${out}`,
    );
  }
  assert.match(out, /^OK \(skipped=\d+\)$/m);
});
