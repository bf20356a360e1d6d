import assert from "node:assert/strict";
import { isoMillis } from "../../../plugins/_shared/iso_millis.ts";

Deno.test("isoMillis agrees with Date.UTC on every day from 1899 to 2101", () => {
  for (let t = Date.UTC(1899, 0, 1); t <= Date.UTC(2101, 11, 31); t += 86_400_000) {
    const text = new Date(t).toISOString();
    assert.equal(isoMillis(text.slice(0, 10)), t, text);
    assert.equal(isoMillis(text, "datetime"), t, text);
  }
});

Deno.test("isoMillis knows leap years", () => {
  assert.ok(!Number.isNaN(isoMillis("2024-02-29")));
  assert.ok(!Number.isNaN(isoMillis("2000-02-29")));
  assert.ok(Number.isNaN(isoMillis("1900-02-29")));
  assert.ok(Number.isNaN(isoMillis("2023-02-29")));
});

Deno.test("isoMillis reads years before 100 literally", () => {
  assert.equal(isoMillis("0099-12-31"), new Date("0099-12-31T00:00:00Z").getTime());
  assert.equal(new Date(isoMillis("0050-06-15")).getUTCFullYear(), 50);
  assert.equal(new Date(isoMillis("0000-03-01")).toISOString(), "0000-03-01T00:00:00.000Z");
});

Deno.test("isoMillis applies zone offsets and keeps fractions", () => {
  assert.equal(isoMillis("2024-01-01T02:00:00+02:00"), Date.UTC(2024, 0, 1));
  assert.equal(isoMillis("2023-12-31T19:00:00-05:00"), Date.UTC(2024, 0, 1));
  assert.equal(isoMillis("2024-01-01T00:00:00.5Z"), Date.UTC(2024, 0, 1) + 500);
  assert.ok(isoMillis("2024-01-01T00:00:00.0005Z") > isoMillis("2024-01-01T00:00:00Z"));
  assert.equal(isoMillis("2024-01-01T10:00"), Date.UTC(2024, 0, 1, 10), "no zone reads as UTC");
});

Deno.test("isoMillis enforces the shape asked for", () => {
  assert.ok(Number.isNaN(isoMillis("2024-01-01", "datetime")));
  assert.ok(Number.isNaN(isoMillis("2024-01-01T10:00:00", "datetime")), "datetime needs a zone");
  assert.ok(Number.isNaN(isoMillis("2024-01-01T10:00:00Z", "date")));
  for (
    const bad of [
      "",
      "2024",
      "2024-01-1",
      "2024/01/01",
      "2024-01-01t10:00Z",
      "2024-01-01T10:00:00ZZ",
      "2024-01-01T10:00:00+2:00",
      "2024-01-01T10:00:00+24:00",
      "+002024-01-01",
      "2024-01-01T10:00:00.1234567890Z",
    ]
  ) {
    assert.ok(Number.isNaN(isoMillis(bad)), bad);
  }
});
