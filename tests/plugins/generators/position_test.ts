import assert from "node:assert/strict";
import { PluginInputError } from "../../../core/errors.ts";
import position from "../../../plugins/generators/position.ts";
import { rowsOf } from "../../_helpers/rows.ts";
import { fakeSetup, ownerOf, valuesOf } from "./_fake_setup.ts";
import { yamlIssues } from "./_setup.ts";

Deno.test("position numbers each parent's rows from 1 again", async () => {
  const owner = ownerOf("orders", [3, 1, 2]);
  assert.deepEqual(await valuesOf(position, {}, fakeSetup({ owner }), 6), [1, 2, 3, 1, 1, 2]);
  assert.deepEqual(
    await valuesOf(position, { start: 0 }, fakeSetup({ owner }), 6),
    [0, 1, 2, 0, 0, 1],
  );
});

Deno.test("position is an integer column", async () => {
  const gen = await position.create(
    { start: 1, of: "position" },
    fakeSetup({ owner: ownerOf("o", [1]) }),
  );
  assert.equal(gen.type, "integer");
});

Deno.test("position without an owner is refused with a hint to count per parent", () => {
  assert.throws(() => position.create({ start: 1, of: "position" }, fakeSetup()), (e: unknown) => {
    assert.ok(e instanceof PluginInputError);
    assert.equal(
      e.message,
      "Cannot number e.v within a parent: e rows do not belong to parent rows",
    );
    assert.match(e.hint!, /count: \{ per: <parent entity>, min: 1, max: 5 \}/);
    return true;
  });
});

Deno.test("position gives order items line numbers 1…n within each order", async () => {
  const scenario = {
    name: "t",
    seed: 4,
    entities: {
      orders: { count: 200, fields: { id: { sequence: {} } } },
      items: {
        count: { per: "orders", min: 1, max: 5 },
        fields: { order_id: { ref: "orders.id" }, line: { position: {} } },
      },
    },
  };
  const items = await rowsOf(scenario, "items");
  const lines = new Map<unknown, number[]>();
  for (const r of items) {
    lines.set(r.order_id, [...(lines.get(r.order_id) ?? []), r.line as number]);
  }
  assert.equal(lines.size, 200, "every order has items (min 1)");
  for (const [order, ls] of lines) {
    assert.ok(ls.length >= 1 && ls.length <= 5, `order ${order} has ${ls.length} items`);
    assert.deepEqual(ls, ls.map((_, k) => k + 1), `order ${order}`);
  }
});

Deno.test("position in an entity with a plain count is reported at its line", async () => {
  const [issue] = await yamlIssues(`name: t
entities:
  items:
    count: 3
    fields:
      line: { position: {} }
`);
  assert.equal(issue!.line, 6);
  assert.deepEqual(issue!.path, ["entities", "items", "fields", "line", "position"]);
  assert.match(issue!.hint!, /count: \{ per: <parent entity>/);
});

Deno.test("position gives the parent's row count and marks the last row", async () => {
  const { rowsOf } = await import("../../_helpers/rows.ts");
  const rows = await rowsOf({
    name: "p",
    entities: {
      orders: { count: 50, fields: { id: { sequence: {} } } },
      steps: {
        count: { per: "orders", min: 2, max: 4 },
        fields: {
          order_id: { ref: "orders.id" },
          n: { position: {} },
          of: { position: { of: "siblings" } },
          last: { position: { of: "last" } },
          shipped_at: { constant: "x", when: { field: "last", in: [true] } },
        },
      },
    },
  }, "steps");
  for (const r of rows) {
    const n = r.n as number, of = r.of as number;
    if (n < 1 || n > of || of < 2 || of > 4) throw new Error(JSON.stringify(r));
    if (r.last !== (n === of)) throw new Error(JSON.stringify(r));
    if ((r.shipped_at === "x") !== r.last) throw new Error(`when: ${JSON.stringify(r)}`);
  }
});
