"""Serves the DistArray JupyterLab app (built into app/static by build-app.mjs).

Runs with Debian's Python and its jupyter_server + jupyterlab_server:

    /usr/bin/python3 labextension/app/distarray_lab.py [--root DIR] [--port N]

Binds 127.0.0.1 only, with a fresh random token, and keeps every Jupyter folder inside the
repository (build/jupyter/...), so nothing is written system-wide. Prints the URL to open,
with its token, as a line starting with "DistArray JupyterLab:".
"""

import argparse
import json
import os
import secrets
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STATIC = os.path.join(HERE, "static")
JUPYTER_BASE = os.path.join(REPO, "build", "jupyter")
# The same folders the kernel's kernelspec writer uses (kernel/src/jupyter/kernelspec.ts).
JUPYTER_DIRS = {
    "JUPYTER_PATH": os.path.join(JUPYTER_BASE, "path"),
    "JUPYTER_DATA_DIR": os.path.join(JUPYTER_BASE, "data"),
    "JUPYTER_CONFIG_DIR": os.path.join(JUPYTER_BASE, "config"),
    "JUPYTER_RUNTIME_DIR": os.path.join(JUPYTER_BASE, "runtime"),
}
for _name, _default in JUPYTER_DIRS.items():
    os.environ.setdefault(_name, _default)
    os.makedirs(os.environ[_name].split(os.pathsep)[0], exist_ok=True)
# Configuration files elsewhere on the machine must not change this app.
os.environ["JUPYTER_NO_CONFIG"] = "1"

from jupyterlab_server import LabServerApp  # noqa: E402
from traitlets import default  # noqa: E402

with open(os.path.join(HERE, "..", "package.json"), encoding="utf-8") as f:
    VERSION = json.load(f)["version"]

USER_DIR = os.path.join(os.environ["JUPYTER_DATA_DIR"], "lab")


def labextension_dirs():
    """Where prebuilt extensions are looked for: the repo-local Jupyter paths only."""
    paths = os.environ["JUPYTER_PATH"].split(os.pathsep) + [os.environ["JUPYTER_DATA_DIR"]]
    return [os.path.join(p, "labextensions") for p in paths if p]


class DistArrayLabApp(LabServerApp):
    # jupyter_server finds an extension app by its module name; this file runs as __main__.
    name = __name__
    app_name = "DistArray JupyterLab"
    app_version = VERSION
    extension_url = "/lab"
    default_url = "/lab"
    load_other_extensions = False
    app_url = "/lab"
    static_dir = STATIC
    templates_dir = os.path.join(HERE, "templates")
    schemas_dir = os.path.join(STATIC, "schemas")
    themes_dir = os.path.join(STATIC, "themes")
    app_settings_dir = os.path.join(STATIC, "application_settings")
    user_settings_dir = os.path.join(USER_DIR, "user-settings")
    workspaces_dir = os.path.join(USER_DIR, "workspaces")

    @default("labextensions_path")
    def _default_labextensions_path(self):
        return labextension_dirs()


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": DistArrayLabApp}]


def free_port():
    """A port that was free a moment ago on 127.0.0.1 (the server retries if it was taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv):
    parser = argparse.ArgumentParser(description="Serve the DistArray JupyterLab app.")
    parser.add_argument("--root", default=os.path.join(REPO, "notebooks"), help="notebook folder")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=None, help="default: a fresh random token")
    args, rest = parser.parse_known_args(argv)
    if not os.path.exists(os.path.join(STATIC, "bundle.js")):
        sys.exit("the app is not built: run `npm run build` (or `npm run setup`) first")
    token = args.token or secrets.token_hex(24)
    port = args.port or free_port()
    server_args = [
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={os.path.abspath(args.root)}",
        f"--ServerApp.token={token}",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_remote_access=False",
        "--ServerApp.disable_check_xsrf=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        server_args.append("--ServerApp.allow_root=True")
    DistArrayLabApp.launch_instance(argv=server_args + rest)


class _AnnounceUrl:
    """Prints the URL once the server listens (the port is known only then)."""

    @staticmethod
    def install():
        from jupyter_server.serverapp import ServerApp

        original = ServerApp.start_app

        def start_app(self):
            original(self)
            url = f"http://127.0.0.1:{self.port}/lab?token={self.token}"
            print(f"DistArray JupyterLab: {url}", flush=True)

        ServerApp.start_app = start_app


if __name__ == "__main__":
    _AnnounceUrl.install()
    main(sys.argv[1:])
