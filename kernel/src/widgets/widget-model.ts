/**
 * Kernel-side ipywidgets models over the kernel's comms (Jupyter widget message protocol
 * 2.1.0, as ipywidgets 8 and @jupyter-widgets/jupyterlab-manager speak it):
 * - kernel -> frontend: `comm_open` on target `jupyter.widget` with `{state, buffer_paths}`,
 *   then `{method: "update", state}` for every change made here;
 * - frontend -> kernel: `{method: "update", state}` when the user changes a control, and
 *   `{method: "request_state"}`, answered with the full state.
 * Every change, from either side, reaches `onChange` listeners, so kernel code and the view
 * stay in step. Outside a kernel, creating a model throws ContextError (no comms there).
 */
import { type Comm, type CommMessage, openComm } from "../jupyter/comms.js";
import { displayBundle } from "../jupyter/display.js";
import { DISPLAY_SYMBOL, type MimeBundle } from "../jupyter/display-format.js";

/** The widget message protocol version we speak. */
export const WIDGET_PROTOCOL_VERSION = "2.1.0";
/** The comm target of widget models. */
export const WIDGET_TARGET = "jupyter.widget";
/** The MIME type of a widget view in an output. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** A widget model's state: its trait names and values, as the frontend sees them. */
export type WidgetState = Record<string, unknown>;

/** Where a change came from. */
export type ChangeOrigin = "kernel" | "frontend";

/** Called after state changes, with the changed keys and where the change came from. */
export type ChangeListener = (changed: WidgetState, origin: ChangeOrigin) => void;

/** One widget model, mirrored in the frontend's widget manager. */
export class WidgetModel {
  readonly #comm: Comm;
  readonly #state: WidgetState;
  readonly #listeners = new Set<ChangeListener>();

  /** Opens the model's comm with its full initial state. */
  constructor(state: WidgetState) {
    this.#state = { ...state };
    this.#comm = openComm(
      WIDGET_TARGET,
      { state: this.#state, buffer_paths: [] },
      { metadata: { version: WIDGET_PROTOCOL_VERSION } },
    );
    this.#comm.onMessage((msg) => this.#receive(msg));
  }

  /** The model id (its comm id). */
  get id(): string {
    return this.#comm.commId;
  }

  /** How other models refer to this one in their state (`"IPY_MODEL_<id>"`). */
  get ref(): string {
    return `IPY_MODEL_${this.id}`;
  }

  /** True once the model's comm is closed (by either side). */
  get closed(): boolean {
    return this.#comm.closed;
  }

  /** The current value of one state key. */
  get<T = unknown>(key: string): T {
    return this.#state[key] as T;
  }

  /** A copy of the whole state. */
  state(): WidgetState {
    return { ...this.#state };
  }

  /**
   * Changes state here and in the frontend (one update message), then tells listeners.
   * Does nothing once the model is closed.
   */
  set(patch: WidgetState): void {
    if (this.closed) return;
    Object.assign(this.#state, patch);
    this.#comm.send({ method: "update", state: patch, buffer_paths: [] });
    this.#emit(patch, "kernel");
  }

  /** Calls `listener` after every change; returns its remover. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `handler` when the frontend closes the model. */
  onClose(handler: () => void): void {
    this.#comm.onClose(() => handler());
  }

  /** Closes the model (the frontend drops its views). */
  close(): void {
    this.#comm.close();
  }

  /** The output bundle that shows a view of this model. */
  bundle(): MimeBundle {
    return {
      [WIDGET_VIEW_MIME]: { model_id: this.id, version_major: 2, version_minor: 1 },
      "text/plain": `${String(this.#state._model_name ?? "Widget")}(id=${this.id})`,
    };
  }

  /** Shows a view of this model in the current cell's output. */
  display(): void {
    displayBundle(this.bundle());
  }

  /** The widget view bundle, so that a model as a cell's last value displays itself. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return this.bundle();
  }

  #receive(msg: CommMessage): void {
    const method = msg.data.method;
    if (method === "update") {
      const state = msg.data.state;
      if (typeof state !== "object" || state === null) return;
      const patch = state as WidgetState;
      Object.assign(this.#state, patch);
      this.#emit(patch, "frontend");
    } else if (method === "request_state") {
      this.#comm.send({ method: "update", state: this.#state, buffer_paths: [] });
    }
  }

  #emit(changed: WidgetState, origin: ChangeOrigin): void {
    for (const listener of this.#listeners) listener(changed, origin);
  }
}
