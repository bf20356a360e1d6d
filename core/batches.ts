/**
 * Streams an entity's rows as columnar batches: the full batch (every
 * field, for validators) and the output view (written fields only, in
 * scenario order, for formatters and library users).
 *
 * @module
 */
import type { EntityEngine } from "./engine.ts";
import type { Batch, ColumnInfo, EntitySchema } from "./types.ts";
import type { CompiledEntity, Plan } from "./compile.ts";

/** One batch in its two views. */
export interface BatchPair {
  /** Every field, in generation order. */
  readonly full: Batch;
  /** Output fields only, in scenario order. */
  readonly out: Batch;
}

/**
 * Generates an entity's rows `[from, to)` batch by batch.
 *
 * @param engine The entity's engine.
 * @param batchSize Rows per batch.
 * @param from The first row (default 0).
 * @param to One past the last row (default the entity's count).
 * @returns The batches, in order.
 * @example
 * ```ts ignore
 * for await (const { out } of entityBatches(world.engine("customers"), 10_000)) {
 *   console.log(out.start, out.length);
 * }
 * ```
 */
export async function* entityBatches(
  engine: EntityEngine,
  batchSize: number,
  from = 0,
  to = engine.entity.count,
): AsyncGenerator<BatchPair> {
  const entity = engine.entity;
  const allFields = entity.fields.map((f) => f.name);
  const outFields = entity.outputs.map((f) => f.name);
  const outIndex = entity.outputs.map((f) => engine.fieldIndex.get(f.name)!);
  for (let start = from; start < to; start += batchSize) {
    const length = Math.min(batchSize, to - start);
    const columns = await engine.batch(start, length);
    yield {
      full: { entity: entity.name, start, length, fields: allFields, columns },
      out: {
        entity: entity.name,
        start,
        length,
        fields: outFields,
        columns: outIndex.map((i) => columns[i]!),
      },
    };
  }
}

/**
 * Describes an entity's output columns for formatters.
 *
 * @param plan The plan (to find which columns other entities reference).
 * @param entity The compiled entity.
 * @returns Its schema.
 * @example
 * ```ts ignore
 * const schema = entitySchemaOf(plan, plan.byName.get("orders")!);
 * schema.columns.find((c) => c.name === "customer_id")?.ref; // { entity: "customers", field: "id" }
 * ```
 */
export function entitySchemaOf(plan: Plan, entity: CompiledEntity): EntitySchema {
  const referenced = new Set<string>();
  for (const e of plan.entities) {
    for (const f of e.declared) {
      if (f.ref?.entity === entity.name) referenced.add(f.ref.field);
    }
  }
  const keyName = referenced.size === 1 ? [...referenced][0] : referenced.size === 0 &&
      entity.outputs.some((f) => f.name === "id" && (f.unique || f.gen.distinct))
    ? "id"
    : undefined;
  return {
    name: entity.name,
    count: entity.count,
    columns: entity.outputs.map((f): ColumnInfo => ({
      name: f.name,
      type: f.type,
      nullable: f.nullable > 0 || (f.gen.nullable ?? false) || f.when !== undefined,
      referenced: referenced.has(f.name),
      unique: f.unique || (f.gen.distinct ?? false),
      key: f.name === keyName,
      ...(f.ref ? { ref: { entity: f.ref.entity, field: f.ref.field } } : {}),
    })),
    ...(entity.primaryKey ? { primaryKey: entity.primaryKey } : {}),
    ...(entity.uniqueTogether ? { uniqueTogether: entity.uniqueTogether } : {}),
  };
}
