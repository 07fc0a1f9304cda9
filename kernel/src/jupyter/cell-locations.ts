/**
 * Names each piece of compiled cell code (a `//# sourceURL=` comment, which V8 uses in stack
 * traces) and keeps its inline source maps, so a runtime error's stack frames can be rewritten
 * from positions in the compiled JavaScript to `In[7]:3:5` (cell label, line, column).
 */
import { inlineMappings, SourceMap } from "./source-map.js";

const URL_PREFIX = "distarray-cell-";
/** Lines tslab puts before a cell's source (its `export {};` prefix). */
const SOURCE_PREFIX_LINES = 1;
const FRAME = new RegExp(`${URL_PREFIX}(\\d+):(\\d+):(\\d+)`, "g");

interface CompiledCell {
  label: string;
  code: string;
  maps?: SourceMap[];
}

export class CellLocations {
  readonly #cells = new Map<number, CompiledCell>();
  #next = 1;
  /** Label of the cell being compiled now, e.g. `In[7]`. */
  label = "cell";

  /** Names compiled `code` and remembers it; returns the code to run. */
  register(code: string): string {
    const id = this.#next++;
    this.#cells.set(id, { label: this.label, code });
    return `${code}\n//# sourceURL=${URL_PREFIX}${id}`;
  }

  /**
   * Rewrites `distarray-cell-N:line:col` positions in a stack to cell positions; frames of the
   * code tslab wraps around a cell (no cell line) are dropped.
   */
  mapStack(stack: string): string {
    return stack
      .split("\n")
      .flatMap((frame) => {
        let wrapperOnly = false;
        const mapped = frame.replace(FRAME, (whole, id: string, line: string, column: string) => {
          const pos = this.#locate(Number(id), Number(line) - 1, Number(column) - 1);
          if (pos === null) wrapperOnly = true;
          return pos ?? whole;
        });
        if (wrapperOnly) return [];
        // Functions of earlier cells are called through tslab's exports Proxy.
        return [mapped === frame ? frame : mapped.replace(/^(\s+at )Proxy\./, "$1")];
      })
      .join("\n");
  }

  /** `label:line:column`, null for a position outside the cell's source, undefined if unknown. */
  #locate(id: number, line: number, column: number): string | null | undefined {
    const cell = this.#cells.get(id);
    if (!cell) return undefined;
    cell.maps ??= inlineMappings(cell.code).map((m) => new SourceMap(m));
    if (cell.maps.length === 0) return undefined;
    let pos: { line: number; column: number } | undefined = { line, column };
    for (const map of [...cell.maps].reverse()) {
      pos = map.lookup(pos.line, pos.column);
      if (!pos) return null;
    }
    const cellLine = pos.line - SOURCE_PREFIX_LINES + 1;
    return cellLine >= 1 ? `${cell.label}:${cellLine}:${pos.column + 1}` : null;
  }
}
