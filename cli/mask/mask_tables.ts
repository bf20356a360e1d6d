/**
 * `fabricate mask --from <database>`: masks tables of a SQLite, PostgreSQL
 * or MariaDB/MySQL database into another database (`--to`) or into files
 * (`--out`). The source is read in one read-only snapshot, page by page;
 * the destination tables are created with the source's column types,
 * primary keys and foreign keys (when the referenced table is masked too),
 * parents first, and loaded all or nothing: one transaction (PostgreSQL,
 * SQLite) or staging tables renamed into place at the end (MariaDB).
 * Connections and row writers are the database sinks' (plugins/sinks/).
 *
 * @module
 */
import { basename } from "node:path";
import { FabricateError, type ScenarioIssue, UsageError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import type { EntitySchema } from "../../core/types.ts";
import { errorText, openSink } from "../../plugins/sinks/open.ts";
import type { Sink } from "../../plugins/sinks/sink.ts";
import {
  type DatabaseTarget,
  guardTarget,
  isLocalHost,
  parseTarget,
} from "../../plugins/sinks/target.ts";
import { mysqlDatetime, type SqlDialect } from "../../plugins/_shared/sql_text.ts";
import { tableName } from "../../plugins/_shared/sql_ddl.ts";
import { beginReadOnly, estimateRows, readPages } from "./db_read.ts";
import type { ProgressListener } from "../../core/gen.ts";
import {
  type ColumnKind,
  copyTableSql,
  describeTable,
  loadOrder,
  type SourceTable,
} from "./db_schema.ts";
import { serverIdentity, sqliteIdentity } from "./db_identity.ts";
import { type Masker, maskerFor, type MaskRow, type RuleSpec } from "./maskers.ts";
import { Out } from "./mask_files.ts";
import { type MaskRules, rulesError } from "./rules.ts";

/** What `mask --from` does. */
export interface MaskTablesOptions {
  /** The checked rules (its `tables`). */
  readonly rules: MaskRules;
  /** The secret key. */
  readonly key: string;
  /** The source database URL (`--from`). */
  readonly from: string;
  /** The destination database URL (`--to`), or… */
  readonly to?: string | undefined;
  /** …the folder for files (`--out`). */
  readonly out?: string | undefined;
  /** The files' format (`--format`, default csv). */
  readonly format?: "csv" | "jsonl";
  /** Drop and recreate destination tables that exist (`--replace`). */
  readonly replace?: boolean;
  /** Replace files in `out` (`--force`). */
  readonly force?: boolean;
  /** Allow non-local hosts and production-looking names (`--allow-remote`). */
  readonly allowRemote?: boolean;
  /** Rows per page read. */
  readonly pageRows?: number;
  /** Told when a table is done. */
  readonly onTable?: (name: string, rows: number, where: string) => void;
  /** Aborts the run (Ctrl-C): everything written so far is undone. */
  readonly signal?: AbortSignal;
  /** Progress per table (totals are the database's estimates). */
  readonly progress?: ProgressListener | undefined;
  /** Read the source's tables and check the rules, print the plan, write nothing. */
  readonly dryRun?: boolean;
  /** Receives the plan of a dry run. */
  readonly onDryRun?: (text: string) => void;
  /** Told what is not carried over (a foreign key to a table that is not masked). */
  readonly onNote?: (text: string) => void;
}

function dryRunText(
  source: DatabaseTarget,
  dest: DatabaseTarget | undefined,
  ordered: SourceTable[],
  masked: Set<string>,
  options: MaskTablesOptions,
): string {
  const lines = [
    "Dry run: the source was read (its catalog only), nothing is written.",
    `from:    ${source.label}${source.schema ? ` (schema ${source.schema})` : ""}`,
    dest
      ? `to:      ${dest.label}${dest.schema ? ` (schema ${dest.schema})` : ""}, one ${
        dest.dialect === "mysql" ? "load renamed into place" : "transaction"
      }`
      : `out:     ${options.out}/<table>.${options.format ?? "csv"}`,
    `tables:  ${ordered.map((t) => t.name).join(", ")} (in this order)`,
  ];
  if (dest) {
    lines.push("");
    for (const t of ordered) {
      lines.push(
        copyTableSql(t, {
          from: source.dialect,
          to: dest.dialect,
          schema: dest.schema,
          nameOf: (n) => n,
          masked,
        }) + ";",
      );
    }
  }
  return lines.join("\n");
}

/**
 * Between pages: lets signals and timers in every 100 ms (node:sqlite is
 * synchronous, so awaiting it alone never does), then honours an abort.
 */
function breather(signal: AbortSignal | undefined): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last >= 100) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      last = performance.now();
    }
    signal?.throwIfAborted();
  };
}

function interrupted(e: unknown, where: string): FabricateError | undefined {
  if (!(e instanceof DOMException && e.name === "AbortError")) return undefined;
  return new FabricateError(`Interrupted: rolled back, nothing was written to ${where}`, 130);
}

/** One table masked. */
export interface MaskedTable {
  /** Its name. */
  readonly name: string;
  /** Rows masked. */
  readonly rows: number;
}

interface TablePlan {
  readonly table: SourceTable;
  readonly maskers: (Masker | undefined)[];
}

/**
 * Masks the rules' tables of `from` into `to` or `out`, all or nothing.
 *
 * @param options What to do.
 * @returns The tables, parents first, with their row counts.
 * @throws {UsageError} (exit 2) refused: the destination is the source, a
 *   table exists, a host is not local; {FabricateError} (exit 2) the rules
 *   do not fit the tables, (exit 1) the load failed and was rolled back.
 * @example
 * ```ts ignore
 * await maskTables({ rules, key, from: "sqlite:shop.db", to: "sqlite:masked.db" });
 * ```
 */
export async function maskTables(options: MaskTablesOptions): Promise<MaskedTable[]> {
  const source = parseTarget(options.from);
  guardSource(source, options.allowRemote ?? false);
  const dest = options.to !== undefined ? parseTarget(options.to) : undefined;
  if (dest) {
    guardTarget(dest, options.allowRemote ?? false);
    if (dest.dialect === "sqlite" && source.dialect === "sqlite") {
      const a = await sqliteIdentity(source.file!);
      if (a !== undefined && a === await sqliteIdentity(dest.file!)) refuseSame(source, dest);
    }
  }
  if (source.dialect === "sqlite" && (await sqliteIdentity(source.file!)) === undefined) {
    throw new UsageError(`Cannot read ${source.label}: no such file`);
  }
  const reader = await openSink(source, { readOnly: true });
  try {
    await beginReadOnly(reader);
    const plans = await planTables(
      reader,
      options,
      source.dialect === "postgres" && dest?.dialect === "postgres",
    );
    const ordered = loadOrder(plans.map((p) => p.table));
    const masked = new Set(ordered.map((t) => t.name));
    for (const t of ordered) {
      for (const fk of t.foreignKeys) {
        if (masked.has(fk.table) || !dest) continue;
        options.onNote?.(
          `${t.name} (${fk.columns.join(", ")}) → ${fk.table}: foreign key not kept, ` +
            `${fk.table} is not masked`,
        );
      }
    }
    if (options.dryRun) {
      options.onDryRun?.(dryRunText(source, dest, ordered, masked, options));
      return [];
    }
    if (dest) {
      return await intoDatabase(reader, source, dest, plans, options);
    }
    return await intoFiles(reader, plans, options);
  } finally {
    // The snapshot only read: ending it changes nothing.
    await reader.exec("ROLLBACK").catch(() => {});
    await reader.close();
  }
}

function guardSource(source: DatabaseTarget, allowRemote: boolean): void {
  if (allowRemote || source.host === undefined || source.socket) return;
  if (!isLocalHost(source.host)) {
    throw new UsageError(
      `Refusing to read from ${source.label}: host "${source.host}" is not this machine`,
      "pass --allow-remote to mask a database on another host (it is only read, in a " +
        "read-only transaction)",
    );
  }
}

function refuseSame(source: DatabaseTarget, dest: DatabaseTarget): never {
  throw new UsageError(
    `Refusing to write to ${dest.label}: it is the source database ${source.label}` +
      (dest.schema !== undefined ? ` (schema ${dest.schema})` : ""),
    "mask never writes over its input: give --to another database" +
      (dest.dialect === "postgres" ? " or ?schema=" : dest.dialect === "sqlite" ? " file" : ""),
  );
}

/** Rules each kind of column can take and keep its type. */
const TEXT_ONLY = ["redact", "fake", "email", "phone", "postal", "generalise"];

function fits(rule: RuleSpec, kind: ColumnKind): string | undefined {
  const name = Object.keys(rule)[0]!;
  if (name === "keep") return undefined;
  if (kind === "text") return undefined;
  if (name === "hash") {
    const h = (rule as { hash: { integer?: boolean; preserve: boolean } }).hash;
    if (kind === "integer" && h.integer !== false && !h.preserve) return undefined;
    return kind === "integer"
      ? "hash on an integer column must map integers to integers: drop integer: false / preserve"
      : `hash writes text, and the column holds ${kind}`;
  }
  if (name === "shift_dates" && (kind === "date" || kind === "datetime")) return undefined;
  if (TEXT_ONLY.includes(name) || name === "shift_dates") {
    return `${name} writes text, and the column holds ${kind}`;
  }
  return undefined;
}

async function planTables(
  reader: Sink,
  options: MaskTablesOptions,
  binaryOk: boolean,
): Promise<TablePlan[]> {
  const { rules, key } = options;
  const issues: ScenarioIssue[] = [];
  const issue = (path: (string | number)[], message: string, hint?: string, atKey = false) =>
    issues.push({ ...rules.locate(path, atKey), path, message, ...(hint ? { hint } : {}) });
  if (!rules.tables.size) {
    issue(
      ["files"],
      "--from masks tables: the rules file names files",
      "write tables: { customers: { … } } instead of files:",
      true,
    );
    throw rulesError(issues);
  }
  const plans: TablePlan[] = [];
  const all = await reader.query(
    reader.dialect === "sqlite"
      ? "SELECT name FROM sqlite_master WHERE type = 'table'"
      : reader.dialect === "mysql"
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()"
      : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = '${
        reader.schema!.replaceAll("'", "''")
      }'`,
  );
  const tableNames = all.map((r) => String(r.name));
  for (const [name, columns] of rules.tables) {
    const table = await describeTable(reader, name);
    if (!table) {
      issue(
        ["tables", name],
        `The source has no table "${name}"` +
          (reader.schema !== undefined ? ` in schema ${reader.schema}` : ""),
        didYouMean(name, tableNames, "tables"),
        true,
      );
      continue;
    }
    const names = table.columns.map((c) => c.name);
    for (const c of columns.keys()) {
      if (!names.includes(c)) {
        issue(
          ["tables", name, c],
          `Table "${name}" has no column "${c}"`,
          didYouMean(c, names, "columns"),
          true,
        );
      }
    }
    const missing = names.filter((n) => !columns.has(n));
    if (missing.length && rules.default === "error") {
      issue(
        ["tables", name],
        `Columns of "${name}" without a rule: ${missing.join(", ")}`,
        "give each a rule (keep, redact, hash, …), or set default: keep or default: redact",
        true,
      );
    }
    const maskers: (Masker | undefined)[] = [];
    for (const c of table.columns) {
      if (c.kind === "binary" && !binaryOk) {
        issue(
          ["tables", name],
          `Column "${name}.${c.name}" (${c.type}) is binary: only PostgreSQL to PostgreSQL ` +
            "copies binary columns so far",
          "leave the table out of the rules file",
          true,
        );
      }
      const rule = columns.get(c.name) ??
        (rules.default === "redact" ? { redact: { with: "REDACTED" } } : undefined);
      if (!rule) {
        maskers.push(undefined);
        continue;
      }
      const bad = fits(rule, c.kind);
      if (bad) {
        issue(
          columns.has(c.name) ? ["tables", name, c.name] : ["tables", name],
          `Column "${name}.${c.name}" (${c.type}) cannot take ${
            columns.has(c.name) ? "its rule" : "default: redact"
          }: ${bad}`,
          c.kind === "date" || c.kind === "datetime"
            ? "use keep or shift_dates"
            : "use keep, or hash for integer keys",
        );
      }
      if ("shift_dates" in rule && rule.shift_dates.by !== undefined) {
        if (!names.includes(rule.shift_dates.by)) {
          issue(
            ["tables", name, c.name, "shift_dates", "by"],
            `Table "${name}" has no column "${rule.shift_dates.by}"`,
            didYouMean(rule.shift_dates.by, names, "columns"),
          );
        }
      }
      const length = /\((\d+)\)/.exec(c.type)?.[1];
      if ("hash" in rule && c.kind === "text" && length && !rule.hash.preserve) {
        if (Number(length) < rule.hash.length) {
          issue(
            ["tables", name, c.name],
            `Column "${name}.${c.name}" (${c.type}) is shorter than the hash (${rule.hash.length})`,
            `set hash: { length: ${Math.max(8, Math.min(Number(length), 64))} } or preserve: true`,
          );
        }
      }
      maskers.push(maskerFor(rule, key, c.kind === "integer"));
    }
    plans.push({ table, maskers });
  }
  if (issues.length) throw rulesError(issues);
  return plans;
}

/** A source row as a masker's `by` sees it (one object for a page, its row swapped). */
class PageRow implements MaskRow {
  row: readonly unknown[] = [];
  constructor(readonly index: ReadonlyMap<string, number>) {}
  get(column: string): unknown {
    return this.row[this.index.get(column) ?? -1] ?? null;
  }
}

/** A page of source rows, masked, as the columns of a batch. */
function maskPage(
  plan: TablePlan,
  page: unknown[][],
  convert: ((v: unknown) => unknown)[] | undefined,
): unknown[][] {
  const { table } = plan;
  const index = new Map(table.columns.map((c, i) => [c.name, i]));
  const columns = table.columns.map(() => new Array<unknown>(page.length));
  const get = new PageRow(index);
  // One call per row: a loop over rows around a loop over columns in one
  // function is optimized on stack for the inner loop, thrown away when it
  // exits and compiled again, page after page.
  for (let r = 0; r < page.length; r++) maskRow(plan, page[r]!, r, get, columns, convert);
  return columns;
}

/** One source row masked into row `r` of the page's columns. */
function maskRow(
  plan: TablePlan,
  row: unknown[],
  r: number,
  get: PageRow,
  columns: unknown[][],
  convert: ((v: unknown) => unknown)[] | undefined,
): void {
  const { table, maskers } = plan;
  get.row = row;
  for (let i = 0; i < row.length; i++) {
    const m = maskers[i];
    let v = row[i];
    if (m) {
      try {
        v = m(v, get);
      } catch (e) {
        const pk = table.primaryKey.map((k) => `${k}=${row[get.index.get(k)!]}`).join(", ");
        throw new FabricateError(
          `Cannot mask table ${table.name}${pk ? ` row ${pk}` : ""}, column "${
            table.columns[i]!.name
          }": ${(e as Error).message}`,
          2,
        );
      }
    }
    columns[i]![r] = convert ? convert[i]!(v) : v;
  }
}

/** Converts values between dialects (same dialect: the text goes back as read). */
function converter(kind: ColumnKind, from: SqlDialect, to: SqlDialect): (v: unknown) => unknown {
  if (from === to) return (v) => v;
  if (kind === "boolean") {
    return (v) => {
      if (v === null || v === undefined) return null;
      const t = /^(t|true|1|y|yes|on)$/i.test(String(v).trim());
      return to === "postgres" ? (t ? "true" : "false") : t ? 1 : 0;
    };
  }
  if (kind === "datetime") {
    return (v) => {
      if (typeof v !== "string") return v;
      // PostgreSQL text '2024-01-06 10:50:02+00' and MariaDB '… 10:50:02.000' to ISO 8601.
      let iso = v.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00");
      if (from === "mysql" && !/[zZ]|[+-]\d\d:\d\d$/.test(iso)) iso += "Z";
      return to === "mysql" ? mysqlDatetime(iso) : iso;
    };
  }
  return (v) => v;
}

function entityOf(table: SourceTable): EntitySchema {
  return {
    name: table.name,
    count: 0,
    columns: table.columns.map((c) => ({
      name: c.name,
      type: "string",
      nullable: true,
      unique: false,
      key: false,
      referenced: false,
    })),
  };
}

async function intoDatabase(
  reader: Sink,
  source: DatabaseTarget,
  dest: DatabaseTarget,
  plans: TablePlan[],
  options: MaskTablesOptions,
): Promise<MaskedTable[]> {
  const ordered = loadOrder(plans.map((p) => p.table));
  const byName = new Map(plans.map((p) => [p.table.name, p]));
  const masked = new Set(ordered.map((t) => t.name));
  const names = ordered.map((t) => t.name);
  const sqliteIsNew = dest.dialect === "sqlite" && (await sqliteIdentity(dest.file!)) === undefined;
  const writer = await openSink(dest, { copy: "text" });
  const staging = dest.dialect === "mysql"
    ? new Map(names.map((n, i) => [n, `_fabricate_mask_${crypto.randomUUID().slice(0, 8)}_${i}`]))
    : undefined;
  const created: string[] = [];
  const q = (n: string) =>
    tableName(n, { dialect: dest.dialect, ...(writer.schema ? { schema: writer.schema } : {}) });
  let stage = "checking the destination";
  const breathe = breather(options.signal);
  try {
    if (dest.dialect !== "sqlite" && dest.dialect === source.dialect) {
      if (await serverIdentity(reader, source) === await serverIdentity(writer, dest)) {
        refuseSame(source, dest);
      }
    }
    if (writer.transactionalDdl) {
      await writer.begin();
      if (dest.dialect === "postgres") await writer.exec("SET LOCAL DateStyle = ISO");
      await writer.ensureSchema();
    }
    const existing = await writer.existingTables(names);
    if (existing.length && !options.replace) {
      throw new UsageError(
        `Table${existing.length === 1 ? "" : "s"} ${existing.join(", ")} already exist${
          existing.length === 1 ? "s" : ""
        } in ${dest.label}${writer.schema ? ` (schema ${writer.schema})` : ""}`,
        "pass --replace to drop and recreate them, or give --to another database",
      );
    }
    if (writer.transactionalDdl) {
      for (const n of [...existing].reverse()) {
        stage = `dropping ${n}`;
        await writer.exec(`DROP TABLE ${q(n)}`);
      }
    }
    const ddl = (t: SourceTable) =>
      copyTableSql(t, {
        from: source.dialect,
        to: dest.dialect,
        schema: writer.schema,
        nameOf: (n) => staging?.get(n) ?? n,
        masked,
      });
    for (const t of ordered) {
      stage = `creating table ${t.name}`;
      await writer.exec(ddl(t));
      created.push(staging?.get(t.name) ?? t.name);
    }
    if (!writer.transactionalDdl) await writer.begin();
    const out: MaskedTable[] = [];
    for (const t of ordered) {
      stage = `loading ${t.name}`;
      const plan = byName.get(t.name)!;
      const convert = t.columns.map((c) => converter(c.kind, source.dialect, dest.dialect));
      const w = await writer.writer(entityOf(t), q(staging?.get(t.name) ?? t.name));
      let rows = 0;
      const t1 = performance.now();
      if (options.progress) options.progress.start?.(t.name, await estimateRows(reader, t.name));
      try {
        for await (const page of readPages(reader, t, options.pageRows)) {
          await breathe();
          const columns = maskPage(plan, page, convert);
          await w.write({
            entity: t.name,
            start: rows,
            length: page.length,
            fields: t.columns.map((c) => c.name),
            columns,
          });
          rows += page.length;
          options.progress?.advance?.(t.name, rows);
        }
      } catch (e) {
        await w.abort?.();
        throw e;
      }
      await w.end();
      options.progress?.end?.(t.name, rows, performance.now() - t1);
      out.push({ name: t.name, rows });
    }
    stage = "committing";
    await writer.commit();
    if (staging) {
      stage = "renaming the staging tables into place";
      await renameStaging(writer, names, staging, existing, q);
    }
    for (const t of out) options.onTable?.(t.name, t.rows, dest.label);
    return out;
  } catch (e) {
    await writer.rollback();
    if (staging) {
      await dropAll(writer, created.map(q));
    }
    await writer.close();
    if (sqliteIsNew) {
      for (const f of ["", "-journal", "-wal", "-shm"]) {
        await Deno.remove(dest.file! + f).catch(() => {});
      }
    }
    if (e instanceof FabricateError && stage.startsWith("loading")) {
      throw new FabricateError(
        `${e.message}\n  rolled back: no destination table was written`,
        e.exitCode,
      );
    }
    if (e instanceof FabricateError || e instanceof Deno.errors.NotCapable) throw e;
    throw interrupted(e, dest.label) ?? new FabricateError(
      `Masking into ${dest.label} failed while ${stage}: ${errorText(e)}\n` +
        "  rolled back: no destination table was written",
      1,
    );
  } finally {
    await writer.close();
  }
}

/** MariaDB: the staging tables take the tables' names in one atomic RENAME. */
async function renameStaging(
  writer: Sink,
  names: string[],
  staging: Map<string, string>,
  existing: string[],
  q: (n: string) => string,
): Promise<void> {
  const old = new Map(existing.map((n, i) => [n, `_fabricate_old_${Date.now()}_${i}`]));
  const pairs = [
    ...existing.map((n) => `${q(n)} TO ${q(old.get(n)!)}`),
    ...names.map((n) => `${q(staging.get(n)!)} TO ${q(n)}`),
  ];
  await writer.exec(`RENAME TABLE ${pairs.join(", ")}`);
  await dropAll(writer, [...old.values()].map(q));
}

async function dropAll(writer: Sink, tables: string[]): Promise<void> {
  if (!tables.length) return;
  try {
    await writer.exec("SET FOREIGN_KEY_CHECKS = 0");
    for (const t of [...tables].reverse()) await writer.exec(`DROP TABLE IF EXISTS ${t}`);
    await writer.exec("SET FOREIGN_KEY_CHECKS = 1");
  } catch { /* best effort: the connection is gone */ }
}

function jsonValue(kind: ColumnKind): (v: unknown) => unknown {
  return (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
    if (typeof v !== "string") return v instanceof Uint8Array ? hex(v) : v;
    if ((kind === "integer" || kind === "number") && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v)) {
      const n = Number(v);
      if (kind === "number" ? Number.isFinite(n) : Number.isSafeInteger(n)) return n;
    }
    if (kind === "boolean" && /^(t|true|f|false|0|1)$/.test(v)) return /^(t|true|1)$/.test(v);
    if (kind === "json") {
      try {
        return JSON.parse(v);
      } catch { /* not JSON: as text */ }
    }
    return v;
  };
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function csvText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Uint8Array) return hex(v);
  return String(v);
}

async function intoFiles(
  reader: Sink,
  plans: TablePlan[],
  options: MaskTablesOptions,
): Promise<MaskedTable[]> {
  const dir = options.out!;
  const ext = options.format ?? "csv";
  await Deno.mkdir(dir, { recursive: true });
  for (const p of plans) {
    const target = `${dir}/${p.table.name}.${ext}`;
    if (!options.force && (await sqliteIdentity(target)) !== undefined) {
      throw new UsageError(
        `Refusing to overwrite ${target}: it exists`,
        "choose another --out folder, or pass --force to replace earlier masked output",
      );
    }
  }
  const temps: string[] = [];
  const out: MaskedTable[] = [];
  const breathe = breather(options.signal);
  try {
    for (const plan of plans) {
      const t = plan.table;
      const temp = `${dir}/.${t.name}.${ext}.mask-${crypto.randomUUID().slice(0, 8)}.tmp`;
      temps.push(temp);
      const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
      const w = new Out(file);
      let rows = 0;
      const t1 = performance.now();
      if (options.progress) options.progress.start?.(t.name, await estimateRows(reader, t.name));
      try {
        const toJson = t.columns.map((c) => jsonValue(c.kind));
        const b = w.bytes;
        if (ext === "csv") {
          t.columns.forEach((c, i) => (i && b.byte(44), w.cell(c.name)));
          b.byte(10);
        }
        for await (const page of readPages(reader, t, options.pageRows)) {
          await breathe();
          const columns = maskPage(plan, page, undefined);
          for (let r = 0; r < page.length; r++) {
            if (ext === "csv") {
              for (let i = 0; i < columns.length; i++) {
                if (i) b.byte(44);
                w.cell(csvText(columns[i]![r]));
              }
            } else {
              const o: Record<string, unknown> = {};
              t.columns.forEach((c, i) => (o[c.name] = toJson[i]!(columns[i]![r])));
              b.text(JSON.stringify(o));
            }
            b.byte(10);
            if (w.full) await w.flush();
          }
          rows += page.length;
          options.progress?.advance?.(t.name, rows);
        }
        await w.flush();
        options.progress?.end?.(t.name, rows, performance.now() - t1);
      } finally {
        file.close();
      }
      out.push({ name: t.name, rows });
    }
    for (const [i, plan] of plans.entries()) {
      const target = `${dir}/${plan.table.name}.${ext}`;
      await Deno.rename(temps[i]!, target);
      options.onTable?.(plan.table.name, out[i]!.rows, `${basename(dir)}/${basename(target)}`);
    }
    temps.length = 0;
    return out;
  } catch (e) {
    throw interrupted(e, dir) ?? e;
  } finally {
    for (const t of temps) await Deno.remove(t).catch(() => {});
  }
}
