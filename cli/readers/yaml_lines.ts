/**
 * A fast path for the YAML the `yaml` formatter writes: one `key: value`
 * per line, keys plain or double-quoted, values one-line scalars. The
 * `yaml` package reads about a thousand rows a second; these lines are read
 * directly, and anything else (flow collections, single quotes, anchors,
 * tags, block scalars) is left to the package.
 *
 * @module
 */

const NUMBER = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const PLAIN_KEY = /^[^\s"'{}[\],&*!|>%@`#-][^:#]*?$/;
const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};

/**
 * One `key: value` line (without indentation or a leading `- `), or
 * undefined when it is not one the fast path reads.
 *
 * @param line The line's text after the indentation (and `- `).
 * @returns The key and the value, or undefined.
 * @example
 * ```ts
 * import { yamlLine } from "./yaml_lines.ts";
 * yamlLine('name: "Ann \\"A\\""'); // ["name", 'Ann "A"']
 * yamlLine("price: 1.5"); // ["price", 1.5]
 * yamlLine("tags: [a, b]"); // undefined
 * ```
 */
export function yamlLine(line: string): [string, unknown] | undefined {
  let key: string | undefined;
  let rest: string;
  if (line.startsWith('"')) {
    const end = quotedEnd(line);
    if (end < 0 || line[end + 1] !== ":") return undefined;
    key = unquote(line.slice(0, end + 1));
    rest = line.slice(end + 2);
  } else {
    const colon = line.indexOf(": ");
    const k = colon < 0
      ? (line.endsWith(":") ? line.slice(0, -1) : undefined)
      : line.slice(0, colon);
    if (k === undefined || !PLAIN_KEY.test(k)) return undefined;
    key = k.trimEnd();
    rest = colon < 0 ? "" : line.slice(colon + 1);
  }
  if (key === undefined) return undefined;
  if (rest !== "" && rest[0] !== " ") return undefined;
  const value = scalar(rest.trim());
  return value === NOT_READ ? undefined : [key, value];
}

const NOT_READ = Symbol("not read");

function scalar(s: string): unknown {
  if (s === "" || s === "null" || s === "~" || s === "Null" || s === "NULL") return null;
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  const c = s[0]!;
  if (c === '"') {
    if (quotedEnd(s) !== s.length - 1) return NOT_READ;
    return unquote(s) ?? NOT_READ;
  }
  if (NUMBER.test(s)) return Number(s);
  if (s === ".nan" || s === ".NaN" || s === ".NAN") return NaN;
  if (/^[+]?\.(inf|Inf|INF)$/.test(s)) return Infinity;
  if (/^-\.(inf|Inf|INF)$/.test(s)) return -Infinity;
  // Plain text: not starting with an indicator, no comment, no ": " inside.
  if (/^[\s"'{}[\],&*!|>%@`#?:-]/.test(s) || / #|: |:$/.test(s) || /^0[xo]/.test(s)) {
    return NOT_READ;
  }
  return s;
}

/** The index of the closing quote of a double-quoted scalar starting at 0, or -1. */
function quotedEnd(s: string): number {
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === '"') return i;
  }
  return -1;
}

/** A double-quoted scalar's value (one line), or undefined for an escape not read. */
function unquote(q: string): string | undefined {
  const body = q.slice(1, -1);
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    const hex = body.slice(i + 1, i + 1 + width);
    if (!width || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
    out += String.fromCodePoint(parseInt(hex, 16));
    i += width;
  }
  return out;
}
