// Builds the prebuilt (federated) labextension into dist/federated/ with @jupyter/builder,
// against JupyterLab's core package list from @jupyterlab/core-meta; skipped when up to date.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { upToDate, writeStamp } from "./stale.mjs";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, "..");
const out = join(pkgDir, "dist", "federated", "@distarray", "labextension");
const stamp = join(pkgDir, "dist", ".federated-stamp");
const inputs = [
  join(pkgDir, "lib"),
  join(pkgDir, "style"),
  join(pkgDir, "package.json"),
  join(pkgDir, "federated.config.cjs"),
  join(pkgDir, "..", "kernel", "dist", "plot"),
  join(pkgDir, "..", "package-lock.json"),
];
if (!process.argv.includes("--force") && upToDate(stamp, "production", inputs)) {
  console.log(`prebuilt labextension is up to date: ${out}`);
  process.exit(0);
}
const builder = require.resolve("@jupyter/builder/lib/build-labextension.js");
const corePackage = require.resolve("@jupyterlab/core-meta/core.package.json");
const result = spawnSync(process.execPath, [builder, "--core-package-file", corePackage, pkgDir], {
  stdio: ["ignore", "inherit", "inherit"],
});
if (result.status !== 0) process.exit(result.status ?? 1);
writeStamp(stamp, "production");
console.log(`prebuilt labextension built: ${out}`);
