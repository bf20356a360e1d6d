/**
 * Database targets: telling a `--to` value that names a database from one
 * that is a date, parsing it, and the safety guard (local hosts only, no
 * production-looking names) that runs before anything connects.
 *
 * @module
 */
import { UsageError } from "../../core/errors.ts";
import type { SqlDialect } from "../_shared/sql_text.ts";

/** A parsed database target. */
export interface DatabaseTarget {
  /** The SQL dialect the database speaks. */
  readonly dialect: SqlDialect;
  /** The value as given. */
  readonly url: string;
  /** The value with any password hidden, for messages. */
  readonly label: string;
  /** SQLite: the database file. */
  readonly file?: string;
  /** PostgreSQL, MySQL: the host name (empty for a unix socket). */
  readonly host?: string;
  /** PostgreSQL, MySQL: the port. */
  readonly port?: number;
  /** PostgreSQL, MySQL: the user. */
  readonly user?: string;
  /** PostgreSQL, MySQL: the password. */
  readonly password?: string;
  /** PostgreSQL, MySQL: the database. */
  readonly database?: string;
  /** PostgreSQL: the schema tables go into (default `mock_data`). */
  readonly schema?: string;
  /** A unix socket path given as `?host=/path` or `?socket=/path`. */
  readonly socket?: string;
}

/** The schema fabricate writes to in PostgreSQL unless `?schema=` says otherwise. */
export const DEFAULT_PG_SCHEMA = "mock_data";

const SCHEMES = /^(sqlite:|postgres:\/\/|postgresql:\/\/|mysql:\/\/|mariadb:\/\/)/i;

/**
 * True when a `--to` value names a database (`sqlite:`, `postgres://`,
 * `postgresql://`, `mysql://`, `mariadb://`) rather than a date.
 *
 * @param value The value.
 * @returns Whether it is a database target.
 * @example
 * ```ts
 * import { isDatabaseTarget } from "./target.ts";
 * isDatabaseTarget("sqlite:shop.db"); // true
 * isDatabaseTarget("2024-12-31"); // false
 * ```
 */
export function isDatabaseTarget(value: string): boolean {
  return SCHEMES.test(value);
}

/**
 * Parses a database target.
 *
 * @param url E.g. `sqlite:out/shop.db`, `postgres://me@127.0.0.1:5432/dev?schema=demo`,
 *   `mysql://root@127.0.0.1:3306/dev`.
 * @returns The target.
 * @throws {UsageError} When it cannot be read.
 * @example
 * ```ts
 * import { parseTarget } from "./target.ts";
 * parseTarget("postgres://me:secret@localhost/dev").label; // "postgres://me:***@localhost/dev"
 * parseTarget("postgres://me@localhost/dev").schema; // "mock_data"
 * ```
 */
export function parseTarget(url: string): DatabaseTarget {
  const scheme = url.match(SCHEMES)?.[1]?.toLowerCase();
  if (!scheme) {
    throw new UsageError(
      `Not a database target: "${url}"`,
      "use sqlite:PATH, postgres://user@host:port/db or mysql://user@host:port/db",
    );
  }
  if (scheme === "sqlite:") {
    let file = url.slice("sqlite:".length);
    if (file.startsWith("//")) file = file.slice(2); // sqlite://path
    if (!file) throw new UsageError(`No file in "${url}"`, "write it as sqlite:path/to/file.db");
    return { dialect: "sqlite", url, label: url, file };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `Cannot read the database URL "${redact(url)}"`,
      "write it as postgres://user@host:port/database (percent-encode special characters)",
    );
  }
  const dialect: SqlDialect = scheme.startsWith("postgres") ? "postgres" : "mysql";
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!database) {
    throw new UsageError(
      `No database named in "${redact(url)}"`,
      `add it after the host, e.g. ${scheme}${parsed.host || "127.0.0.1"}/dev`,
    );
  }
  const schemaParam = parsed.searchParams.get("schema");
  if (dialect === "mysql" && schemaParam !== null) {
    throw new UsageError(
      `MySQL/MariaDB has no schemas inside a database: drop ?schema= from "${redact(url)}"`,
      "the URL's database is where the tables go",
    );
  }
  const socket = parsed.searchParams.get("host") ?? parsed.searchParams.get("socket") ?? undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  return {
    dialect,
    url,
    label: redact(url),
    host,
    ...(parsed.port ? { port: Number(parsed.port) } : {}),
    ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    database,
    ...(dialect === "postgres" ? { schema: schemaParam || DEFAULT_PG_SCHEMA } : {}),
    ...(socket ? { socket } : {}),
  };
}

function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

/**
 * True for a host on this machine: 127.0.0.0/8, ::1, localhost, or none
 * (a unix socket).
 *
 * @param host The host name or address.
 * @returns Whether it is local.
 * @example
 * ```ts
 * import { isLocalHost } from "./target.ts";
 * isLocalHost("127.0.0.1"); // true
 * isLocalHost("db.example.com"); // false
 * ```
 */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "" || h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith(".localhost");
}

const PROD_WORDS = ["prod", "production", "prd", "live", "master"];

/**
 * True for a name that looks like a production database: one of its words
 * (split on `_`, `-`, `.` and case changes) is prod, production, prd, live
 * or master.
 *
 * @param name A database, schema or file name.
 * @returns Whether it looks like production.
 * @example
 * ```ts
 * import { looksLikeProduction } from "./target.ts";
 * looksLikeProduction("shop_prod"); // true
 * looksLikeProduction("product_catalog_dev"); // false
 * ```
 */
export function looksLikeProduction(name: string): boolean {
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => PROD_WORDS.includes(w));
}

/**
 * The safety guard: refuses a non-local host or a production-looking name
 * unless remote targets are allowed.
 *
 * @param target The target.
 * @param allowRemote `--allow-remote`.
 * @throws {UsageError} (exit 2) naming what was refused and how to allow it.
 * @example
 * ```ts
 * import { guardTarget, parseTarget } from "./target.ts";
 * guardTarget(parseTarget("postgres://me@127.0.0.1/dev"), false); // passes
 * ```
 */
export function guardTarget(target: DatabaseTarget, allowRemote: boolean): void {
  if (allowRemote) return;
  const hint = "fabricate writes only to local, non-production databases unless you pass " +
    "--allow-remote";
  if (target.host !== undefined && !target.socket && !isLocalHost(target.host)) {
    throw new UsageError(
      `Refusing to write to ${target.label}: host "${target.host}" is not this machine ` +
        "(127.0.0.0/8, ::1, localhost or a unix socket)",
      hint,
    );
  }
  const names: [string, string | undefined][] = [
    ["database", target.database],
    ["schema", target.schema],
    ["file", target.file?.split(/[\\/]/).pop()],
  ];
  for (const [what, name] of names) {
    if (name !== undefined && looksLikeProduction(name)) {
      throw new UsageError(
        `Refusing to write to ${target.label}: ${what} "${name}" looks like production`,
        hint,
      );
    }
  }
}
