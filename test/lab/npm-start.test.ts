// `npm start` serves the app on 127.0.0.1 and prints the URL with its token; the page it
// names loads our bundle and lists the notebooks folder.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { repoRoot } from "../helpers/paths.js";
import { requireBuiltApp } from "./lab-server.js";

describe("npm start", () => {
  let child: ChildProcess | undefined;

  after(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = once(child, "exit");
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
  });

  it("prints a 127.0.0.1 URL with a token that opens JupyterLab on notebooks/", async () => {
    requireBuiltApp();
    // Its own process group, so npm, sh and the Python server stop together.
    child = spawn("npm", ["start"], {
      cwd: repoRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).on("line", (line) => {
        const m =
          /^DistArray JupyterLab: (http:\/\/127\.0\.0\.1:\d+\/lab\?token=[0-9a-f]{48})$/.exec(line);
        if (m) resolve(m[1]!);
      });
      child!.on("exit", (code) =>
        reject(new Error(`npm start exited (${code}) before printing a URL`)),
      );
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<script src="[^"]*\/bundle\.js"><\/script>/);
    const token = new URL(url).searchParams.get("token")!;
    const contents = await fetch(new URL(`/api/contents?token=${token}`, url));
    const listing = (await contents.json()) as { content: { name: string }[] };
    assert.ok(listing.content.some((e) => e.name === "process-maps.ipynb"));
    const noToken = await fetch(new URL("/api/contents", url));
    assert.equal(noToken.status, 403);
  });
});
