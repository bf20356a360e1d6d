import assert from "node:assert/strict";
import { resolveTimeline } from "../../core/timeline.ts";

const year = { from: "2024-01-01", to: "2024-12-31" };

Deno.test("a timeline's total follows its daily rate over the period", () => {
  const t = resolveTimeline({ per_day: 50 }, year, 1, "orders", 1);
  assert.equal(t.count, 50 * 366);
  assert.equal(t.perDay.length, 366);
  assert.equal(t.from.toISOString(), "2024-01-01T00:00:00.000Z");
  assert.equal(t.to.toISOString(), "2025-01-01T00:00:00.000Z");
});

Deno.test("per_week and per_month are rates too", () => {
  assert.equal(resolveTimeline({ per_week: 10 }, year, 1, "v", 1).count, Math.round(10 / 7 * 366));
  assert.equal(resolveTimeline({ per_month: 30 }, year, 1, "v", 1).count, 366);
});

Deno.test("the weekly profile shapes weekdays against weekends", () => {
  const t = resolveTimeline(
    { per_day: 100, weekly: [1, 1, 1, 1, 1, 0.25, 0.25] },
    year,
    7,
    "orders",
    1,
  );
  let weekday = 0, weekend = 0, weekdays = 0, weekends = 0;
  t.perDay.forEach((n, d) => {
    const dow = (new Date(Date.UTC(2024, 0, 1 + d)).getUTCDay() + 6) % 7;
    if (dow >= 5) (weekend += n, weekends++);
    else (weekday += n, weekdays++);
  });
  const ratio = (weekday / weekdays) / (weekend / weekends);
  assert.ok(Math.abs(ratio - 4) < 0.2, `weekday/weekend ratio ${ratio}, expected 4 ± 0.2`);
});

Deno.test("bursts multiply the rate inside their window", () => {
  const t = resolveTimeline(
    { per_day: 100, noise: 0, bursts: [{ from: "2024-11-25", to: "2024-11-30", multiplier: 3 }] },
    year,
    1,
    "orders",
    1,
  );
  const day = (iso: string) =>
    Math.round((Date.parse(`${iso}T00:00:00Z`) - t.from.getTime()) / 86_400_000);
  const ratio = t.perDay[day("2024-11-27")]! / t.perDay[day("2024-11-20")]!;
  assert.ok(Math.abs(ratio - 3) < 0.05, `burst ratio ${ratio}`);
});

Deno.test("a trend grows the rate month over month", () => {
  const t = resolveTimeline({ per_day: 100, trend: 0.1, noise: 0 }, year, 1, "orders", 1);
  const jan = t.perDay.slice(0, 31).reduce((a, b) => a + b, 0);
  const dec = t.perDay.slice(335).reduce((a, b) => a + b, 0);
  assert.ok(dec / jan > 2.5 && dec / jan < 3.2, `Dec/Jan ${dec / jan} (1.1^11 ≈ 2.85)`);
});

Deno.test("timestamps never go backwards and stay inside their day", () => {
  const t = resolveTimeline(
    { per_day: 40, intraday: "business" },
    { from: "2024-03-01", to: "2024-03-31" },
    3,
    "o",
    1,
  );
  let last = -Infinity;
  for (let i = 0; i < t.count; i++) {
    const at = t.timeAt(i);
    assert.ok(at >= last, `row ${i} goes back in time`);
    last = at;
    const d = t.dayOf(i);
    assert.equal(Math.floor((at - t.from.getTime()) / 86_400_000), d);
  }
});

Deno.test("business hours carry most of the day's rows", () => {
  const t = resolveTimeline(
    { per_day: 200, intraday: "business" },
    { from: "2024-03-01", to: "2024-03-31" },
    3,
    "o",
    1,
  );
  let office = 0;
  for (let i = 0; i < t.count; i++) {
    const h = new Date(t.timeAt(i)).getUTCHours();
    if (h >= 9 && h < 17) office++;
  }
  assert.ok(office / t.count > 0.6, `share in 9–17h: ${office / t.count}`);
});

Deno.test("an exact count is spread by the same profile", () => {
  const t = resolveTimeline(
    { per_day: 50, weekly: [2, 2, 2, 2, 2, 1, 1] },
    year,
    1,
    "orders",
    1,
    1000,
  );
  assert.equal(t.count, 1000);
  assert.equal(t.perDay.reduce((a, b) => a + b, 0), 1000);
});
