/**
 * The kernel driven by @jupyterlab/services through Debian's jupyter_server, as JupyterLab
 * drives it: start, %dacluster start, compute, display_data, interrupt and continue, comms in
 * both directions, restart and start again.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { INTEGRATION_TIMEOUT_MS } from "./jupyter-env.js";
import { type CellRun, outputsOfType, useKernelSession } from "./kernel-session.js";

const session = useKernelSession();
const run = session.run;

function streamText(r: CellRun): string {
  return outputsOfType(r, "stream")
    .map((c) => String(c.text))
    .join("");
}

function resultText(r: CellRun): string {
  const res = outputsOfType(r, "execute_result")[0];
  return String((res?.data as Record<string, unknown> | undefined)?.["text/plain"] ?? "");
}

function assertOk(r: CellRun): void {
  assert.equal(r.reply.status, "ok", JSON.stringify(r.outputs.map((m) => m.content)));
}

test("kernel_info names the language and reports status ok", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const info = await session.kernel.info;
  assert.equal(info.status, "ok");
  assert.equal(info.language_info.name, "typescript");
  assert.equal(info.implementation, "distarray");
});

test("stream output arrives complete, in order and coalesced into few messages", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const r = await run(
    'for (let i = 0; i < 2000; i++) console.log(i);\nconsole.error("e");\nconsole.log("end");',
  );
  assertOk(r);
  const streams = outputsOfType(r, "stream");
  const stdout = streams.filter((c) => c.name === "stdout").map((c) => String(c.text));
  const expected = `${Array.from({ length: 2000 }, (_, i) => i).join("\n")}\n`;
  assert.equal(stdout.join(""), `${expected}end\n`);
  assert.ok(streams.length < 20, `${streams.length} stream messages`);
  const names = streams.map((c) => c.name);
  assert.deepEqual(names.slice(names.indexOf("stderr")), ["stderr", "stdout"]);
});

test("%dacluster start -n 2 binds ctx; cells compute on the engines", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const started = await run("%dacluster start -n 2");
  assertOk(started);
  assert.match(streamText(started), /started cluster default: 2 engines/);
  const bar = outputsOfType(started, "display_data")[0]!;
  assert.match(
    String((bar.data as Record<string, unknown>)["text/plain"]),
    /^starting 2 engines \[/,
  );
  const id = (bar.transient as { display_id: string }).display_id;
  const updates = outputsOfType(started, "update_display_data");
  assert.ok(updates.length >= 1);
  for (const u of updates) assert.equal((u.transient as { display_id: string }).display_id, id);
  const sum = await run("const a = ctx.ones([4, 5], { dist: 'bn' });\nawait a.sum().item()");
  assertOk(sum);
  assert.equal(resultText(sum), "20");
});

test("the kernel starts with huge pages for its buffers; its engines get the environment as given", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const given = process.env.GLIBC_TUNABLES;
  const pid = await run("process.pid");
  assertOk(pid);
  const environ = readFileSync(`/proc/${resultText(pid)}/environ`, "utf8").split("\0");
  const own = given ? `glibc.malloc.hugetlb=1:${given}` : "glibc.malloc.hugetlb=1";
  assert.ok(environ.includes(`GLIBC_TUNABLES=${own}`), "scripts/huge-pages.sh started it");
  const seen = await run(
    "const engineTunables = (await ctx.apply(() => process.env.GLIBC_TUNABLES ?? null)) as unknown[];\n" +
      "console.log(JSON.stringify([process.env.GLIBC_TUNABLES ?? null, ...engineTunables]));",
  );
  assertOk(seen);
  // The kernel's own environment and its two engines'.
  assert.deepEqual(JSON.parse(streamText(seen)), Array(3).fill(given ?? null));
});

test("display() sends display_data with text/plain and text/html for a DistArray", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const r = await run("display(a);");
  assertOk(r);
  const [d] = outputsOfType(r, "display_data");
  const data = d!.data as Record<string, string>;
  assert.equal(data["text/plain"], "<DistArray(shape=(4, 5), targets=[0, 1])>");
  assert.match(data["text/html"]!, /local shape/);
  assert.match(data["text/html"]!, /<td>0<\/td><td>0<\/td><td>\(2, 5\)<\/td>/);
  const status = await run("%dacluster status");
  assertOk(status);
  const table = outputsOfType(status, "display_data")[0]!.data as Record<string, string>;
  assert.match(table["text/plain"]!, /^cluster default: 2 engines$/m);
  assert.equal((table["text/html"]!.match(/<tr>/g) ?? []).length, 3);
});

test("%dacluster clear drops every array; %dacluster restart rebinds ctx", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const cleared = await run("%dacluster clear\n%dacluster status");
  assertOk(cleared);
  assert.match(streamText(cleared), /cleared every array on cluster default/);
  const table = outputsOfType(cleared, "display_data")[0]!.data as Record<string, string>;
  const rows = table["text/plain"]!.split("\n").slice(2);
  assert.equal(rows.length, 2);
  for (const row of rows) assert.match(row, /\s0$/);
  const restarted = await run("%dacluster restart");
  assertOk(restarted);
  assert.match(streamText(restarted), /restarted cluster default; ctx is bound/);
  const r = await run("await ctx.apply(() => 1)");
  assertOk(r);
  assert.equal(resultText(r), "[ 1, 1 ]");
});

test("an unknown magic or bad arguments give an error output; the kernel keeps running", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const bad = await run("%dacluster start -n zero");
  assert.equal(bad.reply.status, "error");
  assert.match(String(outputsOfType(bad, "error")[0]!.evalue), /positive integer; got zero/);
  const unknown = await run("%nosuch");
  assert.match(String(outputsOfType(unknown, "error")[0]!.evalue), /unknown magic %nosuch/);
  assert.equal(resultText(await run("1 + 1")), "2");
});

test("compile errors carry the cell's line numbers, magic lines included", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const r = await run("%dacluster status\nconst n = 1;\nconst s: string = n;");
  assert.equal(r.reply.status, "error");
  const err = outputsOfType(r, "error")[0]!;
  assert.equal(err.ename, "TypeScriptError");
  assert.match(
    String(err.evalue),
    /^Line 3, column 7: Type 'number' is not assignable to type 'string'/,
  );
  assert.equal(outputsOfType(r, "display_data").length, 1);
});

test("after an error, queued cells are aborted with stop_on_error and run without it", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  for (const stopOnError of [true, false]) {
    const futures = ["throw new Error('first')", "1 + 1", "2 + 2"].map((code) =>
      session.kernel.requestExecute({ code, stop_on_error: stopOnError }),
    );
    const replies = await Promise.all(futures.map((f) => f.done));
    const statuses = replies.map((m) => m.content.status);
    assert.deepEqual(
      statuses,
      stopOnError ? ["error", "aborted", "aborted"] : ["error", "ok", "ok"],
    );
  }
});

test("interrupt stops a busy cell, an awaiting cell and pending engine requests; the kernel continues", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "distarray-interrupt-"));
  const marker = join(dir, "looping");
  const entered = new Promise<void>((resolve) => {
    const w = watch(dir, () => {
      if (existsSync(marker)) {
        w.close();
        resolve();
      }
    });
  });
  const busy = run(
    `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "x");\nwhile (true) {}`,
  );
  await entered;
  await session.kernel.interrupt();
  const r1 = await busy;
  assert.equal(r1.reply.status, "error");
  assert.equal(
    outputsOfType(r1, "error")[0]!.ename,
    "InterruptedError",
    JSON.stringify(r1.outputs.map((m) => m.content)),
  );

  const waiting = run("await new Promise(() => {})", () => void session.kernel.interrupt());
  const r2 = await waiting;
  assert.equal(r2.reply.status, "error");
  assert.equal(
    outputsOfType(r2, "error")[0]!.ename,
    "InterruptedError",
    JSON.stringify(r2.outputs.map((m) => m.content)),
  );

  // A failed (interrupted) cell declares nothing, so `slow` is declared beforehand.
  assertOk(await run("let slow: Promise<unknown> = Promise.resolve();"));
  const slowRun = await run(
    [
      "slow = ctx.apply(() => {",
      "  const t = Date.now();",
      "  while (Date.now() - t < 1500) {}",
      "  return 1;",
      "});",
      "await slow",
    ].join("\n"),
    () => void session.kernel.interrupt(),
  );
  assert.equal(outputsOfType(slowRun, "error")[0]!.ename, "InterruptedError");
  const cancelled = await run("await slow.then(() => 'finished', (e) => e.code)");
  assert.equal(resultText(cancelled), "'DA_ERR_INTERRUPTED'");

  const resumed = await run("await ctx.apply(() => 7)");
  assertOk(resumed);
  assert.equal(resultText(resumed), "[ 7, 7 ]");
});

test("engines of a Context.start() in a cell survive a kernel interrupt", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  assertOk(await run("const own = await da.Context.start({ engines: 2 });"));
  const r = await run("await new Promise(() => {})", () => void session.kernel.interrupt());
  assert.equal(outputsOfType(r, "error")[0]!.ename, "InterruptedError");
  const still = await run("await own.apply(() => 3)");
  assertOk(still);
  assert.equal(resultText(still), "[ 3, 3 ]");
  assertOk(await run("await own.close()"));
});

test("comms: the frontend opens one and messages flow both ways; the kernel opens one too", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  assertOk(
    await run(
      [
        'jupyter.registerCommTarget("test.echo", (comm, open) => {',
        "  comm.send({ greeting: open.data });",
        "  comm.onMessage((m) => comm.send({ echo: m.data, buffers: m.buffers.length }));",
        "});",
      ].join("\n"),
    ),
  );
  const comm = session.kernel.createComm("test.echo");
  const got: unknown[] = [];
  const two = new Promise<void>((resolve) => {
    comm.onMsg = (msg) => {
      got.push(msg.content.data);
      if (got.length === 2) resolve();
    };
  });
  await comm.open({ hi: 1 }).done;
  comm.send({ ping: 2 }, {}, [new Uint8Array([1, 2, 3])]);
  await two;
  assert.deepEqual(got, [{ greeting: { hi: 1 } }, { echo: { ping: 2 }, buffers: 1 }]);
  const info = await session.kernel.requestCommInfo({ target_name: "test.echo" });
  assert.deepEqual(Object.keys((info.content as { comms: object }).comms), [comm.commId]);
  comm.close();

  const fromKernel = new Promise<{ data: unknown; reply: unknown }>((resolve) => {
    session.kernel.registerCommTarget("test.front", (c, openMsg) => {
      c.onMsg = (m) => resolve({ data: openMsg.content.data, reply: m.content.data });
      c.send({ answer: 42 });
    });
  });
  assertOk(
    await run(
      [
        'const kc = jupyter.openComm("test.front", { x: 1 });',
        "kc.onMessage((m) => kc.send({ got: m.data }));",
      ].join("\n"),
    ),
  );
  assert.deepEqual(await fromKernel, { data: { x: 1 }, reply: { got: { answer: 42 } } });

  assertOk(
    await run(
      [
        'jupyter.registerCommTarget("test.fail", (comm) => {',
        '  comm.onMessage(() => { throw new Error("nope"); });',
        "});",
      ].join("\n"),
    ),
  );
  const failing = session.kernel.createComm("test.fail");
  await failing.open({}).done;
  const future = failing.send({ x: 1 });
  const errText: string[] = [];
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === "stream")
      errText.push(String((msg.content as { text: string }).text));
  };
  await future.done;
  assert.match(errText.join(""), /comm handler failed: Error: nope/);
  assert.equal(resultText(await run("1 + 1")), "2");
});

test("restart: the cluster is stopped with the old kernel; start again and compute", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  await session.kernel.restart();
  const shown = await run("ctx");
  assertOk(shown);
  assert.match(resultText(shown), /^<unbound ctx: .*%dacluster start>$/);
  const unbound = await run("ctx.targets");
  assert.equal(unbound.reply.status, "error");
  assert.match(String(outputsOfType(unbound, "error")[0]!.evalue), /%dacluster start/);
  assertOk(await run("%dacluster start -n 2"));
  const r = await run("await ctx.ones([3]).sum().item()");
  assertOk(r);
  assert.equal(resultText(r), "3");
  const stop = await run("%dacluster stop");
  assertOk(stop);
  assert.match(streamText(stop), /stopped cluster default/);
});
