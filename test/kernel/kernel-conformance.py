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
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<i>t</i>");', "mime": "text/html"},
    ]
    code_clear_output = "jupyter.clearOutput()"
    code_inspect_sample = "Math.max"
    completion_samples = [{"text": "Math.ma", "matches": {"max"}}]
    complete_code_samples = ["1 + 1", "const x = 1;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "if (true) {", "const a = ["]

    # interrupt_request on the control channel stops a cell that awaits forever.
    def test_interrupt_request_message(self):
        self.flush_channels()
        msg_id = self.kc.execute("await new Promise(() => {})")
        while True:
            msg = self.kc.get_iopub_msg(timeout=jupyter_kernel_test.TIMEOUT)
            if msg["msg_type"] == "execute_input" and msg["parent_header"].get("msg_id") == msg_id:
                break
        request = self.kc.session.msg("interrupt_request", {})
        self.kc.control_channel.send(request)
        reply = self.kc.get_control_msg(timeout=jupyter_kernel_test.TIMEOUT)
        self.assertEqual(reply["msg_type"], "interrupt_reply")
        self.assertEqual(reply["content"]["status"], "ok")
        execute_reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
        self.assertEqual(execute_reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(execute_reply["content"]["status"], "error")
        self.assertEqual(execute_reply["content"]["ename"], "InterruptedError")
        reply, outputs = self.execute_helper("40 + 2")
        self.assertEqual(reply["content"]["status"], "ok")


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    print(f"ran={result.testsRun} failures={len(result.failures)} errors={len(result.errors)} "
          f"skipped={','.join(sorted(t.id().split('.')[-1] for t, _ in result.skipped))}")
    sys.exit(0 if result.wasSuccessful() else 1)
