/**
 * Jupyter `error` content (ename, evalue, traceback) for the three ways a cell fails: TypeScript
 * diagnostics (line numbers of the cell), an exception, and an interrupt.
 */
import { DistArrayError } from "@distarray/engines/core";

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A compile diagnostic with one-based line and column in the cell. */
export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
}

/** ename of TypeScript compile errors. */
export const COMPILE_ERROR_NAME = "TypeScriptError";
/** ename of an interrupted cell. */
export const INTERRUPT_ERROR_NAME = "InterruptedError";

/** tslab's rejection of an interrupted await. */
export const ASYNC_INTERRUPT_MESSAGE = "Interrupted asynchronously";
/** Node's error for a synchronous script stopped by SIGINT (vm `breakOnSigint`). */
const SIGINT_ERROR_CODE = "ERR_SCRIPT_EXECUTION_INTERRUPTED";

/** Stack frames from the kernel's own machinery, which say nothing about the user's code. */
const INTERNAL_FRAME =
  /node:internal|node:vm|sigintHandlersWrap|[\\/]tslab[\\/]dist[\\/]|[\\/]dist[\\/]jupyter[\\/]/;

export function compileErrorContent(diagnostics: readonly CellDiagnostic[]): ErrorContent {
  const lines = diagnostics.map((d) => `Line ${d.line}, column ${d.column}: ${d.message}`);
  const first = lines[0] ?? "compilation failed";
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : "";
  return { ename: COMPILE_ERROR_NAME, evalue: `${first}${more}`, traceback: lines };
}

export function isInterruptError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as Error & { code?: unknown }).code;
  return (
    e.message === ASYNC_INTERRUPT_MESSAGE ||
    code === SIGINT_ERROR_CODE ||
    code === "DA_ERR_INTERRUPTED"
  );
}

export function interruptErrorContent(): ErrorContent {
  const evalue = "the cell was interrupted";
  return {
    ename: INTERRUPT_ERROR_NAME,
    evalue,
    traceback: [`${INTERRUPT_ERROR_NAME}: ${evalue}`],
  };
}

/**
 * The error content for anything a cell threw. `mapStack` may rewrite the stack first (compiled
 * cell positions to cell lines).
 */
export function exceptionErrorContent(
  e: unknown,
  options: { mapStack?: (stack: string) => string } = {},
): ErrorContent {
  if (isInterruptError(e)) return interruptErrorContent();
  if (!(e instanceof Error)) {
    const evalue = typeof e === "string" ? e : String(e);
    return { ename: "Error", evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const ename = e.name || e.constructor.name || "Error";
  const evalue = e.message;
  const head =
    e instanceof DistArrayError ? `${ename} [${e.code}]: ${evalue}` : `${ename}: ${evalue}`;
  const stack = e.stack ?? "";
  const frames = (options.mapStack ? options.mapStack(stack) : stack)
    .split("\n")
    .filter((l) => /^\s+at /.test(l) && !INTERNAL_FRAME.test(l));
  const cause = e.cause instanceof Error ? [`Caused by ${e.cause.name}: ${e.cause.message}`] : [];
  return { ename, evalue, traceback: [head, ...frames, ...cause] };
}
