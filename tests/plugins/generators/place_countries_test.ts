import assert from "node:assert/strict";
// Test-only: libphonenumber-js checks the numbers; gen never imports it.
import { parsePhoneNumberWithError } from "libphonenumber-js/max";
import fr from "../../../plugins/_data/places_fr.json" with { type: "json" };
import inData from "../../../plugins/_data/places_in.json" with { type: "json" };
import { postalPattern } from "../../../plugins/_shared/postal_codes.ts";
import { PLACE_COUNTRIES, placeTable } from "../../../plugins/_shared/places.ts";
import { rowsOf, runCli } from "../../_helpers/rows.ts";
import { rowsAloneMatchBatch, tally } from "./_setup.ts";

const PARTS = [
  "city",
  "state",
  "state_code",
  "postal_code",
  "area_code",
  "phone",
  "country_code",
  "district",
  "latitude",
  "longitude",
] as const;

function fields(where: Record<string, unknown>, style: "national" | "e164") {
  return Object.fromEntries(
    PARTS.map((p) => [p, { place: { ...where, part: p, phone_style: style } }]),
  );
}

async function countryRows(country: string, n: number, style: "national" | "e164", seed = 5) {
  return await rowsOf({
    name: "t",
    seed,
    entities: { e: { count: n, fields: fields({ country }, style) } },
  }, "e");
}

async function frenchRows(n: number, style: "national" | "e164", seed = 5) {
  return await countryRows("FR", n, style, seed);
}

Deno.test("France has place data", () => {
  assert.ok(PLACE_COUNTRIES.includes("FR"));
  assert.equal(placeTable("fr")!.places.length, fr.places.length);
  assert.ok(fr.places.length >= 100);
});

Deno.test("French city, région, postal code, area code and phone agree in every row", async () => {
  const table = placeTable("FR")!;
  for (const style of ["national", "e164"] as const) {
    const rows = await frenchRows(3000, style);
    for (const r of rows) {
      const place = table.places.find((p) => p.city === r.city && p.stateCode === r.state_code);
      assert.ok(place, `${r.city} ${r.state_code}`);
      assert.equal(r.state, place.state);
      assert.equal(r.country_code, "FR");
      assert.equal(r.district, null);
      assert.ok(place.postalCodes.includes(r.postal_code as string));
      assert.ok(place.areaCodes.includes(r.area_code as string));
      const phone = r.phone as string;
      const parsed = parsePhoneNumberWithError(phone, "FR");
      assert.ok(parsed.isValid(), phone);
      assert.equal(parsed.getType(), "FIXED_LINE", phone);
      assert.equal(parsed.country, "FR", phone);
      if (style === "e164") {
        assert.equal(phone, parsed.number);
        assert.ok(phone.startsWith(`+33${r.area_code}`), phone);
      } else {
        // The national format is libphonenumber's: 0Z AB PQ MC DU.
        assert.equal(phone, parsed.formatNational(), phone);
        assert.ok(phone.startsWith(`0${r.area_code} `), phone);
      }
    }
    assert.ok(new Set(rows.map((r) => r.state_code)).size >= 12, "most régions appear");
    // Population weighting: Paris is the most frequent city.
    const counts = [...tally(rows.map((r) => r.city)).entries()].sort((a, b) => b[1] - a[1]);
    assert.equal(counts[0]![0], "Paris");
  }
});

Deno.test("French data: postal codes pass the format validator and belong to one department", () => {
  const pattern = postalPattern("FR")!;
  const column = fr.columns.indexOf("postal_codes");
  for (const p of fr.places) {
    const codes = String(p[column]).split(" ");
    for (const code of codes) assert.ok(pattern.test(code), `${p[0]} ${code}`);
    // Corsica's departments (2A, 2B) share the 20 prefix; every other city's
    // codes start with its one department number.
    assert.equal(new Set(codes.map((c) => c.slice(0, 2))).size, 1, `${p[0]}: ${codes}`);
  }
});

Deno.test("French data: spot checks against the sources", () => {
  const table = placeTable("FR")!;
  const city = (name: string) => table.places.find((p) => p.city === name)!;
  const expect: [string, string, string, string, string][] = [
    // city, ISO 3166-2 région, région name, a postal code, zone
    ["Paris", "IDF", "Île-de-France", "75015", "1"],
    ["Marseille", "PAC", "Provence-Alpes-Côte d'Azur", "13008", "4"],
    ["Lyon", "ARA", "Auvergne-Rhône-Alpes", "69003", "4"],
    ["Toulouse", "OCC", "Occitanie", "31000", "5"],
    ["Montpellier", "OCC", "Occitanie", "34000", "4"],
    ["Lille", "HDF", "Hauts-de-France", "59000", "3"],
    ["Rennes", "BRE", "Bretagne", "35000", "2"],
    ["Strasbourg", "GES", "Grand Est", "67000", "3"],
    ["Bordeaux", "NAQ", "Nouvelle-Aquitaine", "33000", "5"],
    ["Nantes", "PDL", "Pays de la Loire", "44000", "2"],
    ["Saint-Étienne", "ARA", "Auvergne-Rhône-Alpes", "42000", "4"],
    ["Ajaccio", "COR", "Corse", "20000", "4"],
  ];
  for (const [name, code, region, postal, zone] of expect) {
    const p = city(name);
    assert.ok(p, name);
    assert.equal(p.stateCode, code, name);
    assert.equal(p.state, region, name);
    assert.ok(p.postalCodes.includes(postal), `${name} ${postal}`);
    assert.deepEqual(p.areaCodes, [zone], name);
  }
  assert.equal(city("Paris").postalCodes.length, 21, "75001–75020 and 75116");
});

Deno.test("place with FR per row gives the same rows alone as in a batch", async () => {
  const scenario = {
    name: "t",
    seed: 9,
    entities: {
      e: {
        count: 400,
        fields: {
          c: { choice: ["US", "EG", "FR", "IN"] },
          ...fields({ country_field: "c" }, "national"),
        },
      },
    },
  };
  const { alone, batch } = await rowsAloneMatchBatch(scenario, "e", [0, 199, 399]);
  assert.deepEqual(alone, batch);
});

Deno.test("French postal codes and phones pass the format validator in a real run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-place-fr-" });
  await Deno.writeTextFile(
    `${dir}/s.yaml`,
    `name: s
entities:
  c:
    count: 1000
    fields:
      country: { choice: [FR, US, EG, IN] }
      zip: { place: { country_field: country, part: postal_code }, validate: { format: { postal_code: { country_field: country } } } }
      phone: { place: { country_field: country, part: phone, phone_style: e164 }, validate: { format: phone } }
`,
  );
  const { code, stderr } = await runCli(["validate", "s.yaml", "--sample", "1000", "--strict"], {
    cwd: dir,
  });
  await Deno.remove(dir, { recursive: true });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /c\.zip format: 0 of 1,?000 failed/);
  assert.match(stderr, /c\.phone format: 0 of 1,?000 failed/);
});

Deno.test("India has place data", () => {
  assert.ok(PLACE_COUNTRIES.includes("IN"));
  assert.equal(placeTable("in")!.places.length, inData.places.length);
  assert.ok(inData.places.length >= 50);
});

Deno.test("Indian city, state, PIN code, STD code and phone agree in every row", async () => {
  const table = placeTable("IN")!;
  for (const style of ["national", "e164"] as const) {
    const rows = await countryRows("IN", 3000, style);
    for (const r of rows) {
      const place = table.places.find((p) => p.city === r.city && p.stateCode === r.state_code);
      assert.ok(place, `${r.city} ${r.state_code}`);
      assert.equal(r.state, place.state);
      assert.equal(r.country_code, "IN");
      assert.equal(r.district, null);
      assert.ok(place.postalCodes.includes(r.postal_code as string));
      assert.ok(place.areaCodes.includes(r.area_code as string));
      const phone = r.phone as string;
      const parsed = parsePhoneNumberWithError(phone, "IN");
      assert.ok(parsed.isValid(), phone);
      // STD codes that overlap mobile ranges (0891, 0744, 0771…) make
      // libphonenumber say "fixed line or mobile".
      assert.ok(["FIXED_LINE", "FIXED_LINE_OR_MOBILE"].includes(parsed.getType()!), phone);
      assert.equal(parsed.country, "IN", phone);
      assert.equal(parsed.nationalNumber.length, 10, phone);
      if (style === "e164") {
        assert.equal(phone, parsed.number);
        assert.ok(phone.startsWith(`+91${r.area_code}2`), phone);
      } else {
        assert.ok(phone.startsWith(`0${r.area_code} 2`), phone);
        // libphonenumber's own layout where it knows the number is a fixed line.
        if (parsed.getType() === "FIXED_LINE") assert.equal(phone, parsed.formatNational(), phone);
      }
    }
    assert.ok(new Set(rows.map((r) => r.state_code)).size >= 20, "most states appear");
    // Population weighting: Mumbai is the most frequent city.
    const counts = [...tally(rows.map((r) => r.city)).entries()].sort((a, b) => b[1] - a[1]);
    assert.equal(counts[0]![0], "Mumbai");
  }
});

Deno.test("Indian data: PIN codes pass the format validator, one prefix per city, none shared", () => {
  const pattern = postalPattern("IN")!;
  const column = inData.columns.indexOf("postal_codes");
  const seen = new Set<string>();
  for (const p of inData.places) {
    const codes = String(p[column]).split(" ");
    for (const code of codes) {
      assert.ok(/^[1-9]\d{5}$/.test(code) && pattern.test(code), `${p[0]} ${code}`);
      assert.ok(!seen.has(code), `${p[0]} ${code} belongs to two cities`);
      seen.add(code);
    }
    // A city's PINs share its head office's first three digits (its sorting district).
    assert.equal(new Set(codes.map((c) => c.slice(0, 3))).size, 1, `${p[0]}: ${codes}`);
  }
});

Deno.test("Indian data: spot checks against the sources", () => {
  const table = placeTable("IN")!;
  const city = (name: string) => table.places.find((p) => p.city === name)!;
  const expect: [string, string, string, string, string][] = [
    // city, ISO 3166-2:IN state, state name, a PIN code, STD code
    ["Mumbai", "MH", "Maharashtra", "400001", "22"],
    ["Delhi", "DL", "Delhi", "110001", "11"],
    ["Bengaluru", "KA", "Karnataka", "560001", "80"],
    ["Chennai", "TN", "Tamil Nadu", "600001", "44"],
    ["Kolkata", "WB", "West Bengal", "700001", "33"],
    ["Hyderabad", "TG", "Telangana", "500001", "40"],
    ["Ahmedabad", "GJ", "Gujarat", "380001", "79"],
    ["Pune", "MH", "Maharashtra", "411001", "20"],
    ["Jaipur", "RJ", "Rajasthan", "302001", "141"],
    ["Lucknow", "UP", "Uttar Pradesh", "226001", "522"],
    ["Surat", "GJ", "Gujarat", "395001", "261"],
    ["Kochi", "KL", "Kerala", "682001", "484"],
    ["Bhubaneswar", "OD", "Odisha", "751001", "674"],
    ["Dehradun", "UK", "Uttarakhand", "248001", "135"],
    ["Raipur", "CG", "Chhattisgarh", "492001", "771"],
  ];
  for (const [name, code, state, pin, std] of expect) {
    const p = city(name);
    assert.ok(p, name);
    assert.equal(p.stateCode, code, name);
    assert.equal(p.state, state, name);
    assert.ok(p.postalCodes.includes(pin), `${name} ${pin}`);
    assert.deepEqual(p.areaCodes, [std], name);
  }
  assert.ok(
    city("Mumbai").postalCodes.includes("400104"),
    "Mumbai's delivery offices run to 400104",
  );
  assert.ok(!city("Mumbai").postalCodes.includes("400601"), "Thane is not Mumbai");
});

Deno.test("place with IN gives the same rows alone as in a batch", async () => {
  const scenario = {
    name: "t",
    seed: 11,
    entities: { e: { count: 300, fields: fields({ country: "IN" }, "e164") } },
  };
  const { alone, batch } = await rowsAloneMatchBatch(scenario, "e", [0, 150, 299]);
  assert.deepEqual(alone, batch);
});
