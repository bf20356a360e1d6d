/**
 * Helpers for formatter unit tests: hand-made schemas and batches, and a
 * driver that calls a formatter's hooks the way the kernel does.
 *
 * @module
 */
import type {
  Batch,
  ColumnInfo,
  EntitySchema,
  FieldType,
  FormatterPlugin,
  FormatterSetup,
  FormatterStream,
} from "../../../core/types.ts";

/**
 * A column with defaults: a nullable, non-unique, non-key string.
 *
 * @example
 * ```ts ignore
 * column("id", "integer", { key: true, nullable: false });
 * ```
 */
export function column(
  name: string,
  type: FieldType = "string",
  more: Partial<Omit<ColumnInfo, "name" | "type">> = {},
): ColumnInfo {
  return { name, type, nullable: true, unique: false, key: false, referenced: false, ...more };
}

/**
 * An entity's schema and its rows, given as row arrays.
 *
 * @example
 * ```ts ignore
 * const e = entity("t", [column("a")], [["x"], ["y"]]);
 * ```
 */
export interface TestEntity {
  /** The schema. */
  schema: EntitySchema;
  /** The rows, one array per row, aligned with the columns. */
  rows: unknown[][];
}

/**
 * Builds a {@linkcode TestEntity}.
 *
 * @example
 * ```ts ignore
 * const e = entity("t", [column("a")], [["x"], ["y"]]);
 * ```
 */
export function entity(name: string, columns: ColumnInfo[], rows: unknown[][]): TestEntity {
  return { schema: { name, count: rows.length, columns }, rows };
}

/**
 * Rows `[from, to)` of an entity as a columnar batch.
 *
 * @example
 * ```ts ignore
 * batchOf(e, 0, 2);
 * ```
 */
export function batchOf(e: TestEntity, from = 0, to = e.rows.length): Batch {
  const rows = e.rows.slice(from, to);
  return {
    entity: e.schema.name,
    start: from,
    length: rows.length,
    fields: e.schema.columns.map((c) => c.name),
    columns: e.schema.columns.map((_, c) => rows.map((r) => r[c])),
  };
}

/**
 * Runs a formatter over entities as the kernel does (start, per entity
 * beginEntity, write per batch, endEntity, then finish) and returns the text.
 * `layout: "split"` renders the first row of the first entity, as one split
 * file.
 *
 * @example
 * ```ts ignore
 * const text = render(yaml, {}, [e], { batchSize: 2 });
 * ```
 */
export function render(
  // deno-lint-ignore no-explicit-any
  plugin: FormatterPlugin<any>,
  rawOptions: unknown,
  entities: TestEntity[],
  { layout = "per-entity", batchSize = 1000, scenario = "test" }: {
    layout?: FormatterSetup["layout"];
    batchSize?: number;
    scenario?: string;
  } = {},
): string {
  const options = plugin.options.parse(rawOptions);
  const setup: FormatterSetup = { scenario, layout, entities: entities.map((e) => e.schema) };
  // Built-in formatters answer synchronously.
  const stream = plugin.create(options, setup) as FormatterStream;
  const parts: string[] = [];
  const add = (chunk: unknown) => {
    if (chunk === undefined) return;
    parts.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk as Uint8Array));
  };
  add(stream.start?.());
  for (const e of entities) {
    add(stream.beginEntity?.(e.schema));
    const to = layout === "split" ? Math.min(1, e.rows.length) : e.rows.length;
    for (let from = 0; from < to; from += batchSize) {
      add(stream.write(batchOf(e, from, Math.min(to, from + batchSize)), e.schema));
    }
    add(stream.endEntity?.(e.schema));
    if (layout === "split") break;
  }
  add(stream.finish?.());
  return parts.join("");
}

/**
 * A seeded generator of awkward strings: control characters, quotes,
 * backslashes, line breaks, astral characters, lone surrogates, markup.
 *
 * @example
 * ```ts ignore
 * const strings = awkwardStrings(1, 500);
 * ```
 */
export function awkwardStrings(seed: number, count: number): string[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: enough to spread the pieces; the seed makes failures replayable.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const pieces = [
    "a",
    "Z",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "'",
    '"',
    "\\",
    "\\n",
    "#",
    ": ",
    "- ",
    "&",
    "<",
    ">",
    "]]>",
    "--",
    ";",
    ",",
    "{",
    "}",
    "[",
    "]",
    "*",
    "!",
    "%",
    "@",
    "`",
    "|",
    ">",
    "?",
    "~",
    "null",
    "true",
    "yes",
    "0",
    "1e3",
    "0x1F",
    "2024-01-01",
    ".inf",
    "é",
    "Ω",
    "ß",
    "中",
    "ع",
    "😀",
    "👩‍👩‍👧",
    "\u0000",
    "\u0001",
    "\u0007",
    "\u001b",
    "\u007f",
    "\u0085",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udc00",
    "\u{10ffff}",
    "\u0301",
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = "";
    const n = Math.floor(next() * 8);
    for (let k = 0; k < n; k++) s += pieces[Math.floor(next() * pieces.length)];
    out.push(s);
  }
  return out;
}
