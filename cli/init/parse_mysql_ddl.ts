/**
 * Reads MySQL/MariaDB DDL (`mysqldump --no-data`) for `fabricate init`: each
 * `CREATE TABLE` is rewritten token by token into the PostgreSQL the DDL
 * parser reads (backticks → `"…"`, MySQL types → PostgreSQL types with the
 * CHECKs they imply, index and table options dropped), keeping a map back to
 * the source so a parse error still points at the user's line:column.
 *
 * @module
 */
import { parse } from "pgsql-ast-parser";
import { lineCol, statements, type Token, tokenize, unquote } from "./sql_statements.ts";
import { parseDdl, type Table } from "./parse_ddl.ts";

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** A piece of rewritten text and where it came from. */
interface Chunk {
  text: string;
  src: number;
}

/** A MySQL string literal's value (`'a\'b'`, `'a''b'`). */
function stringValue(t: Token): string {
  const body = t.text.replace(/^[^']*'/, "").slice(0, -1);
  return body.replace(
    /\\(.)|''/g,
    (_m, c: string | undefined) =>
      c === undefined ? "'" : ({ n: "\n", t: "\t", r: "\r", "0": "\0" } as Record<string, string>)[
        c
      ] ?? c,
  );
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The index just after the parenthesised group opening at `i`. */
function closeOf(ts: Token[], i: number): number {
  let depth = 0;
  for (let j = i; j < ts.length; j++) {
    if (ts[j]!.text === "(") depth++;
    else if (ts[j]!.text === ")" && --depth === 0) return j + 1;
  }
  return ts.length;
}

/** Splits a token list at top-level commas. */
function splitCommas(ts: Token[]): Token[][] {
  const out: Token[][] = [[]];
  let depth = 0;
  for (const t of ts) {
    if (t.text === "(") depth++;
    if (t.text === ")") depth--;
    if (t.text === "," && depth === 0) out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((d) => d.length > 0);
}

const up = (t: Token | undefined) => t?.kind === "word" ? t.text.toUpperCase() : "";

/** A MySQL column type as a PostgreSQL type, plus the CHECKs it implies. */
function mapType(
  name: string,
  args: Token[],
  unsigned: boolean,
  col: string,
): { type: string; checks: string[] } {
  const n = name.toUpperCase();
  const nums = args.filter((t) => t.kind === "number").map((t) => Number(t.text));
  const c = q(col);
  const checks: string[] = [];
  if (unsigned) checks.push(`${c} >= 0`);
  const type = (() => {
    switch (n) {
      case "TINYINT":
        if (nums[0] === 1) return "boolean";
        checks.push(unsigned ? `${c} <= 255` : `${c} BETWEEN -128 AND 127`);
        return "smallint";
      case "BOOL":
      case "BOOLEAN":
        return "boolean";
      case "BIT":
        return (nums[0] ?? 1) === 1 ? "boolean" : "bytea";
      case "SMALLINT":
        return "smallint";
      case "MEDIUMINT":
      case "INT":
      case "INTEGER":
        return "integer";
      case "BIGINT":
        return "bigint";
      case "DECIMAL":
      case "DEC":
      case "NUMERIC":
      case "FIXED":
        return `numeric(${nums[0] ?? 10}, ${nums[1] ?? 0})`;
      case "FLOAT":
        return "real";
      case "DOUBLE":
      case "REAL":
        return "double precision";
      case "CHAR":
      case "NCHAR":
        return `char(${nums[0] ?? 1})`;
      case "VARCHAR":
      case "NVARCHAR":
        return nums[0] !== undefined ? `varchar(${nums[0]})` : "text";
      case "TINYTEXT":
        return "varchar(255)";
      case "TEXT":
      case "MEDIUMTEXT":
      case "LONGTEXT":
        return "text";
      case "ENUM":
      case "SET": {
        const values = args.filter((t) => t.kind === "string").map(stringValue);
        checks.push(`${c} IN (${values.map(lit).join(", ")})`);
        return `varchar(${Math.max(1, ...values.map((v) => v.length))})`;
      }
      case "DATE":
        return "date";
      case "DATETIME":
      case "TIMESTAMP":
        return "timestamp";
      case "TIME":
        return "time";
      case "YEAR":
        checks.push(`${c} BETWEEN 1901 AND 2155`);
        return "integer";
      case "JSON":
        return "json";
      case "UUID":
        return "uuid";
      default:
        return /BLOB|BINARY/.test(n) ? "bytea" : /INET|TEXT|CHAR/.test(n) ? "text" : name;
    }
  })();
  return { type, checks };
}

/** Rewrites MySQL tokens of an expression (backtick names) as PostgreSQL text. */
function expr(ts: Token[]): string {
  return ts.map((t, k) => {
    const prev = ts[k - 1];
    const gap = prev && t.start > prev.start + prev.text.length ? " " : "";
    return gap +
      (t.kind === "name" ? q(unquote(t)) : t.kind === "string" ? lit(stringValue(t)) : t.text);
  }).join("");
}

/** Whether a CHECK expression reads as PostgreSQL. */
function parses(check: string): boolean {
  try {
    parse(`CREATE TABLE x (CHECK (${check}));`);
    return true;
  } catch {
    return false;
  }
}

/** Column names of a key's `(a, b(10) DESC)` list. */
function keyColumns(ts: Token[], from: number): { cols: string[]; end: number } {
  const open = ts.findIndex((t, j) => j >= from && t.text === "(");
  if (open < 0) return { cols: [], end: ts.length };
  const end = closeOf(ts, open);
  const cols = splitCommas(ts.slice(open + 1, end - 1)).map((p) => q(unquote(p[0]!)));
  return { cols, end };
}

/** One CREATE TABLE statement rewritten, or undefined when it is something else. */
function rewriteTable(
  st: Token[],
  warnings: Map<string, string[]>,
): Chunk[] | undefined {
  const words = st.slice(0, 3).map(up);
  const tableAt = words[1] === "TABLE"
    ? 2
    : words[1] === "TEMPORARY" && words[2] === "TABLE"
    ? 3
    : -1;
  if (words[0] !== "CREATE" || tableAt < 0) return undefined;
  const open = st.findIndex((t) => t.text === "(");
  if (open < 0) return undefined;
  const head = st.slice(tableAt, open).filter((t) => !["IF", "NOT", "EXISTS"].includes(up(t)));
  const nameTok = head[head.length - 1];
  // CREATE TABLE … LIKE t / … AS SELECT: no columns of its own to read.
  if (!nameTok || head.some((t) => ["LIKE", "AS", "SELECT"].includes(up(t)))) return undefined;
  const table = unquote(nameTok);
  const warn = (w: string) => {
    if (!warnings.has(table)) warnings.set(table, []);
    warnings.get(table)!.push(w);
  };
  const out: Chunk[] = [{ text: "CREATE TABLE ", src: st[0]!.start }];
  out.push({ text: q(table), src: nameTok.start }, { text: " (", src: st[open]!.start });
  const close = closeOf(st, open);
  const defs = splitCommas(st.slice(open + 1, close - 1));
  let first = true;
  const emit = (text: string, src: number) => {
    out.push({ text: first ? text : ", " + text, src });
    first = false;
  };
  for (const d of defs) {
    let i = 0;
    const w0 = up(d[0]);
    let word = w0;
    if (word === "CONSTRAINT") {
      i = ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK"].includes(up(d[1])) ? 1 : 2;
      word = up(d[i]);
    }
    const at = d[i]?.start ?? d[0]!.start;
    if (word === "PRIMARY") {
      emit(`PRIMARY KEY (${keyColumns(d, i).cols.join(", ")})`, at);
    } else if (word === "UNIQUE") {
      emit(`UNIQUE (${keyColumns(d, i).cols.join(", ")})`, at);
    } else if (["KEY", "INDEX", "FULLTEXT", "SPATIAL"].includes(word) && i === 0) {
      continue;
    } else if (word === "FOREIGN") {
      const local = keyColumns(d, i);
      const r = d.findIndex((t, j) => j >= local.end && up(t) === "REFERENCES");
      const ref = d[r + 1];
      if (r < 0 || !ref) {
        emit(expr(d), at);
        continue;
      }
      const remote = keyColumns(d, r + 2);
      const target = d[r + 2]?.text === "(" ? ` (${remote.cols.join(", ")})` : "";
      emit(
        `FOREIGN KEY (${local.cols.join(", ")}) REFERENCES ${q(unquote(ref))}${target}`,
        at,
      );
    } else if (word === "CHECK") {
      const open2 = d.findIndex((t, j) => j > i && t.text === "(");
      const body = expr(d.slice(open2 + 1, closeOf(d, open2) - 1));
      if (parses(body)) emit(`CHECK (${body})`, at);
      else warn(`${table}: CHECK (${body}) not understood, not enforced by the generators`);
    } else {
      const parts = column(d, table, warn);
      if (!parts.length) continue;
      emit(parts[0]!.text, parts[0]!.src);
      out.push(...parts.slice(1));
    }
  }
  out.push({ text: ");\n", src: st[close - 1]?.start ?? st[st.length - 1]!.start });
  return out;
}

/** After `GENERATED`: the index past `ALWAYS|BY DEFAULT AS IDENTITY`, or 0. */
function identityAt(d: Token[], i: number): number {
  for (let j = i; j < d.length && j < i + 4; j++) {
    const w = up(d[j]);
    if (w === "IDENTITY") return j + 1;
    if (!["ALWAYS", "BY", "DEFAULT", "AS"].includes(w)) return 0;
  }
  return 0;
}

/** One column definition as PostgreSQL text, in pieces mapped to their source (none: left out). */
function column(d: Token[], table: string, warn: (w: string) => void): Chunk[] {
  const name = unquote(d[0]!);
  let i = 1;
  const typeTok = d[i++];
  if (!typeTok) return [{ text: q(name), src: d[0]!.start }];
  let typeName = typeTok.text;
  // DOUBLE PRECISION, CHARACTER VARYING, NATIONAL CHAR…
  if (up(typeTok) === "DOUBLE" && up(d[i]) === "PRECISION") i++;
  if (up(typeTok) === "NATIONAL") typeName = d[i++]?.text ?? typeName;
  if (/^CHAR(ACTER)?$/.test(typeName.toUpperCase()) && up(d[i]) === "VARYING") {
    typeName = "VARCHAR";
    i++;
  }
  let args: Token[] = [];
  if (d[i]?.text === "(") {
    const end = closeOf(d, i);
    args = d.slice(i + 1, end - 1);
    i = end;
  }
  let unsigned = false;
  let json = false;
  const parts: Chunk[] = [];
  const part = (text: string, t: Token) => parts.push({ text: " " + text, src: t.start });
  const checks: string[] = [];
  const skipValue = () => {
    if (d[i]?.text === "(") i = closeOf(d, i);
    else {
      if (d[i]?.text === "-" || d[i]?.text === "+") i++;
      i++;
      if (d[i]?.text === "(") i = closeOf(d, i);
    }
  };
  while (i < d.length) {
    const t = d[i]!;
    const w = up(t);
    i++;
    if (w === "UNSIGNED") unsigned = true;
    else if (["SIGNED", "ZEROFILL", "AUTO_INCREMENT", "INVISIBLE", "VISIBLE", "NULL"].includes(w)) {
      continue;
    } else if (w === "BINARY" || w === "ASCII" || w === "UNICODE" || w === "BYTE") continue;
    else if (w === "NOT" && up(d[i]) === "NULL") {
      i++;
      part("NOT NULL", t);
    } else if (w === "DEFAULT") skipValue();
    else if (w === "ON" && up(d[i]) === "UPDATE") {
      i++;
      skipValue();
    } else if (["COMMENT", "COLLATE", "CHARSET", "COLUMN_FORMAT", "STORAGE", "SRID"].includes(w)) {
      if (d[i]?.text === "=") i++;
      i++;
    } else if (w === "CHARACTER" && up(d[i]) === "SET") i += 2;
    else if (w === "PRIMARY" || w === "KEY") {
      if (up(d[i]) === "KEY") i++;
      part("PRIMARY KEY", t);
    } else if (w === "UNIQUE") {
      if (up(d[i]) === "KEY") i++;
      part("UNIQUE", t);
    } else if (w === "REFERENCES" && d[i]) {
      const ref = d[i++]!;
      let target = "";
      if (d[i]?.text === "(") {
        const k = keyColumns(d, i);
        target = ` (${k.cols.join(", ")})`;
        i = k.end;
      }
      part(`REFERENCES ${q(unquote(ref))}${target}`, t);
      // MATCH …, ON DELETE/UPDATE actions: nothing to generate.
      while (["MATCH", "ON", "SET", "NO", "CASCADE", "RESTRICT"].includes(up(d[i]))) {
        i++;
        if (
          ["DELETE", "UPDATE", "NULL", "DEFAULT", "ACTION", "FULL", "PARTIAL", "SIMPLE"].includes(
            up(d[i]),
          )
        ) i++;
      }
    } else if (w === "CHECK" && d[i]?.text === "(") {
      const end = closeOf(d, i);
      const body = expr(d.slice(i + 1, end - 1));
      i = end;
      // MariaDB's JSON: LONGTEXT CHECK (json_valid(`c`)).
      if (/^json_valid\s*\("[^"]+"\)$/i.test(body)) json = true;
      else if (parses(body)) checks.push(body);
      else warn(`${table}.${name}: CHECK (${body}) not understood, not enforced by the generators`);
    } else if (w === "GENERATED" && identityAt(d, i)) {
      // PostgreSQL's GENERATED … AS IDENTITY (…): a key like AUTO_INCREMENT.
      i = identityAt(d, i);
      if (d[i]?.text === "(") i = closeOf(d, i);
    } else if (w === "GENERATED" || w === "AS") {
      // The server computes it and refuses a value: it is no column of the data.
      warn(`${table}.${name}: generated column, left out`);
      return [];
    } else if (["VIRTUAL", "STORED", "PERSISTENT", "ALWAYS"].includes(w)) continue;
    else part(expr([t]), t);
  }
  const mapped = json ? { type: "json", checks: [] } : mapType(typeName, args, unsigned, name);
  if (mapped.type === typeName && args.length) {
    mapped.type += `(${args.map((t) => t.text).join("")})`;
  }
  return [
    { text: `${q(name)} ${mapped.type}`, src: d[0]!.start },
    ...parts,
    ...[...mapped.checks, ...checks].map((c) => ({ text: ` CHECK (${c})`, src: typeTok.start })),
  ];
}

/**
 * Reads MySQL/MariaDB DDL into tables; statements other than CREATE TABLE
 * (SET, DROP, LOCK TABLES, `/*!… *\/` conditional comments) are skipped.
 *
 * @param sql The DDL text (e.g. `mysqldump --no-data`).
 * @param file The file name for error messages.
 * @returns The tables in file order.
 * @throws {UsageError} When a table does not read, with file:line:column.
 * @example
 * ```ts
 * import { parseMysqlDdl } from "./parse_mysql_ddl.ts";
 * parseMysqlDdl("CREATE TABLE `t` (`id` int unsigned NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB;", "s.sql")[0]!.primaryKey; // ["id"]
 * ```
 */
export function parseMysqlDdl(sql: string, file: string): Table[] {
  const warnings = new Map<string, string[]>();
  const chunks: Chunk[] = [];
  const tokens = tokenize(sql, { hashComments: true, backslashEscapes: true });
  for (const st of statements(tokens)) chunks.push(...rewriteTable(st, warnings) ?? []);
  let text = "";
  const starts: number[] = [];
  for (const c of chunks) {
    starts.push(text.length);
    text += c.text;
  }
  const locate = (line: number, col: number): [number, number] => {
    const lines = text.split("\n");
    const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1]! <= offset) k++;
    const c = chunks[k];
    return c ? lineCol(sql, c.src) : [1, 1];
  };
  const tables = parseDdl(text, file, { locate, dialect: "MySQL" });
  for (const t of tables) t.warnings.push(...warnings.get(t.name) ?? []);
  return tables;
}
