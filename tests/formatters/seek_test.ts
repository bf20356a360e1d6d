/**
 * The `seek` contract of every built-in formatter: an entity formatted in
 * pieces on separate streams (each seeking to its first row) joins into the
 * bytes of one stream. Workers, shards and resumed runs rely on it.
 */
import assert from "node:assert/strict";
import { prepare } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { entityBatches, entitySchemaOf } from "../../core/batches.ts";
import type { Batch, Chunk, EntitySchema, FormatterStream } from "../../core/types.ts";

const text = (c: Chunk | void) =>
  c === undefined ? "" : typeof c === "string" ? c : new TextDecoder().decode(c);

for (
  const [format, options] of [
    ["csv", {}],
    ["jsonl", {}],
    ["json", {}],
    ["json", { indent: 2 }],
    ["yaml", {}],
    ["xml", {}],
    ["sql", { batch: 7 }],
    ["sql", { dialect: "mysql" }],
  ] as const
) {
  for (const layout of ["per-entity", "single"] as const) {
    if (layout === "single" && (format === "csv" || format === "jsonl")) continue;
    Deno.test(`${format} ${JSON.stringify(options)} (${layout}): pieces formatted apart with seek() join into one stream's bytes`, async () => {
      const plan = await prepare("quickstart", {
        formats: [format],
        formatOptions: { [format]: options },
        counts: { customers: 23, products: 5, orders: 41 },
      });
      const world = new World(plan);
      const f = plan.formats[0]!;
      const schemas = plan.entities.map((e) => entitySchemaOf(plan, e));
      const setup = { scenario: plan.scenario.name, layout, entities: schemas };
      const rowsOf = async (name: string) => {
        const out: Batch[] = [];
        for await (const b of entityBatches(world.engine(name), 1000)) out.push(b.out);
        return out[0]!;
      };
      const slice = (b: Batch, from: number, to: number): Batch => ({
        ...b,
        start: from,
        length: to - from,
        columns: b.columns.map((c) => c.slice(from, to)),
      });
      const open = async (schema: EntitySchema, row: number): Promise<FormatterStream> => {
        const s = await f.plugin.create(f.options, setup);
        await s.start?.();
        await s.beginEntity?.(schema);
        s.seek!(schema, row);
        return s;
      };
      const files = layout === "single" ? [schemas] : schemas.map((s) => [s]);
      for (const group of files) {
        const one = await f.plugin.create(f.options, { ...setup, entities: group });
        let expected = text(await one.start?.());
        let actual = expected;
        const main = await f.plugin.create(f.options, { ...setup, entities: group });
        await main.start?.();
        for (const schema of group) {
          const all = await rowsOf(schema.name);
          expected += text(await one.beginEntity?.(schema)) + text(await one.write(all, schema)) +
            text(await one.endEntity?.(schema));
          actual += text(await main.beginEntity?.(schema));
          // Cut points: none, the first row alone, odd pieces.
          const cuts = [0, 1, 8, 15, 16, all.length].filter((c) => c <= all.length);
          for (let k = 0; k + 1 < cuts.length; k++) {
            const piece = await open(schema, cuts[k]!);
            actual += text(await piece.write(slice(all, cuts[k]!, cuts[k + 1]!), schema));
          }
          main.seek!(schema, all.length);
          actual += text(await main.endEntity?.(schema));
        }
        expected += text(await one.finish?.());
        actual += text(await main.finish?.());
        assert.equal(actual, expected);
      }
    });
  }
}
