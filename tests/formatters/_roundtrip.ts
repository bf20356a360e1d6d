/**
 * Helpers for round-trip tests: generate a scenario through the real CLI,
 * know what the library generates in memory, read files back with DuckDB,
 * and gate tests on external tools and servers (skipped with a warning on a
 * developer's machine, failing in CI).
 *
 * @module
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { SaxesParser } from "saxes";
import { prepare } from "../../core/gen.ts";
import { entitySchemaOf } from "../../core/batches.ts";
import { builtinRegistry } from "../../core/registry.ts";
import type { EntitySchema, FieldType } from "../../core/types.ts";
import { rowsOf, runCli } from "../_helpers/rows.ts";

/** A row as the library generates it, or as a reader hands it back. */
export type Row = Record<string, unknown>;

/**
 * The absolute path of a fixture in `tests/fixtures/`.
 *
 * @example
 * ```ts ignore
 * fixture("tricky_values.yaml");
 * ```
 */
export function fixture(name: string): string {
  return new URL(`../fixtures/${name}`, import.meta.url).pathname;
}

/** True when running in CI, where a missing tool or server fails the test. */
export const IN_CI: boolean = Deno.env.get("CI") === "true";

/** A requirement of a test: an env var or a program. */
export interface Requirement {
  /** True when the test should be skipped (never in CI). */
  readonly ignore: boolean;
  /** The value (for an env var), or throws in CI when it is missing. */
  value(): string;
}

/**
 * A test's need for an environment variable, such as a server's connection
 * string. Missing: skipped with a warning locally, a failure in CI.
 *
 * @example
 * ```ts ignore
 * const pg = needsEnv("FABRICATE_TEST_PG", "a libpq connection string");
 * Deno.test({ name: "…", ignore: pg.ignore, fn: () => connect(pg.value()) });
 * ```
 */
export function needsEnv(name: string, what: string): Requirement {
  const value = Deno.env.get(name);
  if (value === undefined || value === "") {
    const message = `${name} is not set (${what})`;
    if (!IN_CI) console.warn(`⚠ Skipping tests: ${message}`);
    return {
      ignore: !IN_CI,
      value() {
        throw new Error(`Cannot run this test in CI: ${message}`);
      },
    };
  }
  return { ignore: false, value: () => value };
}

/**
 * A test's need for a program on the PATH (`sqlite3`, `xmllint`, `psql`).
 * Missing: skipped with a warning locally, a failure in CI.
 *
 * @example
 * ```ts ignore
 * const sqlite = await needsProgram("sqlite3", "Debian package sqlite3");
 * ```
 */
export async function needsProgram(program: string, install: string): Promise<Requirement> {
  let found = false;
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", `command -v ${program}`],
      stdout: "piped",
      stderr: "null",
    }).output();
    found = out.success;
  } catch {
    found = false;
  }
  if (!found) {
    const message = `${program} is not installed (${install})`;
    if (!IN_CI) console.warn(`⚠ Skipping tests: ${message}`);
    return {
      ignore: !IN_CI,
      value() {
        throw new Error(`Cannot run this test in CI: ${message}`);
      },
    };
  }
  return { ignore: false, value: () => program };
}

/**
 * Whether a generator is registered (for tests waiting on one, like `ref`).
 *
 * @example
 * ```ts ignore
 * const hasRef = await hasGenerator("ref");
 * ```
 */
export async function hasGenerator(name: string): Promise<boolean> {
  return (await builtinRegistry()).generator(name) !== undefined;
}

/**
 * Writes a scenario that extends a fixture with other output settings, and
 * returns its path.
 *
 * @example
 * ```ts ignore
 * const path = await scenarioWith(fixture("tricky_values.yaml"), { csv: { delimiter: ";" } });
 * ```
 */
export async function scenarioWith(base: string, output: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-scenario-" });
  const name = base.replace(/^.*\//, "").replace(/\.\w+$/, "");
  const path = `${dir}/${name}.json`;
  await Deno.writeTextFile(path, JSON.stringify({ extends: base, name, output }));
  return path;
}

/**
 * Runs `fabricate gen` through the real CLI into a fresh folder, asserts it
 * succeeded, and returns the folder.
 *
 * @example
 * ```ts ignore
 * const dir = await generate(fixture("tricky_values.yaml"), ["--format", "csv"]);
 * ```
 */
export async function generate(scenario: string, args: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-roundtrip-" });
  const out = `${dir}/out`;
  const { code, stderr } = await runCli(["gen", scenario, "--out", out, "--quiet", ...args], {
    cwd: dir,
  });
  assert.equal(code, 0, `fabricate gen ${args.join(" ")} failed:\n${stderr}`);
  return out;
}

/**
 * What the library generates in memory for an entity, with its schema.
 *
 * @example
 * ```ts ignore
 * const { rows, schema } = await expected(fixture("tricky_values.yaml"), "people", { people: 50 });
 * ```
 */
export async function expected(
  scenario: string,
  entity: string,
  counts: Record<string, number> = {},
): Promise<{ rows: Row[]; schema: EntitySchema }> {
  const plan = await prepare(scenario, { counts });
  const schema = entitySchemaOf(plan, plan.byName.get(entity)!);
  const rows = await rowsOf(scenario, entity, { counts });
  return { rows, schema };
}

/**
 * Every entity's schema in write order (parents first).
 *
 * @example
 * ```ts ignore
 * const schemas = await schemasOf(fixture("family_refs.yaml"));
 * ```
 */
export async function schemasOf(
  scenario: string,
  counts: Record<string, number> = {},
): Promise<EntitySchema[]> {
  const plan = await prepare(scenario, { counts });
  return plan.entities.map((e) => entitySchemaOf(plan, e));
}

/**
 * A value as text the way CSV writes it (null stays null).
 *
 * @example
 * ```ts ignore
 * csvText({ a: 1 }); // '{"a":1}'
 * ```
 */
export function csvText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : null;
  if (typeof v === "boolean") return v ? "true" : "false";
  return JSON.stringify(v);
}

/**
 * The DuckDB type a column is read back as.
 *
 * @example
 * ```ts ignore
 * duckType("integer"); // "BIGINT"
 * ```
 */
export function duckType(type: FieldType): string {
  switch (type) {
    case "integer":
      return "BIGINT";
    case "number":
      return "DOUBLE";
    case "boolean":
      return "BOOLEAN";
    case "json":
      return "JSON";
    default:
      return "VARCHAR";
  }
}

/**
 * A DuckDB `columns` struct for `read_json`/`read_csv`: every column with its type.
 *
 * @example
 * ```ts ignore
 * duckColumns(schema); // "{'id': 'BIGINT', 'name': 'VARCHAR'}"
 * ```
 */
export function duckColumns(schema: EntitySchema): string {
  return "{" + schema.columns.map((c) => `${sqlText(c.name)}: '${duckType(c.type)}'`).join(", ") +
    "}";
}

/**
 * A string as an SQL literal for DuckDB.
 *
 * @example
 * ```ts ignore
 * sqlText("it's"); // "'it''s'"
 * ```
 */
export function sqlText(s: string): string {
  return "'" + s.replaceAll("'", "''") + "'";
}

/**
 * Runs a query in a fresh in-memory DuckDB and returns its rows as plain JS
 * values (BIGINT as bigint).
 *
 * @example
 * ```ts ignore
 * const rows = await duckdb(`SELECT * FROM read_csv('x.csv')`);
 * ```
 */
export async function duckdb(sql: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Row[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Normalises what DuckDB read from a typed JSON/JSONL column to what the
 * library generated: BIGINT → number, JSON text → parsed.
 *
 * @example
 * ```ts ignore
 * fromDuck(42n, "integer"); // 42
 * ```
 */
export function fromDuck(v: unknown, type: FieldType): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (type === "json" && typeof v === "string") return JSON.parse(v);
  return v;
}

/**
 * Asserts two row lists are equal, reporting the first differing row and
 * column, so a failure names what went wrong.
 *
 * @example
 * ```ts ignore
 * assertRows(actual, expected.map(norm), "csv");
 * ```
 */
export function assertRows(actual: readonly Row[], wanted: readonly Row[], label: string): void {
  assert.equal(actual.length, wanted.length, `${label}: row count`);
  for (let i = 0; i < wanted.length; i++) {
    const a = actual[i]!;
    const w = wanted[i]!;
    assert.deepEqual(Object.keys(a), Object.keys(w), `${label}: columns of row ${i}`);
    for (const key of Object.keys(w)) {
      assert.deepEqual(a[key], w[key], `${label}: row ${i}, column "${key}"`);
    }
  }
}

/**
 * Maps every value of every row.
 *
 * @example
 * ```ts ignore
 * mapRows(rows, schema, (v, c) => csvText(v));
 * ```
 */
export function mapRows(
  rows: readonly Row[],
  schema: EntitySchema,
  f: (v: unknown, type: FieldType, column: string) => unknown,
): Row[] {
  return rows.map((r) => {
    const out: Row = {};
    for (const c of schema.columns) out[c.name] = f(r[c.name], c.type, c.name);
    return out;
  });
}

/**
 * Runs a program and returns its stdout; fails with its stderr otherwise.
 *
 * @example
 * ```ts ignore
 * const out = await run("sqlite3", ["db.sqlite", "select 1"]);
 * ```
 */
export async function run(
  program: string,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const child = new Deno.Command(program, {
    args,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env } : {}),
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `${program} ${args.join(" ")} failed (exit ${out.code}):\n${dec.decode(out.stderr)}`,
    );
  }
  return dec.decode(out.stdout);
}

/** An XML element as read back by a real parser (saxes). */
export interface XmlElement {
  /** Its name. */
  name: string;
  /** Its attributes. */
  attributes: Record<string, string>;
  /** Its child elements. */
  children: XmlElement[];
  /** Its text, all text nodes joined (entities and character references decoded). */
  text: string;
}

/**
 * Parses an XML document with saxes, a conformant, strict XML parser: any
 * well-formedness error throws.
 *
 * @example
 * ```ts ignore
 * const root = parseXml(await Deno.readTextFile("people.xml"));
 * root.children.length;
 * ```
 */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  parser.on("error", (e) => {
    failure ??= e;
  });
  parser.on("opentag", (tag) => {
    const el: XmlElement = {
      name: tag.name,
      attributes: Object.fromEntries(
        Object.entries(tag.attributes).map(([k, v]) => [k, String(v)]),
      ),
      children: [],
      text: "",
    };
    stack.at(-1)?.children.push(el);
    root ??= el;
    stack.push(el);
  });
  parser.on("text", (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (failure) throw failure;
  if (!root) throw new Error("The XML document has no root element");
  return root;
}
