import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  headerDictText,
  isPyTuple,
  PyLiteralSyntaxError,
  parsePyLiteral,
  pyRepr,
  pyTuple,
} from "@distarray/engines/io/py-literal";

describe("parsePyLiteral", () => {
  it("reads dicts, tuples, lists, strings, numbers and keywords", () => {
    const v = parsePyLiteral(
      "{'a': (1, 2), \"b\": [True, False, None], 'c': -3.5e2, 'd': 'x\\'y', 'e': (), 'f': (7,), }",
    );
    assert.deepEqual(JSON.parse(JSON.stringify(v)), {
      a: [1, 2],
      b: [true, false, null],
      c: -350,
      d: "x'y",
      e: [],
      f: [7],
    });
    const d = v as Record<string, unknown>;
    assert.ok(isPyTuple(d.a));
    assert.ok(isPyTuple(d.e));
    assert.ok(isPyTuple(d.f));
    assert.ok(!isPyTuple(d.b));
    assert.ok(Object.isFrozen(d.a));
  });

  it("treats a parenthesised single value as the value, not a tuple", () => {
    assert.equal(parsePyLiteral("(5)"), 5);
    assert.ok(isPyTuple(parsePyLiteral("(5,)")));
  });

  it("reads ints of every base, with separators and big values", () => {
    assert.equal(parsePyLiteral("0x1F"), 31);
    assert.equal(parsePyLiteral("0o17"), 15);
    assert.equal(parsePyLiteral("0b101"), 5);
    assert.equal(parsePyLiteral("1_000"), 1000);
    assert.equal(parsePyLiteral("- 4"), -4);
    assert.equal(parsePyLiteral("123456789012345678901234567890"), 123456789012345678901234567890n);
    assert.equal(parsePyLiteral("1e3"), 1000);
    assert.equal(parsePyLiteral(".5"), 0.5);
  });

  it("reads string escapes and concatenation", () => {
    assert.equal(parsePyLiteral("'a\\nb\\t\\x41\\u00e9'"), "a\nb\tA\u00e9");
    assert.equal(parsePyLiteral("'ab' \"cd\""), "abcd");
    assert.equal(parsePyLiteral('"it\'s"'), "it's");
  });

  it("rejects what is not a literal", () => {
    for (const bad of [
      "",
      "{'a': 1",
      "{'a' 1}",
      "array([1, 2])",
      "{1: 2}",
      "'unterminated",
      "(1, 2",
      "[1 2]",
      "Truee",
      "007",
      "1 2",
      "__import__('os')",
    ]) {
      assert.throws(() => parsePyLiteral(bad), PyLiteralSyntaxError, bad);
    }
  });
});

describe("pyRepr", () => {
  it("prints as Python's repr", () => {
    assert.equal(pyRepr(pyTuple(1)), "(1,)");
    assert.equal(pyRepr(pyTuple()), "()");
    assert.equal(pyRepr(pyTuple(1, 2)), "(1, 2)");
    assert.equal(pyRepr([1, 2]), "[1, 2]");
    assert.equal(pyRepr({ a: true, b: null }), "{'a': True, 'b': None}");
    assert.equal(pyRepr("it's"), '"it\'s"');
    assert.equal(pyRepr("a'b\""), "'a\\'b\"'");
    assert.equal(pyRepr(0.5), "0.5");
    assert.equal(pyRepr(1e-7), "1e-07");
    assert.equal(pyRepr(1.5e20), "150000000000000000000");
    assert.equal(pyRepr(Number.POSITIVE_INFINITY), "inf");
    assert.equal(pyRepr(12n), "12");
  });

  it("round-trips through the parser", () => {
    const v = {
      dim_data: pyTuple({ dist_type: "c", size: 9, padding: pyTuple(0, 0) }),
      x: [1, "s"],
    };
    const again = parsePyLiteral(pyRepr(v));
    assert.equal(pyRepr(again), pyRepr(v));
  });

  it("writes header dicts with sorted keys and a trailing ', }'", () => {
    assert.equal(
      headerDictText({ shape: pyTuple(3), descr: "<f8", fortran_order: false }),
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
    );
  });
});
