/**
 * A progress bar per entity on stderr, with rows/s and ETA. Drawn only when
 * stderr is a terminal; silent otherwise (logs stay clean in CI).
 *
 * @module
 */
import type { ProgressListener } from "../core/gen.ts";
import { style } from "./style.ts";

/** A progress listener that can be told to clear its line. */
export interface ProgressReporter extends ProgressListener {
  /** Clears the bar. Safe to call twice. */
  done(): void;
}

const encoder = new TextEncoder();

/**
 * A reporter drawing on a stream.
 *
 * @param stream Usually `Deno.stderr`.
 * @returns The reporter.
 * @example
 * ```ts
 * import { progressReporter } from "./progress.ts";
 * const p = progressReporter(Deno.stderr);
 * p.start?.("customers", 1000);
 * p.advance?.("customers", 500);
 * p.done();
 * ```
 */
export function progressReporter(
  stream: { isTerminal(): boolean; writeSync(p: Uint8Array): number },
): ProgressReporter {
  const tty = stream.isTerminal();
  const s = style(stream);
  let total = 0;
  let threads = 1;
  let t0 = 0;
  let last = 0;
  let drawn = false;
  const write = (text: string) => stream.writeSync(encoder.encode(text));
  const draw = (entity: string, done: number, force = false) => {
    if (!tty) return;
    const now = performance.now();
    if (!force && now - last < 100) return;
    last = now;
    const width = 24;
    const frac = total ? done / total : 1;
    const filled = Math.round(frac * width);
    const secs = (now - t0) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (total - done) / rate : 0;
    const bar = "█".repeat(filled) + s.dim("░".repeat(width - filled));
    write(
      `\r\x1b[2K${entity.padEnd(14)} ${bar} ${String(Math.floor(frac * 100)).padStart(3)}% ` +
        `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}  ` +
        `${Math.round(rate).toLocaleString("en-US")} rows/s  ETA ${
          eta < 1 ? "<1" : Math.round(eta)
        }s${threads > 1 ? `  ${threads} workers` : ""}`,
    );
    drawn = true;
  };
  return {
    start(entity, count, workers = 1) {
      total = count;
      threads = workers;
      t0 = performance.now();
      last = 0;
      draw(entity, 0, true);
    },
    advance(entity, done) {
      draw(entity, done);
    },
    end() {
      if (tty && drawn) write("\r\x1b[2K");
      drawn = false;
    },
    done() {
      if (tty && drawn) write("\r\x1b[2K");
      drawn = false;
    },
  };
}
