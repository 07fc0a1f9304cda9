import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from build/test/..., so walk up from there). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
