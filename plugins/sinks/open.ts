/**
 * Opens the sink of a target's dialect. The clients are imported lazily, so
 * a run that writes files never loads them.
 *
 * @module
 */
import { FabricateError } from "../../core/errors.ts";
import type { Sink } from "./sink.ts";
import type { DatabaseTarget } from "./target.ts";

/** How a sink is opened. */
export interface OpenOptions {
  /** SQLite: open the file read-only (and never create it). */
  readonly readOnly?: boolean;
  /** PostgreSQL: `text` writes every table with text COPY (values given as text). */
  readonly copy?: "binary" | "text";
}

/**
 * Connects to a target.
 *
 * @param target The parsed target.
 * @param options Read-only (SQLite), COPY format (PostgreSQL).
 * @returns The open sink.
 * @throws {FabricateError} (exit 1) when the database cannot be reached.
 * @example
 * ```ts ignore
 * const sink = await openSink(parseTarget("sqlite:shop.db"));
 * await sink.close();
 * ```
 */
export async function openSink(
  target: DatabaseTarget,
  options: OpenOptions = {},
): Promise<Sink> {
  try {
    switch (target.dialect) {
      case "sqlite":
        return (await import("./sqlite.ts")).openSqlite(target.file!, options);
      case "postgres":
        return await (await import("./postgres.ts")).openPostgres(
          target,
          options.copy ? { copy: options.copy } : {},
        );
      case "mysql":
        return await (await import("./mysql.ts")).openMysql(target);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    throw new FabricateError(`Cannot connect to ${target.label}: ${errorText(e)}`, 1);
  }
}

/**
 * One line describing a database error (message, then detail or hint).
 *
 * @param e The error.
 * @returns The text.
 * @example
 * ```ts
 * import { errorText } from "./open.ts";
 * errorText(new Error("boom")); // "boom"
 * ```
 */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const x = e as Error & { detail?: string; code?: string; errno?: number };
  let text = x.message || x.code || String(e);
  if (x.detail) text += ` (${x.detail})`;
  return text.replace(/\s*\n\s*/g, " ");
}
