/**
 * Magic lines in a cell. A line whose first character is `%` (followed by a name) is a magic;
 * it may stand between TypeScript lines. A cell is split into code and magic segments that run
 * in order; each code segment keeps the lines before it as blank lines, so compile errors report
 * the line numbers of the cell.
 */
import { DistArrayError } from "@distarray/engines/core";

const MAGIC_LINE = /^%([A-Za-z_][\w-]*)(.*)$/;

/** One piece of a cell, in source order. `line` is zero-based. */
export type CellSegment =
  | { kind: "code"; code: string; line: number }
  | { kind: "magic"; name: string; args: string[]; line: number; text: string };

/** Splits a cell into code segments (line numbers preserved) and magic lines. */
export function splitCell(cell: string): CellSegment[] {
  const lines = cell.split("\n");
  const out: CellSegment[] = [];
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end);
    if (body.some((l) => l.trim() !== "")) {
      out.push({ kind: "code", code: "\n".repeat(start) + body.join("\n"), line: start });
    }
  };
  lines.forEach((text, i) => {
    const m = MAGIC_LINE.exec(text.replace(/\r$/, ""));
    if (!m) return;
    flush(i);
    out.push({ kind: "magic", name: m[1]!, args: tokenize(m[2]!), line: i, text });
    start = i + 1;
  });
  flush(lines.length);
  return out;
}

/** The cell with every magic line replaced by spaces (same offsets), for completion and inspection. */
export function blankMagics(cell: string): string {
  return cell
    .split("\n")
    .map((l) => (MAGIC_LINE.test(l.replace(/\r$/, "")) ? " ".repeat(l.length) : l))
    .join("\n");
}

/**
 * Splits magic arguments on white space; single or double quotes group words.
 * @throws DistArrayError (DA_ERR_VALUE) for an unterminated quote.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]!);
  const quotes = (text.match(/["']/g) ?? []).length;
  if (quotes % 2 !== 0) {
    throw new DistArrayError(`magic arguments must close every quote; got ${text.trim()}`, {
      code: "DA_ERR_VALUE",
    });
  }
  return out;
}

/** What a magic can do while it runs: the same output channels as a cell. */
export interface MagicIO {
  /** Writes text to the cell's stdout. */
  print(text: string): void;
  /** Publishes a display bundle (multi-MIME). */
  displayBundle(data: Record<string, unknown>, metadata?: Record<string, unknown>): void;
  /** Binds a variable visible to the following cells (e.g. `ctx`). */
  bind(name: string, value: unknown): void;
}

/** A line magic: `%name args...`. */
export interface LineMagic {
  readonly name: string;
  readonly help: string;
  /** Words accepted right after the magic's name (offered by completion). */
  readonly subcommands?: readonly string[];
  run(args: string[], io: MagicIO): Promise<void>;
}

/** The magics a kernel knows, by name. */
export class MagicRegistry {
  readonly #magics = new Map<string, LineMagic>();

  register(magic: LineMagic): void {
    this.#magics.set(magic.name, magic);
  }

  names(): string[] {
    return [...this.#magics.keys()].sort();
  }

  /**
   * Completion on a magic line: the magic's name after `%`, then its subcommands. Returns the
   * replaced range (offsets in `code`) and the candidates, or undefined when the cursor is not
   * on a magic line.
   */
  complete(
    code: string,
    cursor: number,
  ): { start: number; end: number; candidates: string[] } | undefined {
    const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
    const before = code.slice(lineStart, cursor);
    const name = /^%([\w-]*)$/.exec(before);
    if (name) {
      const candidates = this.names()
        .filter((n) => n.startsWith(name[1]!))
        .map((n) => `%${n}`);
      return { start: lineStart, end: cursor, candidates };
    }
    const sub = /^%([\w-]+)\s+(\w*)$/.exec(before);
    if (sub) {
      const magic = this.#magics.get(sub[1]!);
      const word = sub[2]!;
      const candidates = (magic?.subcommands ?? []).filter((c) => c.startsWith(word));
      return { start: cursor - word.length, end: cursor, candidates: [...candidates] };
    }
    return before.startsWith("%") ? { start: cursor, end: cursor, candidates: [] } : undefined;
  }

  /**
   * Runs `%name args`.
   * @throws DistArrayError (DA_ERR_VALUE) for an unknown magic; whatever the magic throws.
   */
  async run(name: string, args: string[], io: MagicIO): Promise<void> {
    const magic = this.#magics.get(name);
    if (!magic) {
      const known = this.names()
        .map((n) => `%${n}`)
        .join(", ");
      throw new DistArrayError(`unknown magic %${name}; available magics: ${known || "none"}`, {
        code: "DA_ERR_VALUE",
      });
    }
    await magic.run(args, io);
  }
}
