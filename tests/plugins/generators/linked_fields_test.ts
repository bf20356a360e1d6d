/**
 * End to end: the linked-fields scenario (tests/fixtures/linked_fields.yaml)
 * through the real CLI, every invariant checked on every row of the output.
 */
import assert from "node:assert/strict";
import { placeTable } from "../../../plugins/_shared/places.ts";
import { roundTo } from "../../../plugins/generators/expr.ts";
import { runCli } from "../../_helpers/rows.ts";
import { yearsBetween } from "./_setup.ts";

const FIXTURE = new URL("../../fixtures/linked_fields.yaml", import.meta.url).pathname;

type Row = Record<string, unknown>;

async function generate(
  extra: string[] = [],
): Promise<{ dir: string; read(e: string): Promise<Row[]> }> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-linked-" });
  const { code, stderr } = await runCli([
    "gen",
    FIXTURE,
    "--out",
    `${dir}/out`,
    "--quiet",
    ...extra,
  ]);
  assert.equal(code, 0, stderr);
  return {
    dir,
    read: async (entity) =>
      (await Deno.readTextFile(`${dir}/out/${entity}.jsonl`)).trimEnd().split("\n").map((l) =>
        JSON.parse(l)
      ),
  };
}

Deno.test("linked fields agree in every row of a generated shop", async () => {
  const run = await generate();
  try {
    const customers = await run.read("customers");
    const products = await run.read("products");
    const orders = await run.read("orders");
    const items = await run.read("order_items");

    const byId = new Map(customers.map((c) => [c.id, c]));
    for (const c of customers) {
      assert.equal(c.age, yearsBetween(c.birthdate as string, "2025-01-01"));
      const table = placeTable(c.country as string);
      if (!table) {
        assert.deepEqual([c.city, c.state, c.postal_code, c.phone], [null, null, null, null]);
        continue;
      }
      const place = table.places.find((p) =>
        p.city === c.city && p.stateCode === c.state && p.district === c.district
      );
      assert.ok(place, `${c.city}, ${c.state} is in the ${c.country} data`);
      assert.ok(place.postalCodes.includes(c.postal_code as string));
      const cc = c.country === "US" ? "+1" : "+20";
      assert.ok(
        place.areaCodes.some((a) => (c.phone as string).startsWith(cc + a)),
        String(c.phone),
      );
    }

    const currency: Record<string, string> = { US: "USD", EG: "EGP", DE: "EUR" };
    let previous = "";
    for (const o of orders) {
      const at = o.ordered_at as string;
      assert.ok(at >= "2024-01-01T00:00:00Z" && at < "2024-04-01T00:00:00Z", at);
      assert.ok(at >= previous, "orders follow the timeline");
      previous = at;
      const customer = byId.get(o.customer_id)!;
      assert.equal(o.currency, currency[customer.country as string]);
      assert.equal(o.age_at_order, yearsBetween(customer.birthdate as string, at));
      const gap = Date.parse(o.shipped_at as string) - Date.parse(at);
      assert.ok(gap >= 3_600_000 && gap <= 5 * 86_400_000, `${at} → ${o.shipped_at}`);
    }

    const price = new Map(products.map((p) => [p.id, p.unit_price as number]));
    const perOrder = new Map<unknown, number[]>();
    for (const it of items) {
      const lines = perOrder.get(it.order_id) ?? [];
      lines.push(it.line_no as number);
      perOrder.set(it.order_id, lines);
      assert.equal(it.unit_price, price.get(it.product_id));
      assert.equal(it.line_total, roundTo((it.quantity as number) * price.get(it.product_id)!, 2));
    }
    assert.deepEqual([...perOrder.keys()], orders.map((o) => o.id), "items come order by order");
    for (const lines of perOrder.values()) {
      assert.ok(lines.length >= 1 && lines.length <= 5);
      assert.deepEqual(lines, lines.map((_, k) => k + 1));
    }
  } finally {
    await Deno.remove(run.dir, { recursive: true });
  }
});

Deno.test("linked fields are byte-identical whatever the batch size", async () => {
  const a = await generate();
  const b = await generate(["--batch-size", "37"]);
  try {
    for (const e of ["customers", "orders", "order_items"]) {
      assert.equal(
        await Deno.readTextFile(`${a.dir}/out/${e}.jsonl`),
        await Deno.readTextFile(`${b.dir}/out/${e}.jsonl`),
        e,
      );
    }
  } finally {
    await Deno.remove(a.dir, { recursive: true });
    await Deno.remove(b.dir, { recursive: true });
  }
});

Deno.test("fabricate validate reports the linked-field generators' problems with lines and hints", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-linked-bad-" });
  await Deno.writeTextFile(
    `${dir}/bad.yaml`,
    `name: bad
entities:
  orders:
    count: 5
    fields:
      id: { sequence: {} }
      ordered_at: { datetime: {} }
      birthdate: { date: {} }
      country: US
      quantity: 2
      a: { age: birthdat }
      b: { after: { field: orderd_at, min: 1h } }
      c: { after: { field: ordered_at, max: 5m } }
      d: { expr: "quantity * (2 + quantty" }
      f: { expr: "rund(quantity)" }
      g: { map: { from: contry, values: { US: USD } } }
      h: { place: { country: EGY, part: city } }
      i: { place: { country: US, part: zipcode } }
      j: { position: {} }
      k: { timestamp: {} }
      l: { lookup: idd.x }
`,
  );
  const { code, stdout, stderr } = await runCli(["validate", "bad.yaml"], { cwd: dir });
  await Deno.remove(dir, { recursive: true });
  assert.equal(code, 2, stderr);
  assert.equal(stdout, "");
  const expected = [
    "11 problems",
    "bad.yaml:11:",
    'Cannot read field "birthdat": orders has no field "birthdat"',
    'hint: did you mean "birthdate"?',
    "bad.yaml:12:",
    'hint: did you mean "ordered_at"?',
    "bad.yaml:13:",
    'Cannot read duration "5m": unknown unit "m"',
    "bad.yaml:14:",
    'Cannot read expression "quantity * (2 + quantty": unknown field "quantty" at position 17',
    'hint: did you mean "quantity"?',
    "bad.yaml:15:",
    'hint: did you mean "round"?',
    "bad.yaml:16:",
    'hint: did you mean "country"?',
    "bad.yaml:17:",
    'No place data for country "EGY"',
    'hint: did you mean "EG"?',
    "bad.yaml:18:",
    'Unknown place part "zipcode"',
    'hint: did you mean "postal_code"?',
    "bad.yaml:19:",
    "rows do not belong to parent rows",
    "bad.yaml:20:",
    "rows do not follow a timeline",
    "bad.yaml:21:",
    'hint: did you mean "id"?',
  ];
  for (const text of expected) {
    assert.ok(stderr.includes(text), `stderr lacks ${JSON.stringify(text)}:\n${stderr}`);
  }
});
