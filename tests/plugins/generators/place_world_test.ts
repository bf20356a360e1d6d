import assert from "node:assert/strict";
// Test-only: libphonenumber-js checks the numbers; gen never imports it.
import { parsePhoneNumberWithError } from "libphonenumber-js/max";
import { postalPattern } from "../../../plugins/_shared/postal_codes.ts";
import { PLACE_COUNTRIES, type PlaceTable, placeTable } from "../../../plugins/_shared/places.ts";
import { rowsOf, runCli } from "../../_helpers/rows.ts";
import { rowsAloneMatchBatch, tally } from "./_setup.ts";

/**
 * The countries built by plugins/_data/build_places_world.ts, the most
 * populous city of each, and the libphonenumber types their fixed-line numbers
 * have (NANP and Mexico do not tell fixed lines from mobiles).
 */
const COUNTRIES: readonly [string, string, readonly string[]][] = [
  ["AM", "Yerevan", ["FIXED_LINE"]],
  ["AR", "Buenos Aires", ["FIXED_LINE"]],
  ["AU", "Sydney", ["FIXED_LINE"]],
  ["BR", "São Paulo", ["FIXED_LINE"]],
  ["CA", "Toronto", ["FIXED_LINE", "FIXED_LINE_OR_MOBILE"]],
  ["ES", "Madrid", ["FIXED_LINE"]],
  ["IT", "Rome", ["FIXED_LINE"]],
  ["KR", "Seoul", ["FIXED_LINE"]],
  ["MX", "Mexico City", ["FIXED_LINE", "FIXED_LINE_OR_MOBILE"]],
  ["PH", "Quezon City", ["FIXED_LINE"]],
  ["RU", "Moscow", ["FIXED_LINE"]],
  ["TH", "Bangkok", ["FIXED_LINE"]],
  ["TR", "Istanbul", ["FIXED_LINE"]],
  ["TW", "Taipei", ["FIXED_LINE"]],
  ["UA", "Kyiv", ["FIXED_LINE"]],
  ["UY", "Montevideo", ["FIXED_LINE"]],
];

/** ISO 3166-2 subdivision codes (without the country) of the regions that appear. */
const ISO_3166_2: Readonly<Record<string, RegExp>> = {
  AM: /^(?:AG|AR|AV|ER|GR|KT|LO|SH|SU|TV|VD)$/,
  AR: /^[A-HJ-NP-Z]$/,
  AU: /^(?:ACT|NSW|NT|QLD|SA|TAS|VIC|WA)$/,
  BR: /^[A-Z]{2}$/,
  CA: /^(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)$/,
  ES: /^[A-Z]{1,2}$/,
  IT: /^[A-Z]{2}$/,
  KR: /^(?:11|26|27|28|29|30|31|41|42|43|44|45|46|47|48|49|50)$/,
  MX: /^[A-Z]{3}$/,
  PH: /^(?:00|[A-Z]{3})$/,
  RU: /^[A-Z]{2,3}$/,
  TH: /^\d{2}$/,
  TR: /^\d{2}$/,
  TW: /^[A-Z]{3}$/,
  UA: /^\d{2}$/,
  UY: /^[A-Z]{2}$/,
};

const PARTS = [
  "city",
  "state",
  "state_code",
  "postal_code",
  "area_code",
  "phone",
  "country_code",
  "district",
] as const;

function fields(where: Record<string, unknown>, style: "national" | "e164") {
  return Object.fromEntries(
    PARTS.map((p) => [p, { place: { ...where, part: p, phone_style: style } }]),
  );
}

function find(table: PlaceTable, city: unknown, state: unknown) {
  return table.places.find((p) => p.city === city && p.stateCode === state);
}

Deno.test("the place data covers at least 20 countries", () => {
  assert.ok(PLACE_COUNTRIES.length >= 20, PLACE_COUNTRIES.join(" "));
  for (const [country] of COUNTRIES) assert.ok(PLACE_COUNTRIES.includes(country), country);
});

for (const [country, biggest, types] of COUNTRIES) {
  Deno.test(`${country}: data holds together (regions, prefixes, templates)`, () => {
    const table = placeTable(country)!;
    assert.ok(table.places.length >= 15, `${country}: ${table.places.length} places`);
    assert.ok(table.postalFormat && table.callingCode, country);
    const iso = ISO_3166_2[country]!;
    const seen = new Set<string>();
    for (const p of table.places) {
      assert.match(p.stateCode, iso, `${country} ${p.city}`);
      assert.ok(p.state.length > 0);
      assert.ok(!seen.has(`${p.city}|${p.stateCode}`), `${p.city} twice`);
      seen.add(`${p.city}|${p.stateCode}`);
      assert.ok(p.postalPrefixes && p.postalPrefixes.length > 0, p.city);
      assert.equal(p.phoneTemplates!.length, p.areaCodes.length, p.city);
      for (const [i, t] of p.phoneTemplates!.entries()) {
        // The template's digits start with its area code (after any national prefix).
        const digits = t.replace(/[^\d#]/g, "").slice(table.nationalPrefix.length);
        assert.ok(digits.startsWith(p.areaCodes[i]!), `${p.city}: ${t} vs ${p.areaCodes[i]}`);
      }
      assert.ok(Math.abs(p.latitude) <= 90 && Math.abs(p.longitude) <= 180);
    }
    assert.ok(table.places.some((p) => p.city === biggest), `${country} has ${biggest}`);
  });

  Deno.test(`${country}: city, region, postal code, area code and phone agree in every row`, async () => {
    const table = placeTable(country)!;
    const pattern = postalPattern(country)!;
    assert.ok(pattern, `${country} has a postal pattern`);
    for (const style of ["national", "e164"] as const) {
      const rows = await rowsOf({
        name: "t",
        seed: 5,
        entities: { e: { count: 1500, fields: fields({ country }, style) } },
      }, "e");
      for (const r of rows) {
        const place = find(table, r.city, r.state_code);
        assert.ok(place, `${r.city} ${r.state_code}`);
        assert.equal(r.state, place.state);
        assert.equal(r.country_code, country);
        assert.equal(r.district, null);
        const postal = r.postal_code as string;
        assert.ok(pattern.test(postal), `${country} ${r.city}: ${postal}`);
        assert.ok(
          place.postalPrefixes!.some((prefix) => postal.startsWith(prefix)),
          `${country} ${r.city}: ${postal} has none of ${place.postalPrefixes}`,
        );
        assert.ok(place.areaCodes.includes(r.area_code as string));
        const phone = r.phone as string;
        const parsed = parsePhoneNumberWithError(phone, country as "AR");
        assert.ok(parsed.isValid(), `${country} ${r.city}: ${phone}`);
        assert.ok(types.includes(parsed.getType()!), `${phone}: ${parsed.getType()}`);
        assert.equal(parsed.country, country, phone);
        const template = place.phoneTemplates![place.areaCodes.indexOf(r.area_code as string)]!;
        if (style === "e164") {
          assert.equal(phone, parsed.number);
          assert.ok(phone.startsWith(`+${table.callingCode}${r.area_code}`), phone);
        } else {
          // libphonenumber's own national layout, in the area code's template.
          assert.equal(phone, parsed.formatNational(), phone);
          assert.equal(phone.replace(/\d/g, "#"), template.replace(/\d/g, "#"), phone);
        }
      }
      // Population weighting: the biggest city is the most frequent.
      const counts = [...tally(rows.map((r) => r.city)).entries()].sort((a, b) => b[1] - a[1]);
      assert.equal(counts[0]![0], biggest, country);
    }
  });
}

Deno.test("world data: spot checks against the sources", () => {
  const city = (country: string, name: string) =>
    placeTable(country)!.places.find((p) => p.city === name)!;
  const expect: [string, string, string, string, string, string][] = [
    // country, city, ISO 3166-2 code, region name, a postal prefix, an area code
    ["AM", "Gyumri", "SH", "Shirak", "26", "312"],
    ["AR", "Buenos Aires", "C", "Ciudad Autónoma de Buenos Aires", "C1", "11"],
    ["AR", "Córdoba", "X", "Córdoba", "X5", "351"],
    ["AU", "Melbourne", "VIC", "Victoria", "3", "3"],
    ["BR", "São Paulo", "SP", "São Paulo", "01", "11"],
    ["BR", "Rio de Janeiro", "RJ", "Rio de Janeiro", "20", "21"],
    ["CA", "Toronto", "ON", "Ontario", "M", "416"],
    ["CA", "Vancouver", "BC", "British Columbia", "V", "604"],
    ["ES", "Madrid", "M", "Madrid", "28", "91"],
    ["ES", "Barcelona", "B", "Barcelona", "08", "93"],
    ["IT", "Rome", "RM", "Roma", "00", "06"],
    ["IT", "Milan", "MI", "Milano", "20", "02"],
    ["KR", "Busan", "26", "Busan", "46", "51"],
    // A municipality with postal prefixes of its own in libaddressinput.
    ["KR", "Suwon", "41", "Gyeonggi-do", "162", "31"],
    ["TW", "Hsinchu", "HSZ", "Hsinchu City", "300", "3"],
    ["MX", "Guadalajara", "JAL", "Jalisco", "44", "33"],
    ["RU", "Saint Petersburg", "SPE", "Sankt-Peterburg", "19", "812"],
    ["TR", "Ankara", "06", "Ankara", "06", "312"],
    ["UA", "Kharkiv", "63", "Kharkiv oblast", "61", "572"],
  ];
  for (const [country, name, code, region, prefix, area] of expect) {
    const p = city(country, name);
    assert.ok(p, `${country} ${name}`);
    assert.equal(p.stateCode, code, name);
    assert.equal(p.state, region, name);
    assert.ok(p.postalPrefixes!.includes(prefix), `${name}: ${p.postalPrefixes}`);
    assert.ok(p.areaCodes.includes(area), `${name}: ${p.areaCodes}`);
  }
  // Suwon's codes are its own, not all of Gyeonggi-do's (10xxx–18xxx).
  assert.ok(!city("KR", "Suwon").postalPrefixes!.includes("10"));
});

Deno.test("world data gives the same rows alone as in a batch, per row country", async () => {
  const scenario = {
    name: "t",
    seed: 13,
    entities: {
      e: {
        count: 400,
        fields: {
          c: { choice: COUNTRIES.map(([c]) => c) },
          ...fields({ country_field: "c" }, "e164"),
        },
      },
    },
  };
  const { alone, batch } = await rowsAloneMatchBatch(scenario, "e", [0, 199, 399]);
  assert.deepEqual(alone, batch);
});

Deno.test("world data: the same seed gives the same rows, another seed others", async () => {
  const run = async (seed: number) =>
    await rowsOf({
      name: "t",
      seed,
      entities: { e: { count: 200, fields: fields({ country: "CA" }, "national") } },
    }, "e");
  const [a, b, c] = [await run(3), await run(3), await run(4)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // Two postal_code fields of one group agree; another group is another place.
  const rows = await rowsOf({
    name: "t",
    seed: 3,
    entities: {
      e: {
        count: 100,
        fields: {
          a: { place: { country: "BR", part: "postal_code" } },
          b: { place: { country: "BR", part: "postal_code" } },
          c: { place: { country: "BR", part: "postal_code", group: "other" } },
        },
      },
    },
  }, "e");
  assert.ok(rows.every((r) => r.a === r.b));
  assert.ok(rows.some((r) => r.a !== r.c));
});

Deno.test("world postal codes and phones pass the format validator in a real run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-place-world-" });
  const countries = COUNTRIES.map(([c]) => c).join(", ");
  await Deno.writeTextFile(
    `${dir}/s.yaml`,
    `name: s
entities:
  c:
    count: 3000
    fields:
      country: { choice: [${countries}] }
      zip: { place: { country_field: country, part: postal_code }, validate: { format: { postal_code: { country_field: country } } } }
      phone: { place: { country_field: country, part: phone, phone_style: e164 }, validate: { format: phone } }
`,
  );
  const { code, stderr } = await runCli(["validate", "s.yaml", "--sample", "3000", "--strict"], {
    cwd: dir,
  });
  await Deno.remove(dir, { recursive: true });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /c\.zip format: 0 of 3,?000 failed/);
  assert.match(stderr, /c\.phone format: 0 of 3,?000 failed/);
});

Deno.test("build script: libaddressinput's postal patterns expand into literal prefixes", async () => {
  // The build script is run by hand; its pattern expander is tested here.
  const { expandPrefixes } = await import("../../../plugins/_data/build_places_world.ts");
  assert.deepEqual(expandPrefixes("28"), ["28"]);
  assert.deepEqual(expandPrefixes("1[0-7]|18[01]"), [
    "10",
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "180",
    "181",
  ]);
  assert.deepEqual(expandPrefixes(String.raw`(?:3[6-9]|40)\d{2}`), ["36", "37", "38", "39", "40"]);
  assert.deepEqual(expandPrefixes("B?[1-36-8]"), [
    "1",
    "2",
    "3",
    "6",
    "7",
    "8",
    "B1",
    "B2",
    "B3",
    "B6",
    "B7",
    "B8",
  ]);
  assert.deepEqual(expandPrefixes("X0E|X0G|X1A"), ["X0E", "X0G", "X1A"]);
});
