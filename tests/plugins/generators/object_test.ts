import assert from "node:assert/strict";
import { rowsOf } from "../../_helpers/rows.ts";
import { issuesOf, oneField, planOf, rowsAloneMatchBatch, yamlIssues } from "./_setup.ts";

const PARTS = {
  first: { faker: "person.firstName", hidden: true },
  email: { template: "{{first | lower | ascii}}@example.com", hidden: true },
  n: { sequence: {}, hidden: true },
  gone: { constant: { value: null }, hidden: true },
};

Deno.test("object nests fields of the same row, keeping their types", async () => {
  const rows = await rowsOf(
    oneField({ object: { name: "first", contact: { email: "email", ids: ["n", "n"] } } }, 5, {
      extraFields: PARTS,
    }),
    "e",
  );
  assert.equal(rows.length, 5);
  rows.forEach((r, i) => {
    assert.deepEqual(Object.keys(r), ["v"], "hidden parts are not written");
    const v = r.v as { name: string; contact: { email: string; ids: number[] } };
    assert.equal(typeof v.name, "string");
    assert.equal(v.contact.email, `${v.name.toLowerCase()}@example.com`);
    assert.deepEqual(v.contact.ids, [i + 1, i + 1]);
  });
});

Deno.test("object writes a null part as null and keeps its key", async () => {
  const rows = await rowsOf(
    oneField({ object: { missing: "gone", n: "n" } }, 2, { extraFields: PARTS }),
    "e",
  );
  assert.deepEqual(rows.map((r) => r.v), [{ missing: null, n: 1 }, { missing: null, n: 2 }]);
});

Deno.test("object reads the parent row through a ref field", async () => {
  const rows = await rowsOf({
    name: "t",
    entities: {
      customers: {
        count: 5,
        fields: { id: { sequence: {} }, country: { choice: ["DE", "EG"] } },
      },
      orders: {
        count: 50,
        fields: {
          customer_id: { ref: "customers.id" },
          doc: { object: { customer: { id: "customer_id", country: "customer_id.country" } } },
        },
      },
    },
  }, "orders");
  const customers = await rowsOf({
    name: "t",
    entities: {
      customers: {
        count: 5,
        fields: { id: { sequence: {} }, country: { choice: ["DE", "EG"] } },
      },
    },
  }, "customers");
  for (const r of rows) {
    const doc = r.doc as { customer: { id: number; country: string } };
    assert.equal(doc.customer.id, r.customer_id);
    assert.equal(doc.customer.country, customers[doc.customer.id - 1]!.country);
  }
});

Deno.test("object is a json column that declares the fields it reads", async () => {
  const plan = await planOf(
    oneField({ object: { a: "x", b: { c: ["y"] } } }, 1, { extraFields: { x: 1, y: 2 } }),
  );
  const f = plan.byName.get("e")!.declared.find((f) => f.name === "v")!;
  assert.equal(f.type, "json");
  assert.deepEqual([...f.uses].sort(), ["x", "y"]);
});

Deno.test("object rows generated alone match the same rows from a batch", async () => {
  const { alone, batch } = await rowsAloneMatchBatch(
    oneField({ object: { name: "first", n: "n" } }, 40, { extraFields: PARTS }),
    "e",
    [0, 17, 39],
  );
  assert.deepEqual(alone, batch);
});

Deno.test("object refuses unknown fields with a did-you-mean hint and itself", async () => {
  const issues = await issuesOf(
    oneField({ object: { a: { b: "frist" } } }, 1, { extraFields: PARTS }),
  );
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /Unknown field "frist" in object/);
  assert.match(issues[0]!.hint ?? "", /first/);
  assert.deepEqual(issues[0]!.path.slice(-3), ["object", "a", "b"]);

  const [self] = await issuesOf(oneField({ object: { me: "v" } }));
  assert.match(self!.message, /reads the field the object is for/);

  const [bad] = await issuesOf(oneField({ object: { x: "a.b.c" } }, 1, { extraFields: PARTS }));
  assert.match(bad!.message, /is not a field name/);
});

Deno.test("object option problems point at the line of the bad part", async () => {
  const [issue] = await yamlIssues(`name: t
entities:
  e:
    count: 1
    fields:
      a: 1
      doc:
        object:
          nested: { b: 3 }
`);
  assert.equal(issue!.line, 9);
});
