/**
 * Terminal styling that honours NO_COLOR and plain (non-TTY) streams.
 *
 * @module
 */

/** Styling functions; identity when colour is off. */
export interface Style {
  readonly color: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/**
 * Styling for a stream: colour only on a terminal and without NO_COLOR.
 *
 * @param stream The stream to write to.
 * @returns The styling functions.
 * @example
 * ```ts
 * import { style } from "./style.ts";
 * const s = style(Deno.stderr);
 * console.error(s.bold("done"));
 * ```
 */
export function style(stream: { isTerminal(): boolean }): Style {
  const color = !Deno.noColor && stream.isTerminal();
  const wrap = (open: number, close: number) => (s: string) =>
    color ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    color,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}
