/**
 * The user-profile suite: a master template, models that extend
 * it, and the positive, negative and exclusion variants. Each rule is checked
 * here independently of fabricate's validators.
 *
 * Statistical checks use fixed seeds; tolerances are stated next to each
 * (4 to 5 standard deviations, so a correct generator does not fail by chance
 * when a seed changes).
 */
import assert from "node:assert/strict";
import { fixture, loadScenario, type Row } from "../../mod.ts";
import { runCli } from "../_helpers/rows.ts";

/** `count` profiles of a user-profile scenario, with its own seed unless one is given. */
function profiles(variant: string, count: number, seed?: number): Promise<Row[]> {
  return fixture(`user-profile/${variant}`, "user_profiles", {
    counts: { user_profiles: count },
    ...(seed === undefined ? {} : { seed }),
  });
}

/** The share of rows for which `test` holds. */
function share(rows: readonly Row[], test: (r: Row) => boolean): number {
  return rows.filter(test).length / rows.length;
}

/** Whole years from an ISO birthdate to 2025-01-01, the suite's reference date. */
function ageOn20250101(birthdate: unknown): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(birthdate));
  assert.ok(m, `birthdate ${birthdate} is YYYY-MM-DD`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return 2025 - year - (month > 1 || day > 1 ? 1 : 0);
}

const EMAIL = /^[a-z0-9._+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/;
const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * What is wrong with a profile against the master's rules, by rule name.
 * `seen` holds the emails of earlier rows (for uniqueness).
 */
function problems(r: Row, seen: ReadonlySet<unknown>, ages = { min: 18, max: 80 }): string[] {
  const out: string[] = [];
  if (typeof r.email !== "string" || !EMAIL.test(r.email)) out.push("email");
  else if (seen.has(r.email)) out.push("duplicate");
  if (typeof r.last_name !== "string" || r.last_name === "") out.push("last_name");
  if (typeof r.first_name !== "string" || r.first_name === "") out.push("first_name");
  if (typeof r.age !== "number" || r.age < ages.min || r.age > ages.max) out.push("age");
  if (r.age !== ageOn20250101(r.birthdate)) out.push("age_vs_birthdate");
  if (typeof r.phone !== "string" || !E164.test(r.phone)) out.push("phone");
  if (!/^\d{5}$/.test(String(r.postal_code))) out.push("postal_code");
  if (!/^UP-\d{6}$/.test(String(r.record_no))) out.push("record_no");
  const created = Date.parse(String(r.created_at));
  const updated = Date.parse(String(r.updated_at));
  const login = Date.parse(String(r.last_login_at));
  if (!(created <= updated && updated < login && login <= Date.UTC(2025, 0, 1))) {
    out.push("timestamps");
  }
  return out;
}

Deno.test("user-profile models override the master and keep everything they do not mention", async () => {
  const master = (await loadScenario("user-profile/master")).scenario.entities.user_profiles!;
  const model1 = (await loadScenario("user-profile/model-1")).scenario.entities.user_profiles!;
  const model2 = (await loadScenario("user-profile/model-2")).scenario.entities.user_profiles!;

  // Objects merge key by key: model 1 sets birthdate.from, the master's `to` stays.
  assert.deepEqual(model1.fields.birthdate, {
    date: { from: "-64y", to: "-18y" },
    validate: (master.fields.birthdate as { validate: unknown }).validate,
  });
  // Arrays replace: the plan weights are model 1's, the values the master's.
  assert.deepEqual(model1.fields.plan, {
    choice: { values: ["free", "basic", "premium"], weights: [50, 35, 15] },
    validate: { enum: ["free", "basic", "premium", "business"] },
  });
  // null removes: model 2 swaps the username's generator.
  const username = model2.fields.username as Record<string, unknown>;
  assert.equal(username.template, undefined);
  assert.equal(username.faker, "internet.username");
  assert.equal(username.unique, true, "the master's modifier stays");
  // Untouched fields and rules are the master's, unchanged.
  for (const field of ["record_no", "email", "phone", "postal_code", "status", "created_at"]) {
    assert.deepEqual(model1.fields[field], master.fields[field], field);
    assert.deepEqual(model2.fields[field], master.fields[field], field);
  }
  assert.deepEqual(model1.validate, master.validate);
});

Deno.test("user-profile models generate their own data where they override it", async () => {
  const [master, model1, model2] = await Promise.all([
    profiles("master", 4000),
    profiles("model-1", 4000),
    profiles("model-2", 2000),
  ]);
  // Ages: master 18–80, model 1 18–64, model 2 25–70.
  const ages = (rows: Row[]) => rows.map((r) => r.age as number);
  assert.ok(Math.max(...ages(master)) > 70);
  assert.ok(Math.max(...ages(model1)) <= 64 && Math.min(...ages(model1)) >= 18);
  assert.ok(Math.max(...ages(model2)) <= 70 && Math.min(...ages(model2)) >= 25);
  // Plan weights: premium 10% in the master, 15% in model 1 (n = 4000: sd ≤ 0.006; tolerance 0.025).
  assert.ok(Math.abs(share(master, (r) => r.plan === "premium") - 0.10) < 0.025);
  assert.ok(Math.abs(share(model1, (r) => r.plan === "premium") - 0.15) < 0.025);
  assert.ok(Math.abs(share(model1, (r) => r.marketing_opt_in === true) - 0.55) < 0.025);
  // Model 2: Egypt, in Arabic; country, places, phones and currency follow.
  for (const r of model2) {
    assert.equal(r.country, "EG");
    assert.equal(r.currency, "EGP");
    assert.match(String(r.phone), /^\+20\d{8,10}$/);
    assert.match(String(r.first_name), /\p{Script=Arabic}/u);
    assert.match(String(r.city), /\p{Script=Arabic}/u);
    assert.ok(["basic", "premium", "business"].includes(String(r.plan)));
  }
  // The master's untouched parts still hold in both models.
  for (const rows of [model1, model2]) {
    const seen = new Set<unknown>();
    for (const r of rows) {
      assert.deepEqual(problems(r, seen, { min: 18, max: 80 }), [], JSON.stringify(r));
      seen.add(r.email);
      assert.match(String(r.email), /@example\.(com|net|org)$/);
    }
  }
  for (const r of model1) assert.equal(r.country, "US");
});

Deno.test("user-profile records are numbered UP-000001, UP-000002, … in every scenario", async () => {
  for (const variant of ["master", "model-1", "model-2", "positive", "negative", "exclusion"]) {
    const rows = await profiles(variant, 1200);
    rows.forEach((r, i) => assert.equal(r.record_no, `UP-${String(i + 1).padStart(6, "0")}`));
  }
  const [r] = await fixture("user-profile/positive", "user_profiles", { start: 41, count: 1 });
  assert.equal(r!.record_no, "UP-000042", "any record can be generated alone");
});

Deno.test("user-profile positive records are all valid and eligible", async () => {
  const rows = await profiles("positive", 3000);
  const seen = new Set<unknown>();
  for (const r of rows) {
    assert.deepEqual(problems(r, seen), [], JSON.stringify(r));
    seen.add(r.email);
    assert.equal(r.status, "active");
    assert.equal(r.email_verified, true);
    assert.equal(r.country, "US");
  }
  const cli = await runCli(["validate", "user-profile/positive", "--sample", "200", "--strict"]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stderr, /0 of 200 failed/);
});

Deno.test("user-profile negative rows are broken exactly as labelled, and only those", async () => {
  const rows = await profiles("negative", 2000);
  const seen = new Set<unknown>();
  const kinds = new Map<string, number>();
  rows.forEach((r, i) => {
    const label = r._anomaly as string | null;
    const found = problems(r, seen);
    seen.add(r.email);
    if (label === null) {
      assert.deepEqual(found, [], `row ${i} is unlabelled but ${found}`);
      return;
    }
    kinds.set(label, (kinds.get(label) ?? 0) + 1);
    const prev = rows[i - 1]!;
    switch (label) {
      case "invalid_email":
        assert.deepEqual(found, ["email"], `row ${i}`);
        assert.ok(!String(r.email).includes("@"));
        break;
      case "missing_required":
        // The username and email follow the missing last name, so they may
        // now collide with another account's.
        assert.deepEqual(found.filter((f) => f !== "duplicate"), ["last_name"], `row ${i}`);
        assert.equal(r.last_name, null);
        break;
      case "out_of_range_age":
        // An impossible age that still agrees with the birthdate.
        assert.deepEqual(found, ["age"], `row ${i}`);
        assert.ok((r.age as number) > 120 && (r.age as number) <= 150);
        break;
      case "malformed_phone":
        assert.deepEqual(found, ["phone"], `row ${i}`);
        assert.match(String(r.phone), /^\(\d{3}\) \d{3}-\d{4}$/);
        break;
      case "duplicate_account": {
        // The previous record again (as written, so with its own anomaly if
        // it had one), under its own record number and user id.
        const strip = ({ record_no: _n, user_id: _u, _anomaly: _a, ...rest }: Row) => rest;
        assert.deepEqual(strip(r), strip(prev), `row ${i}`);
        assert.notEqual(r.record_no, prev.record_no);
        assert.notEqual(r.user_id, prev.user_id);
        const without = (xs: string[]) => xs.filter((x) => x !== "duplicate");
        assert.deepEqual(without(found), without(problems(prev, new Set())), `row ${i}`);
        if (EMAIL.test(String(r.email))) assert.ok(found.includes("duplicate"));
        break;
      }
      default:
        assert.fail(`unknown label ${label}`);
    }
  });
  // Half the rows, a fifth of them of each kind (n = 2000: sd ≤ 0.011; tolerance 0.05 and 0.03).
  const broken = [...kinds.values()].reduce((a, b) => a + b, 0) / rows.length;
  assert.ok(Math.abs(broken - 0.5) < 0.05, `anomalous share ${broken}`);
  assert.equal(kinds.size, 5);
  for (const [kind, n] of kinds) {
    assert.ok(Math.abs(n / rows.length - 0.1) < 0.03, `${kind}: ${n / rows.length}`);
  }
});

Deno.test("user-profile exclusion marks about 20% of records, each with its reason", async () => {
  const rows = await profiles("exclusion", 5000);
  const seen = new Set<unknown>();
  const reasons = new Map<string, number>();
  for (const r of rows) {
    // Every record is well-formed; under-age ones are 13–17.
    assert.deepEqual(problems(r, seen, { min: 13, max: 80 }), [], JSON.stringify(r));
    seen.add(r.email);
    const reason = r.exclusion_reason as string | null;
    if (reason !== null) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    // Each reason shows in the record, and no kept record looks excluded.
    assert.equal(r.status === "deactivated", reason === "deactivated");
    assert.equal((r.age as number) < 18, reason === "under_age");
    assert.equal(String(r.email).endsWith("@test.invalid"), reason === "test_account");
    assert.equal(r.opted_out_at !== null, reason === "opted_out");
    if (reason === "opted_out") {
      assert.equal(r.marketing_opt_in, false);
      const after = Date.parse(String(r.opted_out_at)) - Date.parse(String(r.last_login_at));
      assert.ok(after >= 5 * 60_000 && after <= 3600_000, "opted out in the last session");
    }
  }
  // n = 5000: the excluded share has sd 0.006 (tolerance 0.025), each reason 0.003 (tolerance 0.015).
  const excluded = [...reasons.values()].reduce((a, b) => a + b, 0) / rows.length;
  assert.ok(Math.abs(excluded - 0.2) < 0.025, `excluded share ${excluded}`);
  assert.deepEqual([...reasons.keys()].sort(), [
    "deactivated",
    "opted_out",
    "test_account",
    "under_age",
  ]);
  for (const [reason, n] of reasons) {
    assert.ok(Math.abs(n / rows.length - 0.05) < 0.015, `${reason}: ${n / rows.length}`);
  }
});

Deno.test("user-profile ages match birthdates in every scenario, broken rows included", async () => {
  for (const variant of ["master", "model-1", "model-2", "positive", "negative", "exclusion"]) {
    for (const r of await profiles(variant, 1000)) {
      assert.equal(r.age, ageOn20250101(r.birthdate), `${variant} ${r.record_no}`);
    }
  }
});

Deno.test("user-profile wrapped nests the positive records in a user_profile document", async () => {
  const [flat, wrapped] = await Promise.all([profiles("positive", 50), profiles("wrapped", 50)]);
  wrapped.forEach((w, i) => {
    const f = flat[i]!;
    assert.deepEqual(Object.keys(w), ["record_no", "user_profile"]);
    assert.equal(w.record_no, f.record_no);
    assert.deepEqual(w.user_profile, {
      user_id: f.user_id,
      personal_info: {
        first_name: f.first_name,
        last_name: f.last_name,
        birthdate: f.birthdate,
        age: f.age,
      },
      contact: { username: f.username, email: f.email, phone: f.phone },
      address: {
        street: f.street,
        city: f.city,
        state: f.state,
        postal_code: f.postal_code,
        country: f.country,
      },
      preferences: {
        language: f.language,
        currency: f.currency,
        plan: f.plan,
        contact_method: f.contact_method,
        marketing_opt_in: f.marketing_opt_in,
        theme: f.theme,
      },
      account: {
        status: f.status,
        email_verified: f.email_verified,
        created_at: f.created_at,
        updated_at: f.updated_at,
        last_login_at: f.last_login_at,
      },
    });
  });
});

Deno.test("user-profile split layout writes one numbered file per record", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-user-profile-" });
  try {
    for (const variant of ["positive", "wrapped"]) {
      const out = `${dir}/${variant}`;
      const r = await runCli([
        "gen",
        `user-profile/${variant}`,
        "--layout",
        "split",
        "--count",
        "user_profiles=12",
        "--out",
        out,
        "--strict",
        "-q",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const names: string[] = [];
      for await (const e of Deno.readDir(`${out}/user_profiles`)) names.push(e.name);
      assert.deepEqual(
        names.sort(),
        Array.from(
          { length: 12 },
          (_, i) => `user_profiles-${String(i + 1).padStart(4, "0")}.json`,
        ),
      );
      const expected = await profiles(variant, 12);
      for (let i = 0; i < 12; i++) {
        const file = `${out}/user_profiles/user_profiles-${String(i + 1).padStart(4, "0")}.json`;
        const record = JSON.parse(await Deno.readTextFile(file));
        assert.equal(
          record.record_no,
          `UP-${String(i + 1).padStart(6, "0")}`,
          "file n is record n",
        );
        assert.deepEqual(record, expected[i]);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
