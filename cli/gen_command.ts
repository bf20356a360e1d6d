/**
 * `fabricate gen <scenario>`: generate data into files (or stdout).
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { FabricateError } from "../core/errors.ts";
import { gen, Interrupted, prepare, type PrepareOptions } from "../core/gen.ts";
import type { PlanOptions } from "../core/compile.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { PLUGIN_FLAGS, PLUGIN_HELP, policyFromFlags } from "./plugin_flags.ts";
import { progressReporter } from "./progress.ts";
import { printDryRun, printPreview, printSummary } from "./report.ts";
import { isDatabaseTarget } from "../plugins/sinks/target.ts";
import { type Compression, COMPRESSIONS } from "../core/compress.ts";
import type { Shard } from "../core/row_ranges.ts";

const FLAGS: Record<string, FlagSpec> = {
  seed: { type: "string", value: "N", help: "Seed (replaces the scenario's)" },
  count: { type: "string", multiple: true, value: "ENTITY=N", help: "Row count of an entity" },
  multiplier: { type: "string", value: "X", help: "Multiply every other count by X" },
  format: {
    type: "string",
    short: "f",
    multiple: true,
    value: "F",
    help: "Output format (json, jsonl, csv, …)",
  },
  out: {
    type: "string",
    short: "o",
    value: "DIR",
    help: "Output folder, or - for stdout (default ./out/<scenario>-<UTC time>)",
  },
  dialect: {
    type: "string",
    value: "D",
    help: "SQL dialect: postgres, sqlite or mysql (MariaDB); implies --format sql",
  },
  layout: {
    type: "string",
    value: "L",
    help: "per-entity (default), single (one document) or split (one file per record)",
  },
  only: { type: "string", multiple: true, value: "ENTITY", help: "Write only this entity" },
  compress: {
    type: "string",
    value: "C",
    help: "Compress text files: gzip or zstd, optionally :LEVEL (customers.csv.gz)",
  },
  from: {
    type: "string",
    value: "DATE",
    help: "First day of the period timelines spread rows over",
  },
  to: {
    type: "string",
    value: "DATE|DB",
    help: "Last day of the period (inclusive), or a database to load into: sqlite:FILE, " +
      "postgres://…, mysql://… (see below)",
  },
  replace: { type: "boolean", help: "--to DB: drop and recreate tables that already exist" },
  "allow-remote": {
    type: "boolean",
    help: "--to DB: allow a non-local host or a production-looking name",
  },
  "max-rows": {
    type: "string",
    value: "N",
    help: "--to DB: refuse runs with more rows (default 10000000)",
  },
  "batch-size": {
    type: "string",
    value: "N",
    help: "Rows per batch (default 10000; output is the same)",
  },
  workers: {
    type: "string",
    value: "N",
    help: "Worker threads (default: the cores; 1 under 50000 rows); output is the same",
  },
  shard: {
    type: "string",
    value: "I/N",
    help: "Write shard I of N (0-based) of every entity as part files; see docs/scale.md",
  },
  resumable: {
    type: "boolean",
    help: "Keep checkpoints; an interrupted run keeps its progress for --resume",
  },
  resume: {
    type: "string",
    value: "DIR",
    help: "Continue the interrupted --resumable run into DIR (same scenario and options)",
  },
  "checkpoint-every": {
    type: "string",
    value: "TIME",
    help: "Checkpoint a --resumable run every TIME (500ms, 2s, 1m; default 1s)",
  },
  preview: {
    type: "string",
    value: "N",
    help: "Print the first N rows of each entity; write nothing",
  },
  "dry-run": { type: "boolean", help: "Check and plan; print what would be written" },
  strict: { type: "boolean", help: "Fail the run when a validator reports a failure" },
  report: {
    type: "boolean",
    help: "Also write report.html and report.json (quality report; see docs/report.md)",
  },
  force: { type: "boolean", help: "Replace an existing output folder" },
  quiet: { type: "boolean", short: "q", help: "No progress and no summary" },
  ...PLUGIN_FLAGS,
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate gen <scenario> [options]

Generate data from a scenario file or a built-in scenario (see fabricate scenarios).

Options:
${flagsHelp(FLAGS)}

${PLUGIN_HELP}

Loading into a database (--to): a value starting with sqlite:, postgres://,
postgresql://, mysql:// or mariadb:// is a database; anything else is a date
(the last day of the period). Tables are created (parents first) and filled in
one transaction: any failure rolls back and leaves nothing. PostgreSQL tables go
into schema mock_data unless ?schema=NAME; MySQL/MariaDB into the URL's database.
Only local hosts (127.0.0.0/8, ::1, localhost, a unix socket) and names that do
not look like production (prod, production, prd, live, master) unless
--allow-remote. Each run is recorded in the table fabricate_ledger; see
fabricate db status / fabricate db cleanup. --dry-run prints the tables, row
counts and DDL without connecting.

Examples:
  fabricate gen quickstart
  fabricate gen shop.yaml --seed 7 --count orders=100000 --format csv --out data/
  fabricate gen quickstart --format jsonl --only customers --out -
  fabricate gen quickstart --format csv --compress zstd --out data/
  fabricate gen quickstart --format parquet,xlsx --out data/
  fabricate gen erp/normal-ops --dialect sqlite --layout single --out db/
  fabricate gen shop.yaml --allow-plugin-read=lines:./data
  fabricate gen quickstart --to sqlite:shop.db
  fabricate gen quickstart --to postgres://me@127.0.0.1:5432/dev --dry-run
  fabricate gen quickstart --to mysql://root@127.0.0.1:3306/dev --replace
  fabricate gen big.yaml --workers 4 --resumable --out data/   # later: --resume data/
  fabricate gen big.yaml --shard $JOB_COMPLETION_INDEX/8 --out parts/$JOB_COMPLETION_INDEX
`;

/**
 * Runs `gen`.
 *
 * @param args The arguments after `gen`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await genCommand(["quickstart", "--preview", "3"]);
 * ```
 */
export default async function genCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const scenario = positionals[0];
  if (!scenario) {
    throw new UsageError(
      "Missing <scenario>",
      "fabricate gen <file or built-in name>; see fabricate scenarios",
    );
  }
  if (positionals.length > 1) {
    throw new UsageError(`Unexpected argument "${positionals[1]}"`, "gen takes one scenario");
  }

  const plan: PlanOptions & PrepareOptions = { policy: policyFromFlags(values) };
  if (values.seed !== undefined) plan.seed = parseSeed(values.seed as string);
  if (values.count) plan.counts = parseCounts(values.count as string[]);
  if (values.multiplier !== undefined) {
    plan.multiplier = positiveNumber("--multiplier", values.multiplier as string);
  }
  if (values.format) {
    plan.formats = (values.format as string[]).flatMap((f) => f.split(",")).filter(Boolean);
  }
  if (values.dialect !== undefined) {
    const dialect = values.dialect as string;
    if (!["postgres", "sqlite", "mysql"].includes(dialect)) {
      throw new UsageError(
        `Unknown --dialect "${dialect}"`,
        "use postgres, sqlite or mysql (also for MariaDB)",
      );
    }
    if (plan.formats && !plan.formats.includes("sql")) {
      throw new UsageError(
        "--dialect applies to the sql format only",
        `add sql to --format (got ${plan.formats.join(", ")}), or leave --format out`,
      );
    }
    plan.formats ??= ["sql"];
    plan.formatOptions = { sql: { dialect } };
  }
  if (values.layout !== undefined) plan.layout = parseLayout(values.layout as string);
  if (values["batch-size"] !== undefined) {
    plan.batchSize = wholeNumber("--batch-size", values["batch-size"] as string, 1);
  }
  // --to is a date unless it names a database.
  const database = typeof values.to === "string" && isDatabaseTarget(values.to)
    ? values.to
    : undefined;
  const to = database === undefined ? values.to as string | undefined : undefined;
  if (values.from !== undefined || to !== undefined) {
    plan.period = {
      ...(values.from !== undefined ? { from: parseDay("--from", values.from as string) } : {}),
      ...(to !== undefined ? { to: parseDay("--to", to) } : {}),
    };
  }
  const quiet = values.quiet === true;
  const workers = values.workers === undefined
    ? undefined
    : wholeNumber("--workers", values.workers as string, 1);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard as string);
  const resume = values.resume as string | undefined;
  if (resume !== undefined && values.out !== undefined && values.out !== resume) {
    throw new UsageError(
      `--resume ${resume} and --out ${values.out} name different folders`,
      "--resume DIR continues the run into DIR; drop --out",
    );
  }
  if (resume === "-") throw new UsageError("Cannot resume output to stdout");
  const compress = values.compress === undefined
    ? undefined
    : parseCompress(values.compress as string);
  for (const flag of ["replace", "allow-remote", "max-rows"]) {
    if (values[flag] !== undefined && database === undefined) {
      throw new UsageError(`--${flag} needs --to <database>`, "e.g. --to sqlite:shop.db");
    }
  }
  if (database !== undefined) {
    for (
      const flag of [
        "out",
        "format",
        "layout",
        "preview",
        "force",
        "compress",
        "report",
        "shard",
        "resumable",
        "resume",
        "checkpoint-every",
        "workers",
      ]
    ) {
      if (values[flag] !== undefined) {
        throw new UsageError(
          `--${flag} does not apply when loading into a database (--to ${database})`,
          "drop it, or write files without --to",
        );
      }
    }
    const { genToDatabase, parseMaxRows } = await import("./gen_to_database.ts");
    return await genToDatabase(scenario, database, plan, {
      ...(values.only ? { only: values.only as string[] } : {}),
      ...(values.replace ? { replace: true } : {}),
      ...(values["allow-remote"] ? { allowRemote: true } : {}),
      ...(values["max-rows"] !== undefined
        ? { maxRows: parseMaxRows(values["max-rows"] as string) }
        : {}),
      ...(values.strict ? { strict: true } : {}),
      ...(values["dry-run"] ? { dryRun: true } : {}),
      quiet,
    });
  }

  if (values.preview !== undefined) {
    const n = wholeNumber("--preview", values.preview as string, 1);
    const p = await prepare(scenario, plan);
    try {
      await printPreview(p, n, values.only as string[] | undefined);
    } finally {
      p.registry.close();
    }
    return 0;
  }
  if (values["dry-run"]) {
    const p = await prepare(scenario, plan);
    p.registry.close();
    printDryRun(p, values.out as string | undefined);
    return 0;
  }

  // Catchable signals abort the run: staging is removed, nothing is left at the output path.
  const controller = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM", "SIGHUP"];
  const listeners = signals.map((name) => {
    const listener = () => controller.abort(new DOMException(name, "AbortError"));
    Deno.addSignalListener(name, listener);
    return [name, listener] as const;
  });
  const progress = quiet ? undefined : progressReporter(Deno.stderr);
  try {
    const result = await gen(scenario, {
      ...plan,
      ...(values.out !== undefined ? { out: values.out as string } : {}),
      ...(resume !== undefined ? { out: resume, resume: true } : {}),
      ...(values.resumable ? { resumable: true } : {}),
      ...(values["checkpoint-every"] !== undefined
        ? {
          checkpointMs: parseInterval("--checkpoint-every", values["checkpoint-every"] as string),
        }
        : {}),
      ...(values.force ? { force: true } : {}),
      ...(values.strict ? { strict: true } : {}),
      ...(values.report ? { report: true } : {}),
      ...(values.only ? { only: values.only as string[] } : {}),
      ...(compress ? { compress } : {}),
      ...(progress ? { progress } : {}),
      ...(workers !== undefined ? { workers } : {}),
      ...(shard ? { shard } : {}),
      signal: controller.signal,
    });
    progress?.done();
    if (!quiet) printSummary(result);
    return 0;
  } catch (e) {
    if (e instanceof Interrupted && e.resumeDir) {
      throw new FabricateError(
        `${e.message}\n  hint: resume with: fabricate gen ${resumeCommand(args, e.resumeDir)}`,
        e.exitCode,
      );
    }
    throw e;
  } finally {
    progress?.done();
    for (const [name, listener] of listeners) Deno.removeSignalListener(name, listener);
  }
}

/** The same command, continuing into `dir`: `--out` and `--resumable` become `--resume dir`. */
function resumeCommand(args: string[], dir: string): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--out" || a === "-o" || a === "--resume") {
      i++;
      continue;
    }
    if (/^(--out=|--resume=|-o.)/.test(a) || a === "--resumable") continue;
    kept.push(a);
  }
  const shown = dir.startsWith(Deno.cwd() + "/") ? dir.slice(Deno.cwd().length + 1) : dir;
  return [...kept, "--resume", shown].map((a) =>
    /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`
  )
    .join(" ");
}

function parseShard(s: string): Shard {
  const m = s.match(/^(\d+)\/(\d+)$/);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new UsageError(
      `Expected --shard I/N with 0 ≤ I < N, got "${s}"`,
      "shards count from 0: --shard 0/4 … --shard 3/4 (e.g. --shard $JOB_COMPLETION_INDEX/4)",
    );
  }
  return { index, count };
}

function parseSeed(s: string): number | string {
  return /^-?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s;
}

function parseCounts(list: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list) {
    const m = item.match(/^([A-Za-z_][A-Za-z0-9_-]*)=(.+)$/);
    if (!m) {
      throw new UsageError(
        `Cannot read --count "${item}"`,
        "write it as ENTITY=N, e.g. --count orders=5000",
      );
    }
    out[m[1]!] = wholeNumber(`--count ${m[1]}`, m[2]!.replaceAll("_", ""), 0);
  }
  return out;
}

function wholeNumber(flag: string, s: string, min: number): number {
  const n = Number(s);
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`Expected a whole number ≥ ${min} for ${flag}, got "${s}"`);
  }
  return n;
}

function positiveNumber(flag: string, s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`Expected a number > 0 for ${flag}, got "${s}"`);
  }
  return n;
}

/** A time like `500ms`, `2s`, `1.5s` or `1m`, in milliseconds. */
function parseInterval(flag: string, s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s.trim());
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as "ms" | "s" | "m"] : NaN;
  if (!(ms >= 1)) {
    throw new UsageError(
      `Expected a time of at least 1ms for ${flag}, got "${s}"`,
      "e.g. 500ms, 2s or 1m",
    );
  }
  return ms;
}

function parseDay(flag: string, s: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) {
    throw new UsageError(`Expected a date like 2024-01-31 for ${flag}, got "${s}"`);
  }
  return s;
}

function parseCompress(s: string): { type: Compression; level?: number } {
  const [type, level, ...rest] = s.split(":");
  const max = type === "gzip" ? 9 : 19;
  if (!(COMPRESSIONS as readonly string[]).includes(type!) || rest.length) {
    throw new UsageError(
      `Unknown --compress "${s}"`,
      "use gzip or zstd, optionally with a level: gzip:9, zstd:19",
    );
  }
  if (level === undefined) return { type: type as Compression };
  return { type: type as Compression, level: boundedNumber(`--compress ${type}`, level, 1, max) };
}

function boundedNumber(flag: string, s: string, min: number, max: number): number {
  const n = wholeNumber(flag, s, min);
  if (n > max) {
    throw new UsageError(`Expected a whole number from ${min} to ${max} for ${flag}, got "${s}"`);
  }
  return n;
}

function parseLayout(s: string): "per-entity" | "single" | "split" {
  if (s === "per-entity" || s === "single" || s === "split") return s;
  throw new UsageError(`Unknown layout "${s}"`, "use per-entity, single or split");
}
