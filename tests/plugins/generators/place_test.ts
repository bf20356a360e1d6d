import assert from "node:assert/strict";
import us from "../../../plugins/_data/places_us.json" with { type: "json" };
import eg from "../../../plugins/_data/places_eg.json" with { type: "json" };
import { postalPattern } from "../../../plugins/_shared/postal_codes.ts";
import { placeTable } from "../../../plugins/_shared/places.ts";
import { PLACE_PARTS } from "../../../plugins/generators/place.ts";
import { rowsOf, runCli } from "../../_helpers/rows.ts";
import {
  compiledField,
  issuesOf,
  oneField,
  rowsAloneMatchBatch,
  tally,
  yamlIssues,
} from "./_setup.ts";

/** Every `place` part as a field of one group, with the country fixed or per row. */
function allParts(where: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const parts: string[] = [...PLACE_PARTS];
  // Phone first, so the shared pick does not depend on field order.
  return Object.fromEntries([
    ...Object.entries(extra),
    ...["phone", ...parts.filter((p) => p !== "phone")].map((
      p,
    ) => [p, { place: { ...where, part: p } }]),
  ]);
}

async function places(
  where: Record<string, unknown>,
  n: number,
  extra = {},
  seed = 1,
  locale?: string,
) {
  return await rowsOf({
    name: "t",
    seed,
    ...(locale ? { locale } : {}),
    entities: { e: { count: n, fields: allParts(where, extra) } },
  }, "e");
}

/** Checks a row against the place data it claims to come from. */
function assertConsistent(r: Record<string, unknown>): void {
  const table = placeTable(r.country_code as string)!;
  const place = table.places.find((p) =>
    p.city === r.city && p.stateCode === r.state_code && p.district === r.district
  );
  assert.ok(place, `no place ${r.city}, ${r.district}, ${r.state_code} in ${table.country}`);
  assert.equal(r.state, place.state);
  assert.ok(place.postalCodes.includes(r.postal_code as string), `${r.postal_code} in ${r.city}`);
  assert.ok(place.areaCodes.includes(r.area_code as string), `${r.area_code} in ${r.city}`);
  assert.equal(r.latitude, place.latitude);
  assert.equal(r.longitude, place.longitude);
  const phone = r.phone as string;
  if (table.country === "US") {
    assert.match(phone, /^\(\d{3}\) [2-9]\d{2}-\d{4}$/);
    assert.ok(phone.startsWith(`(${r.area_code}) `), phone);
    assert.doesNotMatch(phone, /\) \d11-/, "no N11 exchange");
  } else {
    assert.ok(phone.startsWith(`0${r.area_code} `), phone);
    assert.match(
      phone.slice(r.area_code === "2" ? 3 : r.area_code === "3" ? 3 : 4),
      /^[2-9]\d{6,7}$/,
    );
    assert.equal(phone.replace(/\D/g, "").length, r.area_code === "3" ? 9 : 10, phone);
  }
}

Deno.test("place city, state, postal code, area code and phone agree with the US data in every row", async () => {
  const rows = await places({ country: "US" }, 3000, {}, 4);
  for (const r of rows) {
    assertConsistent(r);
    assert.equal(r.country_code, "US");
    assert.equal(r.district, null);
  }
  assert.ok(new Set(rows.map((r) => r.state_code)).size > 40, "most states appear");
});

Deno.test("place agrees with the Egyptian data in every row", async () => {
  const rows = await places({ country: "EG" }, 2000, {}, 4);
  for (const r of rows) assertConsistent(r);
  const cairo = rows.filter((r) => r.state_code === "C");
  assert.ok(cairo.length > 0 && cairo.every((r) => r.city === "Cairo" && r.area_code === "2"));
  assert.ok(rows.filter((r) => r.state_code === "ALX").every((r) => r.area_code === "3"));
  assert.ok(rows.filter((r) => r.city === "Tanta").every((r) => r.area_code === "40"));
});

Deno.test("place picks per row from the row's country, and null where there is no data", async () => {
  const rows = await places({ country_field: "country" }, 2000, {
    country: { choice: { values: ["US", "EG", "DE", "eg"], weights: [4, 4, 1, 1] } },
  });
  for (const r of rows) {
    if (r.country === "DE") {
      assert.ok(Object.entries(r).every(([k, v]) => k === "country" || v === null));
    } else {
      assert.equal(r.country_code, (r.country as string).toUpperCase());
      assertConsistent(r);
    }
  }
  assert.ok(rows.some((r) => r.country === "eg" && r.city !== null), "codes in any case");
});

Deno.test("place fields of one group share a place whatever their order; groups differ", async () => {
  const rows = await rowsOf({
    name: "t",
    entities: {
      e: {
        count: 500,
        fields: {
          zip: { place: { country: "US", part: "postal_code" } },
          city: { place: { country: "US", part: "city" } },
          ship_city: { place: { country: "US", part: "city", group: "shipping" } },
          ship_zip: { place: { country: "US", part: "postal_code", group: "shipping" } },
        },
      },
    },
  }, "e");
  const alone = await rowsOf({
    name: "t",
    entities: { e: { count: 500, fields: { city: { place: { country: "US", part: "city" } } } } },
  }, "e");
  rows.forEach((r, i) => assert.equal(r.city, alone[i]!.city, "the pick ignores other fields"));
  const table = placeTable("US")!;
  for (const r of rows) {
    assert.ok(
      table.places.some((p) => p.city === r.city && p.postalCodes.includes(r.zip as string)),
    );
    assert.ok(
      table.places.some((p) =>
        p.city === r.ship_city && p.postalCodes.includes(r.ship_zip as string)
      ),
    );
  }
  assert.ok(
    rows.filter((r) => r.city !== r.ship_city).length > 400,
    "another group, another place",
  );
});

Deno.test("place picks places in proportion to their population", async () => {
  const n = 30_000;
  const rows = await rowsOf(
    oneField({ place: { country: "US", part: "city" } }, n, { seed: 12 }),
    "e",
  );
  const total = us.places.reduce((s, p) => s + (p[2] as number), 0);
  const counts = tally(rows.map((r) => r.v));
  for (const name of ["Los Angeles", "Chicago", "Houston"]) {
    const p = us.places.find((x) => x[0] === name)![2] as number / total;
    const share = (counts.get(name) ?? 0) / n;
    // Five binomial standard deviations.
    assert.ok(Math.abs(share - p) < 5 * Math.sqrt(p * (1 - p) / n), `${name}: ${share} vs ${p}`);
  }
});

Deno.test("place writes E.164 phones that the format validator accepts", async () => {
  const rows = await rowsOf(
    oneField({ place: { country_field: "c", part: "phone", phone_style: "e164" } }, 1000, {
      extraFields: { c: { choice: ["US", "EG"] } },
    }),
    "e",
  );
  for (const r of rows) {
    assert.match(
      r.v as string,
      r.c === "US" ? /^\+1[2-9]\d{2}[2-9]\d{6}$/ : /^\+20(?:2\d{8}|3\d{7}|[1-9]\d\d{7})$/,
    );
  }
});

Deno.test("place postal codes all pass the format validator's postal_code patterns", () => {
  for (const [data, country] of [[us, "US"], [eg, "EG"]] as const) {
    const pattern = postalPattern(country)!;
    const column = data.columns.indexOf("postal_codes");
    for (const p of data.places) {
      for (const code of String(p[column]).split(" ")) {
        assert.ok(pattern.test(code), `${country} ${code}`);
      }
    }
  }
});

Deno.test("Egyptian postal codes start with their governorate's prefix", () => {
  // Prefixes from libaddressinput's sub_zips for EG.
  const prefixes: Record<string, string[]> = {
    ASN: ["81"],
    AST: ["71"],
    ALX: ["21", "23"],
    IS: ["41"],
    LX: ["85"],
    BA: ["84"],
    BH: ["22"],
    GZ: ["12"],
    DK: ["35"],
    SUZ: ["43"],
    SHR: ["44"],
    GH: ["31"],
    FYM: ["63"],
    C: ["11"],
    KB: ["13"],
    MNF: ["32"],
    MN: ["61"],
    WAD: ["72"],
    BNS: ["62"],
    PTS: ["42"],
    JS: ["46"],
    DT: ["34"],
    SHG: ["82"],
    SIN: ["45"],
    KN: ["83"],
    KFS: ["33"],
    MT: ["51"],
  };
  const table = placeTable("EG")!;
  assert.deepEqual(new Set(table.places.map((p) => p.stateCode)), new Set(Object.keys(prefixes)));
  for (const p of table.places) {
    for (const code of p.postalCodes) {
      assert.ok(prefixes[p.stateCode]!.includes(code.slice(0, 2)), `${p.district} ${code}`);
    }
  }
});

Deno.test("place postal codes and phones pass the format validator in a real run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-place-" });
  await Deno.writeTextFile(
    `${dir}/s.yaml`,
    `name: s
entities:
  c:
    count: 2000
    fields:
      country: { choice: [US, EG] }
      zip: { place: { country_field: country, part: postal_code }, validate: { format: { postal_code: { country_field: country } } } }
      phone: { place: { country_field: country, part: phone, phone_style: e164 }, validate: { format: phone } }
`,
  );
  const { code, stderr } = await runCli(["validate", "s.yaml", "--sample", "2000", "--strict"], {
    cwd: dir,
  });
  await Deno.remove(dir, { recursive: true });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /c\.zip format: 0 of 2,?000 failed/);
  assert.match(stderr, /c\.phone format: 0 of 2,?000 failed/);
});

Deno.test("place writes Egyptian names in Arabic with an Arabic locale", async () => {
  const rows = await places({ country: "EG" }, 200, {}, 1, "ar");
  const arabic = /^[\u0600-\u06FF0-9 ]+$/;
  for (const r of rows) {
    for (const k of ["city", "district", "state"]) {
      assert.match(r[k] as string, arabic, `${k}: ${r[k]}`);
    }
  }
  const english = await places({ country: "EG" }, 200, {}, 1);
  const table = placeTable("EG")!;
  rows.forEach((r, i) => {
    const p = table.places.find((x) => x.districtAr === r.district && x.cityAr === r.city)!;
    assert.equal(p.district, english[i]!.district, "the same place in both languages");
  });
});

Deno.test("place declares types and cardinalities, and refuses an impossible unique", async () => {
  const lat = await compiledField({ place: { country: "US", part: "latitude" } });
  assert.equal(lat.type, "number");
  const zip = await compiledField({ place: { country: "EG", part: "postal_code" } });
  assert.equal(zip.type, "string");
  const codes = new Set(placeTable("EG")!.places.flatMap((p) => p.postalCodes));
  assert.equal(zip.gen.cardinality, codes.size);
  const [issue] = await issuesOf(
    oneField({ place: { country: "EG", part: "state" }, unique: true }, 28),
  );
  assert.match(issue!.message, /at most 27 distinct values but e has 28 rows/);
  assert.equal(
    (await compiledField({ place: { country: "US", part: "district" } })).gen.nullable,
    true,
  );
  assert.equal(
    (await compiledField({ place: { country: "EG", part: "city" } })).gen.nullable,
    undefined,
  );
});

Deno.test("place gives the same rows alone as in a batch, and changes with the seed", async () => {
  const scenario = {
    name: "t",
    seed: 3,
    entities: {
      e: { count: 300, fields: allParts({ country_field: "c" }, { c: { choice: ["US", "EG"] } }) },
    },
  };
  const { alone, batch } = await rowsAloneMatchBatch(scenario, "e", [0, 150, 299]);
  assert.deepEqual(alone, batch);
  const a = await places({ country: "US" }, 50, {}, 1);
  assert.deepEqual(a, await places({ country: "US" }, 50, {}, 1));
  assert.notDeepEqual(a, await places({ country: "US" }, 50, {}, 2));
});

Deno.test("place rejects an unknown part or country, and a missing or doubled country", async () => {
  const issues = await yamlIssues(`name: t
entities:
  e:
    count: 3
    fields:
      country: US
      a: { place: { country: US, part: zip_code } }
      b: { place: { country: EGY, part: city } }
      d: { place: { part: city } }
      f: { place: { country: US, country_field: country, part: city } }
      g: { place: { country_field: contry, part: city } }
`);
  assert.equal(issues.length, 5);
  const [part, country, none, both, field] = issues;
  assert.equal(part!.line, 7);
  assert.equal(part!.message, 'Unknown place part "zip_code"');
  assert.deepEqual(part!.path, ["entities", "e", "fields", "a", "place", "part"]);
  assert.equal(country!.line, 8);
  assert.equal(country!.message, 'No place data for country "EGY"');
  assert.equal(country!.hint, 'did you mean "EG"?');
  assert.match(none!.message, /no country/);
  assert.match(both!.message, /both country and country_field are set/);
  assert.equal(field!.hint, 'did you mean "country"?');
});
