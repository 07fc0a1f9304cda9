// The JavaScript frame MAC of small frames (engines/src/engine/wire/poly1305.ts) against the
// RFC 8439 test vectors and against Node's OpenSSL ChaCha20-Poly1305 on random inputs.
import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { describe, it } from "node:test";
import {
  deriveFrameKey,
  FrameMac,
  JS_MAC_MAX_BYTES,
} from "@distarray/engines/engine/wire/frame-mac";
import { aeadTagOfData, poly1305, poly1305KeyGen } from "@distarray/engines/engine/wire/poly1305";
import fc from "fast-check";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fromHex = (s: string) => new Uint8Array(Buffer.from(s.replace(/[\s:]/g, ""), "hex"));

/** OpenSSL's tag for an empty plaintext and `data` as additional data. */
function opensslTag(key: Uint8Array, nonce: Uint8Array, data: Uint8Array): string {
  const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
  c.setAAD(data, { plaintextLength: 0 });
  c.final();
  return hex(c.getAuthTag());
}

describe("Poly1305 and ChaCha20-Poly1305 tags in JavaScript", () => {
  it("gives the RFC 8439 section 2.5.2 Poly1305 tag", () => {
    const key = fromHex(
      "85:d6:be:78:57:55:6d:33:7f:44:52:fe:42:d5:06:a8:01:03:80:8a:fb:0d:b2:fd:4a:bf:f6:af:41:49:f5:1b",
    );
    const tag = poly1305(key, [new TextEncoder().encode("Cryptographic Forum Research Group")]);
    assert.equal(hex(tag), "a8061dc1305136c6c22b8baf0c0127a9");
  });

  it("gives the RFC 8439 section 2.6.2 one-time key", () => {
    const key = fromHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    const nonce = fromHex("000000000001020304050607");
    assert.equal(
      hex(poly1305KeyGen(key, nonce)),
      "8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646",
    );
  });

  it("equals OpenSSL's tag for any data, key and nonce, however the data is split", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.nat(),
        (key, nonce, data, split) => {
          const cut = split % (data.byteLength + 1);
          const parts = [data.subarray(0, cut), data.subarray(cut)];
          assert.equal(hex(aeadTagOfData(key, nonce, parts)), opensslTag(key, nonce, data));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("equals OpenSSL's tag where every limb is at its largest (all bytes 0xff)", () => {
    const key = new Uint8Array(32).fill(0xff);
    const nonce = new Uint8Array(12).fill(0xff);
    for (const n of [0, 1, 15, 16, 17, 160, JS_MAC_MAX_BYTES]) {
      const data = new Uint8Array(n).fill(0xff);
      assert.equal(hex(aeadTagOfData(key, nonce, [data])), opensslTag(key, nonce, data), `${n}`);
    }
  });

  it("FrameMac gives the same tag field below and above JS_MAC_MAX_BYTES", () => {
    const mac = new FrameMac(
      deriveFrameKey(new Uint8Array(32).fill(3), new Uint8Array(16), new Uint8Array(16), 0),
    );
    for (const n of [JS_MAC_MAX_BYTES, JS_MAC_MAX_BYTES + 8]) {
      const data = new Uint8Array(n).map((_, i) => i * 7);
      const parts = [data.subarray(0, 24), data.subarray(24)];
      const stream = mac.begin(2 ** 33 + 5);
      for (const p of parts) stream.update(p);
      assert.equal(hex(mac.tag(2 ** 33 + 5, parts)), hex(stream.digest()), `${n}`);
      assert.equal(mac.verify(2 ** 33 + 5, parts, mac.tag(2 ** 33 + 5, parts)), true);
    }
  });
});
