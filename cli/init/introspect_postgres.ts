/**
 * `init --from-db postgres://…`: rebuilds `CREATE TABLE` text from a live
 * PostgreSQL catalog (npm:postgres) so the DDL parser reads it.
 *
 * @module
 */
import postgres from "postgres";

/**
 * Reads the tables of one schema as DDL text.
 *
 * @param url A `postgres://` URL; `?schema=name` picks the schema (default public).
 * @returns CREATE TABLE statements.
 * @example
 * ```ts ignore
 * const ddl = await ddlFromPostgres("postgres://me@127.0.0.1/dev?schema=public");
 * ```
 */
export async function ddlFromPostgres(url: string): Promise<string> {
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? "public";
  u.searchParams.delete("schema");
  const sql = postgres(u.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const cols = await sql<{ t: string; c: string; ty: string; nn: boolean }[]>`
      SELECT c.relname AS t, a.attname AS c, format_type(a.atttypid, a.atttypmod) AS ty,
             a.attnotnull AS nn
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${schema} AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attgenerated = ''
      ORDER BY c.oid, a.attnum`;
    const cons = await sql<{ t: string; def: string }[]>`
      SELECT c.relname AS t, pg_get_constraintdef(k.oid) AS def
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${schema} AND k.contype IN ('p', 'u', 'f', 'c')
      ORDER BY k.oid`;
    const tables = new Map<string, string[]>();
    const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
    for (const r of cols) {
      if (!tables.has(r.t)) tables.set(r.t, []);
      tables.get(r.t)!.push(`${q(r.c)} ${r.ty}${r.nn ? " NOT NULL" : ""}`);
    }
    for (const r of cons) tables.get(r.t)?.push(r.def.replace(/ NOT VALID$/, ""));
    return [...tables].map(([t, lines]) => `CREATE TABLE ${q(t)} (\n  ${lines.join(",\n  ")}\n);`)
      .join("\n");
  } finally {
    await sql.end();
  }
}
