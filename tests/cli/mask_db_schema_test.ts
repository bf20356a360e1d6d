import assert from "node:assert/strict";
import { copyTableSql, kindOf, loadOrder, type SourceTable } from "../../cli/mask/db_schema.ts";

Deno.test("kindOf() reads declared types of every dialect", () => {
  const cases: [string, "postgres" | "mysql" | "sqlite", string][] = [
    ["integer", "postgres", "integer"],
    ["bigint", "postgres", "integer"],
    ["smallint", "postgres", "integer"],
    ["numeric(10,2)", "postgres", "number"],
    ["double precision", "postgres", "number"],
    ["boolean", "postgres", "boolean"],
    ["date", "postgres", "date"],
    ["timestamp with time zone", "postgres", "datetime"],
    ["time without time zone", "postgres", "other"],
    ["interval", "postgres", "other"],
    ["character varying(80)", "postgres", "text"],
    ["uuid", "postgres", "uuid"],
    ["jsonb", "postgres", "json"],
    ["bytea", "postgres", "binary"],
    ["integer[]", "postgres", "other"],
    ["point", "postgres", "other"],
    ["tinyint(1)", "mysql", "boolean"],
    ["bigint(20) unsigned", "mysql", "integer"],
    ["decimal(12,2)", "mysql", "number"],
    ["datetime(3)", "mysql", "datetime"],
    ["enum('paint','print')", "mysql", "other"],
    ["longblob", "mysql", "binary"],
    ["mediumtext", "mysql", "text"],
    ["INTEGER", "sqlite", "integer"],
    ["", "sqlite", "text"],
    ["NUMERIC(5,2)", "sqlite", "number"],
  ];
  for (const [type, dialect, kind] of cases) assert.equal(kindOf(type, dialect), kind, type);
});

const table = (name: string, parents: string[] = []): SourceTable => ({
  name,
  columns: [
    { name: "id", type: "bigint", kind: "integer", notNull: true },
    { name: "code", type: "character varying(12)", kind: "text", notNull: false },
    { name: "at", type: "timestamp with time zone", kind: "datetime", notNull: false },
    { name: "price", type: "numeric(8,2)", kind: "number", notNull: false },
  ],
  primaryKey: ["id"],
  foreignKeys: parents.map((p) => ({ columns: ["id"], table: p, refColumns: ["id"] })),
});

Deno.test("copyTableSql() copies types within a dialect and maps them across", () => {
  const t = table("orders", ["customers", "products"]);
  const masked = new Set(["orders", "customers"]);
  const same = copyTableSql(t, {
    from: "postgres",
    to: "postgres",
    schema: "masked",
    nameOf: (n) => n,
    masked,
  });
  assert.equal(
    same,
    `CREATE TABLE "masked"."orders" (
  "id" bigint NOT NULL,
  "code" character varying(12),
  "at" timestamp with time zone,
  "price" numeric(8,2),
  PRIMARY KEY ("id"),
  FOREIGN KEY ("id") REFERENCES "masked"."customers" ("id") DEFERRABLE INITIALLY DEFERRED
)`,
  );
  const mysql = copyTableSql(t, {
    from: "postgres",
    to: "mysql",
    nameOf: (n) => `_stage_${n}`,
    masked,
  });
  assert.match(mysql, /^CREATE TABLE `_stage_orders` \(/);
  assert.match(mysql, /`code` VARCHAR\(12\)/);
  assert.match(mysql, /`at` DATETIME\(3\)/);
  assert.match(mysql, /`price` NUMERIC\(8,2\)/);
  assert.match(mysql, /REFERENCES `_stage_customers` \(`id`\)\n\)$/, "no DEFERRABLE in MySQL");
  assert.doesNotMatch(mysql, /products/, "a foreign key to a table not masked is left out");
});

Deno.test("loadOrder() puts parents first and keeps a cycle's order", () => {
  const names = (ts: SourceTable[]) => ts.map((t) => t.name);
  assert.deepEqual(
    names(
      loadOrder([table("lines", ["orders"]), table("orders", ["customers"]), table("customers")]),
    ),
    ["customers", "orders", "lines"],
  );
  assert.deepEqual(names(loadOrder([table("a", ["b"]), table("b", ["a"])])), ["b", "a"]);
  assert.deepEqual(names(loadOrder([table("tree", ["tree"])])), ["tree"]);
});
