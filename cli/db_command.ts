/**
 * `fabricate db status <url>` and `fabricate db cleanup <url> [--run ID | --all]`:
 * what fabricate loaded into a database, from its ledger, and removing it.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { cleanupSql, readLedger } from "../plugins/sinks/ledger.ts";
import type { Sink } from "../plugins/sinks/sink.ts";
import { openSink } from "../plugins/sinks/open.ts";
import {
  type DatabaseTarget,
  guardTarget,
  isDatabaseTarget,
  parseTarget,
} from "../plugins/sinks/target.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { table } from "./report.ts";
import { style } from "./style.ts";

const FLAGS: Record<string, FlagSpec> = {
  run: { type: "string", multiple: true, value: "ID", help: "cleanup: remove this run" },
  all: { type: "boolean", help: "cleanup: remove every recorded run and the ledger" },
  "dry-run": { type: "boolean", help: "cleanup: print the statements; change nothing" },
  "allow-remote": {
    type: "boolean",
    help: "Allow a non-local host or a production-looking name",
  },
  json: { type: "boolean", help: "status: print the runs as JSON" },
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate db <status|cleanup> <database> [options]

What fabricate gen --to loaded into a database, from its ledger table
fabricate_ledger (in the schema, for PostgreSQL; default mock_data).

  status   List the recorded runs: id, scenario, seed, tables and rows.
  cleanup  Drop the tables the ledger says a run created (never any other
           table; a table a later run still claims is kept), then its
           ledger rows, in one transaction where the database allows.

<database> is sqlite:FILE, postgres://user@host:port/db[?schema=NAME] or
mysql://user@host:port/db, as given to gen --to.

Options:
${flagsHelp(FLAGS)}

Examples:
  fabricate db status sqlite:shop.db
  fabricate db cleanup postgres://me@127.0.0.1:5432/dev --run 20240501T120000Z-3f9a2c
  fabricate db cleanup mysql://root@127.0.0.1:3306/dev --all
`;

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Runs `db`.
 *
 * @param args The arguments after `db`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await dbCommand(["status", "sqlite:shop.db"]);
 * ```
 */
export default async function dbCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const [action, url, extra] = positionals;
  if (action !== "status" && action !== "cleanup") {
    throw new UsageError(
      action ? `Unknown db action "${action}"` : "Missing db action",
      "fabricate db status <database> or fabricate db cleanup <database> --run ID | --all",
    );
  }
  if (!url || !isDatabaseTarget(url)) {
    throw new UsageError(
      url ? `Not a database: "${url}"` : "Missing <database>",
      "give sqlite:FILE, postgres://user@host:port/db or mysql://user@host:port/db",
    );
  }
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}"`);
  const target = parseTarget(url);
  guardTarget(target, values["allow-remote"] === true);
  const runIds = (values.run as string[] | undefined) ?? [];
  if (action === "cleanup" && !runIds.length && !values.all) {
    throw new UsageError("cleanup needs --run ID or --all", "see fabricate db status for run ids");
  }
  if (action === "cleanup" && runIds.length && values.all) {
    throw new UsageError("Give --run or --all, not both");
  }
  if (target.dialect === "sqlite") {
    try {
      await Deno.lstat(target.file!);
    } catch {
      throw new UsageError(`No SQLite database at ${target.file}`);
    }
  }
  const sink = await openSink(target);
  try {
    const runs = await readLedger(sink);
    if (action === "status") {
      if (values.json) {
        console.log(JSON.stringify(runs, null, 2));
        return 0;
      }
      if (!runs.length) {
        console.log(`No fabricate runs recorded in ${target.label}`);
        return 0;
      }
      console.log(table(
        ["run", "status", "scenario", "seed", "rows", "tables", "created", "version"],
        runs.map((r) => [
          r.runId,
          r.status,
          r.scenario,
          r.seed,
          fmt(r.tables.reduce((n, t) => n + t.rows, 0)),
          r.tables.map((t) => t.name).join(", "),
          r.createdAt,
          r.version,
        ]),
        [false, false, false, false, true],
      ));
      return 0;
    }
    const ids = values.all ? runs.map((r) => r.runId) : runIds;
    for (const id of ids) {
      if (!runs.some((r) => r.runId === id)) {
        throw new UsageError(
          `No run ${id} in the ledger of ${target.label}`,
          runs.length
            ? `recorded runs: ${runs.map((r) => r.runId).join(", ")}`
            : "the ledger is empty",
        );
      }
    }
    if (!ids.length) {
      console.error(`Nothing to clean up: no fabricate runs recorded in ${target.label}`);
      return 0;
    }
    const { statements, dropped } = cleanupSql(sink, runs, ids);
    if (values["dry-run"]) {
      console.log(statements.map((s) => s + ";").join("\n"));
      return 0;
    }
    await execCleanup(sink, statements);
    const s = style(Deno.stderr);
    console.error(
      s.green("✔ ") +
        `Removed ${ids.length} run${ids.length === 1 ? "" : "s"} from ${target.label}: ` +
        (dropped.length ? `dropped ${dropped.join(", ")}` : "no tables to drop"),
    );
    return 0;
  } finally {
    await sink.close();
  }
}

/** Runs cleanup statements in one transaction where the database allows. */
async function execCleanup(sink: Sink, statements: readonly string[]): Promise<void> {
  if (sink.transactionalDdl) await sink.begin();
  try {
    for (const s of statements) await sink.exec(s);
    if (sink.transactionalDdl) await sink.commit();
  } catch (e) {
    await sink.rollback();
    throw e;
  }
}

/**
 * Removes runs from a database, as `db cleanup --run` does: drops the tables
 * the ledger says they created (never a table another run still claims) and
 * their ledger rows. Runs no longer in the ledger are skipped.
 *
 * @param target The database (already guarded by the caller).
 * @param runIds The runs.
 * @returns The tables dropped.
 * @example
 * ```ts ignore
 * await removeRuns(parseTarget("sqlite:shop.db"), ["20240501T120000Z-3f9a2c"]);
 * ```
 */
export async function removeRuns(
  target: DatabaseTarget,
  runIds: readonly string[],
): Promise<string[]> {
  if (target.dialect === "sqlite") {
    try {
      await Deno.lstat(target.file!);
    } catch {
      return []; // the database file is gone, and its tables with it
    }
  }
  const sink = await openSink(target);
  try {
    const runs = await readLedger(sink);
    const ids = runIds.filter((id) => runs.some((r) => r.runId === id));
    if (!ids.length) return [];
    const { statements, dropped } = cleanupSql(sink, runs, ids);
    await execCleanup(sink, statements);
    return dropped;
  } finally {
    await sink.close();
  }
}
