/**
 * Which database a connection really reaches, however its URL is written:
 * `fabricate mask` refuses a destination that is its source. SQLite files
 * compare by device and inode (a symlink, a hard link or `./x/../db` are
 * one file); servers by what the server says of itself (PostgreSQL: its
 * start time, the database's OID and the schema; MariaDB/MySQL: host name,
 * port, data directory and database), so `localhost` and `127.0.0.1`, or a
 * socket and TCP, are one server.
 *
 * @module
 */
import type { Sink } from "../../plugins/sinks/sink.ts";
import type { DatabaseTarget } from "../../plugins/sinks/target.ts";

/**
 * The identity of a SQLite file, or undefined when it does not exist.
 *
 * @param file The path (links followed).
 * @returns `dev:ino`.
 * @example
 * ```ts ignore
 * await sqliteIdentity("shop.db") === await sqliteIdentity("./link-to-shop.db"); // true
 * ```
 */
export async function sqliteIdentity(file: string): Promise<string | undefined> {
  try {
    const info = await Deno.stat(file);
    return `sqlite:${info.dev}:${info.ino}`;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * The identity of a server connection's database and schema.
 *
 * @param sink An open connection.
 * @param target Its target (the schema, for PostgreSQL).
 * @returns A string equal for two connections to the same database and schema.
 * @example
 * ```ts ignore
 * await serverIdentity(a, ta) === await serverIdentity(b, tb);
 * ```
 */
export async function serverIdentity(sink: Sink, target: DatabaseTarget): Promise<string> {
  if (sink.dialect === "postgres") {
    const [r] = await sink.query(
      "SELECT pg_postmaster_start_time()::text AS started, d.oid::text AS db " +
        "FROM pg_database d WHERE d.datname = current_database()",
    );
    return `postgres:${r?.started}:${r?.db}:${target.schema}`;
  }
  const [r] = await sink.query(
    "SELECT @@hostname AS host, @@port AS port, @@datadir AS dir, DATABASE() AS db, " +
      "@@lower_case_table_names AS lower",
  );
  const db = String(r?.db);
  return `mysql:${r?.host}:${r?.port}:${r?.dir}:${Number(r?.lower) ? db.toLowerCase() : db}`;
}
