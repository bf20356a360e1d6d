/**
 * What `fabricate mask --from <database>` needs to know of a source table:
 * its columns with their declared types, its primary key and its foreign
 * keys, read from the database's catalog (PostgreSQL `pg_catalog`, MariaDB
 * and MySQL `information_schema`, SQLite `pragma_table_info`), and the
 * `CREATE TABLE` of its masked copy.
 *
 * @module
 */
import type { Sink } from "../../plugins/sinks/sink.ts";
import {
  type SqlDialect,
  sqlIdentifier,
  sqlString,
  sqlType,
} from "../../plugins/_shared/sql_text.ts";
import { tableName } from "../../plugins/_shared/sql_ddl.ts";
import type { FieldType } from "../../core/types.ts";

/** What a column holds, as far as masking rules care. */
export type ColumnKind =
  | "integer"
  | "number"
  | "boolean"
  | "date"
  | "datetime"
  | "text"
  | "json"
  | "uuid"
  | "binary"
  | "other";

/** One column of a source table. */
export interface SourceColumn {
  /** Its name. */
  readonly name: string;
  /** Its type as the source declares it (`character varying(80)`, `bigint(20)`, `TEXT`). */
  readonly type: string;
  /** What it holds. */
  readonly kind: ColumnKind;
  /** True for NOT NULL. */
  readonly notNull: boolean;
  /** MariaDB/MySQL: `CHARACTER SET … COLLATE …` of a text column. */
  readonly charset?: string;
}

/** A foreign key of a source table. */
export interface SourceForeignKey {
  /** Its columns. */
  readonly columns: readonly string[];
  /** The referenced table (same schema/database). */
  readonly table: string;
  /** The referenced columns. */
  readonly refColumns: readonly string[];
}

/** A source table. */
export interface SourceTable {
  /** Its name. */
  readonly name: string;
  /** Its columns, in order. */
  readonly columns: readonly SourceColumn[];
  /** Its primary key's columns (empty when it has none). */
  readonly primaryKey: readonly string[];
  /** Its foreign keys to tables of the same schema/database. */
  readonly foreignKeys: readonly SourceForeignKey[];
}

/**
 * The kind of a declared column type.
 *
 * @param type The declared type, any case.
 * @param dialect The source's dialect.
 * @returns The kind.
 * @example
 * ```ts
 * import { kindOf } from "./db_schema.ts";
 * kindOf("timestamp with time zone", "postgres"); // "datetime"
 * kindOf("tinyint(1)", "mysql"); // "boolean"
 * kindOf("INTEGER", "sqlite"); // "integer"
 * ```
 */
export function kindOf(type: string, dialect: SqlDialect): ColumnKind {
  const t = type.toLowerCase().trim();
  if (/^(enum|set)\s*\(/.test(t)) return "other";
  if (dialect === "mysql" && /^tinyint\(1\)/.test(t)) return "boolean";
  if (/^bool/.test(t)) return "boolean";
  if (/\[\]$/.test(t)) return "other";
  if (/int/.test(t) && !/interval|point/.test(t)) return "integer";
  if (/^(real|float|double|numeric|decimal|money|number)/.test(t)) return "number";
  if (/^(timestamp|datetime)/.test(t)) return "datetime";
  if (/^date$/.test(t)) return "date";
  if (/json/.test(t)) return "json";
  if (/^uuid$/.test(t)) return "uuid";
  if (/blob|bytea|binary/.test(t)) return "binary";
  if (t === "" || /char|text|clob|string|citext|name/.test(t)) return "text";
  return "other";
}

/**
 * Reads a table's shape from the catalog.
 *
 * @param sink An open connection (PostgreSQL: the target's schema).
 * @param name The table.
 * @returns The table, or undefined when there is no such table.
 * @example
 * ```ts ignore
 * const customers = await describeTable(sink, "customers");
 * customers?.primaryKey; // ["id"]
 * ```
 */
export async function describeTable(
  sink: Sink,
  name: string,
): Promise<SourceTable | undefined> {
  if (!(await sink.existingTables([name])).length) return undefined;
  switch (sink.dialect) {
    case "postgres":
      return await describePostgres(sink, name);
    case "mysql":
      return await describeMysql(sink, name);
    default:
      return await describeSqlite(sink, name);
  }
}

async function describePostgres(sink: Sink, name: string): Promise<SourceTable> {
  const rel = `to_regclass(${
    sqlString(tableName(name, { dialect: "postgres", schema: sink.schema! }), "postgres")
  })`;
  const columns = (await sink.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, ` +
      `a.attnotnull AS not_null FROM pg_attribute a WHERE a.attrelid = ${rel} ` +
      `AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
  )).map((r) => ({
    name: String(r.name),
    type: String(r.type),
    kind: kindOf(String(r.type), "postgres"),
    notNull: r.not_null === true,
  }));
  const names = (rel: string, keys: string) =>
    `(SELECT json_agg(a.attname ORDER BY k.o)::text FROM unnest(${keys}) WITH ORDINALITY ` +
    `k(n, o) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.n)`;
  const constraints = await sink.query(
    `SELECT c.contype AS kind, ${names("c.conrelid", "c.conkey")} AS cols, ` +
      `${names("c.confrelid", "c.confkey")} AS ref_cols, r.relname AS ref_table, ` +
      `c.connamespace = r.relnamespace AS same_schema FROM pg_constraint c ` +
      `LEFT JOIN pg_class r ON r.oid = c.confrelid ` +
      `WHERE c.conrelid = ${rel} AND c.contype IN ('p', 'f') ORDER BY c.conname`,
  );
  const list = (v: unknown) => (v == null ? [] : JSON.parse(String(v)) as string[]);
  const pk = constraints.find((c) => c.kind === "p");
  return {
    name,
    columns,
    primaryKey: pk ? list(pk.cols) : [],
    foreignKeys: constraints.filter((c) => c.kind === "f" && c.same_schema === true).map((c) => ({
      columns: list(c.cols),
      table: String(c.ref_table),
      refColumns: list(c.ref_cols),
    })),
  };
}

async function describeMysql(sink: Sink, name: string): Promise<SourceTable> {
  const t = sqlString(name, "mysql");
  const where = `TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${t}`;
  const columns = (await sink.query(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, ` +
      `CHARACTER_SET_NAME AS cs, COLLATION_NAME AS coll FROM information_schema.COLUMNS ` +
      `WHERE ${where} ORDER BY ORDINAL_POSITION`,
  )).map((r) => ({
    name: String(r.name),
    type: String(r.type),
    kind: kindOf(String(r.type), "mysql"),
    notNull: String(r.nullable) === "NO",
    ...(r.cs ? { charset: `CHARACTER SET ${r.cs} COLLATE ${r.coll}` } : {}),
  }));
  const keys = await sink.query(
    `SELECT CONSTRAINT_NAME AS name, COLUMN_NAME AS col, REFERENCED_TABLE_NAME AS ref_table, ` +
      `REFERENCED_COLUMN_NAME AS ref_col, REFERENCED_TABLE_SCHEMA = DATABASE() AS same ` +
      `FROM information_schema.KEY_COLUMN_USAGE WHERE ${where} ` +
      `ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`,
  );
  const fks = new Map<string, { columns: string[]; table: string; refColumns: string[] }>();
  const primaryKey: string[] = [];
  for (const k of keys) {
    if (k.name === "PRIMARY") primaryKey.push(String(k.col));
    else if (k.ref_table != null && Number(k.same) === 1) {
      const fk = fks.get(String(k.name)) ??
        { columns: [], table: String(k.ref_table), refColumns: [] };
      fk.columns.push(String(k.col));
      fk.refColumns.push(String(k.ref_col));
      fks.set(String(k.name), fk);
    }
  }
  return { name, columns, primaryKey, foreignKeys: [...fks.values()] };
}

async function describeSqlite(sink: Sink, name: string): Promise<SourceTable> {
  const t = sqlString(name, "sqlite");
  const info = await sink.query(
    `SELECT name, type, "notnull" AS not_null, pk FROM pragma_table_info(${t}) ORDER BY cid`,
  );
  const columns = info.map((r) => ({
    name: String(r.name),
    type: String(r.type ?? ""),
    kind: kindOf(String(r.type ?? ""), "sqlite"),
    notNull: Number(r.not_null) === 1,
  }));
  const primaryKey = info.filter((r) => Number(r.pk) > 0).sort((a, b) =>
    Number(a.pk) - Number(b.pk)
  ).map((r) => String(r.name));
  const rows = await sink.query(
    `SELECT id, "table" AS ref_table, "from" AS col, "to" AS ref_col ` +
      `FROM pragma_foreign_key_list(${t}) ORDER BY id, seq`,
  );
  const fks = new Map<
    number,
    { columns: string[]; table: string; refColumns: (string | null)[] }
  >();
  for (const r of rows) {
    const fk = fks.get(Number(r.id)) ?? { columns: [], table: String(r.ref_table), refColumns: [] };
    fk.columns.push(String(r.col));
    fk.refColumns.push(r.ref_col == null ? null : String(r.ref_col));
    fks.set(Number(r.id), fk);
  }
  const foreignKeys: SourceForeignKey[] = [];
  for (const fk of fks.values()) {
    let refColumns = fk.refColumns as string[];
    if (fk.refColumns.some((c) => c === null)) {
      // REFERENCES parent without columns: the parent's primary key.
      const parent = await sink.query(
        `SELECT name FROM pragma_table_info(${sqlString(fk.table, "sqlite")}) WHERE pk > 0 ` +
          `ORDER BY pk`,
      );
      refColumns = parent.map((r) => String(r.name));
    }
    foreignKeys.push({ columns: fk.columns, table: fk.table, refColumns });
  }
  return { name, columns, primaryKey, foreignKeys };
}

const FIELD_TYPES: Record<ColumnKind, FieldType> = {
  integer: "integer",
  number: "number",
  boolean: "boolean",
  date: "date",
  datetime: "datetime",
  text: "string",
  json: "json",
  uuid: "uuid",
  binary: "string",
  other: "string",
};

/** The declared type of a column in the destination's dialect. */
function columnType(
  c: SourceColumn,
  from: SqlDialect,
  to: SqlDialect,
  indexed: boolean,
): string {
  if (from === to) return c.type + (to === "mysql" && c.charset ? " " + c.charset : "");
  const m = /^(?:numeric|decimal)\s*\((\d+)\s*,\s*(\d+)\)/i.exec(c.type);
  if (m) return `NUMERIC(${m[1]},${m[2]})`;
  const v = /^(?:character varying|varchar|nvarchar)\s*\((\d+)\)/i.exec(c.type);
  if (v) return `VARCHAR(${v[1]})`;
  return sqlType(
    {
      name: c.name,
      type: FIELD_TYPES[c.kind],
      nullable: !c.notNull,
      unique: false,
      key: false,
      referenced: false,
    },
    to,
    indexed,
  );
}

/** Where and how the masked copy of a table is created. */
export interface CopyDdlOptions {
  /** The source's dialect (types are copied verbatim within one dialect). */
  readonly from: SqlDialect;
  /** The destination's dialect. */
  readonly to: SqlDialect;
  /** The destination schema (PostgreSQL). */
  readonly schema?: string | undefined;
  /** The name each masked table is created under (MariaDB: a staging name). */
  readonly nameOf: (table: string) => string;
  /** The masked tables: foreign keys to other tables are left out. */
  readonly masked: ReadonlySet<string>;
}

/**
 * The `CREATE TABLE` of a table's masked copy: the source's column types
 * (mapped by kind across dialects), NOT NULL, the primary key, and the
 * foreign keys whose referenced table is masked too (deferred to COMMIT in
 * PostgreSQL and SQLite, so the load order never trips them).
 *
 * @param table The source table.
 * @param options Where it goes.
 * @returns The statement.
 * @example
 * ```ts
 * import { copyTableSql } from "./db_schema.ts";
 * copyTableSql(
 *   { name: "t", columns: [{ name: "id", type: "INTEGER", kind: "integer", notNull: true }], primaryKey: ["id"], foreignKeys: [] },
 *   { from: "sqlite", to: "sqlite", nameOf: (n) => n, masked: new Set(["t"]) },
 * ); // 'CREATE TABLE "t" (\n  "id" INTEGER NOT NULL,\n  PRIMARY KEY ("id")\n)'
 * ```
 */
export function copyTableSql(table: SourceTable, options: CopyDdlOptions): string {
  const d = options.to;
  const q = (n: string) => sqlIdentifier(n, d);
  const qt = (n: string) =>
    tableName(options.nameOf(n), {
      dialect: d,
      ...(options.schema !== undefined ? { schema: options.schema } : {}),
    });
  const indexed = new Set([
    ...table.primaryKey,
    ...table.foreignKeys.flatMap((f) => f.columns),
  ]);
  const lines = table.columns.map((c) =>
    `  ${q(c.name)} ${columnType(c, options.from, d, indexed.has(c.name))}${
      c.notNull ? " NOT NULL" : ""
    }`
  );
  if (table.primaryKey.length) {
    lines.push(`  PRIMARY KEY (${table.primaryKey.map(q).join(", ")})`);
  }
  for (const fk of table.foreignKeys) {
    if (!options.masked.has(fk.table)) continue;
    lines.push(
      `  FOREIGN KEY (${fk.columns.map(q).join(", ")}) REFERENCES ${qt(fk.table)} (${
        fk.refColumns.map(q).join(", ")
      })${d === "mysql" ? "" : " DEFERRABLE INITIALLY DEFERRED"}`,
    );
  }
  return `CREATE TABLE ${qt(table.name)} (\n${lines.join(",\n")}\n)`;
}

/**
 * Orders tables parents first by their foreign keys among `tables`
 * (a cycle or a self-reference keeps the rules file's order).
 *
 * @param tables The tables.
 * @returns The same tables, parents before children.
 * @example
 * ```ts
 * import { loadOrder } from "./db_schema.ts";
 * const t = (name: string, parent?: string) => ({
 *   name, columns: [], primaryKey: [],
 *   foreignKeys: parent ? [{ columns: ["p"], table: parent, refColumns: ["id"] }] : [],
 * });
 * loadOrder([t("orders", "customers"), t("customers")]).map((x) => x.name); // ["customers", "orders"]
 * ```
 */
export function loadOrder(tables: readonly SourceTable[]): SourceTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: SourceTable[] = [];
  const visit = (t: SourceTable) => {
    if (done.has(t.name) || visiting.has(t.name)) return;
    visiting.add(t.name);
    for (const fk of t.foreignKeys) {
      const parent = byName.get(fk.table);
      if (parent && parent !== t) visit(parent);
    }
    visiting.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}
