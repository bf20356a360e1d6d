/**
 * `CREATE TABLE` statements from an entity's schema, for each dialect.
 * Shared by the `sql` formatter and the database sinks.
 *
 * @module
 */
import type { EntitySchema } from "../../core/types.ts";
import { type SqlDialect, sqlIdentifier, sqlType } from "./sql_text.ts";

/** How {@linkcode createTableSql} writes a table. */
export interface DdlOptions {
  /** The dialect. */
  readonly dialect: SqlDialect;
  /** Schema (MySQL: database) to qualify table names with. */
  readonly schema?: string;
  /** Text put before each table name. */
  readonly tablePrefix?: string;
  /** Write FOREIGN KEY constraints (default true). */
  readonly foreignKeys?: boolean;
  /**
   * True when the rows are loaded inside one transaction, so a self-reference
   * can be checked at COMMIT (PostgreSQL, SQLite).
   */
  readonly transaction?: boolean;
  /** Write `CREATE TABLE IF NOT EXISTS`. */
  readonly ifNotExists?: boolean;
}

/**
 * The qualified, quoted name of an entity's table.
 *
 * @param entity The entity's name.
 * @param options The dialect, schema and prefix.
 * @returns E.g. `"mock_data"."orders"`.
 * @example
 * ```ts
 * import { tableName } from "./sql_ddl.ts";
 * tableName("orders", { dialect: "postgres", schema: "mock_data" }); // '"mock_data"."orders"'
 * ```
 */
export function tableName(entity: string, options: DdlOptions): string {
  const q = (name: string) => sqlIdentifier(name, options.dialect);
  return (options.schema !== undefined ? q(options.schema) + "." : "") +
    q((options.tablePrefix ?? "") + entity);
}

/**
 * The `CREATE TABLE` statement of one entity (with any notes as SQL comments
 * before it), ending in a newline.
 *
 * @param entity The entity's schema.
 * @param options How to write it.
 * @returns The statement.
 * @example
 * ```ts
 * import { createTableSql } from "./sql_ddl.ts";
 * const sql = createTableSql({
 *   name: "t",
 *   count: 1,
 *   columns: [{ name: "id", type: "integer", nullable: false, unique: true, key: true, referenced: false }],
 * }, { dialect: "sqlite" });
 * sql.startsWith('CREATE TABLE "t"'); // true
 * ```
 */
export function createTableSql(entity: EntitySchema, options: DdlOptions): string {
  const d = options.dialect;
  const q = (name: string) => sqlIdentifier(name, d);
  const table = (name: string) => tableName(name, options);
  const transaction = options.transaction ?? true;
  const ifNotExists = options.ifNotExists ?? false;
  const lines: string[] = [];
  const notes: string[] = [];
  for (const c of entity.columns) {
    let line = `  ${q(c.name)} ${sqlType(c, d)}`;
    if (c.key) line += " PRIMARY KEY";
    else {
      if (!c.nullable) line += " NOT NULL";
      // MySQL cannot index a JSON column.
      // A column another table's foreign key points at must be unique.
      if ((c.unique || c.referenced) && !(d === "mysql" && c.type === "json")) {
        line += " UNIQUE";
      }
    }
    lines.push(line);
  }
  // Table-level constraints: MySQL ignores REFERENCES written on a column.
  for (const c of (options.foreignKeys ?? true) ? entity.columns : []) {
    if (!c.ref) continue;
    const fk = `  FOREIGN KEY (${q(c.name)}) REFERENCES ${table(c.ref.entity)} (${q(c.ref.field)})`;
    if (c.ref.entity !== entity.name) lines.push(fk);
    else if (d !== "mysql" && transaction) lines.push(fk + " DEFERRABLE INITIALLY DEFERRED");
    else {
      notes.push(
        `-- ${c.name} references ${table(c.ref.entity)} (${q(c.ref.field)}), not enforced: ` +
          "a self-reference may point to a later row",
      );
    }
  }
  const head = `CREATE TABLE ${ifNotExists ? "IF NOT EXISTS " : ""}${table(entity.name)} (\n`;
  // utf8mb4 holds every character; a binary collation compares (and so
  // keeps UNIQUE) the way the generator does: case and accents matter.
  const tail = d === "mysql" ? "\n) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;\n" : "\n);\n";
  return notes.map((n) => n.replace(/[\r\n]+/g, " ") + "\n").join("") + head +
    lines.join(",\n") + tail;
}
