/**
 * Aggregates over children (`agg`) and running totals (`running`) are exact
 * at 1M child rows, and stay random-access: a row computed alone equals the
 * same row of a full run.
 */
import assert from "node:assert/strict";
import { prepare } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { entityBatches } from "../../core/batches.ts";
import { rowsOf } from "../_helpers/rows.ts";
import { roundTo } from "../../plugins/generators/expr.ts";

const INVOICES = 250_000;
const LINES = 1_000_000;

const billing = {
  name: "billing",
  seed: 2024,
  entities: {
    invoices: {
      count: INVOICES,
      fields: {
        id: { sequence: {} },
        total: { agg: { sum: "invoice_lines.amount" } },
        lines: { agg: { count: "invoice_lines" } },
        biggest: { agg: { max: "invoice_lines.amount" } },
      },
    },
    invoice_lines: {
      count: { per: "invoices", total: LINES, min: 1, max: 8 },
      fields: {
        invoice_id: { ref: "invoices.id" },
        amount: { number: { min: 0.01, max: 999.99, decimals: 2 } },
        balance: { running: { sum: "amount" } },
      },
    },
  },
};

/** Every row of an entity, column by column, with a callback per row. */
async function scan(
  world: World,
  entity: string,
  each: (row: Record<string, unknown>, index: number) => void,
): Promise<void> {
  for await (const { out } of entityBatches(world.engine(entity), 50_000)) {
    for (let k = 0; k < out.length; k++) {
      const row: Record<string, unknown> = {};
      out.fields.forEach((f, c) => (row[f] = out.columns[c]![k]));
      each(row, out.start + k);
    }
  }
}

Deno.test("agg sum/count/max and running sums are exact at 1M child rows, and random-access", async () => {
  const plan = await prepare(billing);
  const world = new World(plan);
  const cents = new Float64Array(INVOICES + 1);
  const count = new Uint32Array(INVOICES + 1);
  const max = new Float64Array(INVOICES + 1);
  const probes = new Map<number, Record<string, unknown>>();
  const lineProbes = [0, 1, 499_999, 500_000, LINES - 1];
  let lines = 0;
  let last = -1;
  let running = 0;
  await scan(world, "invoice_lines", (row, i) => {
    lines++;
    const id = row.invoice_id as number;
    const c = Math.round((row.amount as number) * 100);
    assert.ok(id >= last, "children follow their parents in order");
    if (id !== last) running = 0;
    last = id;
    running += c;
    cents[id] = cents[id]! + c;
    count[id] = count[id]! + 1;
    max[id] = Math.max(max[id]!, row.amount as number);
    // The balance is the running sum to the cent, not a float drifting from it.
    if (row.balance !== running / 100) {
      assert.equal(row.balance, Number((running / 100).toFixed(2)), `balance of line ${i}`);
    }
    if (lineProbes.includes(i)) probes.set(i, row);
  });
  assert.equal(lines, LINES, "the total is exact");

  const invoiceProbes = [0, 123_456, INVOICES - 1];
  const seen = new Map<number, Record<string, unknown>>();
  let invoices = 0;
  await scan(world, "invoices", (row, i) => {
    invoices++;
    const id = row.id as number;
    assert.equal(row.lines, count[id], `lines of invoice ${id}`);
    assert.ok(count[id]! >= 1 && count[id]! <= 8, `1–8 lines for invoice ${id}`);
    assert.equal(row.total, Number((cents[id]! / 100).toFixed(2)), `total of invoice ${id}`);
    assert.equal(row.biggest, max[id], `biggest line of invoice ${id}`);
    if (invoiceProbes.includes(i)) seen.set(i, row);
  });
  assert.equal(invoices, INVOICES);

  // Random access: a fresh world computing single rows gives the same values.
  const alone = new World(await prepare(billing));
  for (const i of invoiceProbes) {
    assert.deepEqual(alone.engine("invoices").rowAt(i), seen.get(i), `invoice row ${i}`);
  }
  const fresh = new World(await prepare(billing));
  for (const i of [...lineProbes].reverse()) {
    assert.deepEqual(fresh.engine("invoice_lines").rowAt(i), probes.get(i), `line row ${i}`);
  }
  plan.registry.close();
});

const small = {
  name: "small",
  seed: 5,
  entities: {
    accounts: {
      count: 40,
      fields: {
        id: { sequence: {} },
        low: { agg: { min: "moves.amount" } },
        mean: { agg: { avg: "moves.amount", decimals: 2 } },
        filled: { agg: { count: "moves.note" } },
        closing: { agg: { sum: "moves.amount" } },
      },
    },
    moves: {
      count: { per: "accounts", min: 0, max: 6 },
      fields: {
        account_id: { ref: "accounts.id" },
        amount: { integer: { min: -50, max: 100 } },
        note: { faker: "lorem.word", nullable: 0.5 },
        balance: { running: { sum: "amount", start: 1000 } },
        lowest: { running: { min: "amount" } },
        average: { running: { avg: "amount", decimals: 1 } },
      },
    },
  },
};

Deno.test("min, avg, count of non-null values; empty parents; opening balances", async () => {
  const accounts = await rowsOf(small, "accounts");
  const moves = await rowsOf(small, "moves");
  const byAccount = Map.groupBy(moves, (m) => m.account_id as number);
  let empty = 0;
  for (const a of accounts) {
    const mine = byAccount.get(a.id as number) ?? [];
    const amounts = mine.map((m) => m.amount as number);
    if (mine.length === 0) {
      empty++;
      assert.deepEqual([a.low, a.mean, a.filled, a.closing], [null, null, 0, 0]);
      continue;
    }
    assert.equal(a.low, Math.min(...amounts));
    assert.equal(a.mean, roundTo(amounts.reduce((x, y) => x + y, 0) / amounts.length, 2));
    assert.equal(a.filled, mine.filter((m) => m.note !== null).length);
    assert.equal(a.closing, amounts.reduce((x, y) => x + y, 0));
    let sum = 1000, low = Infinity;
    mine.forEach((m, k) => {
      sum += m.amount as number;
      low = Math.min(low, m.amount as number);
      assert.equal(m.balance, sum);
      assert.equal(m.lowest, low);
      const avg = amounts.slice(0, k + 1).reduce((x, y) => x + y, 0) / (k + 1);
      assert.equal(m.average, roundTo(avg, 1), "rounded half away from zero");
    });
  }
  assert.ok(empty > 0, "some accounts have no moves (min: 0)");
});

Deno.test("agg and running refuse entities that are not counted per parent", async () => {
  await assert.rejects(
    prepare({
      name: "x",
      entities: {
        a: { count: 3, fields: { id: { sequence: {} }, t: { agg: { sum: "b.v" } } } },
        b: {
          count: 9,
          fields: { a_id: { ref: "a.id" }, v: { integer: {} }, r: { running: { sum: "v" } } },
        },
      },
    }),
    (e: Error) => {
      assert.match(e.message, /Cannot aggregate b into a\.t: b rows are not counted per a/);
      assert.match(e.message, /count: \{ per: a/);
      assert.match(e.message, /Cannot keep a running sum in b\.r/);
      return true;
    },
  );
  await assert.rejects(
    prepare({
      name: "x",
      entities: {
        a: { count: 3, fields: { id: { sequence: {} }, t: { agg: { sum: "b.nope" } } } },
        b: { count: { per: "a", min: 1, max: 2 }, fields: { v: { integer: {} } } },
      },
    }),
    /Unknown field "nope" in sum: b\.nope/,
  );
});

Deno.test("fixture() of one invoice and one line equals the same rows of a full run", async () => {
  const { fixture } = await import("../../mod.ts");
  const accounts = await rowsOf(small, "accounts");
  const moves = await rowsOf(small, "moves");
  for (const i of [0, 17, 39]) {
    assert.deepEqual(await fixture(small, "accounts", { start: i, count: 1 }), [accounts[i]]);
  }
  for (const i of [moves.length - 1, 3, 50]) {
    assert.deepEqual(await fixture(small, "moves", { start: i, count: 1 }), [moves[i]]);
  }
});
