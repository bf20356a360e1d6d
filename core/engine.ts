/**
 * The engine: turns a plan into columnar batches. Row *i* of an entity is a
 * pure function of (seed, entity, *i*): every field of every row draws from
 * its own counter-based random stream, so any row can be generated alone,
 * in any batch size, in any order. Foreign keys draw a parent *index* and
 * regenerate the parent's key from it; parents are never held in memory.
 *
 * The one exception is `unique` on a generator that cannot guarantee
 * distinct values by itself: such a field keeps a set of the values seen
 * (memory grows with the row count) and retries on collision.
 *
 * @module
 */
import type { CompiledEntity, CompiledField, Plan } from "./compile.ts";
import { FabricateError, PluginError } from "./errors.ts";
import { attemptKey, Random, unitAt } from "./random.ts";
import type { RowContext } from "./types.ts";

/**
 * The engine version: which values a (scenario, seed) gives. It changes
 * only on purpose, when generated values change (the random streams, a
 * built-in generator's picks); the manifest records it, and
 * tests/core/engine_stability_test.ts pins fixed outputs so an accidental
 * change is caught. 1: sfc32 streams and faker's own picks; 2: one mixing
 * hash per draw and faker fast paths (docs/speed.md).
 *
 * @example
 * ```ts
 * import { ENGINE_VERSION } from "./engine.ts";
 * ENGINE_VERSION; // "2"
 * ```
 */
export const ENGINE_VERSION = "2";

/** How many times a unique field is retried before giving up. */
export const UNIQUE_ATTEMPTS = 100;
/** Rows kept per entity for random-access lookups (parents of refs). */
const ROW_CACHE_SIZE = 4096;

/**
 * Every entity engine of a plan, wired so plugins can look rows up by index.
 *
 * @example Generate a batch and a single row
 * ```ts
 * import { loadScenario } from "./load_scenario.ts";
 * import { builtinRegistry } from "./registry.ts";
 * import { compile } from "./compile.ts";
 * import { World } from "./engine.ts";
 * const plan = await compile(await loadScenario("quickstart"), await builtinRegistry());
 * const world = new World(plan);
 * const orders = world.engine("orders");
 * const columns = await orders.batch(0, 100);
 * const row42 = orders.rowAt(42); // equal to row 42 of the batch
 * ```
 */
export class World {
  readonly #engines = new Map<string, EntityEngine>();

  /** @param plan The plan to run. */
  constructor(readonly plan: Plan) {
    for (const entity of plan.entities) {
      this.#engines.set(entity.name, new EntityEngine(entity, this));
    }
    plan.services.count = (name) => this.engine(name).entity.count;
    plan.services.valueAt = (name, field, index) => this.engine(name).valueAt(field, index);
  }

  /**
   * The engine of an entity.
   *
   * @param name The entity's name.
   * @returns Its engine.
   */
  engine(name: string): EntityEngine {
    const e = this.#engines.get(name);
    if (!e) throw new FabricateError(`Unknown entity "${name}"`, 2);
    return e;
  }
}

/** The mutable row context used in batch mode (one per engine). */
class BatchRow implements RowContext {
  index = 0;
  attempt = 0;
  start = 0;
  columns: unknown[][] = [];
  refIndexes: (Float64Array | undefined)[] = [];

  constructor(readonly engine: EntityEngine, readonly random: Random) {}

  get(field: string): unknown {
    const c = this.engine.fieldIndex.get(field);
    const column = c === undefined ? undefined : this.columns[c];
    if (column === undefined) {
      throw new Error(`"${field}" is not a field this generator declared in "uses"`);
    }
    return column[this.index - this.start];
  }

  lookup(refField: string, parentField: string): unknown {
    const c = this.engine.fieldIndex.get(refField);
    const indexes = c === undefined ? undefined : this.refIndexes[c];
    if (c === undefined || indexes === undefined) {
      return this.engine.lookupAt(refField, parentField, this.index);
    }
    const j = indexes[this.index - this.start]!;
    if (Number.isNaN(j)) return null;
    const ref = this.engine.entity.fields[c]!.ref!;
    return this.engine.world.engine(ref.entity).valueAt(parentField, j);
  }
}

/** A row context for computing one row on its own (random access). */
class SingleRow implements RowContext {
  index = 0;
  attempt = 0;
  readonly random = new Random();

  constructor(readonly engine: EntityEngine) {}

  get(field: string): unknown {
    return this.engine.normalAt(field, this.index);
  }

  lookup(refField: string, parentField: string): unknown {
    return this.engine.lookupAt(refField, parentField, this.index);
  }
}

/**
 * The row context of an anomaly's replacement field: `get` reads the row as
 * it was before any replacement (the field's own normal value included).
 */
class AnomalyRow implements RowContext {
  index = 0;
  attempt = 0;
  readonly random = new Random();

  constructor(readonly engine: EntityEngine, public read: (field: string) => unknown) {}

  get(field: string): unknown {
    return this.read(field);
  }

  lookup(refField: string, parentField: string): unknown {
    return this.engine.lookupAt(refField, parentField, this.index);
  }
}

/**
 * Generates one entity's rows: in batches for output, or one value at a
 * time for lookups.
 */
export class EntityEngine {
  /** Field name → position in `entity.fields` (generation order). */
  readonly fieldIndex: Map<string, number>;
  readonly #batchRow: BatchRow;
  readonly #uniqueSets: (Set<unknown> | undefined)[];
  readonly #cache = new Map<number, Map<string, unknown>>();
  /** Position of the first field that answers whole columns, or -1. */
  readonly #firstColumn: number;
  /** Settles when the batch asked for last is done (see {@linkcode batch}). */
  #tail: Promise<void> = Promise.resolve();

  /**
   * Whether some field answers whole columns asynchronously (a sandboxed
   * plugin's, computed in its Worker): then a caller gains by asking for the
   * next batch before the current one is done (see {@linkcode batch}).
   */
  readonly waitsOnColumns: boolean;

  /**
   * @param entity The compiled entity.
   * @param world The world it belongs to.
   */
  constructor(readonly entity: CompiledEntity, readonly world: World) {
    this.fieldIndex = new Map(entity.fields.map((f, i) => [f.name, i]));
    this.#batchRow = new BatchRow(this, new Random());
    this.#uniqueSets = entity.fields.map((f) => (f.uniqueByRetry ? new Set() : undefined));
    this.#firstColumn = entity.fields.findIndex((f) => f.gen.column !== undefined);
    this.waitsOnColumns = this.#firstColumn >= 0;
  }

  /**
   * Generates rows `[start, start + length)` as columns, in generation order
   * (`entity.fields`). Batches must be requested in order when the entity
   * has unique-by-retry fields; otherwise any order gives the same rows.
   *
   * Batches of an entity with {@linkcode waitsOnColumns} may overlap: while
   * a sandboxed plugin's Worker computes one batch's column, the next batch
   * can be asked for, and computes its fields up to its first such column.
   * From there it waits until the batch before it is done, so each field
   * still sees its rows in order (a unique field's set of values included).
   *
   * @param start The first row index.
   * @param length How many rows.
   * @returns One array per field.
   */
  async batch(start: number, length: number): Promise<unknown[][]> {
    const row = this.#batchRow;
    const fields = this.entity.fields;
    const columns: unknown[][] = [];
    const refIndexes: (Float64Array | undefined)[] = [];
    const before = this.#tail;
    let done!: () => void;
    this.#tail = new Promise((resolve) => (done = resolve));
    try {
      for (let c = 0; c < fields.length; c++) {
        const f = fields[c]!;
        refIndexes[c] = undefined;
        if (f.gen.column) {
          // Asked at once, so the Worker starts on it while this waits.
          const asked = this.#askColumn(f, f.key, start, length, 0, columns, start, length);
          if (c === this.#firstColumn) {
            asked.catch(() => {}); // reported below, once awaited
            await before;
          }
          columns[c] = await this.#columnFromBatch(f, c, start, length, columns, asked);
        } else {
          // The shared row context, pointed at this batch's columns (another
          // batch may have used it while this one waited).
          row.start = start;
          row.columns = columns;
          row.refIndexes = refIndexes;
          columns[c] = this.#columnFromRows(f, c, start, length, row);
        }
      }
      if (this.entity.anomalies) this.#applyAnomalies(start, length, columns);
      return columns;
    } finally {
      done();
    }
  }

  /**
   * Breaks the batch's anomalous rows, in row order: a duplicate takes the
   * previous row's final values, then replacement fields are computed from
   * the row as it stood.
   */
  #applyAnomalies(start: number, length: number, columns: unknown[][]): void {
    const a = this.entity.anomalies!;
    const fields = this.entity.fields;
    let k = 0;
    const ctx = new AnomalyRow(this, (f) => {
      const c = this.fieldIndex.get(f);
      if (c === undefined) throw new Error(`"${f}" is not a field of ${this.entity.name}`);
      return columns[c]![k];
    });
    const pending: [number, unknown][] = [];
    for (; k < length; k++) {
      const i = start + k;
      const kind = a.kindAt(i);
      if (!kind) continue;
      if (kind.duplicate && i > 0) {
        for (let c = 0; c < fields.length; c++) {
          if (kind.duplicate.keep.has(fields[c]!.name)) continue;
          columns[c]![k] = k > 0 ? columns[c]![k - 1] : this.valueAt(fields[c]!.name, i - 1);
        }
      }
      pending.length = 0;
      for (const [name, override] of kind.overrides) {
        pending.push([this.fieldIndex.get(name)!, this.#override(override, i, ctx)]);
      }
      for (const [c, v] of pending) columns[c]![k] = v;
      // Fields that read a replaced one follow it (the context reads the
      // row as it now stands).
      for (const f of kind.dependents) {
        if (kind.duplicate && i > 0 && !kind.duplicate.keep.has(f.name)) continue;
        columns[this.fieldIndex.get(f.name)!]![k] = this.#override(f, i, ctx);
      }
    }
  }

  #override(f: CompiledField, index: number, ctx: AnomalyRow): unknown {
    try {
      return this.#compute(f, index, ctx, f.key);
    } catch (e) {
      throw this.#wrap(e, f, index);
    }
  }

  #columnFromRows(
    f: CompiledField,
    c: number,
    start: number,
    length: number,
    row: BatchRow,
  ): unknown[] {
    const column = new Array(length);
    const indexes = f.ref ? new Float64Array(length) : undefined;
    row.refIndexes[c] = indexes;
    const seen = this.#uniqueSets[c];
    let k = 0;
    try {
      for (; k < length; k++) {
        const i = start + k;
        let v = this.#compute(f, i, row, f.key);
        if (indexes) indexes[k] = this.#lastRefIndex;
        if (seen !== undefined && v !== null) {
          if (seen.has(v)) {
            v = this.#retryUnique(f, i, row, seen);
            if (indexes) indexes[k] = this.#lastRefIndex;
          }
          seen.add(v);
        }
        column[k] = v;
      }
    } catch (e) {
      throw this.#wrap(e, f, start + k);
    }
    return column;
  }

  /**
   * Asks a generator that answers whole columns for rows `[from, from + n)`
   * of a batch starting at `start`, and checks the count.
   */
  async #askColumn(
    f: CompiledField,
    key: number,
    from: number,
    n: number,
    attempt: number,
    columns: readonly unknown[][],
    start: number,
    length: number,
  ): Promise<unknown[]> {
    let out: unknown;
    try {
      const uses = Object.fromEntries(f.uses.map((u) => {
        const col = columns[this.fieldIndex.get(u)!]!;
        return [
          u,
          from === start && n === length ? col : col.slice(from - start, from - start + n),
        ];
      }));
      out = await f.gen.column!({ key, start: from, length: n, attempt, uses });
    } catch (e) {
      throw this.#wrap(e, f, from, "column");
    }
    if (!Array.isArray(out) || out.length !== n) {
      throw this.#wrap(
        new Error(
          `column() returned ${
            Array.isArray(out) ? `${out.length} values` : typeof out
          }; expected ${n} values`,
        ),
        f,
        from,
        "column",
      );
    }
    return out as unknown[];
  }

  /**
   * A column from a generator that answers whole columns (e.g. in a Worker),
   * once `asked` (its first answer) comes: nulls, transform, unique retries.
   */
  async #columnFromBatch(
    f: CompiledField,
    c: number,
    start: number,
    length: number,
    columns: readonly unknown[][],
    asked: Promise<unknown[]>,
  ): Promise<unknown[]> {
    const column = await asked;
    const seen = this.#uniqueSets[c];
    const when = f.when === undefined ? undefined : columns[this.fieldIndex.get(f.when.field)!]!;
    for (let k = 0; k < length; k++) {
      const i = start + k;
      let v = column[k];
      if (
        (f.nullable > 0 && unitAt(f.nullKey, i) < f.nullable) ||
        (f.when !== undefined && !f.when.test(when![k]))
      ) v = null;
      else if (f.transform) v = f.transform(v);
      if (v === undefined) throw this.#wrap(new Error("column() gave undefined"), f, i, "column");
      if (seen !== undefined && v !== null) {
        for (let attempt = 1; seen.has(v); attempt++) {
          if (attempt > UNIQUE_ATTEMPTS) throw this.#uniqueExhausted(f, i, seen);
          const [again] = await this.#askColumn(
            f,
            attemptKey(f.key, attempt),
            i,
            1,
            attempt,
            columns,
            start,
            length,
          );
          v = f.transform ? f.transform(again) : again;
        }
        seen.add(v);
      }
      column[k] = v;
    }
    return column;
  }

  /**
   * One field of one row as written (anomalies applied), computed on its
   * own. For a unique-by-retry field this is its first-choice value.
   *
   * @param field The field's name.
   * @param index The row index.
   * @returns The value.
   */
  valueAt(field: string, index: number): unknown {
    const kind = this.entity.anomalies?.kindAt(index);
    if (!kind) return this.normalAt(field, index);
    const copied = kind.duplicate && index > 0 && !kind.duplicate.keep.has(field);
    const override = kind.overrides.get(field);
    if (!override) {
      const dependent = kind.dependents.find((f) => f.name === field);
      if (dependent && !copied) {
        return this.#override(
          dependent,
          index,
          new AnomalyRow(this, (f) => this.valueAt(f, index)),
        );
      }
      return copied ? this.valueAt(field, index - 1) : this.normalAt(field, index);
    }
    const ctx = new AnomalyRow(
      this,
      (f) =>
        kind.duplicate && index > 0 && !kind.duplicate.keep.has(f)
          ? this.valueAt(f, index - 1)
          : this.normalAt(f, index),
    );
    return this.#override(override, index, ctx);
  }

  /**
   * One field of one row before anomalies, computed on its own (with a
   * small row cache).
   *
   * @param field The field's name.
   * @param index The row index.
   * @returns The value.
   */
  normalAt(field: string, index: number): unknown {
    let row = this.#cache.get(index);
    if (row?.has(field)) return row.get(field);
    const v = this.#computeAlone(this.#fieldOf(field), index);
    if (!row) {
      // Start over when full: evicting the oldest entry one by one makes V8
      // walk the deleted entries on every eviction (5 µs a value at scale).
      if (this.#cache.size >= ROW_CACHE_SIZE) this.#cache.clear();
      row = new Map();
      this.#cache.set(index, row);
    }
    row.set(field, v);
    return v;
  }

  /**
   * A parent key for a foreign key: like {@linkcode valueAt}, but a key that
   * reads nothing else (a sequence, a uuid) is recomputed without the row
   * cache, which would cost more than it saves.
   *
   * @param field The key field.
   * @param index The parent row index.
   * @returns The key.
   */
  keyAt(field: string, index: number): unknown {
    const f = this.#fieldOf(field);
    if (f.uses.length || f.ref || this.entity.anomalies) return this.valueAt(field, index);
    return this.#computeAlone(f, index);
  }

  #fieldOf(field: string): CompiledField {
    const c = this.fieldIndex.get(field);
    if (c === undefined) {
      throw new FabricateError(`Entity "${this.entity.name}" has no field "${field}"`, 2);
    }
    return this.entity.fields[c]!;
  }

  /** Row contexts for single values, one per nesting depth (lookups nest). */
  readonly #pool: SingleRow[] = [];
  #depth = 0;

  #computeAlone(f: CompiledField, index: number): unknown {
    if (!(index >= 0 && index < this.entity.count && Number.isInteger(index))) {
      throw new FabricateError(
        `Row ${index} of "${this.entity.name}" does not exist (it has ${this.entity.count} rows)`,
        1,
      );
    }
    if (f.gen.column) {
      throw new FabricateError(
        `Cannot compute ${this.entity.name}.${f.name} for one row: its generator "${f.plugin.name}" only answers whole batches (it runs sandboxed)`,
        2,
      );
    }
    const ctx = this.#pool[this.#depth] ??= new SingleRow(this);
    this.#depth++;
    try {
      return this.#compute(f, index, ctx, f.key);
    } catch (e) {
      throw this.#wrap(e, f, index);
    } finally {
      this.#depth--;
    }
  }

  /**
   * A whole row computed on its own, fields in scenario order (hidden ones
   * included).
   *
   * @param index The row index.
   * @returns The row as an object.
   */
  rowAt(index: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.entity.declared) out[f.name] = this.valueAt(f.name, index);
    return out;
  }

  /**
   * The parent field behind a ref field of a row, recomputing the drawn
   * parent index.
   *
   * @param refField The ref field of this entity.
   * @param parentField The field of the parent entity.
   * @param index The row index in this entity.
   * @returns The parent's value, or null when the ref is null.
   */
  lookupAt(refField: string, parentField: string, index: number): unknown {
    const c = this.fieldIndex.get(refField);
    const f = c === undefined ? undefined : this.entity.fields[c];
    if (!f?.ref) {
      throw new Error(`"${refField}" is not a ref field of ${this.entity.name}`);
    }
    if (f.nullable > 0 && unitAt(f.nullKey, index) < f.nullable) return null;
    // ref.index only draws from the row's stream, so one context serves every lookup.
    const ctx = this.#lookupRow;
    ctx.index = index;
    ctx.random.reseed(f.key, index);
    const j = f.ref.index(ctx);
    return Number.isNaN(j) ? null : this.world.engine(f.ref.entity).valueAt(parentField, j);
  }

  readonly #lookupRow = new SingleRow(this);

  #lastRefIndex = NaN;

  #compute(
    f: CompiledField,
    i: number,
    row: BatchRow | SingleRow | AnomalyRow,
    key: number,
  ): unknown {
    row.index = i;
    if (
      (f.nullable > 0 && unitAt(f.nullKey, i) < f.nullable) ||
      (f.when !== undefined && !f.when.test(row.get(f.when.field)))
    ) {
      this.#lastRefIndex = NaN;
      return null;
    }
    row.random.reseed(key, i);
    let v: unknown;
    if (f.ref) {
      const j = f.ref.index(row);
      this.#lastRefIndex = j;
      // NaN: no parent (a tree's root).
      v = Number.isNaN(j) ? null : this.world.engine(f.ref.entity).keyAt(f.ref.field, j);
    } else {
      v = f.gen.value(row);
      if (v === undefined) throw new Error("value() returned undefined");
    }
    return f.transform ? f.transform(v) : v;
  }

  #retryUnique(f: CompiledField, i: number, row: BatchRow, seen: Set<unknown>): unknown {
    for (let attempt = 1; attempt <= UNIQUE_ATTEMPTS; attempt++) {
      row.attempt = attempt;
      const v = this.#compute(f, i, row, attemptKey(f.key, attempt));
      row.attempt = 0;
      if (v === null || !seen.has(v)) return v;
    }
    throw this.#uniqueExhausted(f, i, seen);
  }

  #uniqueExhausted(f: CompiledField, i: number, seen: Set<unknown>): FabricateError {
    return new FabricateError(
      `Cannot keep ${this.entity.name}.${f.name} unique: no new value after ${UNIQUE_ATTEMPTS} attempts at row ${i} (${seen.size} distinct values so far)\n` +
        `  hint: the "${f.plugin.name}" generator has too few distinct values for ${this.entity.count} rows; widen it, lower the count or drop "unique"`,
      2,
    );
  }

  #wrap(e: unknown, f: CompiledField, row: number, hook = "value"): Error {
    if (e instanceof FabricateError) return e;
    return new PluginError(
      { plugin: f.plugin.name, hook, entity: this.entity.name, field: f.name, row },
      e,
    );
  }
}
