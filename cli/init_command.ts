/**
 * `fabricate init --from-ddl schema.sql` / `--from-db URL`: writes a scenario from
 * PostgreSQL, MySQL/MariaDB or SQLite DDL, or a live schema of one of them.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { parseDdl, type Table } from "./init/parse_ddl.ts";
import { type Dialect, DIALECTS, readDdl } from "./init/read_ddl.ts";
import { writeScenario } from "./init/write_scenario.ts";

const FLAGS: Record<string, FlagSpec> = {
  "from-ddl": {
    type: "string",
    value: "FILE",
    help: "Read CREATE TABLE statements (PostgreSQL, MySQL/MariaDB or SQLite; detected)",
  },
  "from-db": {
    type: "string",
    value: "URL",
    help:
      "Read a live schema: postgres://user@host/db?schema=public, mysql://user@host/db or sqlite:path.db",
  },
  dialect: {
    type: "string",
    value: "D",
    help:
      "The schema's dialect: how --from-ddl is read and the SQL output; postgres, mysql or sqlite (default: detected)",
  },
  count: { type: "string", value: "N", help: "Rows per table (default 100)" },
  output: { type: "string", short: "o", value: "FILE", help: "Write here instead of stdout" },
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate init --from-ddl schema.sql | --from-db URL [options]

Write a scenario that honours the column types, lengths, NOT NULL, keys,
foreign keys and simple CHECKs of a schema.

Options:
${flagsHelp(FLAGS)}
`;

/**
 * Runs `init`.
 *
 * @param args The arguments after `init`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await initCommand(["--from-ddl", "schema.sql", "-o", "scenario.yaml"]);
 * ```
 */
export default async function initCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const url = values["from-db"] as string | undefined;
  const file = (values["from-ddl"] as string | undefined) ?? url;
  if (!file) {
    throw new UsageError(
      "Missing --from-ddl <file> or --from-db <url>",
      "fabricate init --from-ddl schema.sql",
    );
  }
  const forced = values.dialect as Dialect | undefined;
  if (forced !== undefined && !DIALECTS.includes(forced)) {
    throw new UsageError(`Unknown dialect "${forced}"`, "use postgres, mysql or sqlite");
  }
  const count = Number(values.count ?? 100);
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`--count must be a positive integer`, "e.g. --count 500");
  }
  const { tables, dialect: found } = await readTables(url, file, forced);
  const dialect = forced ?? found;
  if (tables.length === 0) throw new UsageError(`${file}: no CREATE TABLE found`, "check the file");
  const name = url
    ? (/^(sqlite|file):/.test(url)
      ? url.replace(/^.*[\/:]/, "").replace(/\.(db|sqlite3?)$/, "")
      : new URL(url).pathname.slice(1)) || "db"
    : file.replace(/^.*\//, "").replace(/\.sql$/, "");
  const yaml = writeScenario(tables, { name, count, dialect });
  if (values.output) await Deno.writeTextFile(values.output as string, yaml);
  else console.log(yaml);
  return 0;
}

/** The tables of a DDL file or a live database URL, and the schema's dialect. */
async function readTables(
  url: string | undefined,
  file: string,
  forced: Dialect | undefined,
): Promise<{ tables: Table[]; dialect: Dialect }> {
  if (!url) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      throw new UsageError(`Cannot read ${file}`, "give the path of a .sql file");
    }
    return readDdl(text, file, forced);
  }
  if (/^(sqlite|file):/.test(url)) {
    const { tablesFromSqlite } = await import("./init/introspect_sqlite.ts");
    return { tables: tablesFromSqlite(url), dialect: "sqlite" };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { ddlFromPostgres } = await import("./init/introspect_postgres.ts");
    return { tables: parseDdl(await ddlFromPostgres(url), url), dialect: "postgres" };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    const { tablesFromMysql } = await import("./init/introspect_mysql.ts");
    return { tables: await tablesFromMysql(url), dialect: "mysql" };
  }
  throw new UsageError(
    `Unsupported --from-db "${url}"`,
    "give a postgres://, mysql:// or sqlite: URL",
  );
}
