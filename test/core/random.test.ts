import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkIntegerRange,
  DistArrayError,
  fillRandom,
  philox4x32,
  type RandomSpec,
  seedToKey,
  wordsToDouble,
} from "@distarray/engines/core";

// Known-answer vectors published with Random123 (kat_vectors, "philox4x32 10" lines).
const KAT: [number[], number[], number[]][] = [
  [
    [0, 0, 0, 0],
    [0, 0],
    [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
  ],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  ],
  [
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  ],
];

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe("philox4x32", () => {
  for (const [ctr, key, want] of KAT) {
    it(`matches the Random123 known answer for key ${key.map((k) => k.toString(16))}`, () => {
      assert.deepEqual(Array.from(philox4x32(ctr, key)), want);
    });
  }
  it("writes into a given output block", () => {
    const out = new Uint32Array(4);
    assert.equal(philox4x32([0, 0, 0, 0], [0, 0], out), out);
    assert.equal(out[0], 0x6627e8d5);
  });
});

describe("seedToKey", () => {
  it("splits a seed into low and high words", () => {
    assert.deepEqual(seedToKey(0), [0, 0]);
    assert.deepEqual(seedToKey(2 ** 32 + 5), [5, 1]);
    assert.deepEqual(seedToKey(0xffffffffffffffffn), [0xffffffff, 0xffffffff]);
  });
  it("rejects bad seeds", () => {
    assert.throws(() => seedToKey(-1), DistArrayError);
    assert.throws(() => seedToKey(1.5), DistArrayError);
    assert.throws(() => seedToKey(1n << 64n), DistArrayError);
    assert.throws(() => seedToKey("3" as unknown as number), TypeError);
  });
});

describe("wordsToDouble", () => {
  it("maps the extremes into [0, 1)", () => {
    assert.equal(wordsToDouble(0, 0), 0);
    assert.equal(wordsToDouble(0xffffffff, 0xffffffff), 1 - 2 ** -53);
  });
});

const uniform: RandomSpec = { kind: "uniform", key: seedToKey(42), call: 0 };

describe("fillRandom", () => {
  it("gives values that depend only on the global index, not the split", () => {
    const shape = [7, 5];
    const whole = new Float64Array(35);
    fillRandom(uniform, "float64", whole, [range(7), range(5)], shape);
    // A cyclic split of axis 0 and an unstructured split of axis 1.
    const rows = [1, 4];
    const cols = [4, 0, 2];
    const piece = new Float64Array(rows.length * cols.length);
    fillRandom(uniform, "float64", piece, [rows, cols], shape);
    let k = 0;
    for (const r of rows) for (const c of cols) assert.equal(piece[k++], whole[r * 5 + c]);
  });

  it("draws uniform float64 in [0, 1) with a plausible mean", () => {
    const n = 20000;
    const out = new Float64Array(n);
    fillRandom(uniform, "float64", out, [range(n)], [n]);
    let sum = 0;
    for (const v of out) {
      assert.ok(v >= 0 && v < 1);
      sum += v;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
    assert.equal(new Set(out).size, n);
  });

  it("changes with the seed and the call number", () => {
    const a = new Float64Array(10);
    const b = new Float64Array(10);
    const c = new Float64Array(10);
    fillRandom(uniform, "float64", a, [range(10)], [10]);
    fillRandom({ ...uniform, call: 1 }, "float64", b, [range(10)], [10]);
    fillRandom({ ...uniform, key: seedToKey(43) }, "float64", c, [range(10)], [10]);
    assert.notDeepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it("fills float32 uniforms", () => {
    const out = new Float32Array(1000);
    fillRandom(uniform, "float32", out, [range(1000)], [1000]);
    for (const v of out) assert.ok(v >= 0 && v < 1);
  });

  it("fills a 0-d array and empty pieces", () => {
    const zero = new Float64Array(1);
    fillRandom(uniform, "float64", zero, [], []);
    const first = new Float64Array(1);
    fillRandom(uniform, "float64", first, [[0]], [1]);
    assert.equal(zero[0], first[0]);
    const empty = new Float64Array(0);
    fillRandom(uniform, "float64", empty, [[], range(3)], [4, 3]);
  });

  it("draws normals with the asked mean and deviation", () => {
    const n = 40000;
    const out = new Float64Array(n);
    fillRandom(
      { kind: "normal", key: seedToKey(7), call: 3, loc: 2, scale: 3 },
      "float64",
      out,
      [range(n)],
      [n],
    );
    let sum = 0;
    for (const v of out) sum += v;
    const mean = sum / n;
    let ss = 0;
    for (const v of out) ss += (v - mean) ** 2;
    const std = Math.sqrt(ss / n);
    assert.ok(Math.abs(mean - 2) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(std - 3) < 0.05, `std ${std}`);
  });

  it("draws integers in [low, high) covering the range evenly", () => {
    const n = 30000;
    const out = new Int32Array(n);
    const spec: RandomSpec = { kind: "integers", key: seedToKey(1), call: 0, low: "-3", high: "3" };
    fillRandom(spec, "int32", out, [range(n)], [n]);
    const counts = new Map<number, number>();
    for (const v of out) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.deepEqual(
      [...counts.keys()].sort((a, b) => a - b),
      [-3, -2, -1, 0, 1, 2],
    );
    for (const c of counts.values()) assert.ok(Math.abs(c - n / 6) < n / 60, `count ${c}`);
  });

  it("draws int64 over ranges wider than 2^32", () => {
    const n = 2000;
    const out = new BigInt64Array(n);
    const low = -(1n << 62n);
    const high = 1n << 62n;
    fillRandom(
      { kind: "integers", key: seedToKey(5), call: 0, low: String(low), high: String(high) },
      "int64",
      out,
      [range(n)],
      [n],
    );
    let negatives = 0;
    for (const v of out) {
      assert.ok(v >= low && v < high);
      if (v < 0n) negatives++;
    }
    assert.ok(negatives > n * 0.4 && negatives < n * 0.6);
  });

  it("draws the full uint64 range and power-of-two ranges", () => {
    const u = new BigUint64Array(100);
    fillRandom(
      { kind: "integers", key: seedToKey(5), call: 0, low: "0", high: String(1n << 64n) },
      "uint64",
      u,
      [range(100)],
      [100],
    );
    assert.ok(u.some((v) => v >= 1n << 63n));
    const b = new Uint8Array(200);
    fillRandom(
      { kind: "integers", key: seedToKey(5), call: 0, low: "0", high: "2" },
      "bool",
      b,
      [range(200)],
      [200],
    );
    assert.ok(b.every((v) => v === 0 || v === 1));
    assert.ok(b.some((v) => v === 1) && b.some((v) => v === 0));
  });

  it("rejects bad ranges and dtypes", () => {
    assert.throws(() => checkIntegerRange(3n, 3n, "int64"), { code: "DA_ERR_VALUE" });
    assert.throws(() => checkIntegerRange(0n, 300n, "uint8"), { code: "DA_ERR_VALUE" });
    assert.throws(() => checkIntegerRange(-1n, 3n, "uint8"), { code: "DA_ERR_VALUE" });
    assert.throws(() => checkIntegerRange(0n, 3n, "float64"), { code: "DA_ERR_DTYPE" });
    assert.throws(() => fillRandom(uniform, "int32", new Int32Array(1), [[0]], [1]), {
      code: "DA_ERR_DTYPE",
    });
  });
});
