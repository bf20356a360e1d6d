import assert from "node:assert/strict";
import { rowsOf } from "../../_helpers/rows.ts";
import { compiledField, issuesOf, oneField, yamlIssues } from "./_setup.ts";

const countries = { country: { choice: ["US", "DE", "EG", "FR"], nullable: 0.1 } };

Deno.test("map looks each row's value up in the table, with the default for the rest", async () => {
  const rows = await rowsOf(
    oneField(
      { map: { from: "country", values: { US: "USD", DE: "EUR", EG: "EGP" }, default: "XXX" } },
      500,
      { extraFields: countries },
    ),
    "e",
  );
  const table: Record<string, string> = { US: "USD", DE: "EUR", EG: "EGP", FR: "XXX" };
  for (const r of rows) {
    assert.equal(r.v, r.country === null ? null : table[r.country as string]);
  }
  assert.ok(rows.some((r) => r.v === "XXX") && rows.some((r) => r.v === null));
});

Deno.test("map gives null for values not in the table when there is no default", async () => {
  const rows = await rowsOf(
    oneField({ map: { from: "country", values: { US: 1 } } }, 200, { extraFields: countries }),
    "e",
  );
  for (const r of rows) assert.equal(r.v, r.country === "US" ? 1 : null);
});

Deno.test("map reads a parent's field through a ref", async () => {
  const scenario = {
    name: "t",
    seed: 2,
    entities: {
      customers: { count: 30, fields: { id: { sequence: {} }, country: { choice: ["US", "EG"] } } },
      orders: {
        count: 300,
        fields: {
          customer_id: { ref: "customers.id" },
          currency: { map: { from: "customer_id.country", values: { US: "USD", EG: "EGP" } } },
        },
      },
    },
  };
  const country = new Map((await rowsOf(scenario, "customers")).map((c) => [c.id, c.country]));
  for (const o of await rowsOf(scenario, "orders")) {
    assert.equal(o.currency, country.get(o.customer_id) === "US" ? "USD" : "EGP");
  }
});

Deno.test("map compares keys as text, so numbers and booleans find their entries", async () => {
  const [row] = await rowsOf(
    oneField({ map: { from: "n", values: { "1": "one", "true": "yes" } } }, 1, {
      extraFields: { n: 1, b: true, w: { map: { from: "b", values: { "true": "yes" } } } },
    }),
    "e",
  );
  assert.equal(row!.v, "one");
  assert.equal(row!.w, "yes");
});

Deno.test("map infers its type and cardinality from the outputs", async () => {
  const extra = { c: "US" };
  const field = (map: unknown) => compiledField({ map }, 1, extra);
  const rates = await field({ from: "c", values: { DE: 0.19, EG: 0.14, FR: 0.2 }, default: 0 });
  assert.equal(rates.type, "number");
  assert.equal(rates.gen.cardinality, 4);
  const codes = await field({ from: "c", values: { US: 1, CA: 1, EG: 20 } });
  assert.equal(codes.type, "integer");
  assert.equal(codes.gen.cardinality, 2);
  const mixed = await field({ from: "c", values: { US: 1, EG: "x" } });
  assert.equal(mixed.type, "string");
  assert.equal(
    (await field({ from: "c", values: { US: "2024-01-01" }, type: "date" })).type,
    "date",
  );
  const [unique] = await issuesOf(
    oneField({ map: { from: "c", values: { US: "a", EG: "b" } }, unique: true }, 5, {
      extraFields: extra,
    }),
  );
  assert.match(unique!.message, /at most 2 distinct values but e has 5 rows/);
});

Deno.test("map rejects an unknown field and an empty table", async () => {
  const issues = await yamlIssues(`name: t
entities:
  e:
    count: 3
    fields:
      country: US
      a: { map: { from: contry, values: { US: USD } } }
      b: { map: { from: country, values: {} } }
`);
  assert.equal(issues.length, 2);
  assert.equal(issues[0]!.line, 7);
  assert.equal(issues[0]!.hint, 'did you mean "country"?');
  assert.deepEqual(issues[0]!.path, ["entities", "e", "fields", "a", "map", "from"]);
  assert.equal(issues[1]!.line, 8);
  assert.match(issues[1]!.message, /at least one entry/);
});
