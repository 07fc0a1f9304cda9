/**
 * Works around a tslab 1.0.22 converter quirk: in `{owner}` (object shorthand) naming a variable
 * declared by an earlier cell, the converted code reads a local that does not exist (tslab turns
 * other references into `exports.owner`, but not shorthand ones). Writing `{owner: owner}` is
 * equivalent in every position (object literals and destructuring assignments alike), so cells
 * are rewritten that way before compiling. Line numbers do not change; columns after a rewritten
 * shorthand on the same line shift.
 */
import { loadTslab, type TsNode } from "./tslab.js";

/** `{a, b = 1}` -> `{a: a, b: b = 1}`; code without shorthand properties comes back unchanged. */
export function expandShorthand(code: string): string {
  if (!code.includes("{")) return code;
  const ts = loadTslab().typescript;
  const file = ts.createSourceFile(
    "cell.ts",
    code,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.TS,
  );
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: TsNode) => {
    if (node.kind === ts.SyntaxKind.ShorthandPropertyAssignment && node.name) {
      const name = code.slice(node.name.pos, node.name.end).trim();
      inserts.push({ at: node.name.end, text: `: ${name}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (inserts.length === 0) return code;
  let out = code;
  for (const { at, text } of inserts.sort((x, y) => y.at - x.at)) {
    out = out.slice(0, at) + text + out.slice(at);
  }
  return out;
}
