import assert from "node:assert/strict";
import { rowsOf } from "../../_helpers/rows.ts";
import {
  compiledField,
  oneField,
  rowsAloneMatchBatch,
  yamlIssues,
  yearsBetween,
} from "./_setup.ts";

const compiledAge = (spec: unknown) => compiledField(spec, 1, { b: { date: {} } });

async function ageOf(birth: string, at: string): Promise<unknown> {
  const [row] = await rowsOf(
    oneField({ age: { of: "b", at: "a" } }, 1, { extraFields: { b: birth, a: at } }),
    "e",
  );
  return row!.v;
}

Deno.test("age matches the birthdate at the reference date for every row", async () => {
  const rows = await rowsOf(
    oneField({ age: "birthdate" }, 3000, {
      seed: 5,
      reference_date: "2025-06-30",
      extraFields: { birthdate: { date: { from: "1930-01-01", to: "2025-06-30" } } },
    }),
    "e",
  );
  for (const r of rows) {
    assert.equal(r.v, yearsBetween(r.birthdate as string, "2025-06-30"), String(r.birthdate));
  }
  assert.ok(rows.some((r) => r.v === 0) && rows.some((r) => (r.v as number) > 90));
  assert.equal((await compiledAge({ age: "b" })).type, "integer");
});

Deno.test("age counts a birthday on the day itself, not the day before", async () => {
  assert.equal(await ageOf("1990-07-04", "2025-07-03"), 34);
  assert.equal(await ageOf("1990-07-04", "2025-07-04"), 35);
  assert.equal(await ageOf("1990-12-31", "2025-01-01"), 34);
});

Deno.test("age of someone born on 29 February turns on 1 March in other years", async () => {
  assert.equal(await ageOf("2000-02-29", "2023-02-28"), 22);
  assert.equal(await ageOf("2000-02-29", "2023-03-01"), 23);
  assert.equal(await ageOf("2000-02-29", "2024-02-28"), 23);
  assert.equal(await ageOf("2000-02-29", "2024-02-29"), 24);
});

Deno.test("age reads datetimes by their UTC day and is negative before birth", async () => {
  // 00:30 in Cairo (+02:00) on 4 July is still 3 July in UTC.
  assert.equal(await ageOf("1990-07-04", "2025-07-04T00:30:00+02:00"), 34);
  assert.equal(await ageOf("1990-07-04T23:00:00Z", "2025-07-04T01:00:00Z"), 35);
  assert.equal(await ageOf("2025-06-01", "2024-01-01"), -1);
  assert.equal(await ageOf("2025-06-01", "2025-01-01"), 0);
});

Deno.test("age is null when the birthdate is null", async () => {
  const rows = await rowsOf(
    oneField({ age: "b" }, 300, { extraFields: { b: { date: {}, nullable: 0.5 } } }),
    "e",
  );
  assert.ok(rows.some((r) => r.b === null));
  for (const r of rows) assert.equal(r.v === null, r.b === null);
  assert.equal((await compiledAge({ age: "b" })).gen.nullable, true);
});

Deno.test("age at order time reads the customer's birthdate through the ref", async () => {
  const scenario = {
    name: "t",
    seed: 3,
    entities: {
      customers: {
        count: 100,
        fields: { id: { sequence: {} }, birthdate: { date: { from: "-80y", to: "-18y" } } },
      },
      orders: {
        count: 1000,
        fields: {
          customer_id: { ref: "customers.id" },
          ordered_at: { datetime: { from: "2020-01-01", to: "2024-12-31" } },
          age: { age: { of: "customer_id.birthdate", at: "ordered_at" } },
        },
      },
    },
  };
  const births = new Map(
    (await rowsOf(scenario, "customers")).map((c) => [c.id, c.birthdate as string]),
  );
  for (const o of await rowsOf(scenario, "orders")) {
    assert.equal(o.age, yearsBetween(births.get(o.customer_id)!, o.ordered_at as string));
  }
  const { alone, batch } = await rowsAloneMatchBatch(scenario, "orders", [0, 17, 999]);
  assert.deepEqual(alone, batch);
});

Deno.test("age of a birthdate that is not ISO fails the run, naming the field", async () => {
  await assert.rejects(
    () =>
      rowsOf(
        oneField({ age: "birthdate" }, 3, {
          extraFields: { birthdate: { date: { format: "MM/DD/YYYY" } } },
        }),
        "e",
      ),
    /"birthdate" is "\d{2}\/\d{2}\/\d{4}", not an ISO date or datetime/,
  );
});

Deno.test("age rejects unknown fields with a did-you-mean hint, at their line", async () => {
  const issues = await yamlIssues(`name: t
entities:
  e:
    count: 3
    fields:
      birthdate: { date: {} }
      a: { age: birthdat }
      b: { age: { of: birthdate, at: orderd_at } }
      ordered_at: { datetime: {} }
`);
  assert.equal(issues.length, 2);
  assert.equal(issues[0]!.line, 7);
  assert.equal(issues[0]!.message, 'Cannot read field "birthdat": e has no field "birthdat"');
  assert.equal(issues[0]!.hint, 'did you mean "birthdate"?');
  assert.equal(issues[1]!.line, 8);
  assert.deepEqual(issues[1]!.path, ["entities", "e", "fields", "b", "age", "at"]);
  assert.equal(issues[1]!.hint, 'did you mean "ordered_at"?');
});
