/**
 * The database targets of `fabricate serve`, named on its command line
 * (`--db NAME=URL`). Requests refer to a target by name; the URL (and any
 * password in it) never leaves the server.
 *
 * @module
 */
import { UsageError } from "../../core/errors.ts";
import { guardTarget, isDatabaseTarget, parseTarget } from "../../plugins/sinks/target.ts";
import type { SqlDialect } from "../../plugins/_shared/sql_text.ts";
import type { ServeContext } from "./route.ts";

/** A named database target. */
export interface ServeTarget {
  /** The name requests use. */
  readonly name: string;
  /** The dialect: `sqlite`, `postgres` or `mysql`. */
  readonly kind: SqlDialect;
  /** The URL, as given (secret: never sent to clients). */
  readonly url: string;
}

/**
 * Reads `--db NAME=URL` values, applying the same guard as `gen --to`.
 *
 * @param values The flag's values.
 * @param allowRemote Allow non-local or production-looking databases.
 * @returns Targets by name.
 * @throws {UsageError} For a malformed value, a duplicate name or a refused target.
 * @example
 * ```ts
 * import { parseTargets } from "./targets.ts";
 * parseTargets(["dev=sqlite:/tmp/dev.db"], false).get("dev")?.kind; // "sqlite"
 * ```
 */
export function parseTargets(
  values: readonly string[],
  allowRemote: boolean,
): Map<string, ServeTarget> {
  const out = new Map<string, ServeTarget>();
  for (const value of values) {
    const m = value.match(/^([A-Za-z][\w-]{0,63})=(.+)$/s);
    if (!m || !isDatabaseTarget(m[2]!)) {
      throw new UsageError(
        `Cannot read --db "${m ? `${m[1]}=…` : value.replace(/:\/\/[^@/]*@/, "://…@")}"`,
        "write it as NAME=URL, e.g. --db dev=sqlite:dev.db or --db staging=postgres://me@127.0.0.1/staging",
      );
    }
    const [, name, url] = m as unknown as [string, string, string];
    if (out.has(name)) throw new UsageError(`--db ${name} is given twice`);
    const target = parseTarget(url);
    guardTarget(target, allowRemote);
    out.set(name, { name, kind: target.dialect, url });
  }
  return out;
}

/**
 * The targets registered on a server's context.
 *
 * @param ctx The context.
 * @returns Targets by name (empty when none).
 * @example
 * ```ts ignore
 * targetsOf(ctx).get("dev")?.kind;
 * ```
 */
export function targetsOf(ctx: ServeContext): Map<string, ServeTarget> {
  return (ctx.services.targets as Map<string, ServeTarget> | undefined) ?? new Map();
}
