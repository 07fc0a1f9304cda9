/**
 * IO through real engine processes (4 engines): every engine reads and writes its own
 * part. Round trips for every dtype and every dist type (b, c, block-cyclic, u, n), 1-d
 * to 3-d, through .dnpy, .npy, HDF5 and Zarr v2/v3; Python reads what the engines wrote;
 * corrupt files give FormatError naming the file while the engines keep serving; failed
 * writes leave the old file in place.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { encodeNpyHeader } from "@distarray/engines/io/npy-header";
import {
  array,
  type Context,
  type DistArray,
  DistArrayError,
  Distribution,
  DTYPE_INFO,
  DTYPES,
  type DType,
  EngineError,
  FormatError,
  type IoProgress,
  setIoProgressHandler,
} from "distarray";
import { useTestContext } from "../helpers/engines.js";
import { repoRoot } from "../helpers/paths.js";
import { testBytes } from "./layouts.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = join(repoRoot, "scripts", "io-interop.py");

interface Case {
  name: string;
  shape: number[];
  make: (ctx: Context) => Distribution;
}

const CASES: Case[] = [
  { name: "b", shape: [10], make: (ctx) => Distribution.fromShape(ctx, [10], { dist: "b" }) },
  { name: "c", shape: [10], make: (ctx) => Distribution.fromShape(ctx, [10], { dist: "c" }) },
  {
    name: "block-cyclic x n",
    shape: [11, 3],
    make: (ctx) =>
      Distribution.fromShape(ctx, [11, 3], { dist: [{ dist_type: "c", block_size: 2 }, "n"] }),
  },
  {
    name: "u x n",
    shape: [7, 2],
    make: (ctx) =>
      Distribution.fromGlobalDimData(ctx, [
        { dist_type: "u", indices: [[5, 0], [3, 1, 6], [2], [4]] },
        { dist_type: "n", size: 2 },
      ]),
  },
  { name: "n", shape: [3, 4], make: (ctx) => Distribution.fromShape(ctx, [3, 4], { dist: "nn" }) },
  {
    name: "b x c",
    shape: [6, 5],
    make: (ctx) => Distribution.fromShape(ctx, [6, 5], { dist: "bc", gridShape: [2, 2] }),
  },
  {
    name: "c x b x n",
    shape: [4, 3, 5],
    make: (ctx) => Distribution.fromShape(ctx, [4, 3, 5], { dist: "cbn", gridShape: [2, 2, 1] }),
  },
];

function ndarrayOf(dtype: DType, shape: number[], bytes: Uint8Array) {
  const storage = DTYPE_INFO[dtype].storage;
  const copy = bytes.slice();
  const data = new storage(copy.buffer, 0, copy.byteLength / storage.BYTES_PER_ELEMENT);
  return array(data, { shape, dtype });
}

async function bytesOf(a: { toArray(): Promise<{ data: ArrayBufferView }> }): Promise<Uint8Array> {
  const nd = await a.toArray();
  return new Uint8Array(nd.data.buffer, nd.data.byteOffset, nd.data.byteLength).slice();
}

describe("IO on 4 engines", () => {
  const t = useTestContext(4);
  let dir: string;
  const manifest: Record<string, unknown>[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "da-io-eng-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(".dnpy files are byte-exact for shape (7,) on 4 engines (REFERENCE 7.1)", async () => {
    const ctx = t.ctx;
    const a = ctx.fromArray(array(Int32Array.from([0, 1, 2, 3, 4, 5, 6])), {
      distribution: Distribution.fromShape(ctx, [7]),
    });
    await ctx.saveDnpy(join(dir, "seven"), a);
    const f0 = new Uint8Array(readFileSync(join(dir, "seven_0.dnpy")));
    const text =
      "{'__version__': '0.10.0', 'dim_data': ({'dist_type': 'b', 'size': 7, 'proc_grid_rank': 0, 'proc_grid_size': 4, 'start': 0, 'stop': 2},), }";
    const expected = new Uint8Array(160);
    expected.set([0x93, 0x44, 0x41, 0x52, 0x52, 0x59, 0x01, 0x00, 0x96, 0x00]);
    expected.set(new TextEncoder().encode(`${text}${" ".repeat(11)}\n`), 10);
    assert.deepEqual(f0.subarray(0, 160), expected);
    // then np.save of the local int32 array [0, 1]
    assert.deepEqual([...f0.subarray(160, 166)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    assert.deepEqual([...f0.subarray(f0.length - 8)], [0, 0, 0, 0, 1, 0, 0, 0]);
    const f3 = readFileSync(join(dir, "seven_3.dnpy"), "latin1");
    assert.ok(f3.includes("'proc_grid_rank': 3, 'proc_grid_size': 4, 'start': 6, 'stop': 7},), }"));
    const back = await ctx.loadDnpy(join(dir, "seven"));
    assert.deepEqual(back.dist, ["b"]);
    assert.deepEqual([...(await back.toArray()).data], [0, 1, 2, 3, 4, 5, 6]);
  });

  for (const format of ["dnpy", "npy", "hdf5", "zarr2", "zarr3"] as const) {
    it(`${format}: round trips for every dtype and dist type, 1-d to 3-d`, async () => {
      const ctx = t.ctx;
      let seed = 7;
      for (const c of CASES) {
        const dist = c.make(ctx);
        const size = c.shape.reduce((p, x) => p * x, 1);
        for (const dtype of DTYPES) {
          const what = `${format} ${c.name} ${dtype}`;
          const raw = testBytes(dtype, size, seed++);
          const a = ctx.fromArray(ndarrayOf(dtype, c.shape, raw), { distribution: dist });
          const base = join(dir, `${format}-${c.name.replace(/[^a-z0-9]+/gi, "_")}-${dtype}`);
          const rawPath = `${base}.raw`;
          writeFileSync(rawPath, raw);
          let back: DistArray;
          if (format === "dnpy") {
            await ctx.saveDnpy(base, a);
            back = await ctx.loadDnpy(base);
            assert.deepEqual(back.targets, dist.targets, what);
            const files = dist.targets.map((_, r) => `${base}_${r}.dnpy`);
            manifest.push({ kind: "dnpy", path: base, files, raw: rawPath, dtype, shape: c.shape });
          } else if (format === "npy") {
            await ctx.saveNpy(`${base}.npy`, a);
            back = await ctx.loadNpy(`${base}.npy`, dist);
            const other = await ctx.loadNpy(`${base}.npy`, Distribution.fromShape(ctx, c.shape));
            assert.deepEqual(await bytesOf(other), raw, `${what} (block layout)`);
            manifest.push({
              kind: "npy",
              path: `${base}.npy`,
              raw: rawPath,
              dtype,
              shape: c.shape,
            });
          } else if (format === "hdf5") {
            await ctx.saveHdf5(`${base}.h5`, a, { mode: "w" });
            back = await ctx.loadHdf5(`${base}.h5`, dist);
            manifest.push({
              kind: "hdf5",
              path: `${base}.h5`,
              raw: rawPath,
              dtype,
              shape: c.shape,
              boolAsInt8: true,
            });
          } else {
            const zf = format === "zarr2" ? 2 : 3;
            await ctx.saveZarr(`${base}.zarr`, a, { format: zf });
            back = await ctx.loadZarr(`${base}.zarr`, dist);
            const whole = await ctx.loadZarr(`${base}.zarr`);
            assert.deepEqual(await bytesOf(whole), raw, `${what} (default layout)`);
            if (zf === 2)
              manifest.push({
                kind: "zarr",
                path: `${base}.zarr`,
                raw: rawPath,
                dtype,
                shape: c.shape,
              });
          }
          assert.equal(back.dtype, dtype, what);
          assert.deepEqual(back.shape, c.shape, what);
          assert.deepEqual(await bytesOf(back), raw, what);
        }
      }
    });
  }

  it("several arrays in one HDF5 file (mode 'w' then 'a'); 'w-' refuses an existing file", async () => {
    const ctx = t.ctx;
    const f = join(dir, "two.h5");
    const foo = ctx.fromArray(array(Float64Array.from([1, 2, 3, 4, 5])), {
      distribution: Distribution.fromShape(ctx, [5]),
    });
    const bar = ctx.fromArray(array(Int16Array.from([9, 8, 7])), {
      distribution: Distribution.fromShape(ctx, [3], { dist: "c" }),
    });
    await ctx.saveHdf5(f, foo, { key: "foo", mode: "w" });
    await ctx.saveHdf5(f, bar, { key: "bar", mode: "a" });
    const d = Distribution.fromShape(ctx, [5], { dist: "c" });
    assert.deepEqual(
      [...(await (await ctx.loadHdf5(f, d, { key: "foo" })).toArray()).data],
      [1, 2, 3, 4, 5],
    );
    const d3 = Distribution.fromShape(ctx, [3]);
    assert.deepEqual(
      [...(await (await ctx.loadHdf5(f, d3, { key: "bar" })).toArray()).data],
      [9, 8, 7],
    );
    const before = readFileSync(f);
    await assert.rejects(
      ctx.saveHdf5(f, foo, { key: "baz", mode: "w-" }),
      (e: unknown) => e instanceof DistArrayError && /mode 'w-'/.test(e.message),
    );
    await assert.rejects(
      ctx.saveHdf5(f, foo, { key: "foo", mode: "a" }),
      (e: unknown) => e instanceof DistArrayError && /already exists/.test(e.message),
    );
    assert.deepEqual(readFileSync(f), before, "a failed write leaves the file as it was");
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes(".da-tmp-")),
      [],
    );
    await assert.rejects(
      ctx.loadHdf5(f, d, { key: "missing" }),
      (e: unknown) =>
        e instanceof FormatError && e.message.includes(f) && /no dataset 'missing'/.test(e.message),
    );
    assert.throws(() => ctx.saveHdf5(f, foo, { mode: "x" as never }), DistArrayError);
  });

  it("Python reads identical arrays from what the engines wrote", () => {
    const m = join(dir, "manifest.json");
    writeFileSync(m, JSON.stringify(manifest));
    const out = JSON.parse(
      execFileSync(PYTHON, [SCRIPT, "verify", m], { encoding: "utf8", maxBuffer: 1 << 26 }),
    );
    assert.deepEqual(out.failures, []);
    assert.equal(out.checked, manifest.length);
    assert.ok(manifest.length >= 4 * 13 * CASES.length);
  });

  it("corrupt or mismatched input gives FormatError naming the file; the engines stay up", async () => {
    const ctx = t.ctx;
    const d = Distribution.fromShape(ctx, [10]);
    const good = ctx.fromArray(array(Float64Array.from({ length: 10 }, (_, i) => i)), {
      distribution: d,
    });
    const npy = join(dir, "good.npy");
    await ctx.saveNpy(npy, good);
    const bytes = readFileSync(npy);
    const cases: [string, Uint8Array | string, RegExp][] = [
      ["trunc.npy", bytes.subarray(0, bytes.length - 8), /truncated/],
      ["magic.npy", Buffer.concat([Buffer.from("XXXXXX"), bytes.subarray(6)]), /not a \.npy file/],
      [
        "header.npy",
        Buffer.concat([
          bytes.subarray(0, 10),
          Buffer.from("[1, 2]".padEnd(bytes.readUInt16LE(8) - 1)),
          Buffer.from("\n"),
          bytes.subarray(10 + bytes.readUInt16LE(8)),
        ]),
        /not a dict/,
      ],
    ];
    for (const [name, content, re] of cases) {
      const p = join(dir, name);
      writeFileSync(p, content);
      await assert.rejects(
        ctx.loadNpy(p, d),
        (e: unknown) => e instanceof FormatError && e.message.includes(p) && re.test(e.message),
        name,
      );
    }
    const fortran = join(dir, "fortran.npy");
    const fh = encodeNpyHeader("float64", [10], { fortranOrder: true });
    writeFileSync(fortran, Buffer.concat([fh, new Uint8Array(80)]));
    await assert.rejects(
      ctx.loadNpy(fortran, d),
      (e: unknown) =>
        e instanceof FormatError && e.message.includes(fortran) && /Fortran-order/.test(e.message),
    );
    await assert.rejects(
      ctx.loadNpy(npy, Distribution.fromShape(ctx, [11])),
      (e: unknown) => e instanceof FormatError && /shape \[10\].*\[11\]/.test(e.message),
    );
    await assert.rejects(
      ctx.loadNpy(join(dir, "nope.npy"), d),
      (e: unknown) => e instanceof FormatError && /no such file/.test(e.message),
    );
    // .dnpy: bad magic in one rank's file
    await ctx.saveDnpy(join(dir, "g"), good);
    const f1 = join(dir, "g_1.dnpy");
    const b1 = readFileSync(f1);
    b1[1] = 0x00;
    writeFileSync(f1, b1);
    await assert.rejects(
      ctx.loadDnpy(join(dir, "g")),
      (e: unknown) =>
        e instanceof FormatError &&
        e.message.includes(f1) &&
        /magic string is not correct/.test(e.message),
    );
    // zarr: not a zarr directory
    await assert.rejects(
      ctx.loadZarr(dir, d),
      (e: unknown) => e instanceof FormatError && /not a Zarr array/.test(e.message),
    );
    // HDF5: not an HDF5 file
    await assert.rejects(
      ctx.loadHdf5(npy, d),
      (e: unknown) => e instanceof FormatError && /cannot open as HDF5/.test(e.message),
    );
    // still serving
    assert.deepEqual([...(await good.toArray()).data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(existsSync(npy));
  });

  it("a failed write names the engine and the reason; progress is reported", async () => {
    const ctx = t.ctx;
    const a = ctx.fromArray(array(Float32Array.from({ length: 8 }, (_, i) => i)), {
      distribution: Distribution.fromShape(ctx, [8]),
    });
    const missing = join(dir, "no-such-dir", "x");
    await assert.rejects(
      ctx.saveDnpy(missing, a),
      (e: unknown) =>
        e instanceof EngineError &&
        typeof e.rank === "number" &&
        /^engine \d: could not write .*no-such-dir.*ENOENT/.test(e.message),
    );
    await assert.rejects(
      ctx.saveNpy(`${missing}.npy`, a),
      (e: unknown) =>
        e instanceof EngineError &&
        e.rank === ctx.targets[0] &&
        e.remoteCode === "DA_ERR_IO" &&
        /ENOENT/.test(e.message),
    );
    const seen: IoProgress[] = [];
    const prev = setIoProgressHandler((p) => seen.push({ ...p }), { minBytes: 0 });
    try {
      await ctx.saveNpy(join(dir, "progress.npy"), a);
    } finally {
      setIoProgressHandler(prev, { minBytes: 64 << 20 });
    }
    assert.ok(seen.length >= 2);
    assert.equal(seen[0]!.done, 0);
    const last = seen[seen.length - 1]!;
    assert.deepEqual(
      [last.operation, last.done, last.total, last.finished],
      ["saveNpy", 32, 32, true],
    );
    assert.ok(seen.every((p, i) => i === 0 || p.done >= seen[i - 1]!.done));
  });

  it("name lists: one name per target, else TypeError", async () => {
    const ctx = t.ctx;
    const a = ctx.fromArray(array(Uint8Array.from([1, 2, 3, 4])), {
      distribution: Distribution.fromShape(ctx, [4]),
    });
    const names = [0, 1, 2, 3].map((i) => join(dir, `list-${i}`));
    await ctx.saveDnpy(names, a);
    assert.ok(existsSync(`${names[2]}.dnpy`));
    assert.deepEqual([...(await (await ctx.loadDnpy(names)).toArray()).data], [1, 2, 3, 4]);
    assert.throws(() => ctx.saveDnpy(names.slice(0, 2), a), TypeError);
    assert.throws(() => ctx.saveDnpy(42 as never, a), TypeError);
    assert.throws(() => ctx.loadDnpy([...names, "x", "y"]), TypeError);
    assert.throws(() => ctx.saveNpy(join(dir, "x.npy"), {} as never), TypeError);
    assert.throws(() => ctx.loadNpy(join(dir, "x.npy"), {} as never), TypeError);
  });
});
