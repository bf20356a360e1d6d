/**
 * The quality report of a run: statistics per column, foreign-key coverage,
 * timeline counts against the configured shape, anomaly rates against the
 * configured rates, validator results and checks. Rows stream through
 * `add()` batch by batch; memory is bounded per column and per referenced
 * key (see docs/report.md).
 *
 * @module
 */
import type { CompiledEntity, Plan } from "../compile.ts";
import { ANOMALY_COLUMN } from "../anomalies.ts";
import { entitySchemaOf } from "../batches.ts";
import type { Batch } from "../types.ts";
import type { ValidationSummary } from "../validation.ts";
import {
  type ColumnReport,
  ColumnStats,
  DAY_CAP,
  EXACT_DISTINCT_CAP,
  TOP_LISTED,
  TOP_SLOTS,
} from "./column_stats.ts";

/** Keys kept per referenced parent field and per foreign key; past it, coverage is not computed. */
export const FK_KEY_CAP = 1_000_000;
/** Example rows kept per check. */
const EXAMPLES = 5;
const DAY_MS = 86_400_000;

/** A foreign key: `entity.field` → `parent.parent_field`. */
export interface ForeignKeyReport {
  entity: string;
  field: string;
  parent: string;
  parent_field: string;
  /** Child rows with a non-null value. */
  references: number;
  /** Distinct parent keys. */
  parent_keys: number;
  /** Parent keys referenced at least once. */
  covered: number;
  /** covered / parent_keys. */
  coverage: number;
  /** Child rows whose value is no parent key. */
  orphans: number;
  /** Children per parent: how many parents have `children` child rows. */
  children_per_parent: { children: number; parents: number }[];
  /** Fewest, most and mean children per parent key. */
  min: number;
  max: number;
  mean: number;
  /** Set when a key set passed FK_KEY_CAP: nothing above is computed. */
  skipped?: string;
}

/** Rows per day of a timestamp field on a timeline, against the configured shape. */
export interface TimelineReport {
  entity: string;
  field: string;
  /** First day of the period. */
  from: string;
  /** One entry per day of the period: measured rows, planned rows, configured shape. */
  days: { day: string; rows: number; planned: number; shape: number }[];
  /** Rows outside the period (anomalies may move instants). */
  outside: number;
}

/** Anomaly rates of an entity, measured against configured. */
export interface AnomalyReport {
  entity: string;
  /** How the counts were obtained. */
  source: "engine" | "column" | "scenario";
  rows: number;
  /** Configured share of anomalous rows. */
  configured_rate: number;
  /** Measured share. */
  rate: number;
  kinds: { kind: string; configured_rate: number; rows: number; rate: number }[];
}

/** A failed check of the report (not a validator rule). */
export interface CheckResult {
  entity: string;
  field?: string;
  check: string;
  failures: number;
  message: string;
  examples: { row?: number; value?: string }[];
}

/** The whole report (report.json). */
export interface Report {
  fabricate: string;
  scenario: string;
  seed?: number | string;
  /** "gen": collected while generating; "files": read back from files. */
  source: "gen" | "files";
  generated_at: string;
  /** The bounds that decide what is exact; see docs/report.md. */
  limits: {
    exact_distinct_cap: number;
    top_slots: number;
    top_listed: number;
    day_cap: number;
    fk_key_cap: number;
    histogram_max_bins: number;
  };
  entities: { name: string; rows: number; columns: ColumnReport[] }[];
  foreign_keys: ForeignKeyReport[];
  timelines: TimelineReport[];
  anomalies: AnomalyReport[];
  validation?: ValidationSummary & { source: string };
  checks: CheckResult[];
  /** What could not be computed, and why. */
  notes: string[];
}

interface FkState {
  entity: string;
  field: string;
  parent: string;
  parentField: string;
  children: Map<string, number> | undefined;
  references: number;
  examples: { row: number; value: string }[];
  orphansSeen: number;
  /** Anomalies replace this field: orphans are expected, not a failure. */
  touched: boolean;
}

interface EntityState {
  name: string;
  rows: number;
  columns: Map<string, ColumnStats>;
  anomalies?: Map<string, number>;
  anomalySource?: AnomalyReport["source"];
  nullChecks: Map<string, { failures: number; examples: { row: number }[] }>;
}

/** Options of a report collection. */
export interface CollectOptions {
  /** Where rows come from ("gen" while generating, "files" when read back). */
  source: "gen" | "files";
  /** fabricate's version. */
  version: string;
  /** Expected row counts (from a manifest), checked at the end. */
  expectedRows?: Record<string, number>;
}

/**
 * Gathers a report from batches.
 *
 * @example
 * ```ts
 * import { loadScenario } from "../load_scenario.ts";
 * import { builtinRegistry } from "../registry.ts";
 * import { compile } from "../compile.ts";
 * import { World } from "../engine.ts";
 * import { entityBatches } from "../batches.ts";
 * import { ReportCollector } from "./collect_report.ts";
 * const plan = await compile(await loadScenario("quickstart"), await builtinRegistry());
 * const world = new World(plan);
 * const report = new ReportCollector(plan, { source: "gen", version: "0" });
 * for (const entity of plan.entities) {
 *   report.beginEntity(entity.name);
 *   for await (const { out } of entityBatches(world.engine(entity.name), 1000)) report.add(out);
 *   report.endEntity(entity.name);
 * }
 * report.result().entities[0]!.columns[0]!.distinct; // { value: 1000, exact: true }
 * ```
 */
export class ReportCollector {
  readonly #entities = new Map<string, EntityState>();
  readonly #fks: FkState[] = [];
  /** Parent keys by "entity\0field"; undefined once past FK_KEY_CAP. */
  readonly #keys = new Map<string, Set<string> | undefined>();
  readonly #finished = new Set<string>();
  readonly #notes: string[] = [];

  /**
   * @param plan The plan (refs, timelines, anomalies, nullability), or undefined for plain files.
   * @param options Source and version.
   */
  constructor(readonly plan: Plan | undefined, readonly options: CollectOptions) {
    for (const e of plan?.entities ?? []) {
      const touched = new Set<string>();
      for (const k of e.anomalies?.kinds ?? []) {
        for (const name of k.overrides.keys()) touched.add(name);
        for (const f of k.dependents) touched.add(f.name);
      }
      for (const f of e.outputs) {
        if (!f.ref) continue;
        this.#fks.push({
          entity: e.name,
          field: f.name,
          parent: f.ref.entity,
          parentField: f.ref.field,
          children: new Map(),
          references: 0,
          examples: [],
          orphansSeen: 0,
          touched: touched.has(f.name),
        });
        this.#keys.set(`${f.ref.entity}\0${f.ref.field}`, new Set());
      }
    }
  }

  /** Notes something the report cannot compute. */
  note(text: string): void {
    this.#notes.push(text);
  }

  /**
   * Starts an entity (call before its batches).
   *
   * @param name The entity.
   */
  beginEntity(name: string): void {
    const compiled = this.plan?.byName.get(name);
    const state: EntityState = {
      name,
      rows: 0,
      columns: new Map(),
      nullChecks: new Map(),
    };
    if (compiled?.anomalies) {
      state.anomalies = new Map(compiled.anomalies.kinds.map((k) => [k.name, 0]));
    }
    this.#entities.set(name, state);
  }

  /**
   * Counts a batch of an entity's written rows.
   *
   * @param batch Output columns (names in `fields`), rows `start … start + length`.
   */
  add(batch: Batch): void {
    const state = this.#entities.get(batch.entity);
    if (!state) throw new Error(`Report: entity "${batch.entity}" was not begun`);
    state.rows += batch.length;
    const compiled = this.plan?.byName.get(batch.entity);
    const schema = compiled && this.plan ? this.#schema(compiled) : undefined;
    batch.fields.forEach((name, c) => {
      const column = batch.columns[c]!;
      let stats = state.columns.get(name);
      if (!stats) state.columns.set(name, stats = new ColumnStats(name));
      for (let k = 0; k < batch.length; k++) stats.add(column[k]);
      // A field that never holds null in a generated run must not hold one in files.
      if (schema?.get(name) === false) {
        for (let k = 0; k < batch.length; k++) {
          if (column[k] !== null && column[k] !== undefined) continue;
          let check = state.nullChecks.get(name);
          if (!check) state.nullChecks.set(name, check = { failures: 0, examples: [] });
          check.failures++;
          if (check.examples.length < EXAMPLES) check.examples.push({ row: batch.start + k });
        }
      }
      const keys = this.#keys.get(`${batch.entity}\0${name}`);
      if (keys) {
        for (let k = 0; k < batch.length; k++) {
          const v = column[k];
          if (v !== null && v !== undefined) keys.add(String(v));
        }
        if (keys.size > FK_KEY_CAP) this.#keys.set(`${batch.entity}\0${name}`, undefined);
      }
    });
    for (const fk of this.#fks) {
      if (fk.entity !== batch.entity) continue;
      const c = batch.fields.indexOf(fk.field);
      if (c < 0 || !fk.children) continue;
      const column = batch.columns[c]!;
      const parentDone = this.#finished.has(fk.parent);
      const parentKeys = this.#keys.get(`${fk.parent}\0${fk.parentField}`);
      for (let k = 0; k < batch.length; k++) {
        const v = column[k];
        if (v === null || v === undefined) continue;
        const key = String(v);
        fk.references++;
        fk.children.set(key, (fk.children.get(key) ?? 0) + 1);
        if (parentDone && parentKeys && !parentKeys.has(key)) {
          fk.orphansSeen++;
          if (fk.examples.length < EXAMPLES) fk.examples.push({ row: batch.start + k, value: key });
        }
      }
      if (fk.children.size > FK_KEY_CAP) fk.children = undefined;
    }
    this.#countAnomalies(state, compiled, batch);
  }

  #schemas = new Map<string, Map<string, boolean>>();
  #schema(entity: CompiledEntity): Map<string, boolean> {
    let s = this.#schemas.get(entity.name);
    if (!s) {
      s = new Map(entitySchemaOf(this.plan!, entity).columns.map((c) => [c.name, c.nullable]));
      this.#schemas.set(entity.name, s);
    }
    return s;
  }

  #countAnomalies(state: EntityState, entity: CompiledEntity | undefined, batch: Batch): void {
    const a = entity?.anomalies;
    if (!a || !state.anomalies) return;
    const c = batch.fields.indexOf(ANOMALY_COLUMN);
    if (c >= 0) {
      // Measured: the label column as written.
      state.anomalySource = "column";
      const column = batch.columns[c]!;
      for (let k = 0; k < batch.length; k++) {
        const v = column[k];
        if (v === null || v === undefined || v === "") continue;
        state.anomalies.set(String(v), (state.anomalies.get(String(v)) ?? 0) + 1);
      }
      return;
    }
    // No label in the rows: which row got which kind is a pure function of (seed, entity, row).
    state.anomalySource = this.options.source === "gen" ? "engine" : "scenario";
    for (let k = 0; k < batch.length; k++) {
      const kind = a.kindAt(batch.start + k);
      if (kind) state.anomalies.set(kind.name, (state.anomalies.get(kind.name) ?? 0) + 1);
    }
  }

  /**
   * Ends an entity: its keys are complete, so later children can be checked.
   *
   * @param name The entity.
   */
  endEntity(name: string): void {
    this.#finished.add(name);
  }

  /**
   * The report.
   *
   * @param validation Validator results, and where they come from.
   * @returns Everything gathered.
   */
  result(validation?: ValidationSummary & { source: string }): Report {
    const entities = [...this.#entities.values()].map((e) => ({
      name: e.name,
      rows: e.rows,
      columns: [...e.columns.values()].map((c) => c.result()),
    }));
    const checks: CheckResult[] = [];
    for (const e of this.#entities.values()) {
      for (const [field, c] of e.nullChecks) {
        checks.push({
          entity: e.name,
          field,
          check: "not-null",
          failures: c.failures,
          message: `${c.failures} null value${
            c.failures === 1 ? "" : "s"
          } in a field that is never null`,
          examples: c.examples,
        });
      }
      const want = this.options.expectedRows?.[e.name];
      if (want !== undefined && want !== e.rows) {
        checks.push({
          entity: e.name,
          check: "row-count",
          failures: 1,
          message: `${e.rows} rows, the manifest says ${want}`,
          examples: [],
        });
      }
    }
    const foreignKeys = this.#fks.filter((fk) => this.#entities.has(fk.entity)).map((fk) => {
      const r = this.#foreignKey(fk);
      if (r.orphans > 0 && !fk.touched) {
        checks.push({
          entity: fk.entity,
          field: fk.field,
          check: "foreign-key",
          failures: r.orphans,
          message: `${r.orphans} value${
            r.orphans === 1 ? " is" : "s are"
          } no ${fk.parent}.${fk.parentField}`,
          examples: fk.examples,
        });
      }
      return r;
    });
    return {
      fabricate: this.options.version,
      scenario: this.plan?.scenario.name ?? "",
      ...(this.plan ? { seed: this.plan.seed } : {}),
      source: this.options.source,
      generated_at: new Date().toISOString(),
      limits: {
        exact_distinct_cap: EXACT_DISTINCT_CAP,
        top_slots: TOP_SLOTS,
        top_listed: TOP_LISTED,
        day_cap: DAY_CAP,
        fk_key_cap: FK_KEY_CAP,
        histogram_max_bins: 64,
      },
      entities,
      foreign_keys: foreignKeys,
      timelines: this.#timelines(entities),
      anomalies: this.#anomalies(),
      ...(validation ? { validation } : {}),
      checks,
      notes: [...this.#notes],
    };
  }

  #foreignKey(fk: FkState): ForeignKeyReport {
    const base = {
      entity: fk.entity,
      field: fk.field,
      parent: fk.parent,
      parent_field: fk.parentField,
      references: fk.references,
    };
    const keys = this.#keys.get(`${fk.parent}\0${fk.parentField}`);
    const empty = {
      parent_keys: 0,
      covered: 0,
      coverage: 0,
      orphans: 0,
      children_per_parent: [],
      min: 0,
      max: 0,
      mean: 0,
    };
    if (!this.#entities.has(fk.parent)) {
      return { ...base, ...empty, skipped: `${fk.parent} was not read` };
    }
    if (!keys || !fk.children) {
      return { ...base, ...empty, skipped: `more than ${FK_KEY_CAP} keys` };
    }
    const perParent = new Map<number, number>();
    let covered = 0;
    let min = Infinity;
    let max = 0;
    let inside = 0;
    for (const key of keys) {
      const n = fk.children.get(key) ?? 0;
      if (n > 0) covered++;
      inside += n;
      perParent.set(n, (perParent.get(n) ?? 0) + 1);
      if (n < min) min = n;
      if (n > max) max = n;
    }
    return {
      ...base,
      parent_keys: keys.size,
      covered,
      coverage: keys.size ? covered / keys.size : 0,
      orphans: fk.references - inside,
      children_per_parent: [...perParent].sort((a, b) => a[0] - b[0])
        .map(([children, parents]) => ({ children, parents })),
      min: keys.size ? min : 0,
      max,
      mean: keys.size ? inside / keys.size : 0,
    };
  }

  #timelines(entities: Report["entities"]): TimelineReport[] {
    const out: TimelineReport[] = [];
    for (const e of this.plan?.entities ?? []) {
      const t = e.timeline;
      const measured = entities.find((x) => x.name === e.name);
      if (!t || !measured) continue;
      const total = t.expected.reduce((a, b) => a + b, 0);
      const from = t.from.getTime();
      for (const f of e.outputs) {
        if (f.plugin.name !== "timestamp") continue;
        const col = measured.columns.find((c) => c.name === f.name);
        if (!col?.per_day) continue;
        const byDay = new Map(col.per_day.map((d) => [d.day, d.count]));
        const days: TimelineReport["days"] = [];
        let inside = 0;
        for (let d = 0; d < t.perDay.length; d++) {
          const day = new Date(from + d * DAY_MS).toISOString().slice(0, 10);
          const rows = byDay.get(day) ?? 0;
          inside += rows;
          days.push({
            day,
            rows,
            planned: t.perDay[d]!,
            shape: total > 0 ? (t.expected[d]! / total) * t.count : 0,
          });
        }
        out.push({
          entity: e.name,
          field: f.name,
          from: new Date(from).toISOString().slice(0, 10),
          days,
          outside: col.count - col.nulls - inside,
        });
      }
    }
    return out;
  }

  #anomalies(): AnomalyReport[] {
    const out: AnomalyReport[] = [];
    for (const state of this.#entities.values()) {
      const a = this.plan?.byName.get(state.name)?.anomalies;
      const spec = this.plan?.scenario.entities[state.name]?.anomalies;
      if (!a || !state.anomalies) continue;
      const weights = new Map(Object.entries(spec?.kinds ?? {}).map(([k, v]) => [k, v.weight]));
      const total = [...weights.values()].reduce((x, y) => x + y, 0);
      const rows = state.rows;
      const all = [...state.anomalies.values()].reduce((x, y) => x + y, 0);
      out.push({
        entity: state.name,
        source: state.anomalySource ?? (this.options.source === "gen" ? "engine" : "scenario"),
        rows,
        configured_rate: a.rate,
        rate: rows ? all / rows : 0,
        kinds: [...state.anomalies].map(([kind, n]) => ({
          kind,
          configured_rate: total > 0 ? a.rate * (weights.get(kind) ?? 0) / total : 0,
          rows: n,
          rate: rows ? n / rows : 0,
        })),
      });
    }
    return out;
  }
}
