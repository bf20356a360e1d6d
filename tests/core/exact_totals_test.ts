/**
 * `count: { per: …, total: n }` and `--count child=n` give exactly n rows
 * spread over the parents within min–max; deterministic and random-access.
 */
import assert from "node:assert/strict";
import { prepare } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { entityBatches } from "../../core/batches.ts";
import { rowsOf, runCli } from "../_helpers/rows.ts";

function scenario(count: Record<string, unknown>, parents = 1000) {
  return {
    name: "totals",
    seed: 11,
    entities: {
      invoices: { count: parents, fields: { id: { sequence: {} } } },
      lines: {
        count: { per: "invoices", ...count },
        fields: {
          invoice_id: { ref: "invoices.id" },
          line_no: { position: {} },
          amount: { integer: { min: 1, max: 99 } },
        },
      },
    },
  };
}

function perParent(rows: Record<string, unknown>[]): Map<unknown, number> {
  const sizes = new Map<unknown, number>();
  for (const r of rows) sizes.set(r.invoice_id, (sizes.get(r.invoice_id) ?? 0) + 1);
  return sizes;
}

Deno.test("total: 2240 gives exactly 2240 rows, each parent within min–max", async () => {
  const rows = await rowsOf(scenario({ total: 2240, min: 1, max: 5 }), "lines");
  assert.equal(rows.length, 2240);
  const sizes = perParent(rows);
  assert.equal(sizes.size, 1000, "min: 1 gives every invoice a line");
  for (const n of sizes.values()) assert.ok(n >= 1 && n <= 5);
  assert.ok(new Set(sizes.values()).size >= 4, "sizes vary");
  // Positions restart for each parent.
  assert.ok(
    rows.every((r, i) => i === 0 || r.line_no === 1 || r.invoice_id === rows[i - 1]!.invoice_id),
  );
  // Deterministic.
  assert.deepEqual(await rowsOf(scenario({ total: 2240, min: 1, max: 5 }), "lines"), rows);
});

Deno.test("totals near the bounds: all full, all empty, more than half the room", async () => {
  const full = perParent(await rowsOf(scenario({ total: 5000, min: 1, max: 5 }), "lines"));
  assert.ok([...full.values()].every((n) => n === 5));
  const mostly = perParent(await rowsOf(scenario({ total: 4900, min: 1, max: 5 }), "lines"));
  assert.equal([...mostly.values()].reduce((a, b) => a + b, 0), 4900);
  assert.ok([...mostly.values()].every((n) => n >= 1 && n <= 5));
  assert.equal((await rowsOf(scenario({ total: 0 }), "lines")).length, 0);
  const none = {
    name: "none",
    entities: {
      invoices: { count: 0, fields: { id: { sequence: {} } } },
      lines: { count: { per: "invoices", total: 0, min: 1 }, fields: { n: { position: {} } } },
    },
  };
  assert.equal((await rowsOf(none, "lines")).length, 0, "0 rows over 0 parents");
  await assert.rejects(
    prepare(scenario({ total: 3 }, 0)),
    /3 lines rows cannot be spread over 0 invoices rows/,
  );
  // Without bounds: any number per parent, some parents without rows.
  const free = perParent(await rowsOf(scenario({ total: 700 }), "lines"));
  assert.equal([...free.values()].reduce((a, b) => a + b, 0), 700);
  assert.ok(free.size < 1000);
});

Deno.test("exact total at 1M rows, random-access", async () => {
  const big = scenario({ total: 1_000_000, min: 2, max: 12 }, 140_000);
  const plan = await prepare(big);
  const engine = new World(plan).engine("lines");
  assert.equal(engine.entity.count, 1_000_000);
  const sizes = new Uint8Array(140_001);
  const probes = new Map<number, Record<string, unknown>>();
  const at = [0, 77_777, 999_999];
  let rows = 0;
  for await (const { out } of entityBatches(engine, 50_000)) {
    const ids = out.columns[out.fields.indexOf("invoice_id")]!;
    for (let k = 0; k < out.length; k++) {
      rows++;
      sizes[ids[k] as number]! += 1;
      if (at.includes(out.start + k)) {
        probes.set(
          out.start + k,
          Object.fromEntries(out.fields.map((f, c) => [f, out.columns[c]![k]])),
        );
      }
    }
  }
  assert.equal(rows, 1_000_000);
  for (let id = 1; id <= 140_000; id++) {
    assert.ok(sizes[id]! >= 2 && sizes[id]! <= 12, `invoice ${id}`);
  }
  const alone = new World(await prepare(big)).engine("lines");
  for (const i of at) assert.deepEqual(alone.rowAt(i), probes.get(i));
  plan.registry.close();
});

Deno.test("an impossible total is refused up front with the numbers", async () => {
  await assert.rejects(prepare(scenario({ total: 6000, min: 1, max: 5 })), (e: Error) => {
    assert.match(
      e.message,
      /6000 lines rows cannot be spread over 1000 invoices rows with 1–5 each/,
    );
    assert.match(e.message, /between 1000 and 5000/);
    return true;
  });
  await assert.rejects(prepare(scenario({ total: 10, p: 0.5 })), /p cannot be combined with total/);
});

Deno.test("--count sets the total of a per-parent entity; out of range exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/s.json`;
    await Deno.writeTextFile(file, JSON.stringify(scenario({ min: 1, max: 5 }, 200)));
    const ok = await runCli([
      "gen",
      file,
      "--format",
      "jsonl",
      "-o",
      `${dir}/out`,
      "--count",
      "lines=640",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const lines = (await Deno.readTextFile(`${dir}/out/lines.jsonl`)).trim().split("\n");
    assert.equal(lines.length, 640);
    const sizes = perParent(lines.map((l) => JSON.parse(l)));
    assert.ok([...sizes.values()].every((n) => n >= 1 && n <= 5));

    const bad = await runCli([
      "gen",
      file,
      "--format",
      "jsonl",
      "-o",
      `${dir}/bad`,
      "--count",
      "lines=5000",
    ]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /Cannot set the count of "lines": 5000 lines rows cannot be spread over 200 invoices rows with 1–5 each/,
    );
    assert.match(bad.stderr, /hint: .*change the count of invoices/);
    await assert.rejects(Deno.stat(`${dir}/bad`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
