/**
 * Regression tests for issue 7's defects: unique retries keep an email's
 * domain, ERP audit_logs.entity_id exists in the table it names, and the
 * layout single summary names the shared file.
 */
import assert from "node:assert/strict";
import { fixture } from "../../mod.ts";
import { runCli } from "../_helpers/rows.ts";
import { suffixSpot } from "../../plugins/generators/template.ts";

Deno.test("booking emails (seed 42, 3100 patients) keep the allowed domains", async () => {
  // Engine 2: the first email collision at seed 42 is at row 3024 (engine 1: before row 300).
  const rows = await fixture("booking/base", "patients", {
    seed: 42,
    counts: { patients: 3100 },
  });
  assert.equal(rows.length, 3100);
  const re = /^[a-z0-9.-]+@(mailinator\.com|yopmail\.com)$/;
  const bad = rows.map((r) => r.email as string).filter((e) => !re.test(e));
  assert.deepEqual(bad, []);
  // The collision that used to give "…@yopmail.com2" is now in the local part.
  assert(rows.some((r) => /[a-z]2@/.test(r.email as string)));
  assert.equal(new Set(rows.map((r) => r.email)).size, 3100);
});

Deno.test("unique template retries number the local part, whatever the shape", async () => {
  assert.deepEqual(suffixSpot(["", ".", "@", ""]), { segment: 2, offset: 0 });
  assert.deepEqual(suffixSpot(["", "@example.com"]), { segment: 1, offset: 0 });
  assert.deepEqual(suffixSpot(["user-", ""]), { segment: 1, offset: 0 });
  const shapes = {
    a: "{{n}}@{{d}}",
    b: "qa+{{n}}@test.invalid",
    c: "{{whole}}",
    d: "admin@{{d}}",
  };
  for (const [name, text] of Object.entries(shapes)) {
    const rows = await fixture({
      name: "t",
      entities: {
        e: {
          count: 40,
          fields: {
            n: { choice: ["ann", "bob"], hidden: true },
            d: { choice: ["x.com", "y.org"], hidden: true },
            whole: { template: "{{n}}@{{d}}", hidden: true },
            email: { template: text, unique: true, validate: { format: "email" } },
          },
        },
      },
    }, "e");
    const emails = rows.map((r) => r.email as string);
    assert.equal(new Set(emails).size, 40, name);
    for (const e of emails) {
      assert.match(e, /^[a-z0-9+.-]+@(x\.com|y\.org|test\.invalid)$/, `${name}: ${e}`);
    }
  }
});

Deno.test("ERP audit_logs.entity_id always exists in the table entity_type names", async () => {
  const tables: Record<string, string> = {
    order: "orders",
    payment: "payments",
    shipment: "shipments",
    refund: "refunds",
    product: "products",
    company: "companies",
    inventory: "inventory_movements",
    maintenance_visit: "maintenance_visits",
  };
  const ids = new Map<string, Set<unknown>>();
  for (const [kind, table] of Object.entries(tables)) {
    const rows = await fixture("erp/normal-ops", table);
    ids.set(kind, new Set(rows.map((r) => r.id)));
  }
  const logs = await fixture("erp/normal-ops", "audit_logs", { count: 5000 });
  const missing = logs.filter((r) => !ids.get(r.entity_type as string)!.has(r.entity_id));
  assert.deepEqual(missing.slice(0, 3), []);
  assert(logs.some((r) => r.entity_type === "product"));
});

Deno.test("layout single: the summary names the shared file and its size", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runCli([
      "gen",
      "quickstart",
      "--layout",
      "single",
      "--format",
      "json",
      "-o",
      `${dir}/out`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /0 files\s+0 B/);
    assert.match(r.stderr, /customers\s+1,000\s+quickstart\.json\s+shared/);
    const size = (await Deno.stat(`${dir}/out/quickstart.json`)).size;
    assert(size > 1024);
    assert.match(r.stderr, /quickstart\.json: [\d.]+ (KB|MB) \(all entities\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
