#!/usr/bin/env node
/**
 * Opt-in: installs the DistArray (TypeScript) kernelspec into your own Jupyter, so any Jupyter
 * on this machine can start the kernel of this checkout.
 *
 *   node kernel/dist/cli/install-kernelspec.js [--prefix DIR] [--name NAME]
 *
 * Default target: your Jupyter data folder (JUPYTER_DATA_DIR, else ~/.local/share/jupyter on
 * Linux). With --prefix, DIR/share/jupyter (as `jupyter kernelspec install --prefix`).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { KERNEL_NAME, userJupyterDataDir, writeKernelSpec } from "../jupyter/kernelspec.js";

const { values } = parseArgs({
  options: {
    prefix: { type: "string" },
    name: { type: "string", default: KERNEL_NAME },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(
    "usage: install-kernelspec [--prefix DIR] [--name NAME]\n" +
      "Installs the DistArray (TypeScript) kernelspec for your own Jupyter.\n",
  );
} else {
  const dataDir = values.prefix ? join(values.prefix, "share", "jupyter") : userJupyterDataDir();
  const dir = writeKernelSpec(dataDir, { name: values.name });
  process.stdout.write(`installed kernelspec ${values.name} in ${dir}\n`);
}
