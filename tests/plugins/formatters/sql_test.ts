/**
 * Unit tests of the `sql` formatter: quoting and escaping per dialect,
 * column types, batching, and every option. Real databases read the output
 * in tests/formatters/sql_roundtrip_test.ts.
 */
import assert from "node:assert/strict";
import sql, {
  mysqlDatetime,
  sqlIdentifier,
  sqlLiteral,
  sqlString,
  sqlType,
} from "../../../plugins/formatters/sql.ts";
import type { FieldType } from "../../../core/types.ts";
import { column, entity, render } from "./_setup.ts";

const parents = entity("parents", [
  column("id", "integer", { key: true, nullable: false, unique: true }),
  column("name", "string", { nullable: false }),
], [[1, "Ann"], [2, "O'Neil"]]);

const children = entity("children", [
  column("id", "integer", { key: true, nullable: false, unique: true }),
  column("parent_id", "integer", { ref: { entity: "parents", field: "id" } }),
  column("sibling_id", "integer", { ref: { entity: "children", field: "id" } }),
], [[1, 1, 2], [2, 2, null], [3, 1, 1], [4, 2, 3], [5, null, 4]]);

Deno.test("sqlIdentifier() quotes per dialect and doubles embedded quote characters", () => {
  assert.equal(sqlIdentifier("order", "postgres"), '"order"');
  assert.equal(sqlIdentifier('a"b', "sqlite"), '"a""b"');
  assert.equal(sqlIdentifier("a`b", "mysql"), "`a``b`");
  assert.equal(sqlIdentifier('a"b', "mysql"), '`a"b`');
});

Deno.test("sqlString() doubles quotes everywhere and escapes backslashes for MySQL only", () => {
  assert.equal(sqlString("O'Neil", "postgres"), "'O''Neil'");
  assert.equal(sqlString("O'Neil", "mysql"), "'O''Neil'");
  assert.equal(sqlString("C:\\dir\\n", "postgres"), "'C:\\dir\\n'");
  assert.equal(sqlString("C:\\dir\\n", "sqlite"), "'C:\\dir\\n'");
  assert.equal(sqlString("C:\\dir\\n", "mysql"), "'C:\\\\dir\\\\n'");
  assert.equal(sqlString("", "postgres"), "''");
  assert.equal(sqlString("😀 中文 عربي", "mysql"), "'😀 中文 عربي'");
});

Deno.test("sqlString() removes NUL for PostgreSQL and SQLite and writes \\0 for MySQL", () => {
  assert.equal(sqlString("a\u0000b", "postgres"), "'ab'");
  assert.equal(sqlString("a\u0000b", "sqlite"), "'ab'");
  assert.equal(sqlString("a\u0000b\u001a", "mysql"), "'a\\0b\\Z'");
});

Deno.test("sqlString() keeps CR out of SQLite and MySQL literals, whose shells read CR LF as a line end", () => {
  assert.equal(sqlString("a\r\nb", "postgres"), "'a\r\nb'");
  assert.equal(sqlString("a\r\nb", "sqlite"), "'a' || char(13) || '\nb'");
  assert.equal(sqlString("a\r\nb", "mysql"), "'a\\r\nb'");
  assert.equal(sqlString("\r", "sqlite"), "'' || char(13) || ''");
});

Deno.test("sqlType() maps every field type for every dialect", () => {
  const want: Record<FieldType, [string, string, string]> = {
    string: ["TEXT", "TEXT", "TEXT"],
    integer: ["BIGINT", "INTEGER", "BIGINT"],
    number: ["DOUBLE PRECISION", "REAL", "DOUBLE"],
    boolean: ["BOOLEAN", "INTEGER", "BOOLEAN"],
    date: ["DATE", "TEXT", "DATE"],
    datetime: ["TIMESTAMPTZ", "TEXT", "DATETIME(3)"],
    uuid: ["UUID", "TEXT", "CHAR(36)"],
    json: ["JSONB", "TEXT", "JSON"],
  };
  for (const [type, [pg, lite, my]] of Object.entries(want)) {
    const c = column("c", type as FieldType);
    assert.deepEqual([sqlType(c, "postgres"), sqlType(c, "sqlite"), sqlType(c, "mysql")], [
      pg,
      lite,
      my,
    ], type);
  }
});

Deno.test("sqlType() makes MySQL string keys, unique strings and foreign keys VARCHAR(255)", () => {
  assert.equal(sqlType(column("k", "string", { key: true }), "mysql"), "VARCHAR(255)");
  assert.equal(sqlType(column("u", "string", { unique: true }), "mysql"), "VARCHAR(255)");
  assert.equal(
    sqlType(column("r", "string", { ref: { entity: "p", field: "code" } }), "mysql"),
    "VARCHAR(255)",
  );
  assert.equal(sqlType(column("k", "string", { key: true }), "postgres"), "TEXT");
});

Deno.test("sqlLiteral() writes booleans, non-finite numbers, JSON and nulls per dialect", () => {
  const bool = column("b", "boolean");
  assert.deepEqual([true, false, null].map(sqlLiteral(bool, "postgres")), [
    "TRUE",
    "FALSE",
    "NULL",
  ]);
  assert.deepEqual([true, false, null].map(sqlLiteral(bool, "sqlite")), ["1", "0", "NULL"]);
  assert.deepEqual([true, false].map(sqlLiteral(bool, "mysql")), ["TRUE", "FALSE"]);
  const num = sqlLiteral(column("n", "number"), "postgres");
  assert.deepEqual([1.5, -0.25, 1e21, NaN, Infinity, -Infinity, undefined].map(num), [
    "1.5",
    "-0.25",
    "1e+21",
    "NULL",
    "NULL",
    "NULL",
    "NULL",
  ]);
  const json = sqlLiteral(column("j", "json"), "mysql");
  assert.equal(json({ a: "it's", b: "back\\slash" }), `'{"a":"it''s","b":"back\\\\\\\\slash"}'`);
  assert.equal(json("text"), `'"text"'`, "a string in a JSON column is JSON text");
  assert.equal(json(null), "NULL");
  assert.equal(
    sqlLiteral(column("j", "json"), "postgres")({ s: "a\u0000b" }),
    `'{"s":"ab"}'`,
    "jsonb cannot hold \\u0000",
  );
  assert.equal(
    sqlLiteral(column("s"), "postgres")({ a: 1 }),
    `'{"a":1}'`,
    "nested values in a text column are JSON",
  );
});

Deno.test("mysqlDatetime() turns ISO datetimes into MySQL's UTC form", () => {
  assert.equal(mysqlDatetime("2024-05-01T12:30:00.250Z"), "2024-05-01 12:30:00.250");
  assert.equal(mysqlDatetime("2024-05-01T12:30:00Z"), "2024-05-01 12:30:00");
  assert.equal(mysqlDatetime("2024-05-01T14:30:00+02:00"), "2024-05-01 12:30:00.000");
  assert.equal(mysqlDatetime("not a date"), "not a date");
  const lit = sqlLiteral(column("t", "datetime"), "mysql");
  assert.equal(lit("2024-05-01T12:30:00.250Z"), "'2024-05-01 12:30:00.250'");
  assert.equal(lit(null), "NULL");
  assert.equal(
    sqlLiteral(column("t", "datetime"), "postgres")("2024-05-01T12:30:00.250Z"),
    "'2024-05-01T12:30:00.250Z'",
  );
});

Deno.test("sql writes CREATE TABLE with keys, NOT NULL, UNIQUE and foreign keys, then the rows", () => {
  const text = render(sql, {}, [parents]);
  assert.equal(
    text,
    `-- Generated by fabricate: scenario test, dialect postgres
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
BEGIN;

CREATE TABLE "parents" (
  "id" BIGINT PRIMARY KEY,
  "name" TEXT NOT NULL
);
INSERT INTO "parents" ("id", "name") VALUES
  (1, 'Ann'),
  (2, 'O''Neil');

COMMIT;
`,
  );
  const unique = render(sql, {}, [
    entity("u", [column("email", "string", { unique: true, nullable: false })], []),
  ]);
  assert.match(unique, /"email" TEXT NOT NULL UNIQUE\n/);
  assert.doesNotMatch(unique, /INSERT/, "no rows, no INSERT");
});

Deno.test("sql puts `batch` rows in each INSERT, however the rows arrive in batches", () => {
  const whole = render(sql, { batch: 2 }, [children]);
  assert.equal(whole.match(/^INSERT INTO "children"/gm)?.length, 3);
  assert.match(whole, /VALUES\n {2}\(1, 1, 2\),\n {2}\(2, 2, NULL\);\nINSERT/);
  assert.match(whole, /VALUES\n {2}\(5, NULL, 4\);\n/);
  for (const batchSize of [1, 2, 3, 4]) {
    assert.equal(render(sql, { batch: 2 }, [children], { batchSize }), whole);
  }
  assert.equal(render(sql, { batch: 500 }, [children]).match(/^INSERT/gm)?.length, 1);
});

Deno.test("sql writes foreign keys as table constraints, and a self-reference deferred inside a transaction", () => {
  const pg = render(sql, {}, [parents, children], { layout: "single" });
  assert.match(pg, /FOREIGN KEY \("parent_id"\) REFERENCES "parents" \("id"\),\n/);
  assert.match(
    pg,
    /FOREIGN KEY \("sibling_id"\) REFERENCES "children" \("id"\) DEFERRABLE INITIALLY DEFERRED\n\);/,
  );
  const lite = render(sql, { dialect: "sqlite" }, [children]);
  assert.match(lite, /REFERENCES "children" \("id"\) DEFERRABLE INITIALLY DEFERRED/);
});

Deno.test("sql leaves a self-reference unenforced, with a comment, on MySQL or without a transaction", () => {
  for (const options of [{ dialect: "mysql" }, { transaction: false }]) {
    const text = render(sql, options, [children]);
    assert.doesNotMatch(text, /FOREIGN KEY \([`"]sibling_id/);
    assert.match(
      text,
      /^-- sibling_id references [`"]children[`"] \([`"]id[`"]\), not enforced: a self-reference/m,
    );
    assert.match(text, /FOREIGN KEY \([`"]parent_id[`"]\) REFERENCES [`"]parents[`"]/);
  }
});

Deno.test("sql option foreign_keys false writes no constraint", () => {
  const text = render(sql, { foreign_keys: false }, [children]);
  assert.doesNotMatch(text, /REFERENCES/);
});

Deno.test("sql option transaction false writes no BEGIN or COMMIT; MySQL says START TRANSACTION", () => {
  const off = render(sql, { transaction: false }, [parents]);
  assert.doesNotMatch(off, /BEGIN|COMMIT/);
  const my = render(sql, { dialect: "mysql" }, [parents]);
  assert.match(my, /^SET NAMES utf8mb4;\nSTART TRANSACTION;\n/m);
  assert.match(my, /\nCOMMIT;\n$/);
});

Deno.test("sql option create_table false writes the rows only", () => {
  const text = render(sql, { create_table: false, transaction: false }, [parents]);
  assert.doesNotMatch(text, /CREATE/);
  assert.match(text, /^INSERT INTO "parents"/m);
});

Deno.test("sql option drop_table drops children before parents, with CASCADE or with MySQL's checks off", () => {
  const pg = render(sql, { drop_table: true }, [parents, children], { layout: "single" });
  assert.match(
    pg,
    /DROP TABLE IF EXISTS "children" CASCADE;\nDROP TABLE IF EXISTS "parents" CASCADE;\n/,
  );
  assert.ok(pg.indexOf("DROP TABLE") < pg.indexOf("CREATE TABLE"));
  const lite = render(sql, { drop_table: true, dialect: "sqlite" }, [parents]);
  assert.match(lite, /DROP TABLE IF EXISTS "parents";\n/);
  const my = render(sql, { drop_table: true, dialect: "mysql" }, [parents]);
  assert.match(
    my,
    /SET @fabricate_fk = @@FOREIGN_KEY_CHECKS;\nSET FOREIGN_KEY_CHECKS = 0;\nDROP TABLE IF EXISTS `parents`;\nSET FOREIGN_KEY_CHECKS = @fabricate_fk;\n/,
  );
});

Deno.test("sql options schema and table_prefix qualify every table, references included", () => {
  const pg = render(sql, { schema: "mock_data", table_prefix: "t_" }, [parents, children], {
    layout: "single",
  });
  assert.match(pg, /CREATE SCHEMA IF NOT EXISTS "mock_data";/);
  assert.match(pg, /CREATE TABLE "mock_data"."t_children"/);
  assert.match(pg, /REFERENCES "mock_data"."t_parents" \("id"\)/);
  assert.match(pg, /INSERT INTO "mock_data"."t_parents" \("id", "name"\)/);
  const my = render(sql, { schema: "mock_data", dialect: "mysql" }, [parents]);
  assert.match(my, /CREATE DATABASE IF NOT EXISTS `mock_data` CHARACTER SET utf8mb4;/);
  assert.match(my, /CREATE TABLE `mock_data`.`parents`/);
  assert.match(my, /\) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;/);
  const lite = render(sql, { schema: "main", dialect: "sqlite" }, [parents]);
  assert.doesNotMatch(
    lite,
    /CREATE SCHEMA|CREATE DATABASE/,
    "SQLite schemas are attached databases",
  );
  assert.match(lite, /CREATE TABLE "main"."parents"/);
});

Deno.test("sql skips UNIQUE on MySQL JSON columns, which cannot be indexed", () => {
  const e = entity("j", [column("doc", "json", { unique: true })], []);
  assert.doesNotMatch(render(sql, { dialect: "mysql" }, [e]), /UNIQUE/);
  assert.match(render(sql, {}, [e]), /"doc" JSONB UNIQUE/);
});

Deno.test("sql layout split writes one INSERT with CREATE TABLE IF NOT EXISTS, no transaction, no DROP", () => {
  const text = render(sql, { drop_table: true }, [parents], { layout: "split" });
  assert.match(text, /^CREATE TABLE IF NOT EXISTS "parents"/m);
  assert.doesNotMatch(text, /BEGIN|COMMIT|DROP/);
  assert.match(text, /INSERT INTO "parents" \("id", "name"\) VALUES\n {2}\(1, 'Ann'\);\n$/);
});

Deno.test("sql writes a comment and nothing else for an entity without output columns", () => {
  const text = render(sql, {}, [entity("hidden", [], [[], []])]);
  assert.match(text, /-- hidden: no output columns, nothing to write/);
  assert.doesNotMatch(text, /CREATE TABLE|INSERT/);
});

Deno.test("sql options reject an unknown dialect, a zero batch and unknown keys", () => {
  assert.throws(() => sql.options.parse({ dialect: "oracle" }));
  assert.throws(() => sql.options.parse({ batch: 0 }));
  assert.throws(() => sql.options.parse({ batchsize: 10 }));
  assert.deepEqual(sql.options.parse(undefined), {
    dialect: "postgres",
    batch: 500,
    create_table: true,
    drop_table: false,
    transaction: true,
    foreign_keys: true,
    checks: true,
    table_prefix: "",
  });
});
