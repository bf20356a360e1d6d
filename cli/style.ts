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

// C0 controls but tab and newline, DEL, C1 controls, and bidi overrides
// that reorder what follows them.
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes text from a scenario or a plugin safe to print on a terminal:
 * control characters (ESC and its colour, cursor and title sequences, bell,
 * carriage return, C1, bidi overrides) become visible `\x1b` / `\u202e`
 * escapes. Newlines stay unless `oneLine`.
 *
 * @param text Any text.
 * @param oneLine Escape newlines and tabs too (table cells).
 * @returns The text with control characters escaped.
 * @example
 * ```ts
 * import { printable } from "./style.ts";
 * printable("evil\x1b[2Jname"); // "evil\\x1b[2Jname"
 * ```
 */
export function printable(text: string, oneLine = false): string {
  const escaped = text.replace(UNSAFE, escapeChar);
  return oneLine ? escaped.replace(/[\n\t]/g, escapeChar) : escaped;
}

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}
