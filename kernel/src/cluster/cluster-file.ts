/**
 * Cluster files: `<DISTARRAY_HOME>/clusters/<name>.json` (DISTARRAY_HOME defaults to
 * ~/.distarray). The folder is created with mode 0700, the file with 0600: it holds the
 * cluster key, the HMAC secret every frame is signed with. Engine logs go to
 * `<DISTARRAY_HOME>/clusters/<name>/engine-<rank>.log`.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { DistArrayError } from "@distarray/engines/core";
import type { LauncherName, LaunchRecord } from "./launchers/common.js";

/** Version of the cluster file format. */
export const CLUSTER_FILE_VERSION = 1;

export interface ClusterEngine {
  rank: number;
  pid: number;
  /** `ws://host:port` */
  address: string;
  /** The host it runs on (launchers other than local: the name it was started on). */
  host?: string;
}

export interface ClusterFile {
  version: number;
  name: string;
  /** The cluster key, base64. */
  key: string;
  launcher: LauncherName;
  /** What mpiexec, Slurm or ssh started (to stop or restart it); absent for local. */
  launch?: LaunchRecord;
  /** Per-engine memory limit in bytes. */
  memoryLimit: number;
  /** Interface the engines listen on. */
  host: string;
  /** True for a private cluster of Context.start. */
  private: boolean;
  created: string;
  engines: ClusterEngine[];
}

/** The DistArray home folder: $DISTARRAY_HOME or ~/.distarray. */
export function distarrayHome(): string {
  return process.env.DISTARRAY_HOME || join(homedir(), ".distarray");
}

export function clustersDir(): string {
  return join(distarrayHome(), "clusters");
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Throws DistArrayError (DA_ERR_VALUE) unless `name` is a valid cluster name. */
export function checkClusterName(name: string): void {
  if (typeof name !== "string") throw new TypeError("a cluster name is a string");
  if (!NAME_RE.test(name)) {
    throw new DistArrayError(
      `a cluster name is 1-64 letters, digits, '_', '.', '-'; got '${name}'`,
      {
        code: "DA_ERR_VALUE",
      },
    );
  }
}

export function clusterFilePath(name: string): string {
  checkClusterName(name);
  return join(clustersDir(), `${name}.json`);
}

export function clusterLogDir(name: string): string {
  checkClusterName(name);
  return join(clustersDir(), name);
}

/** Creates the clusters folder (0700) and the cluster's log folder (0700). */
export async function ensureClusterDirs(name: string): Promise<void> {
  await mkdir(clusterLogDir(name), { recursive: true, mode: 0o700 });
  await chmod(distarrayHome(), 0o700).catch(() => undefined);
  await chmod(clustersDir(), 0o700);
  await chmod(clusterLogDir(name), 0o700);
}

/** Writes the file atomically with mode 0600. */
export async function writeClusterFile(file: ClusterFile): Promise<void> {
  await ensureClusterDirs(file.name);
  const path = clusterFilePath(file.name);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** Reads a cluster file; DistArrayError (DA_ERR_CLUSTER) if there is none or it is malformed. */
export async function readClusterFile(name: string): Promise<ClusterFile> {
  const path = clusterFilePath(name);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new DistArrayError(
      `no cluster named '${name}' (no file ${path}); start one with 'dacluster start'`,
      {
        code: "DA_ERR_CLUSTER",
        cause: e,
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DistArrayError(`cluster file ${path} is not JSON`, {
      code: "DA_ERR_CLUSTER",
      cause: e,
    });
  }
  if (!isClusterFile(data)) {
    throw new DistArrayError(`cluster file ${path} is malformed or of another version`, {
      code: "DA_ERR_CLUSTER",
    });
  }
  return data;
}

/** Removes the cluster file and its log folder. */
export async function removeClusterFile(name: string): Promise<void> {
  await rm(clusterFilePath(name), { force: true });
  await rm(clusterLogDir(name), { force: true, recursive: true });
}

function isClusterFile(x: unknown): x is ClusterFile {
  if (typeof x !== "object" || x === null) return false;
  const f = x as Record<string, unknown>;
  return (
    f.version === CLUSTER_FILE_VERSION &&
    typeof f.name === "string" &&
    typeof f.key === "string" &&
    typeof f.memoryLimit === "number" &&
    Array.isArray(f.engines) &&
    f.engines.every(
      (e) =>
        typeof e === "object" &&
        e !== null &&
        typeof (e as ClusterEngine).rank === "number" &&
        typeof (e as ClusterEngine).pid === "number" &&
        typeof (e as ClusterEngine).address === "string",
    )
  );
}
