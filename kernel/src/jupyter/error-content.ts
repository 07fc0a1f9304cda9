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

const INTERRUPT_MESSAGES = new Set(["Interrupted asynchronously", "Script execution interrupted."]);

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
  return e instanceof Error && INTERRUPT_MESSAGES.has(e.message);
}

export function interruptErrorContent(): ErrorContent {
  const evalue = "the cell was interrupted";
  return {
    ename: INTERRUPT_ERROR_NAME,
    evalue,
    traceback: [`${INTERRUPT_ERROR_NAME}: ${evalue}`],
  };
}

/** The error content for anything a cell threw. */
export function exceptionErrorContent(e: unknown): ErrorContent {
  if (isInterruptError(e)) return interruptErrorContent();
  if (!(e instanceof Error)) {
    const evalue = typeof e === "string" ? e : String(e);
    return { ename: "Error", evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const ename = e.name || e.constructor.name || "Error";
  const evalue = e.message;
  const head =
    e instanceof DistArrayError ? `${ename} [${e.code}]: ${evalue}` : `${ename}: ${evalue}`;
  const frames = (e.stack ?? "")
    .split("\n")
    .filter((l) => /^\s+at /.test(l) && !INTERNAL_FRAME.test(l));
  const cause = e.cause instanceof Error ? [`Caused by ${e.cause.name}: ${e.cause.message}`] : [];
  return { ename, evalue, traceback: [head, ...frames, ...cause] };
}
