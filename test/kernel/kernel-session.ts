/**
 * One DistArray kernel started through Debian's jupyter_server and driven with
 * @jupyterlab/services, as JupyterLab drives it. `useKernelSession()` registers the before/after
 * hooks of the calling test file (start the server and the kernel; shut both down and kill what
 * is left by PID) and returns the session the tests use.
 */
import { after, before } from "node:test";
import {
  type Kernel,
  KernelManager,
  type KernelMessage,
  ServerConnection,
} from "@jupyterlab/services";
import WebSocket from "ws";
import { INTEGRATION_TIMEOUT_MS, jupyterTestEnv, killLeftovers } from "./jupyter-env.js";
import { type RunningServer, startJupyterServer } from "./jupyter-server.js";

/** A cell's execute_reply and every iopub message but status. */
export interface CellRun {
  reply: KernelMessage.IExecuteReplyMsg["content"];
  outputs: KernelMessage.IIOPubMessage[];
}

export interface KernelSession {
  /** The kernel connection (available once the file's before hook has run). */
  readonly kernel: Kernel.IKernelConnection;
  /** Executes `code` with stop_on_error false; `onInput` runs at the cell's execute_input. */
  run(code: string, onInput?: () => void): Promise<CellRun>;
}

export function useKernelSession(): KernelSession {
  const env = jupyterTestEnv();
  let server: RunningServer | undefined;
  let manager: KernelManager | undefined;
  let kernel: Kernel.IKernelConnection | undefined;

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

  const session: KernelSession = {
    get kernel() {
      if (kernel === undefined) throw new Error("the kernel session has not started");
      return kernel;
    },
    async run(code, onInput) {
      const future = session.kernel.requestExecute({ code, stop_on_error: false });
      const outputs: KernelMessage.IIOPubMessage[] = [];
      future.onIOPub = (msg) => {
        const t = msg.header.msg_type;
        if (t === "execute_input") onInput?.();
        else if (t !== "status") outputs.push(msg);
      };
      const reply = await future.done;
      return { reply: reply.content, outputs };
    },
  };
  return session;
}

/** The contents of a run's iopub messages of one type. */
export function outputsOfType(r: CellRun, type: string): Record<string, unknown>[] {
  return r.outputs
    .filter((m) => m.header.msg_type === type)
    .map((m) => m.content as Record<string, unknown>);
}
