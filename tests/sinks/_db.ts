/**
 * Helpers of the sink tests: the servers from the environment (skipped
 * locally when unset, failing in CI), a uniquely named database or schema per
 * test, and queries through the real clients (psql, mariadb, sqlite3).
 */
import { needsEnv, needsProgram } from "../formatters/_roundtrip.ts";

/** The fixtures of these tests. */
export const FAMILY = new URL("../fixtures/family_refs.yaml", import.meta.url).pathname;
/** Loads its parents, then breaks a foreign key mid-load. */
export const VIOLATING = new URL("./violating.yaml", import.meta.url).pathname;

/** FABRICATE_TEST_PG (libpq key=value). */
export const pgEnv = needsEnv("FABRICATE_TEST_PG", "a libpq connection string to PostgreSQL");
/** FABRICATE_TEST_MYSQL (mysql://user@host:port). */
export const mysqlEnv = needsEnv("FABRICATE_TEST_MYSQL", "mysql://user@host:port of MariaDB");
/** The sqlite3 shell. */
export const sqlite3 = await needsProgram("sqlite3", "Debian package sqlite3");

/** A name no other test (or helper) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

async function run(cmd: string, args: string[], stdin?: string): Promise<string> {
  const p = new Deno.Command(cmd, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await p.output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
  return text.trim();
}

/** The PostgreSQL parts of FABRICATE_TEST_PG. */
function pgParts(): Record<string, string> {
  return Object.fromEntries(
    pgEnv.value().trim().split(/\s+/).map((kv) => kv.split("=", 2) as [string, string]),
  );
}

/** A postgres:// URL of the test server with `?schema=`. */
export function pgUrl(schema: string): string {
  const p = pgParts();
  return `postgres://${p.user ?? "postgres"}@${p.host ?? "127.0.0.1"}:${p.port ?? 5432}/${
    p.dbname ?? "postgres"
  }?schema=${schema}`;
}

/** Runs SQL with psql; returns unaligned, tuples-only output. */
export async function psql(sql: string): Promise<string> {
  return await run("psql", [pgEnv.value(), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]);
}

/** Tables in a PostgreSQL schema (sorted); empty when the schema is absent. */
export async function pgTables(schema: string): Promise<string[]> {
  const out = await psql(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY 1`,
  );
  return out ? out.split("\n") : [];
}

function mysqlParts(): URL {
  return new URL(mysqlEnv.value());
}

/** A mysql:// URL of the test server's database `db`. */
export function mysqlUrl(db: string): string {
  const u = mysqlParts();
  return `mysql://${u.username || "root"}${u.password ? ":" + u.password : ""}@${u.hostname}:${
    u.port || 3306
  }/${db}`;
}

/** Runs SQL with the mariadb client (batch, no column names). */
export async function mariadb(sql: string, db?: string): Promise<string> {
  const u = mysqlParts();
  return await run("mariadb", [
    "-h",
    u.hostname,
    "-P",
    u.port || "3306",
    "-u",
    decodeURIComponent(u.username || "root"),
    ...(u.password ? [`-p${decodeURIComponent(u.password)}`] : []),
    "-N",
    "-B",
    ...(db ? [db] : []),
    "-e",
    sql,
  ]);
}

/** Tables in a MariaDB database (sorted). */
export async function mysqlTables(db: string): Promise<string[]> {
  const out = await mariadb(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${db}' ORDER BY 1`,
  );
  return out ? out.split("\n") : [];
}

/** Runs SQL with the sqlite3 shell. */
export async function sqlite(file: string, sql: string): Promise<string> {
  return await run("sqlite3", [file], sql);
}
