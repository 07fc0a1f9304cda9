/**
 * Shows IO progress (large reads and writes, see ../io-progress.ts) as progress bars that update
 * in place in the cell that started the transfer.
 */
import { type IoProgress, setIoProgressHandler } from "../io-progress.js";
import { type ProgressBar, progress } from "./progress.js";

/** Routes IO progress to notebook progress bars; returns a function that restores the previous handler. */
export function installIoProgressBars(): () => void {
  const bars = new Map<string, ProgressBar>();
  const previous = setIoProgressHandler((p: IoProgress) => {
    const id = `${p.operation}\u0000${p.file}`;
    let bar = bars.get(id);
    if (!bar) {
      bar = progress({ label: `${p.operation} ${p.file}`, total: Math.max(p.total, 1) });
      bars.set(id, bar);
    }
    bar.update(p.done);
    if (p.finished) {
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
      bar.finish(
        p.done < p.total ? { message: `${p.operation} ${p.file}: stopped at ${pct}%` } : {},
      );
      bars.delete(id);
    }
  });
  return () => {
    setIoProgressHandler(previous);
  };
}
