/**
 * The booking suite: the patient booking-form payload and its
 * variants obey every rule of the form — fields, static values, disposable
 * email domains, insurance formats, birthdates and ages per variant, and
 * real US locations — and its files read back as JSON and YAML.
 *
 * Statistical checks use fixed seeds and 2,000 rows; tolerances are stated
 * next to each (about 4.5 standard deviations, so a correct generator does
 * not fail by chance when a seed changes).
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { fixture, type Row } from "../../mod.ts";
import { placeTable } from "../../plugins/_shared/places.ts";
import { runCli } from "../_helpers/rows.ts";

const N = 2000;
const PAYLOAD = [
  "first_name",
  "last_name",
  "email",
  "phone_number",
  "zip",
  "contact_method",
  "verification_code",
  "zip_distance",
  "dob",
  "MemberName",
  "idNumber",
  "GroupNumber",
  "PayerName",
];
const PAYERS = [
  "Aetna Health",
  "Blue Cross Blue Shield",
  "Cigna Healthcare",
  "UnitedHealthcare",
  "Humana",
];
const VARIANTS = ["base", "young-patients", "senior-patients", "dynamic-zip", "dynamic-locations"];

/** `count` patients of a booking scenario, seed 7. */
function patients(variant: string, count = N): Promise<Row[]> {
  return fixture(`booking/${variant}`, "patients", { seed: 7, counts: { patients: count } });
}

/** The share of rows for which `test` holds. */
function share(rows: readonly Row[], test: (r: Row) => boolean): number {
  return rows.filter(test).length / rows.length;
}

/** The age in whole years on 2025-01-01 (the suite's reference date) of an MM/DD/YYYY date. */
function ageOn20250101(dob: string): number {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(dob);
  assert.ok(m, `dob ${dob} is MM/DD/YYYY`);
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  assert.equal(date.getUTCDate(), day, `dob ${dob} is a real date`);
  return 2025 - year - (month > 1 || day > 1 ? 1 : 0);
}

// The first digit of a ZIP code names a group of states (USPS national areas;
// El Paso, TX has 885–888 in area 8 and federal agencies in Washington, DC
// have 569 in area 5).
const ZIP_AREAS: Readonly<Record<string, readonly string[]>> = {
  "0": ["CT", "MA", "ME", "NH", "NJ", "PR", "RI", "VT", "VI"],
  "1": ["DE", "NY", "PA"],
  "2": ["DC", "MD", "NC", "SC", "VA", "WV"],
  "3": ["AL", "FL", "GA", "MS", "TN"],
  "4": ["IN", "KY", "MI", "OH"],
  "5": ["DC", "IA", "MN", "MT", "ND", "SD", "WI"],
  "6": ["IL", "KS", "MO", "NE"],
  "7": ["AR", "LA", "OK", "TX"],
  "8": ["AZ", "CO", "ID", "NM", "NV", "TX", "UT", "WY"],
  "9": ["AK", "CA", "HI", "OR", "WA"],
};

Deno.test("booking fixture gives a patient in one line", async () => {
  // The one-liner documented in README ("Fixtures in tests"):
  const [patient] = await fixture("booking/base", "patients", { seed: 1 });
  assert.ok(patient);
  assert.deepEqual(Object.keys(patient), PAYLOAD);
  // Same seed, same patient; another seed, another one.
  const [again] = await fixture("booking/base", "patients", { seed: 1 });
  const [other] = await fixture("booking/base", "patients", { seed: 2 });
  assert.deepEqual(again, patient);
  assert.notDeepEqual(other, patient);
});

Deno.test("booking payloads have exactly the form's fields, in the form's order", async () => {
  for (const variant of ["base", "young-patients", "senior-patients", "dynamic-zip"]) {
    const rows = await patients(variant, 5);
    for (const r of rows) assert.deepEqual(Object.keys(r), PAYLOAD, variant);
  }
  const [located] = await patients("dynamic-locations", 1);
  assert.deepEqual(Object.keys(located!), [...PAYLOAD, "city", "state"]);
});

Deno.test("booking emails use only mailinator.com and yopmail.com, about half each", async () => {
  for (const variant of VARIANTS) {
    const rows = await patients(variant);
    const emails = rows.map((r) => String(r.email));
    for (const e of emails) assert.match(e, /^[a-z0-9.-]+@(mailinator\.com|yopmail\.com)$/, e);
    assert.equal(new Set(emails).size, emails.length, `${variant}: emails are unique`);
    // p = 0.5, n = 2000: sd 0.011; tolerance 0.05.
    const mailinator = share(rows, (r) => String(r.email).endsWith("@mailinator.com"));
    assert.ok(Math.abs(mailinator - 0.5) < 0.05, `${variant}: mailinator share ${mailinator}`);
  }
});

Deno.test("booking static fields hold the form's fixed values", async () => {
  for (const variant of VARIANTS) {
    for (const r of await patients(variant, 200)) {
      assert.equal(r.phone_number, "1234567890");
      assert.equal(r.verification_code, "123456");
      if (!variant.startsWith("dynamic")) assert.equal(r.zip, "20678");
    }
  }
});

Deno.test("booking insurance fields have the INS-#####, GRP-#### formats and one of five payers", async () => {
  const rows = await patients("base");
  for (const r of rows) {
    assert.match(String(r.idNumber), /^INS-\d{5}$/);
    assert.match(String(r.GroupNumber), /^GRP-\d{4}$/);
    assert.ok(PAYERS.includes(String(r.PayerName)), String(r.PayerName));
    assert.equal(r.MemberName, `${r.first_name} ${r.last_name}`, "the patient is the member");
  }
  // Uniform over 5 payers: p = 0.2, sd 0.009; tolerance 0.04.
  for (const payer of PAYERS) {
    const p = share(rows, (r) => r.PayerName === payer);
    assert.ok(Math.abs(p - 0.2) < 0.04, `${payer}: ${p}`);
  }
});

Deno.test("booking contact method and zip distance come from the form's options", async () => {
  const rows = await patients("base");
  // Uniform over 3 and 4 options: sd ≤ 0.011; tolerance 0.05.
  for (const method of ["Text", "Email", "Call"]) {
    const p = share(rows, (r) => r.contact_method === method);
    assert.ok(Math.abs(p - 1 / 3) < 0.05, `${method}: ${p}`);
  }
  for (const distance of ["25", "50", "75", "100"]) {
    const p = share(rows, (r) => r.zip_distance === distance);
    assert.ok(Math.abs(p - 0.25) < 0.05, `${distance}: ${p}`);
  }
});

Deno.test("booking dob is MM/DD/YYYY and the age fits each variant", async () => {
  // [variant, youngest, oldest, mean age, tolerance of the mean]. Birthdates
  // are uniform over the days of the range, so ages are nearly uniform over
  // youngest..oldest-1 (the oldest age falls on one day only); the sd of the
  // mean of 2,000 ages is below 0.25 for every range.
  const cases: [string, number, number, number, number][] = [
    ["base", 18, 90, 53.5, 1.5],
    ["young-patients", 18, 30, 23.5, 0.5],
    ["senior-patients", 65, 90, 77, 0.75],
  ];
  for (const [variant, min, max, mean, tolerance] of cases) {
    const ages = (await patients(variant)).map((r) => ageOn20250101(String(r.dob)));
    assert.ok(Math.min(...ages) >= min && Math.max(...ages) <= max, `${variant}: ${min}–${max}`);
    const m = ages.reduce((a, b) => a + b, 0) / ages.length;
    assert.ok(Math.abs(m - mean) < tolerance, `${variant}: mean age ${m}`);
  }
});

Deno.test("booking dynamic zip gives real US ZIP codes that vary", async () => {
  const us = placeTable("US")!;
  const known = new Set(us.places.flatMap((p) => p.postalCodes));
  const rows = await patients("dynamic-zip");
  for (const r of rows) {
    assert.match(String(r.zip), /^\d{5}$/);
    assert.ok(known.has(String(r.zip)), `${r.zip} is a ZIP code of the place data`);
  }
  assert.ok(new Set(rows.map((r) => r.zip)).size > 500, "many different ZIP codes");
});

Deno.test("booking dynamic locations have a city, state and ZIP code that agree", async () => {
  const us = placeTable("US")!;
  const rows = await patients("dynamic-locations");
  for (const r of rows) {
    const zip = String(r.zip), state = String(r.state), city = String(r.city);
    // Against the place data: some place is this city, in this state, with this ZIP code.
    assert.ok(
      us.places.some((p) =>
        p.city === city && p.stateCode === state && p.postalCodes.includes(zip)
      ),
      `${city}, ${state} ${zip} is a real place`,
    );
    // Independently of the data: the ZIP code's first digit covers the state.
    assert.ok(ZIP_AREAS[zip[0]!]!.includes(state), `${zip} is not in ${state}'s ZIP area`);
  }
  assert.ok(new Set(rows.map((r) => r.state)).size > 30, "patients live in many states");
});

Deno.test("booking gen writes JSON and YAML files that hold the same patients", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-booking-" });
  try {
    for (const variant of VARIANTS) {
      const out = `${dir}/${variant}`;
      const r = await runCli(["gen", `booking/${variant}`, "--out", out, "--strict", "-q"]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(await Deno.readTextFile(`${out}/patients.json`)) as Row[];
      const yaml = parse(await Deno.readTextFile(`${out}/patients.yaml`)) as Row[];
      assert.equal(json.length, 10);
      assert.deepEqual(yaml, json, `${variant}: YAML and JSON agree`);
      // YAML keeps text as text: "1234567890", "20678" and "123456" are not numbers.
      assert.equal(yaml[0]!.phone_number, "1234567890");
      assert.equal(yaml[0]!.verification_code, "123456");
      assert.equal(typeof yaml[0]!.zip, "string");
      // The files hold the scenario's own rows (seed 42), as the library gives them.
      assert.deepEqual(json, await fixture(`booking/${variant}`, "patients"));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
