import assert from "node:assert/strict";
import format from "../../../plugins/validators/format.ts";
import { batchOf, failing, optionProblems, run, setupFor } from "./_setup.ts";

Deno.test("format email accepts mailable addresses and rejects the rest", () => {
  const good = [
    "ada@example.com",
    "Laron_Medhurst@gmail.com",
    "o'brien+tag@mail.co.uk",
    "x@xn--bcher-kva.de",
  ];
  const bad = [
    "ada",
    "ada@",
    "@example.com",
    "ada@example",
    "a b@example.com",
    "ada@@example.com",
    "ada@-x.com",
    "a..b@x.com",
    "ä@x.com",
    42,
  ];
  assert.deepEqual(failing(format, "email", good), []);
  assert.deepEqual(failing(format, "email", bad), bad.map((_, i) => i));
  assert.deepEqual(failing(format, "email", ["a".repeat(65) + "@x.io", "a".repeat(64) + "@x.io"]), [
    0,
  ]);
});

Deno.test("format url accepts http(s) URLs with a host", () => {
  const good = [
    "https://tired-pocket-watch.name/",
    "http://localhost:8080/a?b=c#d",
    "HTTPS://EXAMPLE.COM",
    "http://[::1]/",
    "https://u:p@x.io",
  ];
  const bad = [
    "ftp://x.io",
    "https://",
    "example.com",
    "https:// x.io",
    "https://x.io/a b",
    "mailto:a@b.io",
  ];
  assert.deepEqual(failing(format, "url", good), []);
  assert.deepEqual(failing(format, "url", bad), bad.map((_, i) => i));
});

Deno.test("format uuid accepts any RFC 4122 version, nil and max", () => {
  const good = [
    crypto.randomUUID(),
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8", // v1
    "017F22E2-79B0-7CC3-98C4-DC0C0C07398F", // v7, upper case
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
  ];
  const bad = [
    "6ba7b810-9dad-01d1-80b4-00c04fd430c8",
    "6ba7b810-9dad-11d1-c0b4-00c04fd430c8",
    "6ba7b8109dad11d180b400c04fd430c8",
    "x",
  ];
  assert.deepEqual(failing(format, "uuid", good), []);
  assert.deepEqual(failing(format, "uuid", bad), [0, 1, 2, 3]);
});

Deno.test("format phone wants E.164: a plus and 8 to 15 digits, no leading zero", () => {
  const good = ["+12025550123", "+4930123456", "+20123456", "+123456789012345"];
  const bad = [
    "+1234567",
    "+1234567890123456",
    "+02025550123",
    "12025550123",
    "+1 202 555 0123",
    "(202) 555-0123",
    12025550123,
  ];
  assert.deepEqual(failing(format, "phone", good), []);
  assert.deepEqual(failing(format, "phone", bad), bad.map((_, i) => i));
});

Deno.test("format date accepts only real calendar days", () => {
  const good = ["2024-02-29", "2000-02-29", "1999-12-31", "0001-01-01"];
  const bad = [
    "2023-02-29",
    "1900-02-29",
    "2024-04-31",
    "2024-13-01",
    "2024-00-10",
    "2024-1-01",
    "2024-01-01T00:00:00Z",
    "20240101",
  ];
  assert.deepEqual(failing(format, "date", good), []);
  assert.deepEqual(failing(format, "date", bad), bad.map((_, i) => i));
});

Deno.test("format datetime wants a date, a time and a zone", () => {
  const good = [
    "2024-01-01T00:00:00Z",
    "2024-02-29T23:59:59.999Z",
    "2024-01-01T12:30:00+05:30",
    "2024-01-01T12:30Z",
    "2024-01-01T00:00:00.123456789-08:00",
  ];
  const bad = [
    "2024-01-01",
    "2024-01-01T00:00:00",
    "2024-01-01 00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-01-01T00:00:00+0530",
    "2024-01-01T00:00:00.Z",
    "2024-01-01T00:60:00Z",
  ];
  assert.deepEqual(failing(format, "datetime", good), []);
  assert.deepEqual(failing(format, "datetime", bad), bad.map((_, i) => i));
});

Deno.test("format skips nulls and reports the absolute row with the value", () => {
  const issues = run(format, "email", setupFor("e", "v"), [
    batchOf({ v: [null, "nope", undefined] }, 500),
  ]);
  assert.deepEqual(issues, [{
    row: 501,
    field: "v",
    message: '"nope" is not an email address',
    value: "nope",
  }]);
});

Deno.test("format postal_code checks a fixed country's codes", () => {
  const cases: Record<string, [string[], string[]]> = {
    US: [["90210", "90210-1234"], ["9021", "902101", "90210-12"]],
    CA: [["K1A 0B1", "H3Z2Y7"], ["D1A 0B1", "K1A 0B", "k1a 0b1"]],
    GB: [["SW1A 1AA", "EC1A 1BB", "M1 1AE", "GIR 0AA", "B33 8TH"], [
      "QX4 2AB",
      "SW1A 1CA",
      "12345",
    ]],
    DE: [["10115"], ["1011", "D-10115"]],
    FR: [["75008", "75 008"], ["7500"]],
    ES: [["28039"], ["2803"]],
    IT: [["00144"], ["0014"]],
    NL: [["1234 AB", "1234AB"], ["1234 ab", "123 AB"]],
    IN: [["110001", "110 001"], ["11001"]],
    BR: [["40301-110", "40301110"], ["4030-1110"]],
    JP: [["100-0001", "1000001"], ["100-001"]],
    AU: [["2060"], ["206"]],
    EG: [["12411", "11599"], ["1241", "124111"]],
  };
  for (const [country, [good, bad]] of Object.entries(cases)) {
    const rule = { postal_code: country };
    assert.deepEqual(failing(format, rule, good), [], `${country} accepts ${good}`);
    assert.deepEqual(failing(format, rule, bad), bad.map((_, i) => i), `${country} rejects ${bad}`);
  }
  assert.deepEqual(failing(format, { postal_code: { country: "eg" } }, ["12411", "x"]), [1]);
  assert.deepEqual(failing(format, { postal_code: "UK" }, ["SW1A 1AA"]), []);
});

Deno.test("format postal_code reads the country from another field of the row", () => {
  const setup = setupFor("customers", "zip", { entities: { customers: ["country", "zip"] } });
  const batch = batchOf({
    country: ["US", "DE", "EG", "de", "ZZ", null, "US"],
    zip: ["90210", "10115", "12411", "1011", "12345", "anything", null],
  });
  const issues = run(format, { postal_code: { country_field: "country" } }, setup, [batch]);
  assert.deepEqual(issues.map((i) => [i.row, i.message]), [
    [3, '"1011" is not a DE postal code'],
    [4, '"12345": no postal code pattern for country "ZZ" (country)'],
  ]);
  const skip = run(
    format,
    { postal_code: { country_field: "country", unknown_country: "skip" } },
    setup,
    [batch],
  );
  assert.deepEqual(skip.map((i) => i.row), [3]);
});

Deno.test("format postal_code with a country_field that is not a field says which fields exist", () => {
  const setup = setupFor("customers", "zip", { entities: { customers: ["country", "zip"] } });
  assert.throws(
    () => run(format, { postal_code: { country_field: "contry" } }, setup, []),
    /"contry" is not a field of customers: did you mean "country"\?/,
  );
});

Deno.test("format options reject unknown formats and countries with a did-you-mean", () => {
  assert.deepEqual(optionProblems(format, "emial").map((i) => i.message), [
    'Unknown format "emial": did you mean "email"?',
  ]);
  assert.match(optionProblems(format, "postal_code")[0]!.message, /needs a country/);
  const [country] = optionProblems(format, { postal_code: "DX" });
  assert.deepEqual(country?.path, ["rule", "postal_code"]);
  assert.match(country!.message, /^Unknown country "DX" for postal codes: did you mean "D[EK]"\?$/);
  assert.deepEqual(optionProblems(format, { postal_code: { country: "Narnia" } })[0]?.path, [
    "rule",
    "postal_code",
    "country",
  ]);
  const typo = optionProblems(format, { postal_cod: "US" }).find((i) => i.hint);
  assert.equal(typo?.hint, 'did you mean "postal_code"?');
  assert.deepEqual(optionProblems(format, { postal_code: { country_field: "c" } }), []);
});
