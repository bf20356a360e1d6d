import assert from "node:assert/strict";
import { rowsOf } from "../../_helpers/rows.ts";
import {
  compiledField,
  issuesOf,
  oneField,
  planOf,
  rowsAloneMatchBatch,
  yamlIssues,
} from "./_setup.ts";

Deno.test("template reads fields of the same row", async () => {
  const rows = await rowsOf(
    oneField({ template: "{{first}} {{last}} <{{first}}.{{last}}@example.com>" }, 20, {
      extraFields: { first: { faker: "person.firstName" }, last: { faker: "person.lastName" } },
    }),
    "e",
  );
  for (const r of rows) {
    assert.equal(r.v, `${r.first} ${r.last} <${r.first}.${r.last}@example.com>`);
  }
});

Deno.test("template accepts { text } and reads hidden fields declared after it", async () => {
  const rows = await rowsOf({
    name: "t",
    entities: {
      e: {
        count: 5,
        fields: {
          label: { template: { text: "#{{n}}" } },
          n: { sequence: { start: 10 }, hidden: true },
        },
      },
    },
  }, "e");
  assert.deepEqual(rows.map((r) => r.label), ["#10", "#11", "#12", "#13", "#14"]);
  assert.ok(!("n" in rows[0]!), "hidden fields are not written");
});

Deno.test("template applies transforms in order", async () => {
  const rows = await rowsOf(
    oneField(
      { template: "{{ name | ascii | lower }}@x.org / {{name|upper}} / {{ name | slug }}" },
      1,
      {
        extraFields: { name: "Zoë Ångström" },
      },
    ),
    "e",
  );
  assert.equal(rows[0]!.v, "zoe angstrom@x.org / ZOË ÅNGSTRÖM / zoe-angstrom");
});

Deno.test("template renders null as nothing and numbers as text", async () => {
  const rows = await rowsOf(
    oneField({ template: "[{{gone}}|{{n}}|{{flag}}]" }, 3, {
      extraFields: { gone: { constant: { value: null } }, n: { sequence: {} }, flag: true },
    }),
    "e",
  );
  assert.deepEqual(rows.map((r) => r.v), ["[|1|true]", "[|2|true]", "[|3|true]"]);
});

Deno.test("template reads the referenced parent row through a ref field", async () => {
  const scenario = {
    name: "t",
    seed: 5,
    entities: {
      customers: {
        count: 30,
        fields: {
          id: { sequence: {} },
          first_name: { faker: "person.firstName" },
          country: { choice: ["DE", "FR", "JP"] },
        },
      },
      orders: {
        count: 200,
        fields: {
          id: { sequence: {} },
          ship_to: {
            template:
              "{{customer_id.first_name}} ({{customer_id.country | lower}}) #{{customer_id}}",
          },
          customer_id: { ref: { to: "customers.id", distribution: { zipf: 1.1 } } },
        },
      },
    },
  };
  const customers = new Map((await rowsOf(scenario, "customers")).map((c) => [c.id, c]));
  for (const o of await rowsOf(scenario, "orders")) {
    const c = customers.get(o.customer_id)!;
    assert.equal(o.ship_to, `${c.first_name} (${String(c.country).toLowerCase()}) #${c.id}`);
  }
});

Deno.test("template adds a number after the last placeholder when a unique value collides", async () => {
  const rows = await rowsOf(
    oneField({ template: "{{first}}.{{last}}@example.com", unique: true }, 5, {
      extraFields: { first: "anna", last: { choice: ["smith", "jones"] } },
    }),
    "e",
  );
  const emails = rows.map((r) => r.v as string);
  assert.equal(new Set(emails).size, 5);
  for (const e of emails) assert.match(e, /^anna\.(smith|jones)\d*@example\.com$/);
  for (const last of ["smith", "jones"]) {
    const mine = emails.filter((e) => e.includes(last));
    const expected = mine.map((_, k) => `anna.${last}${k === 0 ? "" : k + 1}@example.com`);
    assert.deepEqual(new Set(mine), new Set(expected), last);
  }
});

Deno.test("template without placeholders is constant text", async () => {
  const field = await compiledField({ template: "hello" });
  assert.equal(field.type, "string");
  assert.equal(field.gen.cardinality, 1);
  assert.deepEqual(field.uses, []);
});

Deno.test("template declares the fields it reads", async () => {
  const scenario = oneField({ template: "{{a}}{{b}}{{a}}" }, 1, { extraFields: { a: 1, b: 2 } });
  assert.equal((await rowsOf(scenario, "e"))[0]!.v, "121");
  const plan = await planOf(scenario);
  assert.deepEqual(plan.byName.get("e")!.declared.find((f) => f.name === "v")!.uses, ["a", "b"]);
});

Deno.test("template rejects an unknown field with a did-you-mean hint, at its line", async () => {
  const [issue] = await yamlIssues(`name: t
entities:
  e:
    count: 3
    fields:
      first_name: { faker: person.firstName }
      email: { template: "{{frist_name}}@example.com" }
`);
  assert.equal(issue!.line, 7);
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "email", "template"]);
  assert.equal(
    issue!.message,
    'Unknown field "frist_name" in template placeholder "{{frist_name}}"',
  );
  assert.equal(issue!.hint, 'did you mean "first_name"?');
});

Deno.test("template rejects an unknown transform, an unclosed placeholder and itself", async () => {
  const [transform] = await issuesOf(
    oneField({ template: "{{a | lowr}}" }, 1, { extraFields: { a: "x" } }),
  );
  assert.equal(transform!.hint, 'did you mean "lower"?');
  const [open] = await issuesOf(
    oneField({ template: { text: "{{a" } }, 1, { extraFields: { a: "x" } }),
  );
  assert.deepEqual(open!.path, ["entities", "e", "fields", "v", "template", "text"]);
  assert.match(open!.message, /"\{\{" at position 1 is never closed/);
  const [self] = await issuesOf(oneField({ template: "{{v}}" }));
  assert.match(self!.message, /reads the field the template is for/);
  const [bad] = await issuesOf(oneField({ template: "{{a b}}" }, 1, { extraFields: { a: "x" } }));
  assert.match(bad!.message, /is not a placeholder/);
});

Deno.test("template gives the same row alone as in a batch", async () => {
  const { alone, batch } = await rowsAloneMatchBatch(
    oneField({ template: "{{a | upper}}-{{b}}" }, 50, {
      extraFields: { a: { faker: "person.lastName" }, b: { integer: { min: 1, max: 9 } } },
    }),
    "e",
    [0, 25, 49],
  );
  assert.deepEqual(alone, batch);
});
