/**
 * Binary COPY (plugins/sinks/copy_binary.ts) stores exactly what text COPY
 * stores: a table of every column type the PostgreSQL DDL writes, filled
 * with hostile values (NUL, lone surrogates, unicode, -0, NaN, huge and tiny
 * decimals rounded to the column's scale, dates before 2000 and in year
 * 9999, timestamps with milliseconds and offsets, nulls in every column),
 * loaded through the text path, the binary path, and the binary path with a
 * batch of values binary does not cover (which continue in text COPY); the
 * three tables read back identical, row by row, as PostgreSQL prints them.
 */
import assert from "node:assert/strict";
import type { Batch, ColumnInfo, EntitySchema } from "../../core/types.ts";
import { createTableSql, tableName } from "../../plugins/_shared/sql_ddl.ts";
import {
  binaryColumns,
  BinaryOut,
  encodeBinaryRows,
  numericBytes,
} from "../../plugins/sinks/copy_binary.ts";
import { openPostgres } from "../../plugins/sinks/postgres.ts";
import { parseTarget } from "../../plugins/sinks/target.ts";
import { awkwardStrings } from "../plugins/formatters/_setup.ts";
import { pgEnv, pgUrl, psql, uniqueName } from "./_db.ts";

const col = (name: string, type: ColumnInfo["type"], more: Partial<ColumnInfo> = {}) =>
  ({
    name,
    type,
    nullable: true,
    unique: false,
    key: false,
    referenced: false,
    ...more,
  }) as ColumnInfo;

const COLUMNS: ColumnInfo[] = [
  col("id", "integer", { nullable: false, unique: true, key: true }),
  col("s", "string"),
  col("v", "string", { maxLength: 4000 }),
  col("i", "integer"),
  col("f", "number"),
  col("d", "number", { decimals: 2, maxAbs: 1_000_000 }),
  col("big", "number", { decimals: 3, maxAbs: 1e22 }),
  col("b", "boolean"),
  col("dt", "date"),
  col("ts", "datetime"),
  col("u", "uuid"),
  col("j", "json"),
];
const ENTITY = { name: "t", count: 0, columns: COLUMNS } as unknown as EntitySchema;

const strings = awkwardStrings(11, 300);
const pick = <T>(list: readonly T[], r: number, salt: number): T =>
  list[(r * 7 + salt) % list.length]!;
const INTS = [
  0,
  -0,
  1,
  -1,
  42,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
];
const FLOATS = [
  0,
  -0,
  0.1,
  -2.5,
  1e300,
  -1e-300,
  5e-324,
  Number.MAX_VALUE,
  NaN,
  Infinity,
  -Infinity,
  123456789.123,
];
const DECIMALS = [
  0,
  -0,
  0.005,
  -0.005,
  0.015,
  123.456,
  -999999.99,
  1e-7,
  0.1 + 0.2,
  5e-324,
  4162.43,
  -1,
  10,
  100,
  1000,
  10000,
  99999.995,
  NaN,
];
const BIGS = [
  1e21,
  -9.87654321e20,
  123456789012345680000,
  0.0005,
  -0.0015,
  1.5e-10,
  12345.6789,
  1e20 + 0.5,
];
const DATES = [
  "2000-01-01",
  "1999-12-31",
  "0001-01-01",
  "9999-12-31",
  "1900-02-28",
  "2000-02-29",
  "1970-01-01",
  "2024-02-29",
  "1582-10-04",
  "2100-03-01",
];
const TIMESTAMPS: unknown[] = [
  "2024-05-01T12:30:00.123Z",
  "1969-12-31T23:59:59.999Z",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59.999999Z",
  "2000-01-01T00:00:00Z",
  "1999-12-31T23:59:59.5Z",
  "2300-06-15T08:00:00.000001Z",
  "2024-05-01T12:30:00+05:30",
  "1899-12-31T23:59:59.25-08:00",
  "2020-08-10T16:47:04Z",
  new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 7)),
  new Date(Date.UTC(1960, 0, 1, 0, 0, 0, 1)),
  new Date(NaN),
];
const UUIDS = [
  "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
  "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
];
const JSONS: unknown[] = [
  { a: "x\0y", b: [1, 2.5, null], "é": "ü\u2028" },
  [],
  "text\ttab",
  0,
  -0,
  true,
  NaN,
  { nested: { deep: ["\\", '"'] } },
];

/** Row r of the covered table; every 13th value of a column is null. */
function value(c: number, r: number): unknown {
  if ((r + c) % 13 === 0 && c > 0) return c === 11 && r % 2 ? undefined : null;
  switch (COLUMNS[c]!.name) {
    case "id":
      return r + 1;
    case "s":
      return r % 29 === 5 ? 3.25 : pick(strings, r, 0);
    case "v":
      return pick(strings, r, 3).slice(0, 1000);
    case "i":
      return pick(INTS, r, c);
    case "f":
      return pick(FLOATS, r, c);
    case "d":
      return pick(DECIMALS, r, c);
    case "big":
      return pick(BIGS, r, c);
    case "b":
      return r % 3 === 0;
    case "dt":
      return pick(DATES, r, c);
    case "ts":
      return pick(TIMESTAMPS, r, c);
    case "u":
      return pick(UUIDS, r, c);
    default:
      return pick(JSONS, r, c);
  }
}

function batch(start: number, length: number, edit?: (c: number, r: number) => unknown): Batch {
  return {
    entity: "t",
    start,
    length,
    fields: COLUMNS.map((c) => c.name),
    columns: COLUMNS.map((_, c) =>
      Array.from({ length }, (_, k) => edit?.(c, start + k) ?? value(c, start + k))
    ),
  };
}

/** Values binary does not cover, which must go through text COPY. */
const UNCOVERED: Record<string, unknown> = {
  i: "42",
  b: "yes",
  dt: "20240501",
  ts: "2024-05-01T12:30:00.1234567Z",
  u: "a0eebc999c0b4ef8bb6d6bb9bd380a11",
};
const uncovered = (c: number, r: number) => r % 5 === 0 ? UNCOVERED[COLUMNS[c]!.name] : undefined;

const BATCHES = [batch(0, 7), batch(7, 250), batch(257, 400)];
const WITH_FALLBACK = [batch(0, 7), batch(7, 250, uncovered), batch(257, 400)];

Deno.test("binary COPY: covers the generators' values, not the others", () => {
  const columns = binaryColumns(COLUMNS)!;
  assert.equal(columns.length, COLUMNS.length);
  for (const b of BATCHES) assert.ok(encodeBinaryRows(b, columns, new BinaryOut(64)));
  for (const name of Object.keys(UNCOVERED)) {
    const c = COLUMNS.findIndex((x) => x.name === name);
    const b = batch(0, 20, (cc, r) => (cc === c && r === 10 ? UNCOVERED[name] : undefined));
    assert.equal(encodeBinaryRows(b, columns, new BinaryOut(64)), false, name);
  }
});

/** Loads a table; `fresh`: as load.ts does, COPY … FREEZE into the table just created. */
async function load(
  schema: string,
  name: string,
  copy: "text" | "binary",
  batches: Batch[],
  fresh = false,
) {
  const sink = await openPostgres(parseTarget(pgUrl(schema)), { copy });
  try {
    await sink.begin();
    await sink.ensureSchema();
    await sink.exec(createTableSql({ ...ENTITY, name }, { dialect: "postgres", schema }));
    const table = tableName(name, { dialect: "postgres", schema });
    const writer = await sink.writer(ENTITY, table, fresh);
    for (const b of batches) await writer.write(b);
    await writer.end();
    await sink.commit();
  } finally {
    await sink.close();
  }
}

const rows = async (table: string) =>
  (await psql(
    `SET TIME ZONE 'UTC'; SELECT translate(encode(convert_to(t::text, 'UTF8'), 'base64'), E'\\n', '') FROM ${table} t ORDER BY id`,
  )).split("\n").map((line) =>
    new TextDecoder().decode(Uint8Array.from(atob(line), (ch) => ch.charCodeAt(0)))
  );

Deno.test({
  name: "binary COPY: hostile values read back as text COPY stores them, with and without fallback",
  ignore: pgEnv.ignore,
  async fn() {
    const schema = uniqueName("sinkspeed2_bin");
    try {
      await load(schema, "by_text", "text", BATCHES);
      await load(schema, "by_binary", "binary", BATCHES);
      await load(schema, "by_text_odd", "text", WITH_FALLBACK, true);
      await load(schema, "by_binary_odd", "binary", WITH_FALLBACK, true);
      const text = await rows(`${schema}.by_text`);
      assert.equal(text.length, 657);
      assert.deepEqual(await rows(`${schema}.by_binary`), text);
      const odd = await rows(`${schema}.by_text_odd`);
      assert.notDeepEqual(odd, text);
      assert.deepEqual(await rows(`${schema}.by_binary_odd`), odd);
    } finally {
      await psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  },
});

Deno.test("binary COPY: numerics by the fast path are the bytes of their text, or left to it", () => {
  const values = [...DECIMALS, ...BIGS, ...INTS, ...FLOATS].filter(Number.isFinite);
  let state = 7;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 20_000; i++) {
    const k = i % 7;
    const scale = 10 ** (i % 17);
    // Whole numbers of cents and the like, and arbitrary doubles.
    values.push(Math.round((next() - 0.5) * scale * 10 ** k) / 10 ** k);
    values.push((next() - 0.5) * scale);
  }
  values.push(999_999_999_999_999, 99_999_999_999.9999, 0.0001, 0.00015, 1e15, 1e15 - 0.5, 12.3456);
  let fast = 0;
  for (const v of values) {
    const f = numericBytes(v, "fast");
    if (f === undefined) continue;
    fast++;
    assert.deepEqual(f, numericBytes(v, "text"), String(v));
  }
  assert.ok(fast > values.length / 4, `${fast} of ${values.length} by the fast path`);
  assert.equal(numericBytes(0.1 + 0.2, "fast"), undefined);
  assert.equal(numericBytes(1e-7, "fast"), undefined);
});
