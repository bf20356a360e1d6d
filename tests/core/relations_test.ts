/**
 * Join tables, trees and filtered refs: correct by construction, random
 * access, exact at 1M rows, and loadable into SQLite with a hand-written
 * DDL and foreign keys on.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fixture } from "../../mod.ts";
import { prepare } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { entityBatches, entitySchemaOf } from "../../core/batches.ts";
import { runCli } from "../_helpers/rows.ts";

const FIXTURE = new URL("../fixtures/relations.yaml", import.meta.url).pathname;

/** Streams one column pair of an entity without building row objects. */
async function eachRow(
  scenario: string | Record<string, unknown>,
  entity: string,
  fields: string[],
  visit: (values: unknown[], index: number) => void,
): Promise<number> {
  const plan = await prepare(scenario, {});
  try {
    const engine = new World(plan).engine(entity);
    const cols = fields.map((f) => engine.entity.outputs.findIndex((o) => o.name === f));
    let n = 0;
    for await (const { out } of entityBatches(engine, 10_000)) {
      for (let k = 0; k < out.length; k++) {
        visit(cols.map((c) => out.columns[c]![k]), out.start + k);
        n++;
      }
    }
    return n;
  } finally {
    plan.registry.close();
  }
}

Deno.test("post_tags: (post_id, tag_id) never repeats; each post owns its rows", async () => {
  const rows = await fixture(FIXTURE, "post_tags");
  assert(rows.length > 300);
  const pairs = new Set(rows.map((r) => `${r.post_id}:${r.tag_id}`));
  assert.deepEqual(pairs.size, rows.length);
  for (const r of rows) assert((r.tag_id as number) >= 1 && (r.tag_id as number) <= 12);
});

Deno.test("primary_key and unique reach EntitySchema for the DDL", async () => {
  const plan = await prepare(FIXTURE, {});
  try {
    const schema = entitySchemaOf(plan, plan.byName.get("post_tags")!);
    assert.deepEqual(schema.primaryKey, ["post_id", "tag_id"]);
  } finally {
    plan.registry.close();
  }
  const plan2 = await prepare({
    name: "u",
    entities: {
      tags: { count: 5, fields: { id: { sequence: {} } } },
      posts: { count: 5, fields: { id: { sequence: {} } } },
      post_tags: {
        count: { per: "posts", min: 1, max: 5 },
        unique: [["post_id", "tag_id"]],
        fields: {
          post_id: { ref: "posts.id" },
          tag_id: { ref: { to: "tags.id", distinct: "per_parent" } },
        },
      },
    },
  }, {});
  try {
    const schema = entitySchemaOf(plan2, plan2.byName.get("post_tags")!);
    assert.deepEqual(schema.uniqueTogether, [["post_id", "tag_id"]]);
  } finally {
    plan2.registry.close();
  }
});

Deno.test("employees: a forest with 3 roots, parent index < own index, depth exactly 4", async () => {
  const rows = await fixture(FIXTURE, "employees");
  const parent = new Map<number, number | null>();
  for (const r of rows) parent.set(r.id as number, r.manager_id as number | null);
  let roots = 0, deepest = 0;
  for (const r of rows) {
    const id = r.id as number;
    const m = r.manager_id as number | null;
    if (m === null) {
      roots++;
      continue;
    }
    assert(m < id, `manager ${m} of ${id} must come first`);
    let d = 0;
    for (let x: number | null = id; parent.get(x!) !== null; x = parent.get(x!)!) d++;
    deepest = Math.max(deepest, d);
  }
  assert.deepEqual(roots, 3);
  assert.deepEqual(deepest, 4);
});

Deno.test("approvals: approver_id only points to approvers and admins", async () => {
  const users = await fixture(FIXTURE, "users");
  const role = new Map(users.map((u) => [u.id, u.role]));
  const rows = await fixture(FIXTURE, "approvals");
  for (const r of rows) assert(["approver", "admin"].includes(role.get(r.approver_id) as string));
  // Several distinct approvers are used, not one.
  assert(new Set(rows.map((r) => r.approver_id)).size > 3);
});

Deno.test("row i alone equals row i in sequence (join table, tree, filtered ref)", async () => {
  for (const entity of ["post_tags", "employees", "approvals"]) {
    const all = await fixture(FIXTURE, entity);
    for (const i of [0, 1, 7, 42, all.length - 1]) {
      const [alone] = await fixture(FIXTURE, entity, { start: i, count: 1 });
      assert.deepEqual(alone, all[i], `${entity} row ${i}`);
    }
  }
});

Deno.test("tree fanout: complete breadth-first tree", async () => {
  const rows = await fixture({
    name: "t",
    entities: {
      e: {
        count: 15,
        fields: {
          id: { sequence: { start: 0 } },
          parent: { ref: { to: "e.id", tree: { fanout: 2 } } },
        },
      },
    },
  }, "e");
  assert.deepEqual(rows.map((r) => r.parent), [null, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
});

Deno.test("impossible requests are refused up front with numbers (exit 2)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = `${dir}/bad.yaml`;
    await Deno.writeTextFile(
      bad,
      `name: bad
entities:
  tags: { count: 4, fields: { id: { sequence: {} } } }
  posts: { count: 10, fields: { id: { sequence: {} } } }
  post_tags:
    count: { per: posts, min: 1, max: 6 }
    fields:
      post_id: { ref: posts.id }
      tag_id: { ref: { to: tags.id, distinct: per_parent } }
`,
    );
    const r = await runCli(["gen", bad, "-o", `${dir}/out`]);
    assert.deepEqual(r.code, 2, r.stderr);
    assert.match(r.stderr, /up to 6 post_tags rows but only 4 tags rows/);
    assert.match(r.stderr, /bad\.yaml:\d+:\d+/);

    const unproven = `${dir}/unproven.yaml`;
    await Deno.writeTextFile(
      unproven,
      `name: unproven
entities:
  tags: { count: 4, fields: { id: { sequence: {} } } }
  posts: { count: 10, fields: { id: { sequence: {} } } }
  post_tags:
    count: 20
    primary_key: [post_id, tag_id]
    fields:
      post_id: { ref: posts.id }
      tag_id: { ref: tags.id }
`,
    );
    const u = await runCli(["gen", unproven, "-o", `${dir}/out`]);
    assert.deepEqual(u.code, 2, u.stderr);
    assert.match(u.stderr, /Cannot make \[post_id, tag_id\] of post_tags a primary key/);

    const deep = `${dir}/deep.yaml`;
    await Deno.writeTextFile(
      deep,
      `name: deep
entities:
  e:
    count: 5
    fields:
      id: { sequence: {} }
      boss: { ref: { to: e.id, tree: { roots: 2, depth: 4 } } }
`,
    );
    const d = await runCli(["gen", deep, "-o", `${dir}/out`]);
    assert.deepEqual(d.code, 2, d.stderr);
    assert.match(d.stderr, /needs at least 6 rows \(got 5\)/);
    // Nothing half-written.
    await Deno.stat(`${dir}/out`).then(() => assert(false, "output written"), () => {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loads into SQLite with a hand-written DDL, foreign keys on", async () => {
  const db = new DatabaseSync(":memory:");
  try {
    db.exec("PRAGMA foreign_keys = ON");
    db.exec(`
      CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
      CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'approver', 'admin')));
      CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES users (id),
        title TEXT NOT NULL);
      CREATE TABLE post_tags (
        post_id INTEGER NOT NULL REFERENCES posts (id),
        tag_id INTEGER NOT NULL REFERENCES tags (id),
        PRIMARY KEY (post_id, tag_id));
      CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
        manager_id INTEGER REFERENCES employees (id), CHECK (manager_id < id));
      CREATE TABLE approvals (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id),
        approver_id INTEGER NOT NULL REFERENCES users (id));
      CREATE TRIGGER approver_role BEFORE INSERT ON approvals
        WHEN (SELECT role FROM users WHERE id = NEW.approver_id) NOT IN ('approver', 'admin')
        BEGIN SELECT RAISE(ABORT, 'approver must be approver or admin'); END;
    `);
    db.exec("BEGIN");
    for (const entity of ["tags", "users", "posts", "post_tags", "employees", "approvals"]) {
      const rows = await fixture(FIXTURE, entity);
      const cols = Object.keys(rows[0]!);
      const stmt = db.prepare(
        `INSERT INTO ${entity} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`,
      );
      // deno-lint-ignore no-explicit-any
      for (const r of rows) stmt.run(...cols.map((c) => r[c] as any));
    }
    db.exec("COMMIT");
    assert.deepEqual(db.prepare("PRAGMA foreign_key_check").all(), []);
    const n = db.prepare("SELECT count(*) AS n FROM post_tags").get() as { n: number };
    assert(n.n > 300);
  } finally {
    db.close();
  }
});

Deno.test("exact at 1M rows: join table, tree and filtered ref", async () => {
  const scenario = {
    name: "big",
    seed: 3,
    entities: {
      tags: { count: 40, fields: { id: { sequence: { start: 0 } } } },
      users: {
        count: 20_000,
        fields: {
          id: { sequence: { start: 0 } },
          role: { choice: { values: ["viewer", "approver", "admin"], weights: [8, 1, 1] } },
        },
      },
      posts: { count: 250_000, fields: { id: { sequence: { start: 0 } } } },
      post_tags: {
        count: { per: "posts", min: 1, max: 7 },
        primary_key: ["post_id", "tag_id"],
        fields: {
          post_id: { ref: "posts.id" },
          tag_id: { ref: { to: "tags.id", distinct: "per_parent" } },
        },
      },
      employees: {
        count: 1_000_000,
        fields: {
          id: { sequence: { start: 0 } },
          manager_id: { ref: { to: "employees.id", tree: { roots: 10, depth: 12 } } },
        },
      },
      approvals: {
        count: 1_000_000,
        fields: {
          approver_id: { ref: { to: "users.id", where: { role: ["approver", "admin"] } } },
        },
      },
    },
  };
  // Join table: ~1M rows, every (post, tag) pair once.
  const seen = new Uint8Array(250_000 * 40);
  let dupes = 0;
  const pt = await eachRow(scenario, "post_tags", ["post_id", "tag_id"], ([p, t]) => {
    const k = (p as number) * 40 + (t as number);
    if (seen[k]) dupes++;
    seen[k] = 1;
  });
  assert(pt > 900_000, `${pt} rows`);
  assert.deepEqual(dupes, 0);

  // Tree: 1M rows, parent < index, 10 roots, depth exactly 12.
  const depth = new Uint8Array(1_000_000);
  let roots = 0, bad = 0, deepest = 0;
  await eachRow(scenario, "employees", ["id", "manager_id"], ([id, m]) => {
    if (m === null) return void roots++;
    if ((m as number) >= (id as number)) return void bad++;
    const d = depth[m as number]! + 1;
    depth[id as number] = d;
    if (d > deepest) deepest = d;
  });
  assert.deepEqual([roots, bad, deepest], [10, 0, 12]);

  // Filtered ref: 1M rows, none outside the allowed roles.
  const roles: string[] = [];
  await eachRow(scenario, "users", ["role"], ([r], i) => void (roles[i] = r as string));
  let wrong = 0;
  const n = await eachRow(scenario, "approvals", ["approver_id"], ([u]) => {
    if (roles[u as number] === "viewer") wrong++;
  });
  assert.deepEqual([n, wrong], [1_000_000, 0]);
});

Deno.test("ref_by: a polymorphic key stays inside the table its kind names", async () => {
  const scenario = {
    name: "poly",
    entities: {
      orders: { count: 7, fields: { id: { sequence: { start: 100 } } } },
      invoices: { count: 3, fields: { id: { sequence: { start: 1 } } } },
      logs: {
        count: 500,
        primary_key: "id",
        fields: {
          id: { sequence: {} },
          kind: { choice: ["order", "invoice", "other"] },
          target_id: { ref_by: { field: "kind", to: { order: "orders.id", invoice: "invoices" } } },
        },
      },
    },
  };
  const rows = await fixture(scenario, "logs");
  for (const r of rows) {
    if (r.kind === "order") assert((r.target_id as number) >= 100 && (r.target_id as number) < 107);
    else if (r.kind === "invoice") {
      assert((r.target_id as number) >= 1 && (r.target_id as number) <= 3);
    } else assert.equal(r.target_id, null);
  }
  const [alone] = await fixture(scenario, "logs", { start: 321, count: 1 });
  assert.deepEqual(alone, rows[321]);
  const dir = await Deno.makeTempDir();
  try {
    const bad = `${dir}/poly.yaml`;
    await Deno.writeTextFile(
      bad,
      `name: poly
entities:
  orders: { count: 3, fields: { id: { sequence: {} } } }
  logs:
    count: 3
    fields:
      kind: { choice: [order] }
      target_id: { ref_by: { field: kind, to: { order: ordrs.id } } }
`,
    );
    const r = await runCli(["gen", bad, "-o", `${dir}/out`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no entity "ordrs"/);
    assert.match(r.stderr, /did you mean "orders"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
