import assert from "node:assert/strict";
import { PluginInputError } from "../../../core/errors.ts";
import timestamp from "../../../plugins/generators/timestamp.ts";
import { rowsOf } from "../../_helpers/rows.ts";
import { fakeSetup, timelineOf, valuesOf } from "./_fake_setup.ts";
import { yamlIssues } from "./_setup.ts";

const HOUR = 3_600_000;

Deno.test("timestamp writes the row's timeline instant as UTC ISO 8601", async () => {
  const timeline = timelineOf("2024-01-01", 10 * HOUR + 1234);
  assert.deepEqual(await valuesOf(timestamp, {}, fakeSetup({ timeline }), 3), [
    "2024-01-01T00:00:00Z",
    "2024-01-01T10:00:01Z",
    "2024-01-01T20:00:02Z",
  ]);
  assert.deepEqual(await valuesOf(timestamp, { precision: "ms" }, fakeSetup({ timeline }), 2), [
    "2024-01-01T00:00:00.000Z",
    "2024-01-01T10:00:01.234Z",
  ]);
});

Deno.test("timestamp writes the day alone, or a format", async () => {
  const timeline = timelineOf("2024-02-28", 20 * HOUR);
  assert.deepEqual(
    await valuesOf(timestamp, { date: true }, fakeSetup({ timeline }), 3),
    ["2024-02-28", "2024-02-28", "2024-02-29"],
  );
  assert.deepEqual(
    await valuesOf(timestamp, { format: "epoch" }, fakeSetup({ timeline }), 2),
    [Date.UTC(2024, 1, 28) / 1000, Date.UTC(2024, 1, 28, 20) / 1000],
  );
  assert.deepEqual(
    await valuesOf(timestamp, { date: true, format: "DD/MM/YYYY" }, fakeSetup({ timeline }), 1),
    ["28/02/2024"],
  );
  const types = await Promise.all(
    [{}, { date: true }, { format: "epoch_ms" }, { format: "HH:mm" }].map(async (o) =>
      (await timestamp.create(timestamp.options.parse(o), fakeSetup({ timeline }))).type
    ),
  );
  assert.deepEqual(types, ["datetime", "date", "integer", "string"]);
});

Deno.test("timestamp without a timeline is refused with a hint", () => {
  assert.throws(
    () => timestamp.create(timestamp.options.parse({}), fakeSetup()),
    (e: unknown) => {
      assert.ok(e instanceof PluginInputError);
      assert.equal(e.message, "Cannot time e.v: e rows do not follow a timeline");
      assert.match(e.hint!, /count: \{ timeline: \{ per_day: 50 \} \}/);
      return true;
    },
  );
});

Deno.test("timestamp follows the timeline within the period, in row order", async () => {
  const rows = await rowsOf({
    name: "t",
    seed: 9,
    period: { from: "2024-01-01", to: "2024-03-31" },
    entities: {
      orders: {
        count: { timeline: { per_day: 20 } },
        fields: {
          at: { timestamp: {} },
          day: { timestamp: { date: true } },
          ms: { timestamp: { format: "epoch_ms" } },
        },
      },
    },
  }, "orders");
  // 91 days at 20 a day, give or take the day-to-day noise.
  assert.ok(Math.abs(rows.length - 1820) < 150, `${rows.length} rows`);
  let previous = "";
  for (const r of rows) {
    const at = r.at as string;
    assert.match(at, /^2024-0[1-3]-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(at >= previous, `${at} after ${previous}`);
    assert.equal(r.day, at.slice(0, 10));
    assert.equal(Math.floor((r.ms as number) / 1000) * 1000, Date.parse(at));
    previous = at;
  }
});

Deno.test("timestamp in an entity with a plain count is reported at its line", async () => {
  const [issue] = await yamlIssues(`name: t
entities:
  orders:
    count: 3
    fields:
      at: { timestamp: {} }
`);
  assert.equal(issue!.line, 6);
  assert.match(issue!.message, /do not follow a timeline/);
});
