/**
 * The ERP suite (seed 002): `erp/base` and its six profiles. Checks the
 * statistics the seed asks for (roles, Zipf popularity, the working week,
 * peak volume, payment timing, outage outcomes, growth), that the data hang
 * together (every foreign key resolves, times follow each other, children
 * follow their order's outcome, invoices fall due in monthly cycles), that
 * every labelled anomaly is really there, and that rows are random-access.
 *
 * Most checks run on one quarter (2024-01-01 to 2024-03-31, about 4,500
 * orders and 80,000 rows a profile) with seed 7; the weekly profile, growth
 * and peak volume use the whole year. Tolerances are stated next to each
 * check: about 4.5 standard deviations of the statistic, so a correct model
 * does not fail by chance when a seed changes.
 */
import assert from "node:assert/strict";
import { fixture, gen, prepare, type Row } from "../../mod.ts";
import type { Plan } from "../../core/compile.ts";
import { World } from "../../core/engine.ts";
import { entityBatches } from "../../core/batches.ts";
import { runCli } from "../_helpers/rows.ts";

const SEED = 7;
const QUARTER = { from: "2024-01-01", to: "2024-03-31" };
const YEAR = { from: "2024-01-01", to: "2024-12-31" };
const PROFILES = [
  "normal-ops",
  "peak-season",
  "anomaly-heavy",
  "warehouse-outage",
  "growth-phase",
  "payment-crisis",
] as const;
const ANOMALY_RATES: Record<string, number> = {
  "normal-ops": 0.05,
  "peak-season": 0.15,
  "anomaly-heavy": 0.4,
  "warehouse-outage": 0.6,
  "growth-phase": 0.08,
  "payment-crisis": 0.25,
};
const DAY_MS = 86_400_000;

/** A generated data set: every entity's output rows, and the engines for normal values. */
interface Run {
  plan: Plan;
  world: World;
  rows: Map<string, Row[]>;
}

const runs = new Map<string, Promise<Run>>();

/** All rows of an ERP profile over the quarter, seed 7 (generated once per file). */
function quarter(profile: string): Promise<Run> {
  let run = runs.get(profile);
  if (!run) {
    run = generateAll(`erp/${profile}`);
    runs.set(profile, run);
  }
  return run;
}

async function generateAll(scenario: string): Promise<Run> {
  const plan = await prepare(scenario, { seed: SEED, period: QUARTER });
  const world = new World(plan);
  const rows = new Map<string, Row[]>();
  for (const entity of plan.entities) {
    const list: Row[] = [];
    for await (const { out } of entityBatches(world.engine(entity.name), plan.batchSize)) {
      for (let k = 0; k < out.length; k++) {
        const row: Row = {};
        out.fields.forEach((f, c) => (row[f] = out.columns[c]![k]));
        list.push(row);
      }
    }
    rows.set(entity.name, list);
  }
  return { plan, world, rows };
}

function rowsOf(run: Run, entity: string): Row[] {
  const rows = run.rows.get(entity);
  assert.ok(rows, `no entity ${entity}`);
  return rows;
}

/** Rows by their id. */
function byId(rows: readonly Row[]): Map<unknown, Row> {
  return new Map(rows.map((r) => [r.id, r]));
}

/** The share of rows for which `test` holds. */
function share(rows: readonly Row[], test: (r: Row) => boolean): number {
  return rows.filter(test).length / rows.length;
}

/** About 4.5 standard deviations of a share `p` estimated from `n` rows. */
function tolerance(p: number, n: number): number {
  return 4.5 * Math.sqrt((p * (1 - p)) / n);
}

function assertNear(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: ${actual.toFixed(4)}, expected ${expected} ± ${tol.toFixed(4)}`,
  );
}

const ms = (iso: unknown) => Date.parse(iso as string);

/** The normal (pre-anomaly) value of a field of row `i`. */
function normal(run: Run, entity: string, field: string, i: number): unknown {
  return run.world.engine(entity).normalAt(field, i);
}

Deno.test("erp profiles are built-ins that extend erp/base and set their anomaly rate", async () => {
  for (const profile of PROFILES) {
    const plan = await prepare(`erp/${profile}`);
    assert.ok(
      plan.loaded.files.some((f) => f.endsWith("erp/base.yaml")),
      `${profile} extends erp/base: ${plan.loaded.files.join(", ")}`,
    );
    assert.equal(plan.scenario.anomaly_rate, ANOMALY_RATES[profile], profile);
    assert.deepEqual(plan.scenario.period, YEAR, profile);
  }
  const base = await prepare("erp/base");
  // The default volumes of seed 002.
  assert.equal(base.byName.get("users")!.count, 20);
  assert.equal(base.byName.get("companies")!.count, 100);
  assert.equal(base.byName.get("products")!.count, 200);
  // 50 a day; the weekly and monthly weights average 1 over the week and the year (± 1%).
  assertNear(base.byName.get("orders")!.count / 366, 50, 0.5, "orders a day");
  assertNear(base.byName.get("maintenance_visits")!.count / (366 / 7), 10, 0.1, "visits a week");
});

Deno.test("erp users have roles Admin 5%, Manager 15%, Sales 50%, Support 30%", async () => {
  const n = 10_000;
  const users = await fixture("erp/normal-ops", "users", { seed: SEED, counts: { users: n } });
  assert.equal(users.length, n);
  for (const [role, p] of [["Admin", 0.05], ["Manager", 0.15], ["Sales", 0.5], ["Support", 0.3]]) {
    // n = 10,000: ± 1.0 pp for Admin … ± 2.25 pp for Sales.
    assertNear(
      share(users, (u) => u.role === role),
      p as number,
      tolerance(p as number, n),
      role as string,
    );
  }
});

Deno.test("erp order lines favour a few products: the top 20% hold most items (Zipf s = 1.1)", async () => {
  const run = await quarter("normal-ops");
  const items = rowsOf(run, "order_items");
  const perProduct = new Map<unknown, number>();
  for (const item of items) {
    perProduct.set(item.product_id, (perProduct.get(item.product_id) ?? 0) + 1);
  }
  const counts = [...perProduct.values()].sort((a, b) => b - a);
  const top = counts.slice(0, 40).reduce((a, b) => a + b, 0) / items.length;
  // Zipf(1.1) over 200 products gives the top 40 a share of H(40, 1.1) / H(200, 1.1) = 0.78.
  assertNear(top, 0.78, 0.05, "share of order lines on the top 20% of products");
  assert.ok(top > 0.5);
});

Deno.test("erp orders follow Egypt's working week: Sunday–Thursday against Friday–Saturday", async () => {
  const plan = await prepare("erp/normal-ops", { seed: SEED, period: YEAR });
  const world = new World(plan);
  const perDay = new Map<number, number>();
  for await (const { out } of entityBatches(world.engine("orders"), plan.batchSize)) {
    const at = out.columns[out.fields.indexOf("ordered_at")]!;
    for (const t of at) {
      const day = Math.floor(ms(t) / DAY_MS);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
  }
  let work = 0, workDays = 0, weekend = 0, weekendDays = 0;
  for (let d = Date.UTC(2024, 0, 1) / DAY_MS; d <= Date.UTC(2024, 11, 31) / DAY_MS; d++) {
    const dow = new Date(d * DAY_MS).getUTCDay(); // 5 Friday, 6 Saturday
    if (dow === 5 || dow === 6) (weekend += perDay.get(d) ?? 0, weekendDays++);
    else (work += perDay.get(d) ?? 0, workDays++);
  }
  // weekly [Mon … Sun] = [1.1, 1.1, 1.1, 1.0, 0.25, 0.6, 1.1]: Sun–Thu average 1.08, Fri–Sat
  // 0.425, a ratio of 2.54; daily noise (sd 0.1) over ~100 weekend days and the months' weights
  // move it by well under 8%.
  const ratio = (work / workDays) / (weekend / weekendDays);
  assertNear(ratio, 1.08 / 0.425, 0.2, "Sun–Thu / Fri–Sat orders per day");
});

Deno.test("erp peak-season has three times normal-ops' orders over a year, and what follows them", async () => {
  const normal = await prepare("erp/normal-ops", { seed: SEED, period: YEAR });
  const peak = await prepare("erp/peak-season", { seed: SEED, period: YEAR });
  const ratio = (e: string) => peak.byName.get(e)!.count / normal.byName.get(e)!.count;
  // The timeline's total is its expected rate over the year, rounded: exactly 3×.
  assertNear(ratio("orders"), 3, 0.001, "orders");
  // Children are counted per order (1–5 lines, 95% shipped, 30% discounted): ± 3%.
  for (const e of ["order_items", "order_status_history", "shipments", "payments", "discounts"]) {
    assertNear(ratio(e), 3, 0.09, e);
  }
});

Deno.test("erp anomaly rates match each profile's anomaly_rate", async () => {
  for (const profile of PROFILES) {
    const run = await quarter(profile);
    const rate = ANOMALY_RATES[profile]!;
    let labelled = 0, total = 0;
    for (const entity of run.plan.entities) {
      if (!entity.anomalies) continue;
      const rows = rowsOf(run, entity.name);
      const n = rows.filter((r) => r._anomaly !== null).length;
      labelled += n;
      total += rows.length;
      if (rows.length >= 500) {
        assertNear(
          n / rows.length,
          rate,
          tolerance(rate, rows.length),
          `${profile} ${entity.name}`,
        );
      }
    }
    assertNear(labelled / total, rate, tolerance(rate, total), `${profile} overall`);
  }
});

Deno.test("erp every labelled anomaly is really there, and unlabelled rows are clean", async () => {
  for (const profile of ["normal-ops", "anomaly-heavy", "payment-crisis"]) {
    const run = await quarter(profile);
    const check = (
      entity: string,
      kinds: Record<string, (row: Row, i: number, rows: readonly Row[]) => boolean>,
      clean?: (row: Row) => boolean,
    ) => {
      const rows = rowsOf(run, entity);
      const seen = new Set<string>();
      rows.forEach((row, i) => {
        const kind = row._anomaly as string | null;
        if (kind === null) {
          if (clean) assert.ok(clean(row), `${profile} ${entity} row ${i} is clean`);
          return;
        }
        seen.add(kind);
        const test = kinds[kind];
        assert.ok(test, `${profile} ${entity}: unexpected kind ${kind}`);
        assert.ok(test(row, i, rows), `${profile} ${entity} row ${i}: ${kind} is there`);
      });
      assert.deepEqual([...seen].sort(), Object.keys(kinds).sort(), `${profile} ${entity} kinds`);
    };
    const n = (entity: string, field: string, i: number) => normal(run, entity, field, i);
    /** Equal to the previous row except the kept fields, which keep their own values. */
    const dup = (entity: string, keep: string[]) => {
      return (row: Row, i: number, rows: readonly Row[]) =>
        i > 0 &&
        Object.keys(row).every((f) =>
          keep.includes(f) || f === "_anomaly" || row[f] === rows[i - 1]![f]
        ) &&
        keep.every((f) => row[f] === n(entity, f, i));
    };
    const orders = byId(rowsOf(run, "orders"));
    const products = byId(rowsOf(run, "products"));

    check("orders", {
      duplicate_order: dup("orders", ["id", "order_number"]),
      outlier_amount: (r, i) =>
        Math.abs((r.total_amount as number) - 25 * (n("orders", "total_amount", i) as number)) <
          0.01,
      negative_amount: (r, i) => r.total_amount === -(n("orders", "total_amount", i) as number),
      missing_sales_rep: (r) => r.sales_rep_id === null,
    }, (r) => r.sales_rep_id !== null && (r.total_amount as number) > 0);
    check(
      "order_items",
      {
        negative_quantity: (r) => (r.quantity as number) < 0 && (r.line_total as number) < 0,
        price_mismatch: (r) => r.unit_price !== products.get(r.product_id)!.unit_price,
        duplicate_line: dup("order_items", ["id", "order_id", "line_no"]),
      },
      (r) => (r.quantity as number) > 0 && r.unit_price === products.get(r.product_id)!.unit_price,
    );
    check("order_status_history", {
      out_of_order: (r) => ms(r.changed_at) < ms(orders.get(r.order_id)!.ordered_at),
      missing_user: (r) => r.changed_by === null,
    }, (r) => r.changed_by !== null && ms(r.changed_at) >= ms(orders.get(r.order_id)!.ordered_at));
    check("inventory_movements", {
      outlier_quantity: (r, i) =>
        r.quantity === 100 * (n("inventory_movements", "quantity", i) as number),
      missing_product: (r) => r.product_id === null,
    }, (r) => r.product_id !== null && Math.abs(r.quantity as number) <= 400);
    check("shipments", {
      delayed_delivery: (r, i) =>
        ms(r.closed_at) >= ms(n("shipments", "closed_at", i)) + 7 * DAY_MS,
      missing_tracking: (r) => r.tracking_number === null,
    }, (r) => typeof r.tracking_number === "string");
    check(
      "delivery_attempts",
      { missing_reason: (r) => r.failure_reason === null },
      (r) => r.failure_reason !== null,
    );
    check("payments", {
      late_payment: (r, i) =>
        ms(r.settled_at) >= ms(r.due_on) + 31 * DAY_MS &&
        ms(r.settled_at) > ms(n("payments", "settled_at", i)),
      duplicate_payment: dup("payments", ["id"]),
      negative_amount: (r, i) => r.amount === -(n("payments", "amount", i) as number),
      missing_method: (r) => r.method === null,
    }, (r) => {
      const order = orders.get(r.order_id)!;
      return r.method !== null &&
        r.amount === (order.status === "cancelled" ? 0 : order.total_amount);
    });
    check("refunds", {
      refund_exceeds_order: (r) => {
        const total = orders.get(r.order_id)!.total_amount as number;
        return total < 0 || (r.requested_amount as number) > total;
      },
    }, (r) => {
      const total = orders.get(r.order_id)!.total_amount as number;
      return total < 0 || (r.requested_amount as number) <= total;
    });
    check(
      "maintenance_visits",
      { missing_technician: (r) => r.technician_id === null },
      (r) => r.technician_id !== null,
    );
    check("audit_logs", {
      suspicious_access: (r) =>
        !(r.ip_address as string).startsWith("10.") && r.action === "export",
    }, (r) => (r.ip_address as string).startsWith("10."));
  }
});

Deno.test("erp every foreign key resolves", async () => {
  for (const profile of PROFILES) {
    const run = await quarter(profile);
    const keys = new Map<string, Set<unknown>>();
    const keysOf = (entity: string, field: string) => {
      const k = `${entity}.${field}`;
      let set = keys.get(k);
      if (!set) keys.set(k, set = new Set(rowsOf(run, entity).map((r) => r[field])));
      return set;
    };
    const fks: [string, string, string, string][] = [];
    for (const entity of run.plan.entities) {
      for (const f of entity.outputs) {
        if (f.ref) fks.push([entity.name, f.name, f.ref.entity, f.ref.field]);
      }
    }
    // Keys copied from a parent's parent (lookups), checked like refs.
    fks.push(
      ["inventory_fulfilments", "product_id", "products", "id"],
      ["payments", "company_id", "companies", "id"],
    );
    assert.ok(fks.length >= 25, `${fks.length} foreign keys`);
    for (const [entity, field, parent, key] of fks) {
      const parents = keysOf(parent, key);
      for (const row of rowsOf(run, entity)) {
        const v = row[field];
        assert.ok(
          v === null || parents.has(v),
          `${profile} ${entity}.${field} = ${v} not in ${parent}`,
        );
      }
    }
    // An item-level discount names a line its order has.
    const lines = new Set(rowsOf(run, "order_items").map((r) => `${r.order_id}:${r.line_no}`));
    for (const d of rowsOf(run, "discounts")) {
      if (d.scope === "item") assert.ok(lines.has(`${d.order_id}:${d.line_no}`));
      else assert.equal(d.line_no, null);
    }
  }
});

Deno.test("erp shipments leave after their order, close after they ship, with attempts between", async () => {
  for (const profile of ["normal-ops", "warehouse-outage", "peak-season"]) {
    const run = await quarter(profile);
    const orders = byId(rowsOf(run, "orders"));
    const shipments = byId(rowsOf(run, "shipments"));
    for (const s of shipments.values()) {
      assert.ok(
        ms(s.shipped_at) >= ms(orders.get(s.order_id)!.ordered_at),
        `${profile} ship ≥ order`,
      );
      assert.ok(
        ms(s.closed_at) >= ms(s.shipped_at) + 20 * 3_600_000,
        `${profile} close ≥ ship + 20 h`,
      );
    }
    const attempts = rowsOf(run, "delivery_attempts");
    const last = new Map<unknown, number>();
    for (const a of attempts) {
      const s = shipments.get(a.shipment_id)!;
      const t = ms(a.attempted_at);
      assert.ok(t >= ms(s.shipped_at) && t < ms(s.closed_at), `${profile} attempt within shipment`);
      assert.ok(t > (last.get(a.shipment_id) ?? -Infinity), `${profile} attempts in order`);
      last.set(a.shipment_id, t);
    }
  }
});

Deno.test("erp children follow their order's outcome, in time order", async () => {
  const labels: Record<string, string[]> = {
    delivered: ["placed", "confirmed", "shipped", "delivered"],
    returned: ["placed", "confirmed", "shipped", "returned"],
    delivery_failed: ["placed", "confirmed", "shipped", "delivery_failed"],
    cancelled: ["placed", "confirmed", "cancelled", "closed"],
  };
  const shipmentStatus: Record<string, string> = {
    delivered: "delivered",
    returned: "returned_to_sender",
    delivery_failed: "failed",
    cancelled: "recalled",
  };
  for (const profile of ["normal-ops", "warehouse-outage"]) {
    const run = await quarter(profile);
    const orders = byId(rowsOf(run, "orders"));
    const history = new Map<unknown, Row[]>();
    for (const h of rowsOf(run, "order_status_history")) {
      history.set(h.order_id, [...(history.get(h.order_id) ?? []), h]);
    }
    for (const [id, order] of orders) {
      const steps = history.get(id)!;
      assert.deepEqual(steps.map((h) => h.status), labels[order.status as string]);
      const normalSteps = steps.filter((h) => h._anomaly !== "out_of_order");
      for (let k = 1; k < normalSteps.length; k++) {
        assert.ok(
          ms(normalSteps[k]!.changed_at) > ms(normalSteps[k - 1]!.changed_at),
          "history in order",
        );
      }
    }
    for (const s of rowsOf(run, "shipments")) {
      assert.equal(s.status, shipmentStatus[orders.get(s.order_id)!.status as string]);
    }
    for (const p of rowsOf(run, "payments")) {
      if (p._anomaly === "duplicate_payment") continue;
      const cancelled = orders.get(p.order_id)!.status === "cancelled";
      assert.equal(p.status === "voided", cancelled);
      if (cancelled && p._anomaly === null) assert.equal(p.amount, 0);
      if (!cancelled && p._anomaly === null) {
        assert.equal(p.amount, orders.get(p.order_id)!.total_amount);
      }
    }
    const items = byId(rowsOf(run, "order_items"));
    for (const f of rowsOf(run, "inventory_fulfilments")) {
      const item = items.get(f.order_item_id)!;
      const cancelled = orders.get(item.order_id)!.status === "cancelled";
      assert.equal(f.movement, cancelled ? "reservation_released" : "fulfilment");
      assert.equal(f.quantity, cancelled ? 0 : -(item.quantity as number));
      assert.equal(f.product_id, item.product_id);
    }
  }
});

Deno.test("erp invoices fall due on the company's billing day of the next month, one cycle a month", async () => {
  const run = await quarter("normal-ops");
  const orders = byId(rowsOf(run, "orders"));
  const companies = byId(rowsOf(run, "companies"));
  const cycles = new Map<string, Set<unknown>>();
  for (const p of rowsOf(run, "payments")) {
    if (p._anomaly === "duplicate_payment") continue;
    const order = orders.get(p.order_id)!;
    const company = companies.get(order.company_id)!;
    assert.equal(p.company_id, order.company_id);
    const at = new Date(ms(order.ordered_at));
    const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    const expected = `${next.toISOString().slice(0, 7)}-${
      String(company.billing_day).padStart(2, "0")
    }`;
    assert.equal(p.due_on, expected);
    assert.ok(ms(p.settled_at) >= ms(order.ordered_at), "settled after ordered");
    const key = `${order.company_id}:${(order.ordered_at as string).slice(0, 7)}`;
    cycles.set(key, (cycles.get(key) ?? new Set()).add(p.due_on));
  }
  for (const [key, dues] of cycles) assert.equal(dues.size, 1, `${key}: one due date`);
});

Deno.test("erp payment timing: 10% late normally, 15% in peak season, 30% in a payment crisis", async () => {
  for (
    const [profile, expected] of [["normal-ops", 0.1], ["peak-season", 0.15], [
      "payment-crisis",
      0.3,
    ]] as const
  ) {
    const run = await quarter(profile);
    // The timing distribution itself: unlabelled invoices of orders that were not cancelled.
    const paid = rowsOf(run, "payments").filter((p) =>
      p._anomaly === null && p.status !== "voided"
    );
    const late = share(paid, (p) => p.status === "paid_late");
    assertNear(
      late,
      expected,
      Math.max(0.02, tolerance(expected, paid.length)),
      `${profile} late share`,
    );
    for (const p of paid) {
      // Late means settled after the end of the due day.
      assert.equal(p.status === "paid_late", ms(p.settled_at) >= ms(p.due_on) + DAY_MS);
    }
  }
});

Deno.test("erp warehouse-outage delivers few orders, cancels many and retries most deliveries", async () => {
  const outage = await quarter("warehouse-outage");
  const normalOps = await quarter("normal-ops");
  const orders = rowsOf(outage, "orders");
  const unique = orders.filter((o) => o._anomaly !== "duplicate_order");
  // ± 4.5 sd with ~2,800 unduplicated orders: about ± 4 pp.
  for (
    const [status, p] of [["delivered", 0.3], ["cancelled", 0.35], [
      "delivery_failed",
      0.3,
    ]] as const
  ) {
    assertNear(share(unique, (o) => o.status === status), p, tolerance(p, unique.length), status);
  }
  const normalDelivered = share(
    rowsOf(normalOps, "orders").filter((o) => o._anomaly !== "duplicate_order"),
    (
      o,
    ) => o.status === "delivered",
  );
  assertNear(normalDelivered, 0.88, 0.03, "normal-ops delivered");
  const attempted = new Set(rowsOf(outage, "delivery_attempts").map((a) => a.shipment_id));
  const shipments = rowsOf(outage, "shipments");
  assertNear(
    attempted.size / shipments.length,
    0.7,
    tolerance(0.7, shipments.length),
    "shipments retried",
  );
});

Deno.test("erp growth-phase doubles the companies and grows orders 6% a month", async () => {
  const normal = await prepare("erp/normal-ops", { seed: SEED, period: YEAR });
  const growth = await prepare("erp/growth-phase", { seed: SEED, period: YEAR });
  assert.equal(growth.byName.get("companies")!.count, 2 * normal.byName.get("companies")!.count);
  const month = (plan: Plan, m: number) => {
    const perDay = plan.byName.get("orders")!.timeline!.perDay;
    const from = (Date.UTC(2024, m, 1) - Date.UTC(2024, 0, 1)) / DAY_MS;
    const to = (Date.UTC(2024, m + 1, 1) - Date.UTC(2024, 0, 1)) / DAY_MS;
    return perDay.slice(from, to).reduce((a, b) => a + b, 0);
  };
  // December against January, relative to normal-ops (same seasons): 1.06^11 = 1.90, ± 5%.
  const growthRatio = month(growth, 11) / month(growth, 0);
  const normalRatio = month(normal, 11) / month(normal, 0);
  assertNear(growthRatio / normalRatio, 1.06 ** 11, 0.095, "December / January growth");
});

Deno.test("erp data is Egyptian: governorates, +20 phones, postal codes, Arabic names, EGP", async () => {
  const run = await quarter("normal-ops");
  const governorates = new Set(["Cairo", "Giza", "Alexandria", "Qalyubia", "Dakahlia", "Sharqia"]);
  const companies = rowsOf(run, "companies");
  for (const c of companies) {
    assert.match(c.phone as string, /^\+20\d{8,10}$/);
    assert.match(c.postal_code as string, /^\d{5}$/);
    assert.match(c.tax_number as string, /^\d{3}-\d{3}-\d{3}$/);
    assert.match(c.name_ar as string, /^[\u0600-\u06FF ]+$/);
    assert.equal(c.currency, "EGP");
    assert.equal(
      c.delivery_region,
      ["C", "GZ", "KB", "ALX"].includes(c.governorate_code as string) ? "A" : "B",
    );
  }
  // Places are picked by population: the big governorates hold most companies.
  assert.ok(share(companies, (c) => governorates.has(c.governorate as string)) > 0.4);
  for (const u of rowsOf(run, "users")) {
    assert.match(u.mobile as string, /^\+201[0125]\d{8}$/);
    assert.match(u.full_name_ar as string, /^[\u0600-\u06FF ]+$/);
    assert.match(u.email as string, /^[a-z-]+\.[a-z-]+\d*@synergyflow\.com\.eg$/);
  }
  for (const o of rowsOf(run, "orders")) assert.equal(o.currency, "EGP");
});

Deno.test("erp rows are random-access: row i's timestamp equals a full sequential run's", async () => {
  const run = await quarter("normal-ops");
  for (
    const [entity, field] of [
      ["orders", "ordered_at"],
      ["audit_logs", "occurred_at"],
      ["order_status_history", "changed_at"],
      ["payments", "settled_at"],
      ["shipments", "closed_at"],
    ]
  ) {
    const rows = rowsOf(run, entity!);
    for (const i of [0, 1, 1234, Math.floor(rows.length / 2), rows.length - 1]) {
      const [alone] = await fixture("erp/normal-ops", entity!, {
        seed: SEED,
        period: QUARTER,
        start: i,
        count: 1,
      });
      assert.deepEqual(alone, rows[i], `${entity} row ${i}`);
      assert.equal(run.world.engine(entity!).rowAt(i)[field!], rows[i]![field!]);
    }
  }
});

Deno.test("erp every profile generates a quarter to files with no validator failures", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-erp-" });
  try {
    for (const profile of ["base", ...PROFILES]) {
      const result = await gen(`erp/${profile}`, {
        seed: SEED,
        period: QUARTER,
        out: `${dir}/${profile}`,
        formats: ["csv"],
      });
      assert.equal(
        result.validation.failures,
        0,
        `${profile}: ${JSON.stringify(result.validation.results.filter((r) => r.failures))}`,
      );
      assert.ok(result.validation.rules >= 50);
      assert.equal(result.entities.length, 18);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("erp gen writes peak-season's full year with --from/--to, strictly valid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-erp-" });
  try {
    const r = await runCli([
      "gen",
      "erp/peak-season",
      "--from",
      "2024-01-01",
      "--to",
      "2024-12-31",
      "--format",
      "jsonl",
      "--strict",
      "--quiet",
      "--out",
      `${dir}/peak`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/peak/manifest.json`));
    assert.equal(manifest.validation.failures, 0);
    const normal = await prepare("erp/normal-ops", { period: YEAR });
    assert.equal(manifest.entities.orders.rows, 3 * normal.byName.get("orders")!.count);
    assert.equal(Object.keys(manifest.entities).length, 18);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
