/**
 * Streams an entity's rows as columnar batches: the full batch (every
 * field, for validators) and the output view (written fields only, in
 * scenario order, for formatters and library users).
 *
 * @module
 */
import type { EntityEngine } from "./engine.ts";
import type { Batch, ColumnInfo, EntitySchema } from "./types.ts";
import type { CompiledEntity, CompiledField, Plan } from "./compile.ts";

/** One batch in its two views. */
export interface BatchPair {
  /** Every field, in generation order. */
  readonly full: Batch;
  /** Output fields only, in scenario order. */
  readonly out: Batch;
}

/**
 * How many batches are computed ahead of the one awaited when a Worker
 * computes some field. Measured on customers-10 with a sandboxed field: a
 * second batch ahead costs more memory (+50 to +130 MB peak) and garbage
 * collection than the Worker gains from the slack.
 */
const AHEAD = 1;

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
  // With a sandboxed plugin's field, the next batch is asked for before this
  // one is awaited: its fields are computed while the Worker computes this
  // one's column (the engine keeps each field's rows in order).
  const ahead = engine.waitsOnColumns ? AHEAD : 0;
  const pending: Promise<unknown[][]>[] = [];
  let asked = from;
  for (let start = from; start < to; start += batchSize) {
    const length = Math.min(batchSize, to - start);
    while (asked < to && pending.length <= ahead) {
      const batch = engine.batch(asked, Math.min(batchSize, to - asked));
      // A failure is reported when its batch's turn comes (never, if the caller stops first).
      batch.catch(() => {});
      pending.push(batch);
      asked += batchSize;
    }
    const columns = await pending.shift()!;
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
  const touched = new Set<string>();
  const copied = new Set<string>();
  const overrides: CompiledField[] = [];
  for (const kind of entity.anomalies?.kinds ?? []) {
    for (const [name, f] of kind.overrides) {
      touched.add(name);
      overrides.push(Object.assign({}, f, { name }));
    }
    for (const f of kind.dependents) {
      touched.add(f.name);
      overrides.push(f);
    }
    if (kind.duplicate) {
      for (const f of entity.outputs) if (!kind.duplicate.keep.has(f.name)) copied.add(f.name);
    }
  }
  // A tuple an anomaly replaces or copies is not unique in every row.
  const together = (entity.uniqueTogether ?? []).filter((cols) =>
    cols.every((c) => !touched.has(c) && !copied.has(c))
  );
  return {
    name: entity.name,
    count: entity.count,
    columns: entity.outputs.map((f): ColumnInfo => ({
      name: f.name,
      type: f.type,
      nullable: mayBeNull(f) || overrides.some((o) => o.name === f.name && mayBeNull(o)),
      referenced: referenced.has(f.name),
      unique: (f.unique || (f.gen.distinct ?? false)) && !touched.has(f.name) &&
        !copied.has(f.name),
      key: f.name === keyName,
      ...(f.ref ? { ref: { entity: f.ref.entity, field: f.ref.field } } : {}),
      ...(touched.has(f.name) ? {} : constraintsOf(entity, f)),
      ...numericOf(f, overrides.filter((o) => o.name === f.name)),
    })),
    ...(entity.primaryKey ? { primaryKey: entity.primaryKey } : {}),
    ...(together.length ? { uniqueTogether: together } : {}),
  };
}

/** True unless the field provably never holds null. */
function mayBeNull(f: CompiledField): boolean {
  return f.nullable > 0 || (f.gen.nullable ?? false) || f.when !== undefined;
}

/** The longest choice list written as a CHECK (`IN (…)`). */
const CHOICE_CHECK_MAX = 16;

type Constraints = Pick<ColumnInfo, "maxLength" | "min" | "max" | "values">;

/**
 * What the field's validators (and a choice's list) promise of every value:
 * only for fields no anomaly touches, since anomalies break rules on purpose.
 */
function constraintsOf(entity: CompiledEntity, f: CompiledField): Constraints {
  const out: { -readonly [K in keyof Constraints]: Constraints[K] } = {};
  const scalar = (v: unknown): v is string | number | boolean =>
    typeof v === "string" || typeof v === "number" || typeof v === "boolean";
  if (f.gen.values && f.transform === undefined) {
    const list = f.gen.values.filter((v) => v !== null);
    // A long list (names) would make a CHECK noise: only short ones (statuses).
    if (list.length <= CHOICE_CHECK_MAX && list.every(scalar)) out.values = list;
  }
  for (const rule of entity.rules) {
    if (rule.field !== f.name) continue;
    const o = rule.options as Record<string, unknown> | unknown[];
    const longest = rule.plugin.maxLength?.(rule.options);
    if (longest !== undefined && longest > 0 && f.type === "string") {
      out.maxLength = Math.min(out.maxLength ?? Infinity, longest);
    }
    switch (rule.plugin.name) {
      case "range": {
        const r = o as { min?: unknown; max?: unknown; exclusive?: unknown };
        if (r.exclusive !== false || (f.type !== "integer" && f.type !== "number")) break;
        if (typeof r.min === "number") out.min = Math.max(out.min ?? -Infinity, r.min);
        if (typeof r.max === "number") out.max = Math.min(out.max ?? Infinity, r.max);
        break;
      }
      case "enum": {
        const e = Array.isArray(o)
          ? { values: o }
          : o as { values?: unknown[]; ignore_case?: boolean };
        if (e.ignore_case || !Array.isArray(e.values) || !e.values.every(scalar)) break;
        const allowed = e.values as (string | number | boolean)[];
        out.values = out.values ? out.values.filter((v) => allowed.includes(v)) : allowed;
        break;
      }
    }
  }
  return out;
}

/** NUMERIC scale and size of a decimal number column (its replacements included). */
function numericOf(
  f: CompiledField,
  overrides: readonly CompiledField[],
): Pick<ColumnInfo, "decimals" | "maxAbs"> {
  if (f.type !== "number" || !f.gen.numeric) return {};
  let decimals = f.gen.numeric.decimals;
  let maxAbs: number | undefined = f.gen.numeric.maxAbs;
  for (const o of overrides) {
    if (o.type === "integer") continue;
    if (!o.gen.numeric) return {};
    decimals = Math.max(decimals, o.gen.numeric.decimals);
    maxAbs = undefined;
  }
  return { decimals, ...(maxAbs !== undefined ? { maxAbs } : {}) };
}
