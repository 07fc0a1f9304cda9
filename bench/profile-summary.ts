/**
 * Summarises V8 CPU profiles (.cpuprofile files, as `node --cpu-prof` writes them): self time
 * per function, largest first. Usage: node build/bench/profile-summary.js <dir|file...> [--top n]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Self time per function (name + file:line) of one profile, largest first. */
export function selfTimes(profile: CpuProfile): { totalMs: number; rows: SelfTime[] } {
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const hits = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  const samples = profile.samples ?? [];
  // Each sample's time is the delta to the next sample (V8's convention for timeDeltas).
  for (let i = 0; i < samples.length; i++) {
    const dt = (deltas[i + 1] ?? 0) / 1000;
    hits.set(samples[i]!, (hits.get(samples[i]!) ?? 0) + dt);
  }
  const byName = new Map<string, number>();
  for (const n of profile.nodes) {
    const ms = hits.get(n.id) ?? 0;
    if (ms === 0) continue;
    const f = n.callFrame;
    const where = f.url ? ` ${shortUrl(f.url)}:${f.lineNumber + 1}` : "";
    const name = `${f.functionName || "(anonymous)"}${where}`;
    byName.set(name, (byName.get(name) ?? 0) + ms);
  }
  const rows = [...byName.entries()]
    .map(([name, ms]) => ({ name, ms, share: totalMs > 0 ? ms / totalMs : 0 }))
    .sort((a, b) => b.ms - a.ms);
  return { totalMs, rows };
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const cwd = process.cwd();
  return path.startsWith(cwd) ? relative(cwd, path) : path;
}

function profileFiles(args: string[]): string[] {
  return args.flatMap((a) =>
    statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith(".cpuprofile"))
          .map((f) => join(a, f))
      : [a],
  );
}

const isMain = process.argv[1] !== undefined && basename(process.argv[1]) === "profile-summary.js";
if (isMain) {
  const args = process.argv.slice(2);
  const topIndex = args.indexOf("--top");
  const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 25;
  for (const file of profileFiles(args)) {
    const { totalMs, rows } = selfTimes(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
    console.log(`\n${file}: ${totalMs.toFixed(0)} ms profiled`);
    for (const r of rows.slice(0, top)) {
      console.log(
        `${r.ms.toFixed(1).padStart(10)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`,
      );
    }
  }
}
