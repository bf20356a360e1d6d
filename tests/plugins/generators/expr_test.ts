import assert from "node:assert/strict";
import { roundTo } from "../../../plugins/generators/expr.ts";
import { rowsOf } from "../../_helpers/rows.ts";
import { compiledField, issuesOf, oneField, rowsAloneMatchBatch } from "./_setup.ts";

/** The value of `v` for one row with the given constant fields. */
async function evaluate(expr: unknown, fields: Record<string, unknown> = {}): Promise<unknown> {
  const [row] = await rowsOf(oneField({ expr }, 1, { extraFields: fields }), "e");
  return row!.v;
}

const shop = {
  name: "shop",
  seed: 11,
  entities: {
    products: {
      count: 50,
      fields: { id: { sequence: {} }, unit_price: { number: { min: 0.5, max: 300, decimals: 2 } } },
    },
    items: {
      count: 3000,
      fields: {
        product_id: { ref: { to: "products.id", distribution: { zipf: 1.1 } } },
        quantity: { integer: { min: 1, max: 7 } },
        line_total: { expr: { of: "quantity * product_id.unit_price", decimals: 2 } },
        with_tax: { expr: "round(line_total * 1.14, 2)" },
      },
    },
  },
};

Deno.test("expr line total equals quantity times the product's unit price for every row", async () => {
  const prices = new Map(
    (await rowsOf(shop, "products")).map((p) => [p.id, p.unit_price as number]),
  );
  for (const r of await rowsOf(shop, "items")) {
    const expected = roundTo((r.quantity as number) * prices.get(r.product_id)!, 2);
    assert.equal(r.line_total, expected);
    assert.equal(r.with_tax, roundTo((r.line_total as number) * 1.14, 2));
    assert.ok(
      Math.abs((r.line_total as number) - (r.quantity as number) * prices.get(r.product_id)!) <
        0.005 + 1e-9,
    );
  }
  const { alone, batch } = await rowsAloneMatchBatch(shop, "items", [0, 1, 2999]);
  assert.deepEqual(alone, batch);
});

Deno.test("expr follows the usual precedence, unary minus and parentheses", async () => {
  assert.equal(await evaluate("2 + 3 * 4"), 14);
  assert.equal(await evaluate("(2 + 3) * 4"), 20);
  assert.equal(await evaluate("10 - 4 - 3"), 3);
  assert.equal(await evaluate("2 * 3 / 4"), 1.5);
  assert.equal(await evaluate("17 % 5 + 1"), 3);
  assert.equal(await evaluate("-a * 2", { a: 3 }), -6);
  assert.equal(await evaluate("- -a", { a: 3 }), 3);
  assert.equal(await evaluate("1.5e2 + .5"), 150.5);
  assert.equal(await evaluate("  a*b+c ", { a: 2, b: 5, c: 1 }), 11);
});

Deno.test("expr calls round, floor, ceil, abs, min and max", async () => {
  const f = { x: -2.345, y: 7.5 };
  assert.equal(await evaluate("round(x, 2)", f), -2.35);
  assert.equal(await evaluate("round(y)", f), 8);
  assert.equal(await evaluate("floor(x)", f), -3);
  assert.equal(await evaluate("ceil(x)", f), -2);
  assert.equal(await evaluate("abs(x)", f), 2.345);
  assert.equal(await evaluate("min(y, 3, x + 10)", f), 3);
  assert.equal(await evaluate("max(x, y * 2)", f), 15);
});

Deno.test("roundTo rounds half away from zero, forgiving binary noise", () => {
  assert.equal(roundTo(1.005, 2), 1.01);
  assert.equal(roundTo(2.675, 2), 2.68);
  assert.equal(roundTo(0.1 + 0.2, 2), 0.3);
  assert.equal(roundTo(-2.5, 0), -3);
  assert.equal(roundTo(2.4999, 0), 2);
  assert.equal(roundTo(-0.001, 2), 0);
  assert.ok(Object.is(roundTo(-0.001, 2), 0), "no negative zero");
});

Deno.test("expr gives null for a null input and for a division by zero", async () => {
  assert.equal(await evaluate("a + 1", { a: null }), null);
  assert.equal(await evaluate("max(a, 1)", { a: null }), null);
  assert.equal(await evaluate("a / b", { a: 1, b: 0 }), null);
  assert.equal(await evaluate("a % b", { a: 1, b: 0 }), null);
  assert.equal((await compiledField({ expr: "a * 2" }, 1, { a: 1 })).gen.nullable, true);
});

Deno.test("expr reads numbers written as text, and fails on other text", async () => {
  assert.equal(await evaluate("price * 2", { price: "12.50" }), 25);
  await assert.rejects(
    () => evaluate("name * 2", { name: "Anna" }),
    /"name" is "Anna", not a number/,
  );
});

Deno.test("expr rounds to decimals or to integers, and types the column", async () => {
  assert.equal(await evaluate({ of: "a / 3", decimals: 2 }, { a: 10 }), 3.33);
  assert.equal(await evaluate({ of: "a / 4", type: "integer" }, { a: 10 }), 3);
  assert.equal(
    (await compiledField({ expr: { of: "a / 4", type: "integer" } }, 1, { a: 1 })).type,
    "integer",
  );
  assert.equal(
    (await compiledField({ expr: { of: "a / 4", decimals: 0 } }, 1, { a: 1 })).type,
    "integer",
  );
  assert.equal((await compiledField({ expr: "a / 4" }, 1, { a: 1 })).type, "number");
  const constant = await compiledField({ expr: "6 * 7" });
  assert.equal(constant.gen.cardinality, 1);
  assert.deepEqual(constant.gen.uses, undefined);
  const [both] = await issuesOf(oneField({ expr: { of: "1", type: "integer", decimals: 2 } }));
  assert.equal(both!.message, "Cannot round integers to 2 decimals");
});

Deno.test("expr reports parse errors with their position", async () => {
  const problem = async (expr: string, fields: Record<string, unknown> = { a: 1, b: 2 }) =>
    (await issuesOf(oneField({ expr }, 1, { extraFields: fields })))[0]!;
  assert.equal(
    (await problem("a * (b")).message,
    'Cannot read expression "a * (b": expected ")" at position 7',
  );
  assert.equal(
    (await problem("a +")).message,
    'Cannot read expression "a +": the expression ends too early at position 4',
  );
  assert.equal(
    (await problem("a $ b")).message,
    'Cannot read expression "a $ b": unexpected "$" at position 3',
  );
  const fn = await problem("rund(a, 2)");
  assert.equal(
    fn.message,
    'Cannot read expression "rund(a, 2)": unknown function "rund" at position 1',
  );
  assert.equal(fn.hint, 'did you mean "round"?');
  assert.match(
    (await problem("abs(a, b)")).message,
    /abs\(\) takes 1 argument, not 2 at position 1/,
  );
  const field = await problem("a * quantiy", { a: 1, quantity: 2 });
  assert.equal(
    field.message,
    'Cannot read expression "a * quantiy": unknown field "quantiy" at position 5',
  );
  assert.equal(field.hint, 'did you mean "quantity"?');
  assert.deepEqual(field.path, ["entities", "e", "fields", "v", "expr"]);
});

Deno.test("expr in an anomaly may read the field's own normal value", async () => {
  const rows = await rowsOf({
    name: "t",
    seed: 2,
    entities: {
      payments: {
        count: 2000,
        fields: { amount: { number: { min: 1, max: 100, decimals: 2 } } },
        anomalies: {
          rate: 0.2,
          kinds: {
            refund: { set: { amount: { expr: "-amount" } } },
            typo: { set: { amount: { expr: "amount * 20" } } },
          },
        },
      },
    },
  }, "payments");
  const normal = await rowsOf({
    name: "t",
    seed: 2,
    entities: {
      payments: { count: 2000, fields: { amount: { number: { min: 1, max: 100, decimals: 2 } } } },
    },
  }, "payments");
  let refunds = 0, typos = 0;
  rows.forEach((r, i) => {
    const n = normal[i]!.amount as number;
    if (r._anomaly === "refund") {
      refunds++;
      assert.equal(r.amount, -n);
    } else if (r._anomaly === "typo") {
      typos++;
      assert.equal(r.amount, n * 20);
    } else assert.equal(r.amount, n);
  });
  // 20% of 2000 rows, split evenly: about 200 each (± 60).
  assert.ok(Math.abs(refunds - 200) < 60 && Math.abs(typos - 200) < 60, `${refunds}, ${typos}`);
});
