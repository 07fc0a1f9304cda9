// Build outputs are rebuilt only when an input changed: `npm test` runs `npm run build`, and
// the production bundle (about half a minute on 2 cores) should not be rebuilt every time.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    t = Math.max(t, newest(join(path, name)));
  }
  return t;
}

/** True when `stampFile` records `key` and is newer than every input. */
export function upToDate(stampFile, key, inputs) {
  if (!existsSync(stampFile)) return false;
  if (readFileSync(stampFile, "utf8") !== key) return false;
  const built = statSync(stampFile).mtimeMs;
  return inputs.every((p) => newest(p) <= built);
}

export function writeStamp(stampFile, key) {
  writeFileSync(stampFile, key);
}
