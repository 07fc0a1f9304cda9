// Writes the process-map pictures of the user guide (docs/images/*.svg) with the project's own
// SVG renderer: the same payload and drawing code the kernel uses when JupyterLab is absent.
// No engines are needed: a Distribution only needs a list of targets.
// Usage: node scripts/docs-images.mjs [--out DIR]   (needs a build: npm run build)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { computeProcmapPayload } from "@distarray/kernel/plot/procmap-payload";
import { procmapToSvg } from "@distarray/kernel/plot/procmap-svg";
import { Distribution } from "distarray";

const root = join(import.meta.dirname, "..");
const outFlag = process.argv.indexOf("--out");
const outDir = outFlag >= 0 ? process.argv[outFlag + 1] : join(root, "docs", "images");

const four = { targets: [0, 1, 2, 3] };

/** name -> [distribution, title]; every picture uses 4 engines so the colours agree. */
const pictures = {
  "block-1d": [Distribution.fromShape(four, [16], { dist: "b" }), "block ('b'), 16 over 4"],
  "cyclic-1d": [Distribution.fromShape(four, [16], { dist: "c" }), "cyclic ('c'), 16 over 4"],
  "block-cyclic-1d": [
    Distribution.fromShape(four, [16], { dist: [{ dist_type: "c", block_size: 2 }] }),
    "block-cyclic ('c', block_size 2), 16 over 4",
  ],
  "block-uneven-1d": [
    Distribution.fromShape(four, [9], { dist: "b" }),
    "block, 9 over 4: 3, 3, 3, 0",
  ],
  "rows-bn": [Distribution.fromShape(four, [8, 8], { dist: "bn" }), "('b', 'n'): blocks of rows"],
  "columns-nb": [
    Distribution.fromShape(four, [8, 8], { dist: "nb" }),
    "('n', 'b'): blocks of columns",
  ],
  "block-block-bb": [
    Distribution.fromShape(four, [8, 8], { dist: "bb" }),
    "('b', 'b'), grid 2 x 2",
  ],
  "block-cyclic-bc": [
    Distribution.fromShape(four, [8, 8], { dist: "bc" }),
    "('b', 'c'), grid 2 x 2",
  ],
  "cyclic-cyclic-cc": [
    Distribution.fromShape(four, [8, 8], { dist: "cc" }),
    "('c', 'c'), grid 2 x 2",
  ],
  "block-cyclic-2d": [
    Distribution.fromGlobalDimData(four, [
      { dist_type: "c", size: 8, proc_grid_size: 2, block_size: 2 },
      { dist_type: "c", size: 8, proc_grid_size: 2, block_size: 3 },
    ]),
    "block-cyclic, block sizes 2 and 3, grid 2 x 2",
  ],
  "irregular-block": [
    Distribution.fromGlobalDimData(four, [
      { dist_type: "b", bounds: [0, 1, 8] },
      { dist_type: "b", bounds: [0, 5, 8] },
    ]),
    "irregular blocks: bounds [0, 1, 8] x [0, 5, 8]",
  ],
  unstructured: [
    Distribution.fromGlobalDimData(four, [
      {
        dist_type: "u",
        indices: [
          [3, 0, 6],
          [4, 2, 1, 5, 7],
        ],
      },
      { dist_type: "n", size: 8 },
    ]),
    "unstructured rows ('u', 'n'): [[3, 0, 6], [4, 2, 1, 5, 7]]",
  ],
  "grid-shape-1x4": [
    Distribution.fromShape(four, [8, 8], { dist: "bb", gridShape: [1, 4] }),
    "('b', 'b') with gridShape [1, 4]",
  ],
  "two-targets": [
    Distribution.fromShape(four, [8, 8], { dist: "bb", targets: [1, 3] }),
    "('b', 'b') on targets [1, 3]",
  ],
};

mkdirSync(outDir, { recursive: true });
for (const [name, [distribution, title]] of Object.entries(pictures)) {
  const payload = computeProcmapPayload(distribution, {
    title,
    legend: true,
    cellLabel: true,
    engineCount: 4,
  });
  writeFileSync(join(outDir, `${name}.svg`), procmapToSvg(payload, { locals: false }));
}
console.log(`wrote ${Object.keys(pictures).length} process maps to ${outDir}`);
