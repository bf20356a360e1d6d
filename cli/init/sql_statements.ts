/**
 * A small SQL tokenizer and statement splitter for the DDL readers of
 * `fabricate init`: strings, quoted names (`"…"`, `` `…` ``, `[…]`) and
 * comments are single tokens, so a `;` or `,` inside them never splits.
 *
 * @module
 */

/** One token with its offset in the source text. */
export interface Token {
  /** word, name (quoted identifier), string, number, punct, space or comment. */
  kind: "word" | "name" | "string" | "number" | "punct" | "space" | "comment";
  /** The token's text as written. */
  text: string;
  /** Offset of its first character in the source. */
  start: number;
}

/** How a dialect writes quotes and comments. */
export interface TokenOptions {
  /** `#` starts a comment (MySQL). */
  hashComments?: boolean;
  /** `\` escapes inside strings (MySQL). */
  backslashEscapes?: boolean;
  /** `[name]` is a quoted name (SQLite, SQL Server). */
  brackets?: boolean;
}

/**
 * Splits SQL text into tokens; the concatenated texts give back the source.
 *
 * @param sql The text.
 * @param opts Dialect details.
 * @returns The tokens.
 * @example
 * ```ts
 * import { tokenize } from "./sql_statements.ts";
 * tokenize("a 'b;c'").map((t) => t.kind); // ["word", "space", "string"]
 * ```
 */
export function tokenize(sql: string, opts: TokenOptions = {}): Token[] {
  const out: Token[] = [];
  let i = 0;
  const until = (close: string, from: number, escapes: boolean): number => {
    let j = from;
    while (j < sql.length) {
      const c = sql[j]!;
      if (escapes && c === "\\") {
        j += 2;
        continue;
      }
      if (c === close) {
        if (sql[j + 1] === close && close !== "]") {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return sql.length;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    let kind: Token["kind"];
    if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i]!)) i++;
      kind = "space";
    } else if (sql.startsWith("--", i) || (opts.hashComments && c === "#")) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl;
      kind = "comment";
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      kind = "comment";
    } else if (c === "'") {
      i = until("'", i + 1, opts.backslashEscapes ?? false);
      kind = "string";
    } else if (c === '"' || c === "`" || (opts.brackets && c === "[")) {
      i = until(c === "[" ? "]" : c, i + 1, false);
      kind = "name";
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i, i + 64))!;
      i += m[0].length;
      kind = "number";
    } else if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      while (i < sql.length && /[\w$\u0080-\uffff]/.test(sql[i]!)) i++;
      // b'01', x'ff', N'…', _utf8mb4'…': one string token.
      if (sql[i] === "'" && /^([bxn]|_\w+)$/i.test(sql.slice(start, i))) {
        i = until("'", i + 1, opts.backslashEscapes ?? false);
        kind = "string";
      } else kind = "word";
    } else {
      i++;
      kind = "punct";
    }
    out.push({ kind, text: sql.slice(start, i), start });
  }
  return out;
}

/**
 * Groups tokens into statements at top-level `;` (a trigger's `BEGIN … END`
 * stays whole). Spaces and comments are dropped; empty statements too.
 *
 * @param tokens The tokens of a script.
 * @returns The statements, each a list of significant tokens.
 * @example
 * ```ts
 * import { statements, tokenize } from "./sql_statements.ts";
 * statements(tokenize("SET x = 1; CREATE TABLE t (a int);")).length; // 2
 * ```
 */
export function statements(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === "space" || t.kind === "comment") continue;
    const w = t.kind === "word" ? t.text.toUpperCase() : "";
    if (w === "BEGIN" && cur.some((x) => /^TRIGGER$/i.test(x.text))) depth++;
    if (w === "END" && depth > 0) depth--;
    if (t.text === ";" && t.kind === "punct" && depth === 0) {
      if (cur.length) out.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * The 1-based line and column of an offset.
 *
 * @param text The source text.
 * @param offset An offset into it.
 * @returns `[line, column]`.
 * @example
 * ```ts
 * import { lineCol } from "./sql_statements.ts";
 * lineCol("a\nbc", 3); // [2, 2]
 * ```
 */
export function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return [line, offset - before.lastIndexOf("\n")];
}

/**
 * The name inside a quoted identifier (`"a""b"`, `` `a` ``, `[a]`), or a bare word as is.
 *
 * @param t The token.
 * @returns The name.
 * @example
 * ```ts
 * import { unquote } from "./sql_statements.ts";
 * unquote({ kind: "name", text: "`order`", start: 0 }); // "order"
 * ```
 */
export function unquote(t: Token): string {
  if (t.kind !== "name") return t.text;
  const q = t.text[0]!;
  const body = t.text.slice(1, -1);
  return q === "[" ? body : body.replaceAll(q + q, q);
}
