import assert from "node:assert/strict";
import { prepare } from "../../../core/gen.ts";
import { World } from "../../../core/engine.ts";
import { rowsOf } from "../../_helpers/rows.ts";

const sensors = {
  name: "iot",
  seed: 3,
  reference_date: "2024-06-01",
  entities: {
    sensors: {
      count: 50,
      fields: {
        id: { sequence: {} },
        installed_at: { datetime: { from: "2024-01-01", to: "2024-03-01" } },
      },
    },
    readings: {
      count: { per: "sensors", min: 10, max: 300 },
      fields: {
        sensor_id: { ref: "sensors.id" },
        taken_at: { every: { step: "5m", start: "2024-05-01T00:00:00Z" } },
        since_install: { every: { step: "1h", start_field: "installed" } },
        installed: { lookup: "sensor_id.installed_at", hidden: true },
        day: { every: "1d" },
        monthly: { every: { step: "1mo", start: "2024-01-31" } },
      },
    },
  },
};

Deno.test("every: start + position × step, restarting for each parent", async () => {
  const installed = new Map(
    (await rowsOf(sensors, "sensors")).map((s) => [s.id, Date.parse(s.installed_at as string)]),
  );
  const rows = await rowsOf(sensors, "readings");
  let position = 0;
  rows.forEach((r, i) => {
    position = i > 0 && r.sensor_id === rows[i - 1]!.sensor_id ? position + 1 : 0;
    const expected = Date.UTC(2024, 4, 1) + position * 300_000;
    assert.equal(r.taken_at, new Date(expected).toISOString().replace(".000Z", "Z"));
    assert.equal(
      Date.parse(r.since_install as string),
      installed.get(r.sensor_id)! + position * 3_600_000,
    );
    // Default start: the reference date's midnight.
    assert.equal(Date.parse(r.day as string), Date.UTC(2024, 5, 1) + position * 86_400_000);
    assert.equal(r.installed, undefined, "hidden");
  });
  assert.equal(rows[0]!.monthly, "2024-01-31T00:00:00Z");
  assert.equal(rows[1]!.monthly, "2024-02-29T00:00:00Z", "calendar months, clamped");
});

Deno.test("every: a row alone equals the row in sequence; bad steps are refused", async () => {
  const rows = await rowsOf(sensors, "readings");
  const engine = new World(await prepare(sensors)).engine("readings");
  for (const i of [rows.length - 1, 0, 137]) {
    const { installed: _, ...alone } = engine.rowAt(i);
    assert.deepEqual(alone, rows[i]);
  }
  const bad = (every: unknown) =>
    prepare({ name: "b", entities: { e: { count: 1, fields: { t: { every } } } } });
  await assert.rejects(bad("0m"), /Cannot read step "0m": the step must be positive/);
  await assert.rejects(bad("five"), /Cannot read step "five"/);
  await assert.rejects(
    bad({ step: "1m", start_field: "nope" }),
    /Unknown field "nope" in start_field/,
  );
});

Deno.test("every without a parent: one series over the row index", async () => {
  const rows = await rowsOf({
    name: "s",
    entities: {
      ticks: { count: 4, fields: { t: { every: { step: "30s", start: "2024-01-01" } } } },
    },
  }, "ticks");
  assert.deepEqual(rows.map((r) => r.t), [
    "2024-01-01T00:00:00Z",
    "2024-01-01T00:00:30Z",
    "2024-01-01T00:01:00Z",
    "2024-01-01T00:01:30Z",
  ]);
});
