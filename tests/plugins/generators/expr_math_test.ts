import assert from "node:assert/strict";
import { prepare } from "../../../core/gen.ts";
import { rowsOf } from "../../_helpers/rows.ts";

async function evaluate(expr: unknown, fields: Record<string, unknown> = {}): Promise<unknown> {
  const [row] = await rowsOf({
    name: "m",
    entities: { e: { count: 1, fields: { ...fields, v: { expr } } } },
  }, "e");
  return row!.v;
}

Deno.test("expr: sin, cos, tan, exp, log, sqrt, pow, pi", async () => {
  assert.equal(await evaluate("round(sin(pi() / 2), 6)"), 1);
  assert.equal(await evaluate("round(cos(0) + tan(0), 6)"), 1);
  assert.equal(await evaluate("exp(0)"), 1);
  assert.equal(await evaluate("round(log(exp(2)), 9)"), 2);
  assert.equal(await evaluate("round(log(1000, 10), 9)"), 3);
  assert.equal(await evaluate("sqrt(16) + pow(2, 10)"), 1028);
  assert.equal(await evaluate("min(3, 1, 2) + max(3, 1, 2)"), 4);
  assert.equal(await evaluate("round(2.345, 2)"), 2.35);
});

Deno.test("expr: results that are not finite numbers are null", async () => {
  assert.equal(await evaluate("log(0)"), null);
  assert.equal(await evaluate("log(-1)"), null);
  assert.equal(await evaluate("sqrt(-4)"), null);
  assert.equal(await evaluate("exp(1000)"), null);
});

Deno.test("expr: comparisons, && ||, and if(cond, a, b) with fields", async () => {
  const fields = { qty: { constant: 12 }, price: { constant: 2.5 }, gone: null };
  assert.equal(await evaluate("if(qty >= 10, qty * price * 0.9, qty * price)", fields), 27);
  assert.equal(await evaluate("if(qty < 10, 1, 2)", fields), 2);
  assert.equal(await evaluate("(qty > 1) + (qty == 12) + (qty != 12) + (price <= 2.5)", fields), 3);
  assert.equal(await evaluate("if(qty > 1 && price > 3, 1, 0)", fields), 0);
  assert.equal(await evaluate("if(qty > 1 || price > 3, 1, 0)", fields), 1);
  // A null condition is false; only the chosen branch counts.
  assert.equal(await evaluate("if(gone > 1, 1, 2)", fields), 2);
  assert.equal(await evaluate("if(qty > 1, 5, log(0))", fields), 5);
  assert.equal(await evaluate("if(1, 5, 6)"), 5);
});

Deno.test("expr: a sine wave over the row index stays random-access", async () => {
  const scenario = {
    name: "wave",
    entities: {
      e: {
        count: 200,
        fields: {
          i: { sequence: { start: 0 } },
          v: { expr: { of: "20 + 5 * sin(i * pi() / 12)", decimals: 3 } },
        },
      },
    },
  };
  const rows = await rowsOf(scenario, "e");
  rows.forEach((r) => {
    const expected = Math.round((20 + 5 * Math.sin((r.i as number) * Math.PI / 12)) * 1000) / 1000;
    assert.ok(Math.abs((r.v as number) - expected) < 1e-9);
  });
  assert.deepEqual(await rowsOf(scenario, "e", { batchSize: 7 }), rows);
});

Deno.test("expr: wrong arity and unknown functions are refused with a position", async () => {
  const bad = (of: string) =>
    prepare({ name: "b", entities: { e: { count: 1, fields: { v: { expr: of } } } } });
  await assert.rejects(bad("if(1, 2)"), /if\(\) takes 3 argument, not 2/);
  await assert.rejects(bad("sinh(1)"), /unknown function "sinh"/);
  await assert.rejects(bad("1 < "), /the expression ends too early/);
});
