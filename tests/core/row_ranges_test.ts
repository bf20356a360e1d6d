import assert from "node:assert/strict";
import { partName, shardRange } from "../../core/row_ranges.ts";

Deno.test("shardRange() covers every row exactly once, in order, for any split", () => {
  for (const rows of [0, 1, 2, 7, 10, 1000, 1001]) {
    for (const count of [1, 2, 3, 7, 16]) {
      let next = 0;
      for (let index = 0; index < count; index++) {
        const [from, to] = shardRange(rows, { index, count });
        assert.equal(from, next, `${rows} rows, shard ${index}/${count}`);
        assert.ok(to >= from);
        // Sizes differ by at most one row.
        assert.ok(to - from === Math.floor(rows / count) || to - from === Math.ceil(rows / count));
        next = to;
      }
      assert.equal(next, rows);
    }
  }
});

Deno.test("partName() numbers parts from 0 with four digits", () => {
  assert.equal(partName("customers", { index: 0, count: 2 }, "csv"), "customers.part-0000.csv");
  assert.equal(
    partName("order_lines", { index: 12, count: 16 }, "jsonl"),
    "order_lines.part-0012.jsonl",
  );
});
