import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FormatError } from "@distarray/engines/core";
import { decodeDnpyHeader, encodeDnpyHeader, encodeDnpyPrefix } from "@distarray/engines/io/dnpy";
import { isPyTuple, pyTuple } from "@distarray/engines/io/py-literal";

const ascii = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

/** Engine-form dim dict of shape (7,) block on 4 ranks (REFERENCE 4.2). */
function blockDim(rank: number) {
  const k = 2;
  const start = Math.min(rank * k, 7);
  return {
    dist_type: "b",
    size: 7,
    proc_grid_rank: rank,
    proc_grid_size: 4,
    start,
    stop: Math.min(start + k, 7),
  };
}

describe(".dnpy 1.0 header", () => {
  it("is byte-exact for shape (7,) on 4 ranks, rank 0 (REFERENCE 7.1)", () => {
    const h = encodeDnpyHeader(pyTuple(blockDim(0)));
    const expectedText =
      "{'__version__': '0.10.0', 'dim_data': ({'dist_type': 'b', 'size': 7, 'proc_grid_rank': 0, 'proc_grid_size': 4, 'start': 0, 'stop': 2},), }";
    const expected = new Uint8Array(160);
    expected.set([0x93, 0x44, 0x41, 0x52, 0x52, 0x59, 0x01, 0x00, 0x96, 0x00]);
    expected.set(ascii(`${expectedText}${" ".repeat(11)}\n`), 10);
    assert.equal(expectedText.length, 138);
    assert.deepEqual(h, expected);
  });

  it("is byte-exact for every rank, and the data starts on a 16-byte boundary", () => {
    const starts = [
      [0, 2],
      [2, 4],
      [4, 6],
      [6, 7],
    ];
    for (let r = 0; r < 4; r++) {
      const h = encodeDnpyHeader([blockDim(r)]);
      const [start, stop] = starts[r]!;
      const t = `{'__version__': '0.10.0', 'dim_data': ({'dist_type': 'b', 'size': 7, 'proc_grid_rank': ${r}, 'proc_grid_size': 4, 'start': ${start}, 'stop': ${stop}},), }`;
      const pad = 16 - ((10 + t.length + 1) % 16);
      assert.equal(text(h.subarray(10)), `${t}${" ".repeat(pad)}\n`);
      assert.equal(h.length % 16, 0);
      assert.equal(h[8]! | (h[9]! << 8), h.length - 10);
    }
  });

  it("pads with 16 spaces (never 0) when the text is already aligned", () => {
    // Find a dim dict whose text makes 10 + len + 1 a multiple of 16 by varying a key.
    for (let extra = 0; extra < 16; extra++) {
      const dd = { ...blockDim(0), x: "a".repeat(extra) };
      const h = encodeDnpyHeader([dd]);
      const t = text(h.subarray(10));
      const spaces = t.length - t.trimEnd().length - 1 + (t.endsWith("\n") ? 1 : 0);
      const pad = t.slice(t.lastIndexOf("}") + 1, -1).length;
      assert.ok(pad >= 1 && pad <= 16, `pad ${pad} spaces ${spaces}`);
      if ((10 + t.lastIndexOf("}") + 1 + 1) % 16 === 0) assert.equal(pad, 16);
    }
  });

  it("prints cyclic, block-cyclic and unstructured dims and 1-tuples like Python", () => {
    const h = encodeDnpyHeader([
      { dist_type: "c", size: 9, proc_grid_rank: 1, proc_grid_size: 2, start: 2, block_size: 2 },
      {
        dist_type: "u",
        size: 5,
        proc_grid_rank: 0,
        proc_grid_size: 2,
        indices: Int32Array.of(4, 0, 3),
      },
      {
        dist_type: "b",
        size: 3,
        proc_grid_rank: 0,
        proc_grid_size: 1,
        start: 0,
        stop: 3,
        padding: [0, 0],
      },
    ]);
    const t = text(h.subarray(10)).trimEnd();
    assert.equal(
      t,
      "{'__version__': '0.10.0', 'dim_data': ({'dist_type': 'c', 'size': 9, 'proc_grid_rank': 1, 'proc_grid_size': 2, 'start': 2, 'block_size': 2}, " +
        "{'dist_type': 'u', 'size': 5, 'proc_grid_rank': 0, 'proc_grid_size': 2, 'indices': [4, 0, 3]}, " +
        "{'dist_type': 'b', 'size': 3, 'proc_grid_rank': 0, 'proc_grid_size': 1, 'start': 0, 'stop': 3, 'padding': (0, 0)}), }",
    );
    const back = decodeDnpyHeader(h, "u.dnpy");
    assert.deepEqual(back.dimData[1]!.indices, [4, 0, 3]);
    assert.ok(isPyTuple(back.dimData[2]!.padding));
  });

  it("writes a 0-d header as an empty tuple", () => {
    const t = text(encodeDnpyHeader([]).subarray(10)).trimEnd();
    assert.equal(t, "{'__version__': '0.10.0', 'dim_data': (), }");
  });

  it("is followed by the .npy stream np.save writes", () => {
    const prefix = encodeDnpyPrefix([blockDim(3)], "int32", [1]);
    assert.equal(prefix.length, 160 + 128);
    assert.equal(text(prefix.subarray(160, 166)), "\x93NUMPY");
    assert.equal(decodeDnpyHeader(prefix, "p.dnpy").npyOffset, 160);
  });

  it("reads any valid literal header", () => {
    const t =
      '{"dim_data": [{"stop": 2, "start": 0, "size": 7, "proc_grid_size": 4, "proc_grid_rank": 0, "dist_type": "b"}], "__version__": "0.10.0"}\n';
    const body = ascii(t);
    const b = new Uint8Array(10 + body.length);
    b.set([0x93, 0x44, 0x41, 0x52, 0x52, 0x59, 1, 0, body.length & 255, body.length >> 8]);
    b.set(body, 10);
    const h = decodeDnpyHeader(b, "any.dnpy");
    assert.equal(h.version, "0.10.0");
    assert.deepEqual({ ...h.dimData[0] }, blockDim(0));
    assert.equal(h.npyOffset, b.length);
  });

  it("rejects corrupt headers with FormatError naming the file", () => {
    const good = encodeDnpyHeader([blockDim(0)]);
    const withText = (t: string) => {
      const body = ascii(t);
      const b = new Uint8Array(10 + body.length);
      b.set(good.subarray(0, 8));
      b[8] = body.length & 255;
      b[9] = body.length >> 8;
      b.set(body, 10);
      return b;
    };
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 4), /EOF/],
      [
        Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]),
        /magic string is not correct/,
      ],
      [Uint8Array.from([...good.subarray(0, 6), 2, 0, 0, 0]), /unsupported \.dnpy version 2\.0/],
      [good.subarray(0, 100), /EOF: truncated/],
      [withText("{'__version__': '0.10.0', 'dim_data': (}\n"), /cannot parse/],
      [withText("('__version__', 'dim_data')\n"), /not a dict/],
      [withText("{'__version__': '0.10.0'}\n"), /exactly the keys/],
      [withText("{'__version__': '0.10.0', 'dim_data': (), 'x': 1}\n"), /exactly the keys/],
      [
        withText("{'__version__': '0.10.0', 'dim_data': (1, 2)}\n"),
        /dim_data is not a tuple of dicts/,
      ],
    ];
    for (const [bytes, re] of cases) {
      assert.throws(
        () => decodeDnpyHeader(bytes, "r_0.dnpy"),
        (e: unknown) =>
          e instanceof FormatError && e.message.startsWith("r_0.dnpy: ") && re.test(e.message),
        re.source,
      );
    }
  });
});
