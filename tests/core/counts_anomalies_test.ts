/**
 * Per-parent counts, timelines in scenarios, and anomaly injection, through
 * the engine.
 */
import assert from "node:assert/strict";
import { prepare } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { ScenarioError } from "../../core/errors.ts";
import { rowsOf, runCli } from "../_helpers/rows.ts";

const shop = {
  name: "c",
  seed: 5,
  period: { from: "2024-01-01", to: "2024-03-31" },
  anomaly_rate: 0.2,
  entities: {
    companies: { count: 400, fields: { id: { sequence: {} } } },
    branches: {
      count: { per: "companies", min: 1, max: 3, p: 0.3 },
      fields: {
        id: { sequence: {} },
        company_id: { ref: { to: "companies.id", distribution: "sequential" } },
      },
    },
    orders: {
      count: { timeline: { per_day: 30 } },
      fields: {
        id: { sequence: {} },
        amount: { number: { min: 10, max: 20, decimals: 2 } },
        status: { choice: ["paid", "shipped"] },
        note: { faker: "lorem.word" },
      },
      anomalies: {
        kinds: {
          cancelled: { weight: 2, set: { status: "cancelled" } },
          missing: { set: { note: null } },
          copy: { duplicate: true },
        },
      },
    },
  },
};

Deno.test("a per-parent count gives 30% of parents 1–3 rows each", async () => {
  const plan = await prepare(shop);
  const branches = plan.byName.get("branches")!;
  const owner = branches.owner!;
  const per = new Map<number, number>();
  for (let i = 0; i < branches.count; i++) {
    const j = owner.parentOf(i);
    per.set(j, (per.get(j) ?? 0) + 1);
    assert.equal(owner.positionOf(i), per.get(j)! - 1);
    if (i > 0) assert.ok(owner.parentOf(i - 1) <= j, "rows follow parent order");
  }
  const share = per.size / 400;
  assert.ok(Math.abs(share - 0.3) < 0.06, `share of companies with branches ${share}`);
  for (const n of per.values()) assert.ok(n >= 1 && n <= 3);
  assert.deepEqual(
    plan.entities.map((e) => e.name).indexOf("companies") <
      plan.entities.map((e) => e.name).indexOf("branches"),
    true,
  );
});

Deno.test("a timeline count follows the period, and --from/--to move it", async () => {
  const plan = await prepare(shop);
  assert.equal(plan.byName.get("orders")!.count, 30 * 91);
  const longer = await prepare(shop, { period: { to: "2024-06-30" } });
  assert.equal(longer.byName.get("orders")!.count, 30 * 182);
  const doubled = await prepare(shop, { multiplier: 2 });
  assert.equal(doubled.byName.get("orders")!.count, 60 * 91);
});

Deno.test("a timeline without a period is a scenario error with a hint", async () => {
  const { period: _, ...noPeriod } = shop;
  const e = await prepare(noPeriod).catch((e) => e);
  assert.ok(e instanceof ScenarioError);
  assert.match(e.message, /has no period/);
  assert.match(e.message, /--from and --to/);
});

Deno.test("anomalies hit their rate, are labelled, and are really present", async () => {
  const rows = await rowsOf(shop, "orders");
  const clean = await rowsOf({ ...shop, anomaly_rate: 0 }, "orders");
  const labelled = rows.filter((r) => r._anomaly !== null);
  const rate = labelled.length / rows.length;
  assert.ok(Math.abs(rate - 0.2) < 0.025, `anomaly rate ${rate}, expected 0.2 ± 0.025`);
  rows.forEach((r, i) => {
    const normal = clean[i]!;
    switch (r._anomaly) {
      case null:
        assert.deepEqual({ ...r, _anomaly: undefined }, { ...normal, _anomaly: undefined });
        break;
      case "cancelled":
        assert.equal(r.status, "cancelled");
        assert.equal(r.amount, normal.amount);
        break;
      case "missing":
        assert.equal(r.note, null);
        break;
      case "copy":
        if (i > 0) {
          assert.equal(r.id, normal.id, "the key keeps its own value");
          assert.equal(r.amount, rows[i - 1]!.amount);
          assert.equal(r.note, rows[i - 1]!.note);
        }
        break;
      default:
        assert.fail(`unexpected label ${r._anomaly}`);
    }
  });
  const kinds = new Set(labelled.map((r) => r._anomaly));
  assert.deepEqual([...kinds].sort(), ["cancelled", "copy", "missing"]);
});

Deno.test("an anomalous row generated alone equals the same row in sequence", async () => {
  const rows = await rowsOf(shop, "orders");
  const engine = new World(await prepare(shop)).engine("orders");
  for (const i of [0, 1, 17, 250, 999, rows.length - 1]) {
    assert.deepEqual(engine.rowAt(i), rows[i], `row ${i}`);
  }
  const copies = rows.map((r, i) => [r, i] as const).filter(([r]) => r._anomaly === "copy").slice(
    0,
    20,
  );
  for (const [row, i] of copies) assert.deepEqual(engine.rowAt(i), row, `duplicate row ${i}`);
});

Deno.test("label: entity lists the anomalous rows in their own entity", async () => {
  const scenario = {
    ...shop,
    entities: {
      ...shop.entities,
      orders: {
        ...shop.entities.orders,
        anomalies: { ...shop.entities.orders.anomalies, label: "entity" },
      },
    },
  };
  const orders = await rowsOf(scenario, "orders");
  assert.ok(!("_anomaly" in orders[0]!));
  const list = await rowsOf(scenario, "orders_anomalies");
  assert.ok(list.length > 0);
  for (const a of list.slice(0, 50)) {
    assert.equal(orders[a.row as number]!.id, a.id);
    assert.ok(["cancelled", "missing", "copy"].includes(a.kind as string));
  }
});

Deno.test("anomaly errors name the kind and the field, with a hint", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/s.yaml`,
    `name: a
entities:
  orders:
    count: 10
    fields:
      id: { sequence: {} }
      status: { choice: [a, b] }
    anomalies:
      rate: 0.5
      kinds:
        bad: { set: { stauts: x } }
`,
  );
  const r = await runCli(["validate", "s.yaml"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /s\.yaml:11:23 entities\.orders\.anomalies\.kinds\.bad\.set\.stauts/);
  assert.match(r.stderr, /did you mean "status"\?/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--count sets a per-parent entity's total, within its per-parent range", async () => {
  const r = await runCli(["gen", "quickstart", "--count", "orders=5", "--dry-run"]);
  assert.equal(r.code, 0);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/s.json`, JSON.stringify(shop));
  const ok = await runCli(["gen", "s.json", "--count", "branches=5", "--dry-run"], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  const bad = await runCli(["gen", "s.json", "--count", "branches=5000", "--dry-run"], {
    cwd: dir,
  });
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /5000 branches rows cannot be spread over 400 companies rows with 0–3 each/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("fields that read a replaced field follow the replacement, in batches and alone", async () => {
  const scenario = {
    name: "d",
    seed: 2,
    anomaly_rate: 0.3,
    entities: {
      people: {
        count: 500,
        fields: {
          id: { sequence: {} },
          last: { faker: "person.lastName" },
          email: { template: "x.{{last | lower}}@example.com" },
          shout: { template: "{{email | upper}}" },
        },
        anomalies: { kinds: { no_last: { set: { last: null } } } },
      },
    },
  };
  const rows = await rowsOf(scenario, "people");
  const broken = rows.filter((r) => r._anomaly === "no_last");
  assert.ok(broken.length > 100);
  for (const r of broken) {
    assert.equal(r.last, null);
    assert.equal(r.email, "x.@example.com");
    assert.equal(r.shout, "X.@EXAMPLE.COM");
  }
  const engine = new World(await prepare(scenario)).engine("people");
  rows.slice(0, 60).forEach((r, i) => assert.deepEqual(engine.rowAt(i), r, `row ${i}`));
});
