/**
 * NOT NULL only where a column provably never holds null: the defects of
 * issue 7 (anomalies that set a field to null, a choice with null), and the
 * schema promises (CHECK, VARCHAR, NUMERIC) only where anomalies leave the
 * field alone. Each column's `nullable` is checked against generated rows.
 */
import assert from "node:assert/strict";
import { prepare } from "../../core/gen.ts";
import { entitySchemaOf } from "../../core/batches.ts";
import type { ColumnInfo } from "../../core/types.ts";
import { rowsOf } from "../_helpers/rows.ts";

async function columnsOf(scenario: string, entity: string): Promise<Map<string, ColumnInfo>> {
  const plan = await prepare(scenario, {});
  try {
    const schema = entitySchemaOf(plan, plan.byName.get(entity)!);
    return new Map(schema.columns.map((c) => [c.name, c]));
  } finally {
    plan.registry.close();
  }
}

const CASES: [scenario: string, entity: string, column: string][] = [
  ["erp/normal-ops", "orders", "sales_rep_id"],
  ["erp/normal-ops", "order_status_history", "changed_by"],
  ["erp/normal-ops", "delivery_attempts", "driver_note"],
  ["user-profile/negative", "user_profiles", "last_name"],
];

for (const [scenario, entity, column] of CASES) {
  Deno.test(`nullable: ${scenario} ${entity}.${column} may be null, and is`, async () => {
    const columns = await columnsOf(scenario, entity);
    assert.ok(columns.has(column), `${entity} has ${column}`);
    assert.equal(columns.get(column)!.nullable, true);
    const rows = await rowsOf(scenario, entity);
    assert.ok(rows.some((r) => r[column] === null), `some ${column} is null`);
  });
}

Deno.test("nullable: every NOT NULL column of the ERP orders holds no null", async () => {
  const columns = await columnsOf("erp/normal-ops", "orders");
  const rows = await rowsOf("erp/normal-ops", "orders");
  for (const c of columns.values()) {
    if (c.nullable) continue;
    assert.ok(rows.every((r) => r[c.name] !== null), `${c.name} is NOT NULL but holds null`);
  }
});

Deno.test("schema: anomaly-touched fields get no CHECK; decimals become NUMERIC info", async () => {
  const products = await columnsOf("erp/normal-ops", "products");
  const price = products.get("unit_price")!;
  assert.equal(price.decimals, 2);
  assert.ok(price.min !== undefined && price.max !== undefined, "range validator kept");
  const orders = await columnsOf("erp/normal-ops", "orders");
  // total_amount is negated by an anomaly: no range may be promised.
  assert.equal(orders.get("total_amount")!.min, undefined);
  assert.deepEqual(orders.get("channel")!.values, ["sales_rep", "phone", "web", "whatsapp"]);
});
