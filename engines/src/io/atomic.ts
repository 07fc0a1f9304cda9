/**
 * Atomic replacement of files and directories: everything is written under a temporary
 * name beside the target and renamed into place only when complete, so a failed or
 * interrupted write never leaves a half-written file where a good one stood.
 */
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DistArrayError } from "../core/errors.js";

/** The marker in temporary names (`.<name>.da-tmp-<hex>`). */
export const TEMP_MARKER = ".da-tmp-";

/** A fresh temporary path in the same directory as `target` (same file system, so rename is atomic). */
export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}${TEMP_MARKER}${randomBytes(6).toString("hex")}`,
  );
}

/** Moves a finished temporary file or directory onto `target`, replacing what was there. */
export function commitTemp(temp: string, target: string): void {
  if (!existsSync(temp)) {
    throw new DistArrayError(`cannot commit ${target}: its temporary copy ${temp} is missing`, {
      code: "DA_ERR_VALUE",
    });
  }
  if (statSync(temp).isDirectory() && existsSync(target)) {
    // rename(2) cannot replace a non-empty directory: swap through a second temp name.
    const old = tempPathFor(target);
    renameSync(target, old);
    try {
      renameSync(temp, target);
    } catch (e) {
      renameSync(old, target);
      throw e;
    }
    rmSync(old, { recursive: true, force: true });
    return;
  }
  renameSync(temp, target);
}

/** Removes a temporary file or directory (no error if it is already gone). */
export function discardTemp(temp: string): void {
  rmSync(temp, { recursive: true, force: true });
}
