/**
 * `pattern`: text matching a small regular-expression language, e.g.
 * `INS-#####` or `[A-Z]{3}-\d{4}`: codes, references, plates, SKUs.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { type DocPath, PluginInputError } from "../../core/errors.ts";
import type { Random } from "../../core/random.ts";

/** The default upper bound of `*`, `+` and `{n,}` repeats (beyond their minimum). */
export const DEFAULT_MAX_REPEAT = 8;

/**
 * Options of the `pattern` generator: the pattern, or `{ text, max_repeat }`.
 *
 * @example
 * ```ts
 * import { patternOptions } from "./pattern.ts";
 * patternOptions.parse("INS-#####").max_repeat; // 8
 * ```
 */
export const patternOptions = z.union([
  z.string().min(1).describe("A pattern such as INS-##### or [A-Z]{3}-\\d{4}"),
  z.object({
    /** The pattern. */
    text: z.string().min(1).describe("A pattern such as INS-##### or [A-Z]{3}-\\d{4}"),
    /** How many repeats `*`, `+` and `{n,}` may add beyond their minimum. */
    max_repeat: z.number().int().min(0).max(1000).default(DEFAULT_MAX_REPEAT).describe(
      "How many repeats *, + and {n,} may add beyond their minimum (default 8)",
    ),
  }).strict(),
]).transform((o) =>
  typeof o === "string"
    ? { text: o, max_repeat: DEFAULT_MAX_REPEAT, at: [] as DocPath }
    : { ...o, at: ["text"] as DocPath }
);

/** A parsed pattern. */
export type PatternNode =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "set"; readonly chars: readonly string[] }
  | { readonly kind: "seq"; readonly items: readonly PatternNode[] }
  | { readonly kind: "alt"; readonly options: readonly PatternNode[] }
  | {
    readonly kind: "repeat";
    readonly node: PatternNode;
    readonly min: number;
    readonly max: number;
  };

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let c = from.codePointAt(0)!; c <= to.codePointAt(0)!; c++) {
    out.push(String.fromCodePoint(c));
  }
  return out;
}

const DIGITS = range("0", "9");
const WORD = [...range("A", "Z"), ...range("a", "z"), ...DIGITS, "_"];
const ALNUM = [...range("A", "Z"), ...range("a", "z"), ...DIGITS];
const CLASS_ESCAPES: Readonly<Record<string, readonly string[]>> = { d: DIGITS, w: WORD, s: [" "] };
const CHAR_ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  f: "\f",
  v: "\v",
  0: "\0",
};

/** Thrown while parsing, with the 1-based position of the problem. */
class PatternSyntaxError extends Error {
  constructor(message: string, readonly position: number, readonly hint?: string) {
    super(message);
  }
}

/**
 * Parses a pattern into a tree.
 *
 * The language: literal characters; `#` for a digit (`\#` for a literal #);
 * escapes `\d` (digit), `\w` (letter, digit or _), `\s` (a space), `\n`,
 * `\t`, `\uXXXX`, `\xHH` and any escaped punctuation (`\.`, `\-`, `\(`);
 * `.` for an ASCII letter or digit; classes `[A-Z0-9_]` with ranges and
 * escapes (no negation); groups `( )` and `(?: )`; alternation `|`;
 * quantifiers `?`, `*`, `+`, `{n}`, `{n,}` and `{n,m}` (a lazy `?` after one
 * is ignored). `*`, `+` and `{n,}` add at most `maxRepeat` repeats. `^` at the
 * start and `$` at the end are ignored.
 *
 * @param source The pattern.
 * @param maxRepeat The bound of open-ended repeats beyond their minimum.
 * @returns The tree.
 * @throws {Error} A syntax error naming the 1-based position.
 * @example
 * ```ts
 * import { parsePattern } from "./pattern.ts";
 * parsePattern("A#", 8); // { kind: "seq", items: [{ kind: "text", text: "A" }, { kind: "set", chars: [...] }] }
 * ```
 */
export function parsePattern(source: string, maxRepeat: number): PatternNode {
  const chars = Array.from(source);
  let i = 0;
  if (chars[0] === "^") i++;
  const end = chars.length -
    (chars.length > i && chars.at(-1) === "$" && chars.at(-2) !== "\\" ? 1 : 0);

  const fail = (message: string, at = i, hint?: string): never => {
    throw new PatternSyntaxError(message, at + 1, hint);
  };

  const parseAlt = (): PatternNode => {
    const options = [parseSeq()];
    while (i < end && chars[i] === "|") {
      i++;
      options.push(parseSeq());
    }
    return options.length === 1 ? options[0]! : { kind: "alt", options };
  };

  const parseSeq = (): PatternNode => {
    const items: PatternNode[] = [];
    while (i < end && chars[i] !== "|" && chars[i] !== ")") {
      const node = parseQuantifier(parseAtom());
      const prev = items.at(-1);
      if (node.kind === "text" && prev?.kind === "text") {
        items[items.length - 1] = { kind: "text", text: prev.text + node.text };
      } else items.push(node);
    }
    if (items.length === 1) return items[0]!;
    return items.length === 0 ? { kind: "text", text: "" } : { kind: "seq", items };
  };

  const parseAtom = (): PatternNode => {
    const c = chars[i]!;
    switch (c) {
      case "(": {
        const open = i;
        i++;
        if (chars[i] === "?") {
          if (chars[i + 1] !== ":") {
            fail(`"(?" is only supported as "(?:"`, i, "use a plain group ( )");
          }
          i += 2;
        }
        const inner = parseAlt();
        if (chars[i] !== ")") fail(`"(" is never closed`, open, 'add ")"');
        i++;
        return inner;
      }
      case "[":
        return parseClass();
      case "\\":
        return parseEscape();
      case ".":
        i++;
        return { kind: "set", chars: ALNUM };
      case "#":
        i++;
        return { kind: "set", chars: DIGITS };
      case "?":
      case "*":
      case "+":
        return fail(`"${c}" has nothing to repeat`, i, `escape it as "\\${c}" for a literal ${c}`);
      case "{":
        return fail(`"{" is not a valid repeat here`, i, 'escape it as "\\{" for a literal {');
      case "^":
      case "$":
        return fail(
          `"${c}" is only allowed at the ${c === "^" ? "start" : "end"}`,
          i,
          `escape it as "\\${c}" for a literal ${c}`,
        );
      default:
        i++;
        return { kind: "text", text: c };
    }
  };

  const parseEscape = (): PatternNode => {
    const at = i;
    const e = chars[i + 1];
    if (e === undefined) {
      return fail(`"\\" at the end escapes nothing`, at, 'write "\\\\" for a backslash');
    }
    i += 2;
    if (CLASS_ESCAPES[e]) return { kind: "set", chars: CLASS_ESCAPES[e] };
    if (CHAR_ESCAPES[e] !== undefined) return { kind: "text", text: CHAR_ESCAPES[e] };
    if (e === "u" || e === "x") {
      const n = e === "u" ? 4 : 2;
      const hex = chars.slice(i, i + n).join("");
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) {
        fail(`"\\${e}" needs ${n} hex digits`, at, `e.g. ${e === "u" ? "\\u00e9" : "\\x41"}`);
      }
      i += n;
      return { kind: "text", text: String.fromCharCode(parseInt(hex, 16)) };
    }
    if ("DWS".includes(e)) {
      return fail(
        `"\\${e}" (a negated class) is not supported`,
        at,
        "list the characters you want in a class, e.g. [A-Za-z]",
      );
    }
    if (/[A-Za-z0-9]/.test(e)) {
      return fail(
        `unknown escape "\\${e}"`,
        at,
        "supported: \\d \\w \\s \\n \\t \\uXXXX \\xHH, or \\ before punctuation",
      );
    }
    return { kind: "text", text: e };
  };

  const parseClass = (): PatternNode => {
    const open = i;
    i++;
    if (chars[i] === "^") {
      fail(
        "negated classes [^…] are not supported",
        i,
        "list the characters you want, e.g. [A-HJ-NP-Z]",
      );
    }
    const set = new Set<string>();
    let first = true;
    while (i < chars.length && (chars[i] !== "]" || first)) {
      first = false;
      let from: string;
      if (chars[i] === "\\") {
        const node = parseEscape();
        if (node.kind === "set") {
          node.chars.forEach((c) => set.add(c));
          continue;
        }
        from = (node as { text: string }).text;
      } else {
        if (chars[i] === "]") break;
        from = chars[i]!;
        i++;
      }
      if (chars[i] === "-" && i + 1 < chars.length && chars[i + 1] !== "]") {
        const dash = i;
        i++;
        let to: string;
        if (chars[i] === "\\") {
          const node = parseEscape();
          if (node.kind !== "text") return fail(`a range cannot end with a class escape`, dash + 1);
          to = node.text;
        } else {
          to = chars[i]!;
          i++;
        }
        if (from.codePointAt(0)! > to.codePointAt(0)!) {
          fail(`range "${from}-${to}" is reversed`, dash - 1, `write "${to}-${from}"`);
        }
        range(from, to).forEach((c) => set.add(c));
      } else {
        set.add(from);
      }
    }
    if (chars[i] !== "]") fail(`"[" is never closed`, open, 'add "]"');
    i++;
    if (set.size === 0) fail("empty class []", open, "put at least one character in it");
    return { kind: "set", chars: [...set] };
  };

  const parseQuantifier = (node: PatternNode): PatternNode => {
    let min: number, max: number;
    const c = chars[i];
    if (i >= end) return node;
    if (c === "?") [min, max] = [0, 1];
    else if (c === "*") [min, max] = [0, maxRepeat];
    else if (c === "+") [min, max] = [1, 1 + maxRepeat];
    else if (c === "{") {
      const rest = chars.slice(i, end).join("");
      const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
      if (!m) {
        return fail(
          `"{" does not start a repeat like {3} or {2,5}`,
          i,
          'escape it as "\\{" for a literal {',
        );
      }
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? min + maxRepeat : Number(m[3]);
      if (max < min) {
        fail(
          `repeat {${m[1]},${m[3]}} has its maximum below its minimum`,
          i,
          `write {${m[3]},${m[1]}}`,
        );
      }
      if (max > 10_000) {
        fail(`a repeat of up to ${max} is too long`, i, "repeat at most 10000 times");
      }
      i += Array.from(m[0]).length - 1;
    } else return node;
    i++;
    if (chars[i] === "?" && i < end) i++; // lazy: no meaning when generating
    if ("?*+{".includes(chars[i] ?? "") && i < end) {
      fail(
        `"${chars[i]}" repeats a repeat`,
        i,
        "wrap the repeated part in a group first: (ab{2})+",
      );
    }
    return { kind: "repeat", node, min, max };
  };

  const tree = parseAlt();
  if (i < end) fail(`")" has no matching "("`, i, 'escape it as "\\)" for a literal )');
  return tree;
}

/**
 * How many distinct strings a pattern can produce, or `undefined` when it
 * is beyond 2^53. Alternatives and repeats are counted as if they never
 * produced the same string, so this is an upper bound.
 *
 * @param node A parsed pattern.
 * @returns The count, or `undefined`.
 * @example
 * ```ts
 * import { parsePattern, patternCardinality } from "./pattern.ts";
 * patternCardinality(parsePattern("INS-#####", 8)); // 100000
 * ```
 */
export function patternCardinality(node: PatternNode): number | undefined {
  const n = count(node);
  return n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

function count(node: PatternNode): number {
  switch (node.kind) {
    case "text":
      return 1;
    case "set":
      return node.chars.length;
    case "seq":
      return node.items.reduce((p, n) => p * count(n), 1);
    case "alt":
      return node.options.reduce((s, n) => s + count(n), 0);
    case "repeat": {
      const c = count(node.node);
      let total = 0;
      for (let k = node.min; k <= node.max && total <= Number.MAX_SAFE_INTEGER; k++) {
        total += c ** k;
      }
      return total;
    }
  }
}

type Gen = (r: Random) => string;

function compileNode(node: PatternNode): Gen {
  switch (node.kind) {
    case "text": {
      const t = node.text;
      return () => t;
    }
    case "set": {
      const cs = node.chars, n = cs.length;
      if (n === 1) {
        const c = cs[0]!;
        return () => c;
      }
      return (r) => cs[Math.floor(r.next() * n)]!;
    }
    case "seq": {
      const gs = node.items.map(compileNode), n = gs.length;
      return (r) => {
        let s = "";
        for (let k = 0; k < n; k++) s += gs[k]!(r);
        return s;
      };
    }
    case "alt": {
      const gs = node.options.map(compileNode), n = gs.length;
      return (r) => gs[Math.floor(r.next() * n)]!(r);
    }
    case "repeat": {
      const g = compileNode(node.node), { min, max } = node;
      return (r) => {
        const times = min === max ? min : r.int(min, max);
        let s = "";
        for (let k = 0; k < times; k++) s += g(r);
        return s;
      };
    }
  }
}

/**
 * Random text matching a pattern: policy numbers, SKUs, plates, codes.
 *
 * `#` is a digit, `[A-Z]` a class, `{3}` a repeat, `( | )` a choice; see
 * {@linkcode parsePattern} for the whole language. Each class member,
 * alternative and repeat count is equally likely. The generator knows how
 * many values a finite pattern can produce (`INS-#####`: 100000), so an
 * impossible `unique` is refused before anything is generated.
 *
 * @example In a scenario
 * ```yaml
 * policy_no: { pattern: "INS-#####", unique: true }
 * plate:     { pattern: "[A-Z]{3}-\\d{4}" }
 * sku:       { pattern: "(SHOE|SOCK|BAG)-[A-Z0-9]{6}" }
 * phone:     { pattern: "\\+1 \\(###\\) ###-####" }
 * ```
 */
export default definePlugin({
  name: "pattern",
  kind: "generator",
  version: "1.0.0",
  description: "Text matching a small regex language: INS-#####, [A-Z]{3}-\\d{4}, (a|b)",
  options: patternOptions,
  create({ text, max_repeat, at }) {
    let tree: PatternNode;
    try {
      tree = parsePattern(text, max_repeat);
    } catch (e) {
      if (!(e instanceof PatternSyntaxError)) throw e;
      throw new PluginInputError(
        `Cannot read pattern "${text}" at position ${e.position}: ${e.message}`,
        {
          ...(e.hint ? { hint: e.hint } : {}),
          path: at,
        },
      );
    }
    const cardinality = patternCardinality(tree);
    const generate = compileNode(tree);
    return {
      type: "string",
      ...(cardinality === undefined ? {} : { cardinality }),
      value: (row) => generate(row.random),
    };
  },
});
