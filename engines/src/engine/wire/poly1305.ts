/**
 * The frame MAC of a small frame computed in JavaScript: the tag ChaCha20-Poly1305 (RFC 8439,
 * section 2.8) gives for an empty plaintext and the frame's covered bytes as additional data,
 * exactly as Node's OpenSSL computes it (frame-mac.ts uses OpenSSL for large frames).
 *
 * Why: OpenSSL needs a fresh cipher context per frame (the nonce changes every frame), and
 * creating one costs more than the whole MAC of a small frame. Here the one-time key is one
 * ChaCha20 block (section 2.6) and Poly1305 (section 2.5) runs on 10 limbs of 13 bits, so
 * every product and sum stays an exact integer in a double.
 */

const CHACHA_CONSTANTS = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;
const LIMB_BITS = 13;
const LIMB_MASK = 0x1fff;
/** 2^-13, to split a limb sum exactly (a power of two). */
const INV_LIMB = 1 / 8192;
/** 2^128 in the top limb: the bit Poly1305 appends to every full 16-byte block. */
const HIBIT = 1 << 11;

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

function quarterRound(s: Uint32Array, a: number, b: number, c: number, d: number): void {
  s[a] = (s[a]! + s[b]!) | 0;
  s[d] = rotl(s[d]! ^ s[a]!, 16);
  s[c] = (s[c]! + s[d]!) | 0;
  s[b] = rotl(s[b]! ^ s[c]!, 12);
  s[a] = (s[a]! + s[b]!) | 0;
  s[d] = rotl(s[d]! ^ s[a]!, 8);
  s[c] = (s[c]! + s[d]!) | 0;
  s[b] = rotl(s[b]! ^ s[c]!, 7);
}

/**
 * The Poly1305 one-time key of the AEAD: the first 32 bytes of ChaCha20 block 0 for `key`
 * (32 bytes) and `nonce` (12 bytes), RFC 8439 section 2.6.
 */
export function poly1305KeyGen(
  key: Uint8Array,
  nonce: Uint8Array,
  out: Uint8Array = new Uint8Array(32),
): Uint8Array {
  const init = KEYGEN_INIT;
  const s = KEYGEN_STATE;
  const word = (b: Uint8Array, i: number) =>
    (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
  for (let i = 0; i < 4; i++) init[i] = CHACHA_CONSTANTS[i]!;
  for (let i = 0; i < 8; i++) init[4 + i] = word(key, 4 * i);
  init[12] = 0;
  for (let i = 0; i < 3; i++) init[13 + i] = word(nonce, 4 * i);
  s.set(init);
  for (let round = 0; round < 10; round++) {
    quarterRound(s, 0, 4, 8, 12);
    quarterRound(s, 1, 5, 9, 13);
    quarterRound(s, 2, 6, 10, 14);
    quarterRound(s, 3, 7, 11, 15);
    quarterRound(s, 0, 5, 10, 15);
    quarterRound(s, 1, 6, 11, 12);
    quarterRound(s, 2, 7, 8, 13);
    quarterRound(s, 3, 4, 9, 14);
  }
  for (let i = 0; i < 8; i++) {
    const v = (s[i]! + init[i]!) >>> 0;
    out[4 * i] = v & 0xff;
    out[4 * i + 1] = (v >>> 8) & 0xff;
    out[4 * i + 2] = (v >>> 16) & 0xff;
    out[4 * i + 3] = v >>> 24;
  }
  return out;
}

const KEYGEN_INIT = new Uint32Array(16);
const KEYGEN_STATE = new Uint32Array(16);

/** 16 little-endian bytes at `m[o..o+16)` as 10 limbs of 13 bits into `t`. */
function toLimbs(m: Uint8Array, o: number, t: Float64Array): void {
  const w0 = m[o]! | (m[o + 1]! << 8);
  const w1 = m[o + 2]! | (m[o + 3]! << 8);
  const w2 = m[o + 4]! | (m[o + 5]! << 8);
  const w3 = m[o + 6]! | (m[o + 7]! << 8);
  const w4 = m[o + 8]! | (m[o + 9]! << 8);
  const w5 = m[o + 10]! | (m[o + 11]! << 8);
  const w6 = m[o + 12]! | (m[o + 13]! << 8);
  const w7 = m[o + 14]! | (m[o + 15]! << 8);
  t[0] = w0 & LIMB_MASK;
  t[1] = ((w0 >>> 13) | (w1 << 3)) & LIMB_MASK;
  t[2] = ((w1 >>> 10) | (w2 << 6)) & LIMB_MASK;
  t[3] = ((w2 >>> 7) | (w3 << 9)) & LIMB_MASK;
  t[4] = ((w3 >>> 4) | (w4 << 12)) & LIMB_MASK;
  t[5] = (w4 >>> 1) & LIMB_MASK;
  t[6] = ((w4 >>> 14) | (w5 << 2)) & LIMB_MASK;
  t[7] = ((w5 >>> 11) | (w6 << 5)) & LIMB_MASK;
  t[8] = ((w6 >>> 8) | (w7 << 8)) & LIMB_MASK;
  t[9] = w7 >>> 5;
}

/** Incremental Poly1305 (RFC 8439 section 2.5) under a 32-byte one-time key. */
class Poly1305 {
  #r = new Float64Array(10);
  /** The accumulator, partially reduced (limbs a little above 13 bits may remain). */
  #h = new Float64Array(10);
  #g = new Int32Array(10);
  #w = new Int32Array(8);
  #s = new Uint8Array(16);
  #stage = new Uint8Array(16);
  #staged = 0;

  /** Starts a new MAC under a 32-byte one-time key. */
  reset(oneTimeKey: Uint8Array): this {
    const r = this.#stage;
    r.set(oneTimeKey.subarray(0, 16));
    r[3]! &= 15;
    r[7]! &= 15;
    r[11]! &= 15;
    r[15]! &= 15;
    r[4]! &= 252;
    r[8]! &= 252;
    r[12]! &= 252;
    toLimbs(r, 0, this.#r);
    this.#s.set(oneTimeKey.subarray(16, 32));
    this.#h.fill(0);
    this.#staged = 0;
    return this;
  }

  /** Absorbs the 16-byte blocks at m[o..end) (end - o a multiple of 16). */
  #blocks(m: Uint8Array, o: number, end: number, hibit: number): void {
    const hs = this.#h;
    const rs = this.#r;
    let h0 = hs[0]!;
    let h1 = hs[1]!;
    let h2 = hs[2]!;
    let h3 = hs[3]!;
    let h4 = hs[4]!;
    let h5 = hs[5]!;
    let h6 = hs[6]!;
    let h7 = hs[7]!;
    let h8 = hs[8]!;
    let h9 = hs[9]!;
    const r0 = rs[0]!;
    const r1 = rs[1]!;
    const r2 = rs[2]!;
    const r3 = rs[3]!;
    const r4 = rs[4]!;
    const r5 = rs[5]!;
    const r6 = rs[6]!;
    const r7 = rs[7]!;
    const r8 = rs[8]!;
    const r9 = rs[9]!;
    const s1 = 5 * r1;
    const s2 = 5 * r2;
    const s3 = 5 * r3;
    const s4 = 5 * r4;
    const s5 = 5 * r5;
    const s6 = 5 * r6;
    const s7 = 5 * r7;
    const s8 = 5 * r8;
    const s9 = 5 * r9;
    for (; o < end; o += 16) {
      const w0 = m[o + 0]! | (m[o + 1]! << 8);
      const w1 = m[o + 2]! | (m[o + 3]! << 8);
      const w2 = m[o + 4]! | (m[o + 5]! << 8);
      const w3 = m[o + 6]! | (m[o + 7]! << 8);
      const w4 = m[o + 8]! | (m[o + 9]! << 8);
      const w5 = m[o + 10]! | (m[o + 11]! << 8);
      const w6 = m[o + 12]! | (m[o + 13]! << 8);
      const w7 = m[o + 14]! | (m[o + 15]! << 8);
      h0 += w0 & 0x1fff;
      h1 += ((w0 >>> 13) | (w1 << 3)) & 0x1fff;
      h2 += ((w1 >>> 10) | (w2 << 6)) & 0x1fff;
      h3 += ((w2 >>> 7) | (w3 << 9)) & 0x1fff;
      h4 += ((w3 >>> 4) | (w4 << 12)) & 0x1fff;
      h5 += (w4 >>> 1) & 0x1fff;
      h6 += ((w4 >>> 14) | (w5 << 2)) & 0x1fff;
      h7 += ((w5 >>> 11) | (w6 << 5)) & 0x1fff;
      h8 += ((w6 >>> 8) | (w7 << 8)) & 0x1fff;
      h9 += (w7 >>> 5) | hibit;
      const d0 =
        h0 * r0 +
        h1 * s9 +
        h2 * s8 +
        h3 * s7 +
        h4 * s6 +
        h5 * s5 +
        h6 * s4 +
        h7 * s3 +
        h8 * s2 +
        h9 * s1;
      let d1 =
        h0 * r1 +
        h1 * r0 +
        h2 * s9 +
        h3 * s8 +
        h4 * s7 +
        h5 * s6 +
        h6 * s5 +
        h7 * s4 +
        h8 * s3 +
        h9 * s2;
      let d2 =
        h0 * r2 +
        h1 * r1 +
        h2 * r0 +
        h3 * s9 +
        h4 * s8 +
        h5 * s7 +
        h6 * s6 +
        h7 * s5 +
        h8 * s4 +
        h9 * s3;
      let d3 =
        h0 * r3 +
        h1 * r2 +
        h2 * r1 +
        h3 * r0 +
        h4 * s9 +
        h5 * s8 +
        h6 * s7 +
        h7 * s6 +
        h8 * s5 +
        h9 * s4;
      let d4 =
        h0 * r4 +
        h1 * r3 +
        h2 * r2 +
        h3 * r1 +
        h4 * r0 +
        h5 * s9 +
        h6 * s8 +
        h7 * s7 +
        h8 * s6 +
        h9 * s5;
      let d5 =
        h0 * r5 +
        h1 * r4 +
        h2 * r3 +
        h3 * r2 +
        h4 * r1 +
        h5 * r0 +
        h6 * s9 +
        h7 * s8 +
        h8 * s7 +
        h9 * s6;
      let d6 =
        h0 * r6 +
        h1 * r5 +
        h2 * r4 +
        h3 * r3 +
        h4 * r2 +
        h5 * r1 +
        h6 * r0 +
        h7 * s9 +
        h8 * s8 +
        h9 * s7;
      let d7 =
        h0 * r7 +
        h1 * r6 +
        h2 * r5 +
        h3 * r4 +
        h4 * r3 +
        h5 * r2 +
        h6 * r1 +
        h7 * r0 +
        h8 * s9 +
        h9 * s8;
      let d8 =
        h0 * r8 +
        h1 * r7 +
        h2 * r6 +
        h3 * r5 +
        h4 * r4 +
        h5 * r3 +
        h6 * r2 +
        h7 * r1 +
        h8 * r0 +
        h9 * s9;
      let d9 =
        h0 * r9 +
        h1 * r8 +
        h2 * r7 +
        h3 * r6 +
        h4 * r5 +
        h5 * r4 +
        h6 * r3 +
        h7 * r2 +
        h8 * r1 +
        h9 * r0;
      let c: number;
      c = Math.floor(d0 * INV_LIMB);
      h0 = d0 - c * 8192;
      d1 += c;
      c = Math.floor(d1 * INV_LIMB);
      h1 = d1 - c * 8192;
      d2 += c;
      c = Math.floor(d2 * INV_LIMB);
      h2 = d2 - c * 8192;
      d3 += c;
      c = Math.floor(d3 * INV_LIMB);
      h3 = d3 - c * 8192;
      d4 += c;
      c = Math.floor(d4 * INV_LIMB);
      h4 = d4 - c * 8192;
      d5 += c;
      c = Math.floor(d5 * INV_LIMB);
      h5 = d5 - c * 8192;
      d6 += c;
      c = Math.floor(d6 * INV_LIMB);
      h6 = d6 - c * 8192;
      d7 += c;
      c = Math.floor(d7 * INV_LIMB);
      h7 = d7 - c * 8192;
      d8 += c;
      c = Math.floor(d8 * INV_LIMB);
      h8 = d8 - c * 8192;
      d9 += c;
      c = Math.floor(d9 * INV_LIMB);
      h9 = d9 - c * 8192;
      h0 += 5 * c;
      c = Math.floor(h0 * INV_LIMB);
      h0 -= c * 8192;
      h1 += c;
    }
    hs[0] = h0;
    hs[1] = h1;
    hs[2] = h2;
    hs[3] = h3;
    hs[4] = h4;
    hs[5] = h5;
    hs[6] = h6;
    hs[7] = h7;
    hs[8] = h8;
    hs[9] = h9;
  }

  update(part: Uint8Array): void {
    let at = 0;
    const n = part.byteLength;
    if (this.#staged > 0) {
      const k = Math.min(16 - this.#staged, n);
      this.#stage.set(part.subarray(0, k), this.#staged);
      this.#staged += k;
      at = k;
      if (this.#staged < 16) return;
      this.#blocks(this.#stage, 0, 16, HIBIT);
      this.#staged = 0;
    }
    const full = at + ((n - at) & ~15);
    this.#blocks(part, at, full, HIBIT);
    at = full;
    if (at < n) {
      this.#stage.set(part.subarray(at), 0);
      this.#staged = n - at;
    }
  }

  /** Writes the 16-byte tag at `out[at..]` (ends the computation). */
  digest(out: Uint8Array = new Uint8Array(16), at = 0): Uint8Array {
    if (this.#staged > 0) {
      const st = this.#stage;
      st[this.#staged] = 1;
      st.fill(0, this.#staged + 1);
      this.#blocks(st, 0, 16, 0);
      this.#staged = 0;
    }
    // The limbs are below 2^15 here, so 32-bit integer operations are exact.
    const h = this.#h;
    const g = this.#g;
    // Carry fully (every limb below 2^13, the value below 2^130 + 5·2^13), twice round.
    for (let pass = 0; pass < 2; pass++) {
      let c = 0;
      for (let i = 0; i < 10; i++) {
        const v = h[i]! + c;
        h[i] = v & LIMB_MASK;
        c = v >>> LIMB_BITS;
      }
      h[0] = h[0]! + 5 * c;
    }
    // h mod p: subtract p = 2^130 - 5 once if h >= p (g = h + 5 - 2^130 not negative).
    let c = 5;
    for (let i = 0; i < 10; i++) {
      const v = h[i]! + c;
      g[i] = v & LIMB_MASK;
      c = v >>> LIMB_BITS;
    }
    // Select g when the carry out (0 or 1) is set, without a branch on the value.
    const mask = -c | 0;
    for (let i = 0; i < 10; i++) g[i] = (g[i]! & mask) | (h[i]! & ~mask);
    const x = g;
    const w = this.#w;
    w[0] = x[0]! | (x[1]! << 13);
    w[1] = (x[1]! >>> 3) | (x[2]! << 10);
    w[2] = (x[2]! >>> 6) | (x[3]! << 7);
    w[3] = (x[3]! >>> 9) | (x[4]! << 4);
    w[4] = (x[4]! >>> 12) | (x[5]! << 1) | (x[6]! << 14);
    w[5] = (x[6]! >>> 2) | (x[7]! << 11);
    w[6] = (x[7]! >>> 5) | (x[8]! << 8);
    w[7] = (x[8]! >>> 8) | (x[9]! << 5);
    // tag = (h + s) mod 2^128, little-endian.
    const s = this.#s;
    let carry = 0;
    for (let i = 0; i < 8; i++) {
      const v = (w[i]! & 0xffff) + (s[2 * i]! | (s[2 * i + 1]! << 8)) + carry;
      out[at + 2 * i] = v & 0xff;
      out[at + 2 * i + 1] = (v >>> 8) & 0xff;
      carry = v >>> 16;
    }
    return out;
  }
}

/** Poly1305 of the concatenated `parts` under a 32-byte one-time key (RFC 8439 2.5). */
export function poly1305(oneTimeKey: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const p = new Poly1305().reset(oneTimeKey);
  for (const part of parts) p.update(part);
  return p.digest();
}

const ZERO_PAD = new Uint8Array(16);
const AEAD_POLY = new Poly1305();
const AEAD_ONE_TIME_KEY = new Uint8Array(32);
const AEAD_LENGTHS = new Uint8Array(16);

/**
 * Writes the 16-byte ChaCha20-Poly1305 tag (RFC 8439 section 2.8) for an empty plaintext and
 * the concatenated `parts` as additional data, under `key` (32 bytes) and `nonce` (12 bytes),
 * at `out[at..]`, and returns `out`.
 */
export function aeadTagOfData(
  key: Uint8Array,
  nonce: Uint8Array,
  parts: readonly Uint8Array[],
  out: Uint8Array = new Uint8Array(16),
  at = 0,
): Uint8Array {
  const p = AEAD_POLY.reset(poly1305KeyGen(key, nonce, AEAD_ONE_TIME_KEY));
  let n = 0;
  for (const part of parts) {
    p.update(part);
    n += part.byteLength;
  }
  const pad = (16 - (n % 16)) % 16;
  if (pad > 0) p.update(ZERO_PAD.subarray(0, pad));
  // The lengths block: additional data length, then the (empty) ciphertext's, u64 LE.
  const lengths = AEAD_LENGTHS;
  lengths.fill(0);
  for (let i = 0, v = n; i < 8; i++, v = Math.floor(v / 256)) lengths[i] = v % 256;
  p.update(lengths);
  return p.digest(out, at);
}
