/**
 * Parses PostgreSQL `CREATE TABLE` statements (npm:pgsql-ast-parser) into a
 * small table model for `fabricate init`.
 *
 * @module
 */
import { parse } from "pgsql-ast-parser";
import { UsageError } from "../../core/errors.ts";

/** A simple CHECK understood by init: a range or a list of values. */
export type ColumnCheck =
  | { kind: "range"; min?: number; max?: number }
  | { kind: "in"; values: (string | number)[] };

/** One column of a table. */
export interface Column {
  /** Column name. */
  name: string;
  /** Lower-case type name, e.g. `varchar`. */
  type: string;
  /** Type arguments, e.g. `[10, 2]` for NUMERIC(10,2). */
  args: number[];
  /** NOT NULL (or part of the primary key). */
  notNull: boolean;
  /** Simple checks. */
  checks: ColumnCheck[];
}

/** One table: columns and keys. */
export interface Table {
  /** Table name. */
  name: string;
  /** Columns in order. */
  columns: Column[];
  /** Primary key columns. */
  primaryKey: string[];
  /** Unique column sets. */
  uniques: string[][];
  /** Foreign keys. */
  foreignKeys: { columns: string[]; table: string; refColumns: string[] }[];
  /** Constructs not understood (written as YAML comments). */
  warnings: string[];
}

// deno-lint-ignore no-explicit-any
type Node = any;

/** Drops casts such as `(0)::numeric` that PostgreSQL adds to stored checks. */
function strip(e: Node): Node {
  while (e?.type === "cast") e = e.operand;
  return e;
}

function num(e: Node): number | undefined {
  e = strip(e);
  if (e?.type === "integer" || e?.type === "numeric") return Number(e.value);
  if (e?.type === "unary" && e.op === "-") {
    const v = num(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

function lit(e: Node): string | number | undefined {
  e = strip(e);
  if (e?.type === "string") return String(e.value);
  return num(e);
}

/** Reads a CHECK expression into column checks; unknown ones become warnings. */
function readCheck(e: Node, t: Table, where: string): void {
  e = strip(e);
  // PostgreSQL stores `x IN (...)` as `x = ANY (ARRAY[...])`.
  const any = strip(e?.right);
  if (
    e?.type === "binary" && e.op === "=" && any?.type === "call" && any.function?.name === "any"
  ) {
    const arr = strip(any.args?.[0]);
    if (arr?.type === "array") {
      e = {
        type: "binary",
        op: "IN",
        left: e.left,
        right: { type: "list", expressions: arr.expressions },
      };
    }
  }
  if (e?.type === "binary" && (e.op === "AND")) {
    readCheck(e.left, t, where);
    readCheck(e.right, t, where);
    return;
  }
  const col = (n: Node) =>
    (n = strip(n), n?.type === "ref") ? t.columns.find((c) => c.name === n.name) : undefined;
  if (e?.type === "ternary" && e.op === "BETWEEN" && col(e.value)) {
    const [lo, hi] = [num(e.lo), num(e.hi)];
    if (lo !== undefined && hi !== undefined) {
      col(e.value)!.checks.push({ kind: "range", min: lo, max: hi });
      return;
    }
  }
  if (e?.type === "binary" && e.op === "IN" && col(e.left) && e.right?.type === "list") {
    const values = e.right.expressions.map(lit);
    if (values.every((v: unknown) => v !== undefined)) {
      col(e.left)!.checks.push({ kind: "in", values });
      return;
    }
  }
  if (e?.type === "binary" && [">", ">=", "<", "<="].includes(e.op)) {
    let [c, v, op] = [col(e.left), num(e.right), e.op as string];
    if (!c) {
      [c, v] = [col(e.right), num(e.left)];
      op = { ">": "<", ">=": "<=", "<": ">", "<=": ">=" }[op]!;
    }
    if (c && v !== undefined) {
      const isInt = /int|serial/.test(c.type);
      const eps = isInt ? 1 : 0.01;
      if (op === ">") c.checks.push({ kind: "range", min: v + eps });
      if (op === ">=") c.checks.push({ kind: "range", min: v });
      if (op === "<") c.checks.push({ kind: "range", max: v - eps });
      if (op === "<=") c.checks.push({ kind: "range", max: v });
      return;
    }
  }
  t.warnings.push(`${where}: CHECK not understood, not enforced by the generators`);
}

/**
 * Parses DDL text into tables; other statements are skipped with a warning.
 *
 * @param sql The DDL text.
 * @param file The file name for error messages.
 * @param opts For DDL rewritten from another dialect: `locate` maps a
 *   position in `sql` back to the user's file, `dialect` names it in the hint.
 * @returns The tables in file order.
 * @example
 * ```ts
 * import { parseDdl } from "./parse_ddl.ts";
 * parseDdl("CREATE TABLE t (id int PRIMARY KEY);", "s.sql")[0]!.primaryKey; // ["id"]
 * ```
 */
export function parseDdl(
  sql: string,
  file: string,
  opts: { locate?: (line: number, col: number) => [number, number]; dialect?: string } = {},
): Table[] {
  let statements: Node[];
  try {
    statements = parse(sql, { locationTracking: true });
  } catch (e) {
    const m = /line (\d+) col (\d+)/.exec(String(e));
    const first = String((e as Error).message ?? e).split("\n").find((l) => /Unexpected/.test(l))
      ?.replace(/\. (Instead|I did not).*$/, "");
    let [line, col] = [Number(m?.[1] ?? 1), Number(m?.[2] ?? 1)];
    if (opts.locate) [line, col] = opts.locate(line, col);
    throw new UsageError(
      `${file}:${line}:${col}: the DDL does not parse as ${opts.dialect ?? "PostgreSQL"}${
        first ? `: ${first}` : ""
      }`,
      "init reads CREATE TABLE statements of PostgreSQL, MySQL/MariaDB or SQLite " +
        "(detected, or --dialect postgres|mysql|sqlite); fix the statement or drop it",
    );
  }
  const tables: Table[] = [];
  for (const s of statements) {
    if (s.type !== "create table") continue;
    const t: Table = {
      name: s.name.name,
      columns: [],
      primaryKey: [],
      uniques: [],
      foreignKeys: [],
      warnings: [],
    };
    tables.push(t);
    const constraints: [Node, string | undefined][] = [];
    for (const c of s.columns) {
      if (c.kind !== "column") {
        t.warnings.push(`${c.kind} not supported`);
        continue;
      }
      const dt = c.dataType ?? {};
      t.columns.push({
        name: c.name.name,
        type: String(dt.name ?? "text").toLowerCase() + (dt.kind === "array" ? "[]" : ""),
        args: (dt.config ?? []).map(Number),
        notNull: false,
        checks: [],
      });
      for (const k of c.constraints ?? []) constraints.push([k, c.name.name]);
    }
    for (const k of s.constraints ?? []) constraints.push([k, undefined]);
    for (const [k, colName] of constraints) {
      const cols: string[] = colName ? [colName] : (k.columns ?? k.localColumns ?? []).map((
        x: Node,
      ) => x.name);
      if (k.type === "not null") t.columns.find((c) => c.name === colName)!.notNull = true;
      else if (k.type === "primary key") t.primaryKey = cols;
      else if (k.type === "unique") t.uniques.push(cols);
      else if (k.type === "reference" || k.type === "foreign key") {
        t.foreignKeys.push({
          columns: cols,
          table: k.foreignTable.name,
          refColumns: (k.foreignColumns ?? []).map((x: Node) => x.name),
        });
      } else if (k.type === "check") {
        readCheck(k.expr, t, `${t.name}${colName ? "." + colName : ""}`);
      } else if (!["null", "default", "add generated"].includes(k.type)) {
        t.warnings.push(`${t.name}: ${k.type} constraint not supported`);
      }
    }
    for (const c of t.columns) if (t.primaryKey.includes(c.name)) c.notNull = true;
  }
  return tables;
}
