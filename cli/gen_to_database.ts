/**
 * `fabricate gen <scenario> --to <database>`: the database branch of `gen`
 * (guard, dry run, load, summary). The sinks live in plugins/sinks/.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { prepare, type PrepareOptions } from "../core/gen.ts";
import type { PlanOptions } from "../core/compile.ts";
import { DEFAULT_MAX_ROWS, type LoadPlan, loadPlan, planLoad } from "../plugins/sinks/load.ts";
import { progressReporter } from "./progress.ts";
import { table } from "./report.ts";
import { style } from "./style.ts";

/** The flags of `gen` that matter to a database load. */
export interface DatabaseFlags {
  /** `--only`. */
  only?: string[];
  /** `--replace`. */
  replace?: boolean;
  /** `--allow-remote`. */
  allowRemote?: boolean;
  /** `--max-rows`. */
  maxRows?: number;
  /** `--strict`. */
  strict?: boolean;
  /** `--dry-run`. */
  dryRun?: boolean;
  /** `--quiet`. */
  quiet?: boolean;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Runs `gen … --to <database>`.
 *
 * @param scenario The scenario argument.
 * @param url The `--to` value.
 * @param plan Plan overrides from the other flags.
 * @param flags The load flags.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await genToDatabase("quickstart", "sqlite:shop.db", {}, { dryRun: true });
 * ```
 */
export async function genToDatabase(
  scenario: string,
  url: string,
  plan: PlanOptions & PrepareOptions,
  flags: DatabaseFlags,
): Promise<number> {
  const options = {
    ...(flags.only ? { only: flags.only } : {}),
    ...(flags.replace ? { replace: true } : {}),
    ...(flags.allowRemote ? { allowRemote: true } : {}),
    ...(flags.strict ? { strict: true } : {}),
    maxRows: flags.maxRows ?? DEFAULT_MAX_ROWS,
  };
  const p = await prepare(scenario, plan);
  try {
    if (flags.dryRun) {
      printLoadPlan(planLoad(p, url, options));
      return 0;
    }
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    Deno.addSignalListener("SIGINT", onSignal);
    const progress = flags.quiet ? undefined : progressReporter(Deno.stderr);
    try {
      const result = await loadPlan(p, url, {
        ...options,
        ...(progress ? { progress } : {}),
        signal: controller.signal,
      });
      progress?.done();
      if (!flags.quiet) {
        const s = style(Deno.stderr);
        const rows = result.tables.map((t) => {
          const ms = result.ms[t.name] ?? 0;
          return [
            t.name,
            fmt(t.rows),
            `${(ms / 1000).toFixed(2)}s`,
            fmt(ms > 0 ? t.rows / (ms / 1000) : 0),
          ];
        });
        console.error(table(["table", "rows", "time", "rows/s"], rows, [false, true, true, true]));
        const secs = result.durationMs / 1000;
        console.error(
          s.green("✔ ") +
            `Loaded ${fmt(result.totalRows)} rows into ${result.tables.length} tables of ` +
            `${result.target.label}${result.schema ? ` (schema ${result.schema})` : ""} in ` +
            `${secs.toFixed(2)}s (${fmt(result.totalRows / Math.max(secs, 1e-3))} rows/s)`,
        );
        const url = /^[\w@:/.+-]+$/.test(result.target.label)
          ? result.target.label
          : `'${result.target.label}'`;
        console.error(
          `  run ${result.runId}; undo with: fabricate db cleanup ${url} --run ${result.runId}`,
        );
        if (result.validation.failures > 0) {
          console.error(
            s.yellow(
              `  ${result.validation.failures} validation failure(s); --strict fails the run`,
            ),
          );
        }
      }
      return 0;
    } finally {
      progress?.done();
      Deno.removeSignalListener("SIGINT", onSignal);
    }
  } finally {
    p.registry.close();
  }
}

/**
 * Prints what a load would do: target, schema, tables in order, row counts
 * and DDL. Writes nothing and does not connect.
 *
 * @param load The load plan.
 * @example
 * ```ts ignore
 * printLoadPlan(planLoad(plan, "sqlite:shop.db"));
 * ```
 */
export function printLoadPlan(load: LoadPlan): void {
  const lines = [
    `Dry run: nothing is written and nothing connects.`,
    `target:  ${load.target.label} (${load.target.dialect})`,
    ...(load.schema ? [`schema:  ${load.schema}`] : []),
    `rows:    ${fmt(load.totalRows)} in ${load.tables.length} tables, one transaction`,
    "",
    table(
      ["order", "table", "rows"],
      load.tables.map((t, i) => [String(i + 1), t.name, fmt(t.rows)]),
      [true, false, true],
    ),
    "",
    ...load.tables.map((t) => t.ddl),
  ];
  console.log(lines.join("\n"));
}

/**
 * Reads `--max-rows`.
 *
 * @param s The flag's value (underscores allowed: 10_000_000).
 * @returns The ceiling.
 * @example
 * ```ts
 * import { parseMaxRows } from "./gen_to_database.ts";
 * parseMaxRows("1_000_000"); // 1000000
 * ```
 */
export function parseMaxRows(s: string): number {
  const n = Number(s.replaceAll("_", ""));
  if (!/^\d[\d_]*$/.test(s) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`Expected a whole number ≥ 1 for --max-rows, got "${s}"`);
  }
  return n;
}
