/**
 * File-level round trips and Python interop for .npy, HDF5 and Zarr v2/v3: every rank's
 * part is written and read with the engine-side functions, simulating the ranks in one
 * process, for every dtype and every dist type (b, c, block-cyclic, u, n), 0-d to 3-d.
 * The engine integration test (io-engines.test.ts) runs the same code in real engines.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DTYPE_INFO, DTYPES, type DType, FormatError } from "@distarray/engines/core";
import { commitTemp, tempPathFor } from "@distarray/engines/io/atomic";
import { decodeDnpyHeader } from "@distarray/engines/io/dnpy";
import { h5CreateDataset, h5ReadPart, h5WritePart } from "@distarray/engines/io/hdf5-file";
import {
  createNpyFile,
  fixByteOrder,
  readNpyHeaderAt,
  readPart,
  writePart,
} from "@distarray/engines/io/npy-file";
import { decodeNpyHeader } from "@distarray/engines/io/npy-header";
import { type PartLayout, wholeLayout } from "@distarray/engines/io/part-plan";
import {
  zarrOpen,
  zarrReadPart,
  zarrWriteMetadata,
  zarrWritePart,
} from "@distarray/engines/io/zarr-file";
import { repoRoot } from "../helpers/paths.js";
import { extractPart, LAYOUT_CASES, layoutsFor, testBytes } from "./layouts.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = join(repoRoot, "scripts", "io-interop.py");

let dir: string;
const manifest: Record<string, unknown>[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), "da-io-file-"));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Format = "npy" | "hdf5" | "zarr2" | "zarr3";

async function writeFile(
  format: Format,
  path: string,
  dtype: DType,
  shape: number[],
  layouts: PartLayout[],
  global: Uint8Array,
  chunks: number[],
) {
  const itemsize = DTYPE_INFO[dtype].itemsize;
  const parts = layouts.map((l) => extractPart(global, l, itemsize));
  const temp = tempPathFor(path);
  if (format === "npy") {
    const off = createNpyFile(temp, dtype, shape);
    await Promise.all(
      layouts.map(async (l, r) => {
        const fd = openSync(temp, "r+");
        try {
          await writePart(fd, off, itemsize, l, parts[r]!);
        } finally {
          closeSync(fd);
        }
      }),
    );
  } else if (format === "hdf5") {
    await h5CreateDataset(temp, "w", "buffer", dtype, shape, chunks);
    for (let r = 0; r < layouts.length; r++)
      await h5WritePart(temp, "buffer", dtype, layouts[r]!, parts[r]!);
  } else {
    const meta = { format: format === "zarr2" ? (2 as const) : (3 as const), dtype, shape, chunks };
    zarrWriteMetadata(temp, meta);
    for (const phase of ["owned", "shared"] as const) {
      for (let r = 0; r < layouts.length; r++)
        zarrWritePart(temp, meta, layouts[r]!, parts[r]!, phase);
    }
  }
  commitTemp(temp, path);
}

async function readFile(
  format: Format,
  path: string,
  layout: PartLayout,
  dtype: DType,
): Promise<{ dtype: DType; bytes: Uint8Array }> {
  const size = layout.indices.reduce((p, ix) => p * ix.length, 1);
  if (format === "npy") {
    const fd = openSync(path, "r");
    try {
      const h = readNpyHeaderAt(fd, path);
      const out = new Uint8Array(size * DTYPE_INFO[h.dtype].itemsize);
      await readPart(fd, path, h.dataOffset, DTYPE_INFO[h.dtype].itemsize, layout, out);
      if (h.bigEndian) fixByteOrder(h.dtype, out);
      return { dtype: h.dtype, bytes: out };
    } finally {
      closeSync(fd);
    }
  }
  if (format === "hdf5") {
    const r = await h5ReadPart(
      path,
      "buffer",
      layout,
      (d, n) => new Uint8Array(n * DTYPE_INFO[d].itemsize),
    );
    if (r.bigEndian) fixByteOrder(r.dtype, r.bytes);
    return { dtype: r.dtype, bytes: r.bytes };
  }
  const z = await zarrOpen(path);
  const out = new Uint8Array(size * DTYPE_INFO[z.dtype].itemsize);
  await zarrReadPart(z, layout, out, path);
  void dtype;
  return { dtype: z.dtype, bytes: out };
}

const FORMATS: Format[] = ["npy", "hdf5", "zarr2", "zarr3"];
const EXT: Record<Format, string> = { npy: ".npy", hdf5: ".h5", zarr2: ".zarr", zarr3: ".zarr" };

describe("file-level round trips, every dtype and dist type", () => {
  for (const format of FORMATS) {
    it(`${format}`, async () => {
      let seed = 1;
      for (const c of LAYOUT_CASES) {
        const layouts = layoutsFor(c.shape, c.specs);
        for (const dtype of DTYPES) {
          const size = c.shape.reduce((p, x) => p * x, 1);
          const global = testBytes(dtype, size, seed++);
          const name = `${format}-${c.name.replace(/[^a-z0-9]+/gi, "_")}-${dtype}`;
          const path = join(dir, name + EXT[format]);
          // Chunks: half the axis (so chunks are shared between ranks in most cases).
          const chunks = c.shape.map((s) => Math.max(1, Math.ceil(s / 2)));
          await writeFile(format, path, dtype, c.shape, layouts, global, chunks);
          // Each rank reads its part back; and one reader reads the whole.
          for (const l of layouts) {
            const got = await readFile(format, path, l, dtype);
            assert.equal(got.dtype, dtype, `${name} dtype`);
            assert.deepEqual(
              got.bytes,
              extractPart(global, l, DTYPE_INFO[dtype].itemsize),
              `${name} part`,
            );
          }
          const whole = await readFile(format, path, wholeLayout(c.shape), dtype);
          assert.deepEqual(whole.bytes, global, `${name} whole`);
          const raw = join(dir, `${name}.raw`);
          writeFileSync(raw, global);
          if (format !== "zarr3") {
            const kind = format === "zarr2" ? "zarr" : format;
            manifest.push({
              kind,
              path,
              raw,
              dtype,
              shape: c.shape,
              boolAsInt8: format === "hdf5",
            });
          }
        }
      }
    });
  }

  it("leaves no temporary files behind", () => {
    const left = execFileSync("ls", ["-a", dir], { encoding: "utf8" })
      .split("\n")
      .filter((f) => f.includes(".da-tmp-"));
    assert.deepEqual(left, []);
  });

  it("Python (numpy, h5py, zarr 2) reads identical arrays from every file", () => {
    const m = join(dir, "manifest.json");
    writeFileSync(m, JSON.stringify(manifest));
    const out = JSON.parse(
      execFileSync(PYTHON, [SCRIPT, "verify", m], { encoding: "utf8", maxBuffer: 1 << 26 }),
    );
    assert.deepEqual(out.failures, []);
    assert.equal(out.checked, manifest.length);
    assert.ok(out.checked >= 3 * 13 * LAYOUT_CASES.length);
  });
});

describe("reading what Python wrote", () => {
  let fx: string;
  let arrays: { name: string; dtype: DType; shape: number[] }[];
  before(() => {
    fx = join(dir, "py");
    arrays = JSON.parse(execFileSync(PYTHON, [SCRIPT, "make", fx], { encoding: "utf8" })).arrays;
  });

  it("npy versions 1, 2, 3, HDF5 (h5py), Zarr v2 compressed and raw, for every dtype", async () => {
    let n = 0;
    for (const a of arrays) {
      const raw = new Uint8Array(readFileSync(join(fx, `${a.name}.raw`)));
      const nd = a.shape.length;
      const specs = [
        { t: "c" as const, p: 2 },
        ...Array.from({ length: nd - 1 }, () => ({ t: "b" as const, p: 2 })),
      ];
      const layouts = layoutsFor(a.shape, specs);
      const files: [Format, string][] = [
        ["npy", `${a.name}.npy`],
        ["npy", `${a.name}_v2.npy`],
        ["npy", `${a.name}_v3.npy`],
        ["zarr2", `${a.name}.zarr`],
        ["zarr2", `${a.name}_raw.zarr`],
      ];
      for (const [format, f] of files) {
        if (
          format === "zarr2" &&
          f.endsWith(".zarr") &&
          !f.endsWith("_raw.zarr") &&
          DTYPE_INFO[a.dtype].kind === "c"
        ) {
          // zarr-python compresses with Blosc by default; compressed complex chunks are refused.
          await assert.rejects(readFile(format, join(fx, f), layouts[0]!, a.dtype), FormatError);
          continue;
        }
        for (const l of layouts) {
          const got = await readFile(format, join(fx, f), l, a.dtype);
          assert.equal(got.dtype, a.dtype, f);
          assert.deepEqual(got.bytes, extractPart(raw, l, DTYPE_INFO[a.dtype].itemsize), `${f}`);
          n++;
        }
      }
      for (const l of layouts) {
        const r = await h5ReadPart(
          join(fx, "all.h5"),
          a.name,
          l,
          (d, k) => new Uint8Array(k * DTYPE_INFO[d].itemsize),
        );
        assert.equal(r.dtype, a.dtype, `h5 ${a.name}`);
        assert.deepEqual(
          r.bytes,
          extractPart(raw, l, DTYPE_INFO[a.dtype].itemsize),
          `h5 ${a.name}`,
        );
        n++;
      }
    }
    assert.ok(n > 13 * 3 * 6);
  });

  it("DistArray-style .dnpy files (16-aligned header, np.save payload)", () => {
    for (const a of arrays) {
      const raw = new Uint8Array(readFileSync(join(fx, `${a.name}.raw`)));
      const itemsize = DTYPE_INFO[a.dtype].itemsize;
      let offset = 0;
      for (let r = 0; r < 3; r++) {
        const bytes = new Uint8Array(readFileSync(join(fx, `${a.name}_${r}.dnpy`)));
        const h = decodeDnpyHeader(bytes, "x");
        assert.equal(h.npyOffset % 16, 0);
        assert.equal(h.dimData[0]!.proc_grid_rank, r);
        const npy = decodeNpyHeader(bytes.subarray(h.npyOffset), "x");
        assert.equal(npy.dtype, a.dtype);
        const n = npy.shape.reduce((p, x) => p * x, 1) * itemsize;
        const data = bytes.subarray(h.npyOffset + npy.dataOffset, h.npyOffset + npy.dataOffset + n);
        assert.deepEqual(data, raw.subarray(offset, offset + n));
        offset += n;
      }
      assert.equal(offset, raw.length);
    }
  });

  it("big-endian .npy is byte-swapped; Fortran order is refused with FormatError", async () => {
    const raw = new Uint8Array(readFileSync(join(fx, "bigendian.raw")));
    const got = await readFile("npy", join(fx, "bigendian.npy"), wholeLayout([6, 4]), "int32");
    assert.equal(got.dtype, "int32");
    assert.deepEqual(got.bytes, raw);
    const fd = openSync(join(fx, "fortran.npy"), "r");
    try {
      assert.equal(readNpyHeaderAt(fd, "fortran.npy").fortranOrder, true);
    } finally {
      closeSync(fd);
    }
  });
});

describe("corrupt input, per reader", () => {
  it("npy: truncated data, wrong magic, bad header", async () => {
    const good = join(dir, "good.npy");
    const off = createNpyFile(good, "float64", [10]);
    const bytes = readFileSync(good);
    const cases: [string, Uint8Array, RegExp][] = [
      [
        "trunc.npy",
        bytes.subarray(0, off + 20),
        /trunc\.npy: truncated \.npy file \(the header promises 80 data bytes, the file has 20\)/,
      ],
      [
        "magic.npy",
        Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, ...bytes.subarray(6)]),
        /magic\.npy: not a \.npy file/,
      ],
      ["empty.npy", new Uint8Array(0), /empty\.npy: truncated/],
    ];
    for (const [name, content, re] of cases) {
      const p = join(dir, name);
      writeFileSync(p, content);
      const fd = openSync(p, "r");
      try {
        assert.throws(
          () => readNpyHeaderAt(fd, name),
          (e: unknown) => e instanceof FormatError && re.test(e.message),
          name,
        );
      } finally {
        closeSync(fd);
      }
    }
  });

  it("hdf5: not an HDF5 file, missing key, shape mismatch", async () => {
    const notH5 = join(dir, "not.h5");
    writeFileSync(notH5, "hello");
    const alloc = (d: DType, n: number) => new Uint8Array(n * DTYPE_INFO[d].itemsize);
    await assert.rejects(
      h5ReadPart(notH5, "buffer", wholeLayout([2]), alloc),
      (e: unknown) => e instanceof FormatError && /not\.h5: cannot open as HDF5/.test(e.message),
    );
    const ok = join(dir, "ok.h5");
    await h5CreateDataset(ok, "w", "buffer", "int32", [4], [4]);
    await assert.rejects(
      h5ReadPart(ok, "nokey", wholeLayout([4]), alloc),
      (e: unknown) => e instanceof FormatError && /no dataset 'nokey'/.test(e.message),
    );
    await assert.rejects(
      h5ReadPart(ok, "buffer", wholeLayout([5]), alloc),
      (e: unknown) =>
        e instanceof FormatError && /has shape \[4\], the distribution \[5\]/.test(e.message),
    );
  });

  it("zarr: no metadata, bad metadata, truncated chunk, unsupported dtype", async () => {
    const empty = join(dir, "empty.zarr");
    zarrWriteMetadata(join(dir, "tmpz"), { format: 2, dtype: "int8", shape: [2], chunks: [2] });
    await assert.rejects(
      zarrOpen(empty),
      (e: unknown) => e instanceof FormatError && /not a Zarr array/.test(e.message),
    );
    const bad = join(dir, "bad.zarr");
    zarrWriteMetadata(bad, { format: 2, dtype: "int8", shape: [2], chunks: [2] });
    writeFileSync(join(bad, ".zarray"), "{not json");
    await assert.rejects(zarrOpen(bad), FormatError);
    writeFileSync(
      join(bad, ".zarray"),
      JSON.stringify({
        zarr_format: 2,
        shape: [2],
        chunks: [2],
        dtype: "<U4",
        compressor: null,
        fill_value: null,
        order: "C",
        filters: null,
      }),
    );
    await assert.rejects(
      zarrOpen(bad),
      (e: unknown) => e instanceof FormatError && /unsupported dtype '<U4'/.test(e.message),
    );
    const cx = join(dir, "cx.zarr");
    zarrWriteMetadata(cx, { format: 3, dtype: "complex64", shape: [4], chunks: [4] });
    mkdirSync(join(cx, "c"));
    writeFileSync(join(cx, "c", "0"), new Uint8Array(5));
    const z = await zarrOpen(cx);
    await assert.rejects(
      zarrReadPart(z, wholeLayout([4]), new Uint8Array(32), cx),
      (e: unknown) => e instanceof FormatError && /has 5 bytes, expected 32/.test(e.message),
    );
    assert.ok(!existsSync(join(dir, "nothing")));
  });
});
