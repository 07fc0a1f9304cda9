"""Jupyter kernel conformance (jupyter_kernel_test) for the DistArray (TypeScript) kernel.

Run with Debian's Python: /usr/bin/python3 test/kernel/kernel-conformance.py
JUPYTER_PATH must point at the folder holding kernels/distarray/kernel.json and the working
directory must be inside the repository (cells resolve imports from it).
Skipped: test_pager (the kernel has no pager payloads) and test_history (no history store).
"""

import sys
import unittest

import jupyter_kernel_test


class DistArrayKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "distarray"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "const n: number = 3;\nn * 2", "result": "6"},
    ]
    code_display_data = [
        {"code": 'jupyter.displayBundle({"text/plain": "x", "text/html": "<b>x</b>"})', "mime": "text/html"},
        {"code": "display([1, 2, 3]);", "mime": "text/plain"},
    ]
    code_clear_output = "jupyter.clearOutput()"
    code_inspect_sample = "Math.max"
    completion_samples = [{"text": "Math.ma", "matches": {"max"}}]
    complete_code_samples = ["1 + 1", "const x = 1;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "if (true) {", "const a = ["]


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    print(f"ran={result.testsRun} failures={len(result.failures)} errors={len(result.errors)} "
          f"skipped={','.join(sorted(t.id().split('.')[-1] for t, _ in result.skipped))}")
    sys.exit(0 if result.wasSuccessful() else 1)
