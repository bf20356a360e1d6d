import assert from "node:assert/strict";
import {
  addMonths,
  compileFormat,
  nominalMs,
  parseDuration,
  parseInstant,
  shiftBy,
  ymdOf,
} from "../../../plugins/_shared/dates.ts";

const REF = new Date("2025-06-30T12:34:56Z");
const ms = (text: string) => {
  const p = parseInstant(text, REF);
  if (!p.ok) throw new Error(`${text}: ${p.problem}`);
  return p.ms;
};

Deno.test("parseInstant reads ISO dates and datetimes as UTC unless they carry an offset", () => {
  assert.equal(ms("2024-02-29"), Date.UTC(2024, 1, 29));
  assert.equal(ms("2024-02-29T08:30"), Date.UTC(2024, 1, 29, 8, 30));
  assert.equal(ms("2024-02-29 08:30:15"), Date.UTC(2024, 1, 29, 8, 30, 15));
  assert.equal(ms("2024-02-29T08:30:15.25Z"), Date.UTC(2024, 1, 29, 8, 30, 15, 250));
  assert.equal(ms("2024-02-29T08:30:00+02:00"), Date.UTC(2024, 1, 29, 6, 30));
  assert.equal(ms("2024-02-29T08:30:00-0530"), Date.UTC(2024, 1, 29, 14, 0));
  assert.equal(ms("0099-01-01"), new Date("0099-01-01T00:00:00Z").getTime());
});

Deno.test("parseInstant reads now, today and offsets from the reference date", () => {
  assert.equal(ms("now"), REF.getTime());
  assert.equal(ms("today"), Date.UTC(2025, 5, 30));
  assert.equal(ms("-18y"), Date.UTC(2007, 5, 30, 12, 34, 56));
  assert.equal(ms("-6mo"), Date.UTC(2024, 11, 30, 12, 34, 56));
  assert.equal(ms("+30d"), REF.getTime() + 30 * 86_400_000);
  assert.equal(ms("-2h"), REF.getTime() - 7_200_000);
  assert.equal(ms("-1y6mo"), Date.UTC(2023, 11, 30, 12, 34, 56));
  assert.equal(ms("+1w2d3h4min5s"), REF.getTime() + (((9 * 24 + 3) * 60 + 4) * 60 + 5) * 1000);
  assert.equal(ms("-1.5d"), REF.getTime() - 1.5 * 86_400_000);
});

Deno.test("parseInstant explains what it cannot read", () => {
  const problem = (text: string) => {
    const p = parseInstant(text, REF);
    assert.ok(!p.ok, text);
    return p;
  };
  assert.match(problem("2023-02-29").problem, /day 29 does not exist in 2023-02/);
  assert.match(problem("2023-13-01").problem, /month 13/);
  assert.match(problem("30d").hint!, /-30d/);
  assert.match(problem("-3m").hint!, /"mo" for months or "min" for minutes/);
  assert.match(problem("-1.5y").problem, /whole number of years/);
  assert.match(problem("yesterday").hint!, /ISO date/);
});

Deno.test("addMonths clamps the day to the month's length", () => {
  assert.equal(addMonths(Date.UTC(2024, 0, 31, 5), 1), Date.UTC(2024, 1, 29, 5));
  assert.equal(addMonths(Date.UTC(2023, 0, 31), 1), Date.UTC(2023, 1, 28));
  assert.equal(addMonths(Date.UTC(2024, 1, 29), -12), Date.UTC(2023, 1, 28));
  assert.equal(addMonths(Date.UTC(2024, 2, 31), -25), Date.UTC(2022, 1, 28));
});

Deno.test("compileFormat agrees with Date's UTC fields over four centuries", () => {
  const iso = compileFormat("YYYY-MM-DDTHH:mm:ss.SSS[Z]");
  const custom = compileFormat("DD/MM/YY [at] HH:mm");
  for (let i = 0; i < 5000; i++) {
    const t = Math.floor(((i * 7919) % 5000) / 5000 * 4e11 * 100) - 2e13 + i * 1013;
    const d = new Date(t);
    assert.equal(iso(t), d.toISOString(), String(t));
    const p = (n: number) => String(n).padStart(2, "0");
    assert.equal(
      custom(t),
      `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} at ${
        p(d.getUTCHours())
      }:${p(d.getUTCMinutes())}`,
    );
  }
});

Deno.test("compileFormat writes a booking form's date of birth", () => {
  assert.equal(compileFormat("MM/DD/YYYY")(Date.UTC(1990, 6, 4)), "07/04/1990");
  assert.equal(
    compileFormat("YYYY-MM-DD")(Date.UTC(1, 0, 1) - 0),
    new Date(Date.UTC(1, 0, 1)).toISOString().slice(0, 10),
  );
});

Deno.test("parseDuration reads signed and unsigned durations with calendar and fixed units", () => {
  assert.deepEqual(parseDuration("1y6mo"), { ok: true, months: 18, ms: 0 });
  assert.deepEqual(parseDuration("-90min"), { ok: true, months: 0, ms: -5_400_000 });
  assert.deepEqual(parseDuration("+2d12h"), { ok: true, months: 0, ms: 2.5 * 86_400_000 });
  assert.deepEqual(parseDuration("0"), { ok: true, months: 0, ms: 0 });
  const m = parseDuration("5m");
  assert.equal(m.ok, false);
  assert.equal(!m.ok && m.hint, 'write "mo" for months or "min" for minutes');
  assert.equal(parseDuration("soon").ok, false);
});

Deno.test("shiftBy moves by calendar months, clamping the day, then by fixed time", () => {
  assert.equal(shiftBy(Date.UTC(2024, 0, 31), { months: 1, ms: 0 }), Date.UTC(2024, 1, 29));
  assert.equal(
    shiftBy(Date.UTC(2024, 1, 29), { months: -12, ms: 3_600_000 }),
    Date.UTC(2023, 1, 28, 1),
  );
  assert.equal(nominalMs({ months: 12, ms: 0 }), 365.2425 * 86_400_000);
});

Deno.test("ymdOf gives the UTC calendar day as YYYYMMDD", () => {
  assert.equal(ymdOf(Date.UTC(1990, 6, 4, 23, 59, 59)), 19900704);
  assert.equal(ymdOf(Date.UTC(2000, 1, 29)), 20000229);
  assert.equal(ymdOf(-1), 19691231);
});
