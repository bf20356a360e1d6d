/**
 * `createTableSql` from a hand-built schema: composite primary key, UNIQUE
 * tuples, FOREIGN KEY, CHECK, VARCHAR(n), NUMERIC(p,s) and NOT NULL in each
 * dialect, and each statement accepted by a real SQLite (others are loaded
 * by tests/scenarios/db_load_test.ts).
 */
import assert from "node:assert/strict";
import type { ColumnInfo, EntitySchema } from "../../../core/types.ts";
import { createTableSql } from "../../../plugins/_shared/sql_ddl.ts";
import { run } from "../../formatters/_roundtrip.ts";

const col = (name: string, extra: Partial<ColumnInfo> = {}): ColumnInfo => ({
  name,
  type: "integer",
  nullable: false,
  unique: false,
  key: false,
  referenced: false,
  ...extra,
});

const posts: EntitySchema = {
  name: "posts",
  count: 2,
  columns: [col("id", { key: true, unique: true, referenced: true })],
};
const postTags: EntitySchema = {
  name: "post_tags",
  count: 2,
  primaryKey: ["post_id", "tag"],
  uniqueTogether: [["post_id", "position"]],
  columns: [
    col("post_id", { ref: { entity: "posts", field: "id" } }),
    col("tag", { type: "string", maxLength: 40 }),
    col("position", { min: 1, max: 10 }),
    col("price", { type: "number", decimals: 2, maxAbs: 9999.99, nullable: true }),
    col("status", { type: "string", values: ["new", "done"] }),
    col("note", { type: "string", nullable: true }),
  ],
};

Deno.test("ddl: postgres writes keys, tuples, checks and exact types", () => {
  const sql = createTableSql(postTags, { dialect: "postgres" });
  assert.match(sql, /"post_id" BIGINT NOT NULL,/);
  assert.match(sql, /"tag" VARCHAR\(40\) NOT NULL,/);
  assert.match(sql, /"position" BIGINT NOT NULL CHECK \("position" BETWEEN 1 AND 10\)/);
  assert.match(sql, /"price" NUMERIC\(6,2\),/);
  assert.match(sql, /"status" TEXT NOT NULL CHECK \("status" IN \('new', 'done'\)\)/);
  assert.match(sql, /"note" TEXT,/);
  assert.match(sql, /PRIMARY KEY \("post_id", "tag"\)/);
  assert.match(sql, /UNIQUE \("post_id", "position"\)/);
  assert.match(sql, /FOREIGN KEY \("post_id"\) REFERENCES "posts" \("id"\)/);
  assert.doesNotMatch(sql, /"post_id" BIGINT NOT NULL PRIMARY KEY/);
});

Deno.test("ddl: mysql indexes strings of keys and tuples as VARCHAR", () => {
  const sql = createTableSql({
    ...postTags,
    columns: postTags.columns.map((c) => {
      if (c.name !== "tag") return c;
      const { maxLength: _, ...rest } = c;
      return rest;
    }),
  }, { dialect: "mysql" });
  assert.match(sql, /`tag` VARCHAR\(255\) NOT NULL/);
  assert.match(sql, /PRIMARY KEY \(`post_id`, `tag`\)/);
  assert.match(sql, /`price` NUMERIC\(6,2\)/);
});

Deno.test("ddl: sqlite checks lengths and rejects bad rows", async () => {
  const sql = createTableSql(posts, { dialect: "sqlite" }) +
    createTableSql(postTags, { dialect: "sqlite" });
  assert.match(sql, /length\("tag"\) <= 40/);
  const dir = await Deno.makeTempDir({ prefix: "fabricate-ddl-" });
  const db = `${dir}/t.db`;
  try {
    await run("sqlite3", ["-bail", db], {
      stdin: "PRAGMA foreign_keys = ON;\n" + sql +
        "INSERT INTO posts VALUES (1);\nINSERT INTO post_tags VALUES (1, 'a', 1, 12.5, 'new', NULL);\n",
    });
    const bad = [
      "INSERT INTO post_tags VALUES (1, 'a', 2, 1, 'new', NULL);", // composite key
      "INSERT INTO post_tags VALUES (1, 'b', 1, 1, 'new', NULL);", // unique tuple
      "INSERT INTO post_tags VALUES (1, 'c', 11, 1, 'new', NULL);", // range
      "INSERT INTO post_tags VALUES (1, 'd', 3, 1, 'old', NULL);", // enum
      "INSERT INTO post_tags VALUES (2, 'e', 4, 1, 'new', NULL);", // foreign key
      `INSERT INTO post_tags VALUES (1, '${"x".repeat(41)}', 5, 1, 'new', NULL);`, // length
      "INSERT INTO post_tags VALUES (1, 'f', 6, 1, NULL, NULL);", // NOT NULL
    ];
    for (const stmt of bad) {
      await assert.rejects(
        run("sqlite3", ["-bail", db], { stdin: "PRAGMA foreign_keys = ON;\n" + stmt }),
        Error,
        stmt,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ddl: checks: false leaves CHECK out", () => {
  const sql = createTableSql(postTags, { dialect: "postgres", checks: false });
  assert.doesNotMatch(sql, /CHECK/);
});
