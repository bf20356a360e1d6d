/**
 * The safety guard of `gen --to` and `db`, through the real CLI: remote
 * hosts and production-looking names are refused (exit 2) before anything
 * connects unless --allow-remote, and `--to` still reads a date as a date.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { isDatabaseTarget, isLocalHost, looksLikeProduction } from "../../plugins/sinks/target.ts";

Deno.test("guard: a remote host is refused with exit 2, before connecting", async () => {
  for (const to of ["postgres://me@db.example.com:5432/dev", "mysql://root@10.0.0.7/dev"]) {
    const r = await runCli(["gen", "quickstart", "--to", to]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Refusing to write to .* is not this machine/);
    assert.match(r.stderr, /--allow-remote/);
  }
  const status = await runCli(["db", "status", "postgres://me@db.example.com/dev"]);
  assert.equal(status.code, 2);
});

Deno.test("guard: production-looking names are refused; --allow-remote lifts it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-guard-" });
  for (
    const to of [
      "postgres://me@127.0.0.1/shop_prod",
      "postgres://me@localhost/dev?schema=live",
      "mysql://root@127.0.0.1/production",
      `sqlite:${dir}/master.db`,
    ]
  ) {
    const r = await runCli(["gen", "quickstart", "--to", to]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /looks like production/);
  }
  const allowed = await runCli([
    "gen",
    "quickstart",
    "--to",
    `sqlite:${dir}/master.db`,
    "--allow-remote",
    "-q",
  ]);
  assert.equal(allowed.code, 0, allowed.stderr);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("guard: --to stays a date unless it names a database; sink flags need one", async () => {
  const dry = await runCli([
    "gen",
    "quickstart",
    "--from",
    "2024-01-01",
    "--to",
    "2024-12-31",
    "--dry-run",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  const bad = await runCli(["gen", "quickstart", "--replace"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--replace needs --to <database>/);
  const mixed = await runCli(["gen", "quickstart", "--to", "sqlite:x.db", "--format", "csv"]);
  assert.equal(mixed.code, 2);
});

Deno.test("guard: target helpers", () => {
  assert.ok(isDatabaseTarget("postgresql://a@b/c"));
  assert.ok(isDatabaseTarget("mariadb://a@b/c"));
  assert.ok(!isDatabaseTarget("2024-12-31"));
  assert.ok(isLocalHost("127.4.5.6") && isLocalHost("[::1]") && isLocalHost(""));
  assert.ok(!isLocalHost("192.168.1.2"));
  assert.ok(looksLikeProduction("ShopProd") && looksLikeProduction("erp-live"));
  assert.ok(!looksLikeProduction("products") && !looksLikeProduction("delivery"));
});
