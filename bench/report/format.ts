/** Number formatting shared by the Markdown and SVG reports. */

/** A duration given in ms, as "48.2 ms", "312 µs" or "1.25 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  return `${(ms * 1000).toPrecision(3)} µs`;
}

/** A ratio as "1.62x" / "0.0412x". */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return String(r);
  return `${r >= 100 ? r.toFixed(0) : r.toPrecision(3)}x`;
}

/** A value with its unit: bytes become MiB/GiB, GiB/s keeps three digits. */
export function formatValue(amount: number, unit: string): string {
  if (unit === "bytes") {
    if (amount >= 2 ** 30) return `${(amount / 2 ** 30).toPrecision(3)} GiB`;
    return `${(amount / 2 ** 20).toPrecision(3)} MiB`;
  }
  return `${amount.toPrecision(3)} ${unit}`;
}
