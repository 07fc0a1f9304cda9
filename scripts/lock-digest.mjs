// Prints the name@version list of a package-lock (or node_modules/.package-lock.json),
// so scripts/setup.sh can tell whether node_modules matches the lock file.
import { readFileSync } from "node:fs";

const lock = JSON.parse(readFileSync(process.argv[2], "utf8"));
const lines = Object.entries(lock.packages ?? {})
  .filter(([path]) => path.includes("node_modules/"))
  .map(([path, meta]) => `${path}@${meta.version ?? meta.resolved ?? ""}`)
  .sort();
process.stdout.write(`${lines.join("\n")}\n`);
