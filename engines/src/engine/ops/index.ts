// Loads every op group; each file registers its ops with registerOp (op-types.ts) when
// imported. Add one entry per new ops/*.ts file to OP_GROUPS. A group that fails to load is
// logged and its ops answer with a ProtocolError (no handler); the engine still serves the others.
export const OP_GROUPS = [
  "./core-basic.js",
  "./core-apply.js",
  "./io-ops.js",
  "./array-create.js",
  "./array-elements.js",
  "./array-math.js",
  "./array-reduce.js",
  "./view-ops.js",
  "./redistribute.js",
  "./fancy.js",
];

/** Imports every op group (concurrently); resolves to the groups that failed, with their errors. */
export async function loadOps(
  log: (message: string) => void,
): Promise<{ group: string; error: unknown }[]> {
  const results = await Promise.allSettled(OP_GROUPS.map((group) => import(group)));
  const failed: { group: string; error: unknown }[] = [];
  results.forEach((r, i) => {
    if (r.status === "fulfilled") return;
    const error: unknown = r.reason;
    log(
      `op group ${OP_GROUPS[i]} failed to load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    failed.push({ group: OP_GROUPS[i]!, error });
  });
  return failed;
}
