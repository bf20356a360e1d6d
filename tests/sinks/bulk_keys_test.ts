/**
 * Bulk loading with the keys put back after the rows (PostgreSQL): the
 * schema a load leaves is the schema its DDL makes when run as written
 * (pg_dump --schema-only of both, equal), and a key the rows break (a
 * duplicate primary key, a duplicate in a UNIQUE column) still fails the
 * run with the server's message, rolled back: nothing new is left, and with
 * --replace the earlier run's tables are still there as they were.
 */
import assert from "node:assert/strict";
import { prepare } from "../../core/gen.ts";
import { planLoad } from "../../plugins/sinks/load.ts";
import { needsProgram } from "../formatters/_roundtrip.ts";
import { runCli } from "../_helpers/rows.ts";
import { pgEnv, pgTables, pgUrl, psql, uniqueName } from "./_db.ts";

/** Every kind of key the DDL writes. */
const KEYS = new URL("./keys.yaml", import.meta.url).pathname;

const pgDump = await needsProgram("pg_dump", "Debian package postgresql-client");

/** The schema-only dump of one schema (without the ledger), its name replaced by `S`. */
async function schemaDump(schema: string): Promise<string> {
  const out = await new Deno.Command("pg_dump", {
    args: [pgEnv.value(), "--schema-only", "-n", schema, "-T", `${schema}.fabricate_ledger`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`pg_dump failed: ${new TextDecoder().decode(out.stderr)}`);
  // pg_dump ≥ 15.14 fences the dump with a random \restrict key.
  return text.replace(/^\\(un)?restrict .*$/gm, "").replaceAll(schema, "S");
}

/** A two-table scenario whose `parents.id` (the key `kids` points at) is `id`. */
function parentsAndKids(id: string, extra = ""): string {
  return [
    "name: parents_and_kids",
    "seed: 2",
    "reference_date: 2025-01-01",
    "entities:",
    "  parents:",
    "    count: 50",
    "    fields:",
    `      id: ${id}`,
    "      name: { faker: person.fullName }",
    extra,
    "  kids:",
    "    count: 80",
    "    fields:",
    "      id: { sequence: {} }",
    "      parent_id: { ref: parents.id }",
    "",
  ].join("\n");
}

/** Loads `scenario` with the CLI, and runs its DDL as written in another schema; returns both schemas. */
async function loadAndWrite(scenario: string, args: string[]): Promise<[string, string]> {
  const loaded = uniqueName("sinkspeed_loaded");
  const asWritten = uniqueName("sinkspeed_ddl");
  const r = await runCli(["gen", scenario, ...args, "--to", pgUrl(loaded)]);
  assert.equal(r.code, 0, r.stderr);
  // The old path: the DDL run as written, keys on before any row.
  const plan = await prepare(scenario);
  try {
    const ddl = planLoad(plan, pgUrl(asWritten)).tables.map((t) => t.ddl).join("\n");
    await psql(`BEGIN; CREATE SCHEMA ${asWritten}; ${ddl} COMMIT;`);
  } finally {
    plan.registry.close();
  }
  return [loaded, asWritten];
}

async function dropSchemas(...schemas: string[]): Promise<void> {
  await psql(
    "SET client_min_messages = warning; " +
      schemas.map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE;`).join(" "),
  );
}

Deno.test({
  name: "postgres bulk load: the keys put back after the rows are the DDL's, name for name",
  ignore: pgEnv.ignore || pgDump.ignore,
  async fn() {
    pgDump.value();
    const [loaded, asWritten] = await loadAndWrite(KEYS, []);
    try {
      const dump = await schemaDump(loaded);
      assert.equal(dump, await schemaDump(asWritten));
      // The dump holds every kind of key (so the comparison compares something).
      for (
        const k of [
          /CONSTRAINT tags_pkey PRIMARY KEY \(id\)/,
          /CONSTRAINT user_tags_pkey PRIMARY KEY \(user_id, tag_id\)/,
          /CONSTRAINT users_handle_region_key UNIQUE \(handle, region\)/,
          /CONSTRAINT users_email_key UNIQUE \(email\)/,
          /CONSTRAINT employees_manager_id_fkey FOREIGN KEY \(manager_id\) REFERENCES S\.employees\(id\) DEFERRABLE INITIALLY DEFERRED/,
          /CONSTRAINT employees_mentor_fkey FOREIGN KEY \(mentor\) REFERENCES S\.users\(handle\)/,
          /CONSTRAINT users_age_check CHECK/,
        ]
      ) assert.match(dump, k);
      // Every row is in, and the keys hold them.
      assert.equal(
        await psql(
          `SELECT (SELECT count(*) FROM ${loaded}.users) || ',' || ` +
            `(SELECT count(*) FROM ${loaded}.employees) || ',' || ` +
            `(SELECT count(*) FROM ${loaded}.employees e JOIN ${loaded}.users u ON u.handle = e.mentor)`,
        ),
        `60,80,${await psql(`SELECT count(mentor) FROM ${loaded}.employees`)}`,
      );
    } finally {
      await dropSchemas(loaded, asWritten);
    }
  },
});

const BUILT_IN: [string, string[]][] = [["quickstart", []], ["erp/normal-ops", [
  "--multiplier",
  "0.05",
]]];
for (const [scenario, args] of BUILT_IN) {
  Deno.test({
    name: `postgres bulk load: ${scenario} has the schema of its DDL as written`,
    ignore: pgEnv.ignore || pgDump.ignore,
    async fn() {
      pgDump.value();
      const [loaded, asWritten] = await loadAndWrite(scenario, args);
      try {
        const dump = await schemaDump(loaded);
        assert.match(dump, /FOREIGN KEY/);
        assert.equal(dump, await schemaDump(asWritten));
      } finally {
        await dropSchemas(loaded, asWritten);
      }
    },
  });
}

Deno.test({
  name: "postgres bulk load: a duplicate key found after the rows fails the run and leaves nothing",
  ignore: pgEnv.ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "fabricate-sinkspeed-" });
    const schema = uniqueName("sinkspeed_dup");
    const to = pgUrl(schema);
    const good = `${dir}/good.yaml`;
    const dupKey = `${dir}/dup_key.yaml`;
    const dupUnique = `${dir}/dup_unique.yaml`;
    await Deno.writeTextFile(good, parentsAndKids("{ sequence: {} }"));
    // 50 parents with ids drawn from 1..20: the primary key cannot hold.
    await Deno.writeTextFile(dupKey, parentsAndKids("{ integer: { min: 1, max: 20 } }"));
    // Columns another table points at must be UNIQUE (two of them: no primary
    // key): codes from 1..5 are not.
    await Deno.writeTextFile(
      dupUnique,
      parentsAndKids("{ sequence: {} }", "      code: { integer: { min: 1, max: 5 } }")
        .replace(
          "parent_id: { ref: parents.id }",
          "parent_id: { ref: parents.id }\n      parent_code: { ref: parents.code }",
        ),
    );
    try {
      const first = await runCli(["gen", dupKey, "--to", to]);
      assert.equal(first.code, 1, first.stderr);
      assert.match(
        first.stderr,
        /failed while adding primary key parents_pkey to parents: could not create unique index "parents_pkey" \(Key \(id\)=\(\d+\) is duplicated\.\)\n {2}rolled back: nothing was written/,
      );
      assert.equal(
        await psql(
          `SELECT count(*) FROM information_schema.schemata WHERE schema_name = '${schema}'`,
        ),
        "0",
        "not even the schema is left",
      );

      // With --replace over an earlier run, the earlier tables stay as they were.
      const ok = await runCli(["gen", good, "--to", to]);
      assert.equal(ok.code, 0, ok.stderr);
      const before = await psql(
        `SELECT string_agg(id::text, ',' ORDER BY id) FROM ${schema}.parents`,
      );
      for (
        const [file, message] of [
          [dupKey, /while adding primary key parents_pkey to parents: .*is duplicated/],
          [
            dupUnique,
            /while adding unique constraint parents_code_key to parents: .*is duplicated/,
          ],
        ] as const
      ) {
        const bad = await runCli(["gen", file, "--to", to, "--replace"]);
        assert.equal(bad.code, 1, bad.stderr);
        assert.match(bad.stderr, message);
        assert.deepEqual(await pgTables(schema), ["fabricate_ledger", "kids", "parents"]);
        assert.equal(
          await psql(`SELECT string_agg(id::text, ',' ORDER BY id) FROM ${schema}.parents`),
          before,
        );
        assert.equal(
          await psql(
            `SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint ` +
              `WHERE connamespace = '${schema}'::regnamespace AND conrelid <> '${schema}.fabricate_ledger'::regclass`,
          ),
          "kids_parent_id_fkey,kids_pkey,parents_pkey",
        );
        assert.equal(await psql(`SELECT count(*) FROM ${schema}.fabricate_ledger`), "1");
      }
    } finally {
      await psql(`SET client_min_messages = warning; DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
