import assert from "node:assert/strict";
import { allLocales, base, Faker, type LocaleDefinition } from "@faker-js/faker";
import { columnOf } from "../../_helpers/rows.ts";
import { fakerFor } from "../../../plugins/_shared/faker_for.ts";
import { Random } from "../../../core/random.ts";

const REF = new Date("2025-01-01T00:00:00Z");

/** A plain faker for a locale chain, to read its definitions. */
function plainFaker(locale: string): Faker {
  const l = allLocales as Record<string, LocaleDefinition>;
  return new Faker({ locale: [l[locale]!, ...(locale.startsWith("en") ? [] : [l.en!]), base] });
}

/** Every name in a sexed list (`{ generic, female, male }`). */
function allOf(def: unknown): Set<string> {
  const d = def as Record<string, string[] | undefined>;
  return new Set([...(d.generic ?? []), ...(d.female ?? []), ...(d.male ?? [])]);
}

Deno.test("faker fast paths pick names from the scenario's locale", async () => {
  for (const locale of ["en", "de", "ja", "ru", "fr"]) {
    const defs = plainFaker(locale).definitions.person!;
    const firsts = await columnOf({ faker: "person.firstName" }, 300, { locale });
    const lasts = await columnOf({ faker: "person.lastName" }, 300, { locale });
    const firstNames = allOf(defs.first_name), lastNames = allOf(defs.last_name);
    for (const v of firsts) assert.ok(firstNames.has(v as string), `${locale}: ${v}`);
    // A last name may be a pattern of two (en: "Smith-Jones").
    for (const v of lasts) {
      assert.ok(
        (v as string).split("-").every((part) => lastNames.has(part)) || lastNames.has(v as string),
        `${locale}: ${v}`,
      );
    }
    assert.ok(new Set(firsts).size > 100, `${locale}: only ${new Set(firsts).size} first names`);
  }
});

Deno.test("faker fast paths keep faker's sex mix: female, male and generic lists all show up", async () => {
  const defs = plainFaker("en").definitions.person!;
  const d = defs.first_name as unknown as Record<string, string[]>;
  const v = new Set(await columnOf({ faker: "person.firstName" }, 3000)) as Set<string>;
  for (const list of ["female", "male", "generic"]) {
    assert.ok(d[list]!.some((n) => v.has(n)), `no ${list} name in 3000 rows`);
  }
  const female = await columnOf({ faker: { method: "person.firstName", args: ["female"] } }, 500);
  const allowed = new Set([...d.female!, ...d.generic!]);
  for (const n of female) assert.ok(allowed.has(n as string), `${n} is not a female name`);
});

Deno.test("faker fast paths fill patterns: cities, phone numbers, postcodes, country codes", async () => {
  const f = plainFaker("en");
  const codes = new Set(
    (f.definitions.location!.country_code as unknown as { alpha2: string; alpha3: string }[])
      .map((c) => c.alpha2),
  );
  for (const c of await columnOf({ faker: "location.countryCode" }, 200)) {
    assert.ok(codes.has(c as string), String(c));
  }
  for (const c of await columnOf({ faker: "location.city" }, 200)) {
    assert.match(c as string, /^[A-Z][A-Za-z'. -]+$/);
    assert.doesNotMatch(c as string, /\{\{|\}\}/);
  }
  for (
    const p of await columnOf({
      faker: { method: "phone.number", args: [{ style: "international" }] },
    }, 200)
  ) assert.match(p as string, /^\+1[2-9]\d{9}$|^\+1\d{10}$/);
  for (const z of await columnOf({ faker: "location.zipCode" }, 200)) {
    assert.match(z as string, /^\d{5}(-\d{4})?$/);
  }
  const de = await columnOf(
    { faker: { method: "phone.number", args: [{ style: "international" }] } },
    50,
    {
      locale: "de",
    },
  );
  for (const p of de) assert.match(p as string, /^\+49\d{10,12}$/);
});

Deno.test("faker fast paths give lorem text of the asked length", async () => {
  const words = new Set(plainFaker("en").definitions.lorem!.word as string[]);
  for (const s of await columnOf({ faker: "lorem.sentence" }, 100)) {
    const parts = (s as string).slice(0, -1).toLowerCase().split(" ");
    assert.ok(parts.length >= 3 && parts.length <= 10, s as string);
    assert.ok(parts.every((w) => words.has(w)), s as string);
    assert.match(s as string, /^[A-Z].*\.$/);
  }
  for (const s of await columnOf({ faker: { method: "lorem.words", args: [4] } }, 20)) {
    assert.equal((s as string).split(" ").length, 4);
  }
});

Deno.test("methods and arguments without a fast path still go to faker, deterministically", async () => {
  const a = await columnOf({ faker: "internet.httpMethod" }, 50);
  assert.deepEqual(await columnOf({ faker: "internet.httpMethod" }, 50), a);
  for (const m of a) assert.match(m as string, /^(GET|POST|PUT|DELETE|PATCH)$/);
  const nums = await columnOf({ faker: { method: "string.numeric", args: [6] } }, 20);
  for (const n of nums) assert.match(n as string, /^\d{6}$/);
  // email: fast names and provider, faker's own username rules.
  const emails = await columnOf({ faker: "internet.email" }, 100);
  for (const e of emails) {
    assert.match(e as string, /^[A-Za-z0-9._+-]+@(gmail|yahoo|hotmail)\.com$/);
  }
});

Deno.test("a fast path is a pure function of the row's stream", () => {
  const { fast } = fakerFor("en", REF);
  const r = new Random();
  for (const m of ["person.fullName", "location.city", "phone.number", "company.name"]) {
    const pick = fast.method(m, [])!;
    assert.ok(pick, `${m} has a fast path`);
    r.reseed(99, 12345);
    const v = pick(r);
    r.reseed(99, 12345);
    assert.equal(pick(r), v, m);
  }
  assert.equal(fast.method("internet.httpMethod", []), undefined);
  assert.equal(fast.method("person.firstName", [{ sex: "female" }]), undefined);
});
