// Redistribution moves data in rounds of bounded size: with a memory limit that holds the
// old piece, the new piece and a quarter of a piece, a redistribution in small rounds
// succeeds, while the same one sending everything at once is refused (MemoryLimitError).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryLimitError, NDArray } from "distarray";
import { useTestContext } from "../helpers/engines.js";

const N = 1 << 18; // float64 elements per engine: a 2 MiB piece
const BLOCK = N * 8;
const LIMIT = 2 * BLOCK + BLOCK / 4;

describe("redistribution memory on 2 engines", () => {
  const t = useTestContext(2, { memoryLimit: LIMIT });

  it("needs only a bounded piece beyond the old and new blocks", async () => {
    const ctx = t.ctx;
    const x = new NDArray({
      dtype: "float64",
      shape: [2 * N],
      data: Float64Array.from({ length: 2 * N }, (_, i) => i),
    });
    const a = ctx.fromArray(x, { dist: "b" });
    // Block to cyclic: each engine sends half its piece (1 MiB) to the other.
    const small = a.redistribute({ dist: "c", pieceBytes: BLOCK / 8 });
    const got = await small.toArray();
    assert.deepEqual(got.shape, [2 * N]);
    const data = got.data as Float64Array;
    for (let i = 0; i < data.length; i += 4099) assert.equal(data[i], i);
    const s = await ctx.status();
    assert.deepEqual(
      s.map((r) => r.memoryBytes),
      [2 * BLOCK, 2 * BLOCK],
      "after the exchange only the two arrays are held",
    );
    // Free the result: the next exchanges have room for exactly one new piece and a quarter.
    ctx.deleteKey(small.key);
    const spec = { dist: [{ dist_type: "c" as const, block_size: 3 }] };
    const whole = a.redistribute({ ...spec, pieceBytes: 8 * BLOCK });
    await assert.rejects(whole.toArray(), (e: unknown) => e instanceof MemoryLimitError);
    const rounds = a.redistribute({ ...spec, pieceBytes: BLOCK / 8 });
    const again = (await rounds.toArray()).data as Float64Array;
    for (let i = 0; i < again.length; i += 4099) assert.equal(again[i], i);
  });
});
