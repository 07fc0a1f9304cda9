/**
 * Functions sent to the engines from notebook cells (ctx.apply, ctx.register), driven through
 * Debian's jupyter_server with @jupyterlab/services: the kernel's compiler rewrites names of
 * earlier cells, `da` among them, inside such functions; the engines resolve the engine-side
 * ones and explain the client-side ones.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type Kernel,
  KernelManager,
  type KernelMessage,
  ServerConnection,
} from "@jupyterlab/services";
import WebSocket from "ws";
import { INTEGRATION_TIMEOUT_MS, jupyterTestEnv, killLeftovers } from "./jupyter-env.js";
import { type RunningServer, startJupyterServer } from "./jupyter-server.js";

const env = jupyterTestEnv();
let server: RunningServer;
let manager: KernelManager;
let kernel: Kernel.IKernelConnection;

before(
  async () => {
    server = await startJupyterServer(env);
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: server.baseUrl,
      wsUrl: server.wsUrl,
      token: server.token,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    manager = new KernelManager({ serverSettings });
    await manager.ready;
    kernel = await manager.startNew({ name: "distarray" });
  },
  { timeout: INTEGRATION_TIMEOUT_MS },
);

after(async () => {
  try {
    if (kernel && !kernel.isDisposed) await kernel.shutdown();
  } catch {
    // the server may already be gone; the PIDs are killed below
  }
  manager?.dispose();
  await server?.stop();
  killLeftovers(env);
});

interface Run {
  reply: KernelMessage.IExecuteReplyMsg["content"];
  outputs: KernelMessage.IIOPubMessage[];
}

async function run(code: string): Promise<Run> {
  const future = kernel.requestExecute({ code, stop_on_error: false });
  const outputs: KernelMessage.IIOPubMessage[] = [];
  future.onIOPub = (msg) => {
    if (msg.header.msg_type !== "status") outputs.push(msg);
  };
  const reply = await future.done;
  return { reply: reply.content, outputs };
}

function ofType(r: Run, type: string): Record<string, unknown>[] {
  return r.outputs
    .filter((m) => m.header.msg_type === type)
    .map((m) => m.content as Record<string, unknown>);
}

/** The JSON a cell printed with console.log. */
function printed(r: Run): unknown {
  const text = ofType(r, "stream")
    .filter((c) => c.name === "stdout")
    .map((c) => String(c.text))
    .join("");
  return JSON.parse(text);
}

function assertOk(r: Run): void {
  assert.equal(r.reply.status, "ok", JSON.stringify(r.outputs.map((m) => m.content)));
}

test("a function using da, run by ctx.apply and ctx.register from a later cell", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  assertOk(await run("%dacluster start -n 2"));
  assertOk(await run("const k = 3;"));
  const applied = await run(
    "const r = await ctx.apply((x: number) => da.DTYPES.length + x, [1]);\n" +
      "console.log(JSON.stringify({ r, expected: da.DTYPES.length + 1 }));",
  );
  assertOk(applied);
  const { r, expected } = printed(applied) as {
    r: number[];
    expected: number;
  };
  assert.ok(expected > 1);
  assert.deepEqual(r, [expected, expected]);
  // Engine-side names declared in an earlier cell resolve on the engines too.
  assertOk(await run("declare const rank: number;"));
  assertOk(
    await run(
      'ctx.register("tagged", (x: number) => new da.DistArrayError("e").code + (x + rank));',
    ),
  );
  const called = await run('console.log(JSON.stringify(await ctx.call("tagged", k)));');
  assertOk(called);
  assert.deepEqual(printed(called), ["DA_ERR_GENERIC3", "DA_ERR_GENERIC4"]);
});

test("a function using a variable of an earlier cell fails with a clear error", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const failed = await run("await ctx.apply((x: number) => x + k, [1])");
  assert.equal(failed.reply.status, "error");
  const error = ofType(failed, "error")[0]!;
  assert.equal(error.ename, "EngineError");
  assert.match(
    String(error.evalue),
    /ReferenceError: the function refers to the client-side variable 'k', which does not exist on the engines \(closures over client variables are not shipped; pass values as arguments\)/,
  );
  // Passing the value as an argument is the way; the kernel and engines keep working.
  const passed = await run(
    "console.log(JSON.stringify(await ctx.apply((x: number, kk: number) => x + kk, [1, k])));",
  );
  assertOk(passed);
  assert.deepEqual(printed(passed), [4, 4]);
  assertOk(await run("%dacluster stop"));
});
