/**
 * Progress of large reads and writes. Scripts see a line on stderr that is rewritten as
 * engines finish their parts; the Jupyter kernel installs its own handler
 * (`setIoProgressHandler`) to show a progress bar in the notebook.
 */

/** One progress report: `done` of `total` bytes of `operation` on `file`. */
export interface IoProgress {
  /** What is running, e.g. `saveNpy`. */
  operation: string;
  /** The file or store being read or written. */
  file: string;
  /** Bytes done so far. */
  done: number;
  /** Bytes in all. */
  total: number;
  /** True on the last report of an operation (success or failure). */
  finished: boolean;
}

/** Receives IO progress reports (see `setIoProgressHandler`). */
export type IoProgressHandler = (p: IoProgress) => void;

/** Transfers smaller than this (bytes) report no progress (default 64 MiB). */
export const IO_PROGRESS_MIN_BYTES = 64 << 20;

function stderrHandler(p: IoProgress): void {
  const pct = p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total);
  const mib = (n: number) => (n / (1 << 20)).toFixed(1);
  const line = `${p.operation} ${p.file}: ${pct}% (${mib(p.done)} of ${mib(p.total)} MiB)`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${p.finished ? "\n" : ""}`);
  else if (p.finished || p.done === 0) process.stderr.write(`${line}\n`);
}

let handler: IoProgressHandler | null = stderrHandler;
let minBytes = IO_PROGRESS_MIN_BYTES;

/**
 * Replaces where IO progress goes (`null` silences it) and, optionally, the size from
 * which it is reported. Returns the previous handler.
 */
export function setIoProgressHandler(
  h: IoProgressHandler | null,
  options: { minBytes?: number } = {},
): IoProgressHandler | null {
  const prev = handler;
  handler = h;
  if (options.minBytes !== undefined) minBytes = options.minBytes;
  return prev;
}

/** A reporter for one operation; reports nothing when `total` is below the threshold. */
export class ProgressReporter {
  readonly #operation: string;
  readonly #file: string;
  readonly #total: number;
  #done = 0;
  readonly #active: boolean;

  constructor(operation: string, file: string, total: number) {
    this.#operation = operation;
    this.#file = file;
    this.#total = total;
    this.#active = handler !== null && total >= minBytes;
    this.#emit(false);
  }

  /** Adds `bytes` finished bytes. */
  add(bytes: number): void {
    this.#done = Math.min(this.#total, this.#done + bytes);
    this.#emit(false);
  }

  /**
   * The last report. After a success the transfer is complete (`done = total`, which also
   * corrects the estimated total of loads, whose dtype is known only once read).
   */
  finish(ok = true): void {
    if (ok) this.#done = this.#total;
    this.#emit(true);
  }

  #emit(finished: boolean): void {
    if (!this.#active || handler === null) return;
    handler({
      operation: this.#operation,
      file: this.#file,
      done: this.#done,
      total: this.#total,
      finished,
    });
  }
}
