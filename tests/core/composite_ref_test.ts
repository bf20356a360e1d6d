/**
 * Composite foreign keys: shipments (order_id, line_no) → order_items
 * (order_id, line_no), written as a ref to one parent row whose other
 * columns are `lookup`s of that same row. Every pair exists in the parent,
 * row i alone equals row i of a full run, and (order_id, position) is a
 * primary key the kernel proves unique.
 */
import assert from "node:assert/strict";
import { fixture } from "../../mod.ts";
import { prepare } from "../../core/gen.ts";
import { entitySchemaOf } from "../../core/batches.ts";

const SCENARIO = {
  name: "composite",
  seed: 7,
  entities: {
    orders: { count: 300, fields: { id: { sequence: { start: 100 } } } },
    order_items: {
      count: { per: "orders", min: 1, max: 5 },
      primary_key: ["order_id", "line_no"],
      fields: {
        order_id: { ref: "orders.id" },
        line_no: { position: {} },
        sku: { pattern: "[A-Z]{3}" },
      },
    },
    shipments: {
      count: 2000,
      fields: {
        id: { sequence: {} },
        order_id: { ref: { to: "order_items.order_id", distribution: { zipf: 1.1 } } },
        line_no: { lookup: { field: "order_id.line_no", type: "integer" } },
        sku: { lookup: "order_id.sku" },
      },
    },
    returns: {
      count: 500,
      fields: {
        order_id: { ref: "order_items.order_id", nullable: 0.3 },
        line_no: { lookup: { field: "order_id.line_no", type: "integer" } },
      },
    },
  },
};

Deno.test("a composite ref: every (order_id, line_no) of shipments is an order item's", async () => {
  const items = await fixture(SCENARIO, "order_items");
  const pairs = new Map(items.map((r) => [`${r.order_id}:${r.line_no}`, r.sku]));
  assert.equal(pairs.size, items.length, "(order_id, line_no) is unique");
  const shipments = await fixture(SCENARIO, "shipments");
  assert.equal(shipments.length, 2000);
  for (const s of shipments) {
    const key = `${s.order_id}:${s.line_no}`;
    assert.ok(pairs.has(key), `shipment ${s.id}: ${key} is no order item`);
    assert.equal(s.sku, pairs.get(key), "a third column comes from the same row");
  }
  assert.ok(new Set(shipments.map((s) => s.line_no)).size > 1, "not only first lines");
});

Deno.test("a composite ref: a null ref nulls the looked-up columns with it", async () => {
  const rows = await fixture(SCENARIO, "returns");
  const nulls = rows.filter((r) => r.order_id === null);
  assert.ok(nulls.length > 50 && nulls.length < 250, `${nulls.length} null refs`);
  for (const r of rows) assert.equal(r.line_no === null, r.order_id === null);
});

Deno.test("a composite ref: row i alone equals row i of a full run", async () => {
  const all = await fixture(SCENARIO, "shipments");
  for (const i of [0, 1, 17, 999, 1999]) {
    const [alone] = await fixture(SCENARIO, "shipments", { start: i, count: 1 });
    assert.deepEqual(alone, all[i], `row ${i}`);
  }
});

Deno.test("position with the owner ref makes a primary key the kernel accepts", async () => {
  const plan = await prepare(SCENARIO, {});
  try {
    const schema = entitySchemaOf(plan, plan.byName.get("order_items")!);
    assert.deepEqual(schema.primaryKey, ["order_id", "line_no"]);
  } finally {
    plan.registry.close();
  }
});
