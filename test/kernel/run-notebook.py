"""Executes a notebook headless with the DistArray kernel and fails on any error output.

Usage: /usr/bin/python3 test/kernel/run-notebook.py NOTEBOOK OUTPUT
Runs in the notebook's folder, writes the executed notebook to OUTPUT, exits 1 (printing the
failing cell) when a cell raises or any output is of type "error".
"""

import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

CELL_TIMEOUT_S = 180


def main(path, out):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="distarray",
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    failed = None
    try:
        client.execute()
    except CellExecutionError as e:
        failed = str(e)
    nbformat.write(nb, out)
    errors = [
        (i, o)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    for i, o in errors:
        print(f"cell {i}: {o.get('ename')}: {o.get('evalue')}")
    if failed or errors:
        print(failed or "error output found")
        return 1
    print(f"executed {path}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells, no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
