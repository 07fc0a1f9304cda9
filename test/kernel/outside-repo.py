"""Starts the DistArray kernel in a folder outside the repository and runs a few cells there.

Usage: /usr/bin/python3 test/kernel/outside-repo.py FOLDER
Prints one JSON line: the text/plain result (or the error) of each cell.
"""

import json
import sys

from jupyter_client.manager import start_new_kernel

CELLS = [
    "typeof da.Context + ' ' + typeof display",
    "const xs: number[] = [1, 2, 3];\nxs.map((x) => x * 2)",
    "import { tmpdir } from 'node:os';\ntypeof tmpdir()",
]


def main(folder):
    km, kc = start_new_kernel(kernel_name="distarray", cwd=folder, startup_timeout=120)
    results = []
    try:
        for code in CELLS:
            out = []

            def hook(msg):
                if msg["msg_type"] == "execute_result":
                    out.append(msg["content"]["data"]["text/plain"])
                elif msg["msg_type"] == "error":
                    out.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

            kc.execute_interactive(code, output_hook=hook, timeout=120)
            results.append("".join(out))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
