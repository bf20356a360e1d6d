/**
 * Compiles a loaded scenario into a plan: resolves each field's generator
 * plugin and validates its options, applies modifiers, orders fields by
 * their same-row dependencies and entities by their references, resolves
 * counts and output formats. Every problem found is reported at once, with
 * its file, line and column.
 *
 * @module
 */
import { z } from "zod";
import type { LoadedScenario } from "./load_scenario.ts";
import { locateAll } from "./load_scenario.ts";
import type { Registry } from "./registry.ts";
import type { EntitySpec, Scenario } from "./scenario_schema.ts";
import type {
  EntityInfo,
  FieldGenerator,
  FieldType,
  FormatterPlugin,
  GeneratorPlugin,
  GeneratorSetup,
  OwnerInfo,
  RefInfo,
  ValidatorPlugin,
} from "./types.ts";
import {
  type DocPath,
  PluginError,
  PluginInputError,
  ScenarioError,
  UsageError,
} from "./errors.ts";
import { issuesFromZod, type LocatableIssue } from "./zod_issues.ts";
import { entityKeys } from "./entity_keys.ts";
import { closest, didYouMean, listOf } from "./did_you_mean.ts";
import { composeTransforms, TRANSFORMS, type TransformSpec } from "./transforms.ts";
import { hashKey } from "./random.ts";
import { type CountModel, resolveCounts } from "./counts.ts";
import type { Timeline } from "./timeline.ts";
import {
  ANOMALY_COLUMN,
  type CompiledAnomalies,
  type CompiledKind,
  dependentsOf,
  kernelGenerator,
  kindSelector,
} from "./anomalies.ts";

/** The keys of a field spec that are modifiers, not generators. */
export const MODIFIERS = [
  "nullable",
  "unique",
  "transform",
  "locale",
  "hidden",
  "validate",
  "when",
] as const;

const ruleListSchema = z.union([
  z.string(),
  z.record(z.string(), z.unknown()),
  z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
]);

const transformSchema = z.union([
  z.enum(Object.keys(TRANSFORMS) as [string, ...string[]]),
  z.object({
    truncate: z.number().int().min(1).describe("Cut to at most this many characters"),
  }).strict(),
]);

/** The zod schema of the modifiers, shared with the JSON Schema. */
export const modifiersSchema = z.object({
  nullable: z.number().min(0).max(1).optional().describe(
    "Probability (0–1) that the value is null",
  ),
  unique: z.boolean().optional().describe("Every non-null value differs"),
  transform: z.union([transformSchema, z.array(transformSchema)]).optional().describe(
    "String transforms applied in order; { truncate: n } cuts to n characters",
  ),
  locale: z.string().min(1).optional().describe("Locale of this field (faker locales)"),
  hidden: z.boolean().optional().describe("Generate but do not output (for templates)"),
  validate: ruleListSchema.optional().describe("Validator rules: { format: email }"),
  when: z.object({
    field: z.string().describe("A field of the same row"),
    in: z.array(z.unknown()).optional().describe("The field's value is one of these"),
    not_in: z.array(z.unknown()).optional().describe("The field's value is none of these"),
    not_null: z.boolean().optional().describe("The field has a value"),
  }).strict().refine(
    (w) => [w.in, w.not_in, w.not_null].filter((x) => x !== undefined).length === 1,
    {
      message: "Give one condition: in, not_in or not_null",
    },
  ).optional().describe(
    "Only when another field of the row matches; null otherwise (delivered_at only for delivered orders)",
  ),
});

/** A validator rule bound to an entity (and maybe a field). */
export interface CompiledRule {
  /** The validator plugin. */
  readonly plugin: ValidatorPlugin;
  /** Its validated options. */
  readonly options: unknown;
  /** The field it is attached to, if any. */
  readonly field?: string;
  /** Where it is written in the scenario. */
  readonly path: DocPath;
}

/** A field ready for the engine. */
export interface CompiledField {
  /** The field's name. */
  readonly name: string;
  /** Its path in the scenario. */
  readonly path: DocPath;
  /** The generator plugin. */
  readonly plugin: GeneratorPlugin;
  /** The generator the plugin set up. */
  readonly gen: FieldGenerator;
  /** What it holds. */
  readonly type: FieldType;
  /** Same-row fields it reads. */
  readonly uses: readonly string[];
  /** Its foreign key, if it is one. */
  readonly ref: RefInfo | undefined;
  /** The key of its random stream (seed × entity × field). */
  readonly key: number;
  /** The key of its null coin. */
  readonly nullKey: number;
  /** Probability of null. */
  readonly nullable: number;
  /** Whether values must be unique. */
  readonly unique: boolean;
  /** Whether uniqueness needs a set of seen values (not inherent). */
  readonly uniqueByRetry: boolean;
  /** The composed transform, if any. */
  readonly transform: ((value: unknown) => unknown) | undefined;
  /** Generated but not written. */
  readonly hidden: boolean;
  /** A condition on another field of the row; the value is null when it fails. */
  readonly when: { readonly field: string; test(value: unknown): boolean } | undefined;
}

/** An entity ready for the engine. */
export interface CompiledEntity {
  /** The entity's name. */
  readonly name: string;
  /** Its path in the scenario. */
  readonly path: DocPath;
  /** Row count after overrides. */
  readonly count: number;
  /** Fields in generation order (dependencies first). */
  readonly fields: readonly CompiledField[];
  /** Fields in scenario order. */
  readonly declared: readonly CompiledField[];
  /** Output fields (not hidden), in scenario order. */
  readonly outputs: readonly CompiledField[];
  /** Validator rules, entity-level and per field. */
  readonly rules: readonly CompiledRule[];
  /** Deliberately broken rows, when the entity declares anomalies. */
  readonly anomalies?: CompiledAnomalies;
  /** How rows map to parent rows (per-parent counts). */
  readonly owner?: OwnerInfo;
  /** How rows spread over time (timelines). */
  readonly timeline?: Timeline;
  /** The primary key's fields (proven unique), when declared. */
  readonly primaryKey?: readonly string[];
  /** Field sets declared (and proven) unique together. */
  readonly uniqueTogether?: readonly (readonly string[])[];
}

/** A chosen output format with its options. */
export interface CompiledFormat {
  /** The formatter plugin. */
  readonly plugin: FormatterPlugin;
  /** Its validated options. */
  readonly options: unknown;
}

/** Late-bound services the engine provides to plugins after planning. */
export interface PlanServices {
  count(entity: string): number;
  valueAt(entity: string, field: string, index: number): unknown;
}

/** Everything a run needs. */
export interface Plan {
  /** The loaded scenario. */
  readonly loaded: LoadedScenario;
  /** The scenario (shortcut). */
  readonly scenario: Scenario;
  /** The seed as given. */
  readonly seed: number | string;
  /** The seed hashed to 32 bits. */
  readonly seedKey: number;
  /** The reference date. */
  readonly referenceDate: Date;
  /** Entities in dependency order (parents first). */
  readonly entities: readonly CompiledEntity[];
  /** Entities by name. */
  readonly byName: ReadonlyMap<string, CompiledEntity>;
  /** Output formats. */
  readonly formats: readonly CompiledFormat[];
  /** How files are laid out. */
  readonly layout: "per-entity" | "single" | "split";
  /** Rows per batch. */
  readonly batchSize: number;
  /** The registry used. */
  readonly registry: Registry;
  /** Services bound by the engine (`count`, `valueAt`). */
  readonly services: PlanServices;
}

/** Overrides from the command line or library options. */
export interface PlanOptions {
  /** Replaces the scenario's seed. */
  seed?: number | string;
  /** Row counts per entity, replacing the scenario's. */
  counts?: Record<string, number>;
  /** Multiplies every count not set in `counts`. */
  multiplier?: number;
  /** Replaces the output formats. */
  formats?: string[];
  /**
   * Option overrides per format, merged over the scenario's
   * (`--dialect sqlite` is `{ sql: { dialect: "sqlite" } }`).
   */
  formatOptions?: Record<string, Record<string, unknown>>;
  /** Replaces the layout. */
  layout?: "per-entity" | "single" | "split";
  /** Replaces the batch size. */
  batchSize?: number;
  /** Replaces the period's first and/or last day (`--from`, `--to`). */
  period?: { from?: string; to?: string };
}

/** Default rows per batch: large enough to amortise calls, small enough for flat memory. */
export const DEFAULT_BATCH_SIZE = 10_000;

/**
 * Compiles a loaded scenario into a plan.
 *
 * @param loaded The scenario.
 * @param registry The plugins available.
 * @param options Overrides.
 * @returns The plan.
 * @throws {ScenarioError} With every problem found.
 * @example
 * ```ts
 * import { loadScenario } from "./load_scenario.ts";
 * import { builtinRegistry } from "./registry.ts";
 * import { compile } from "./compile.ts";
 * const plan = await compile(await loadScenario("quickstart"), await builtinRegistry(), {
 *   counts: { orders: 10 },
 * });
 * plan.entities.map((e) => e.name); // parents first
 * ```
 */
export async function compile(
  loaded: LoadedScenario,
  registry: Registry,
  options: PlanOptions = {},
): Promise<Plan> {
  const scenario = loaded.scenario;
  const issues: LocatableIssue[] = [];
  const seed = options.seed ?? scenario.seed;
  const seedKey = hashKey(seed);
  const referenceDate = utcDate(scenario.reference_date);
  const entityNames = Object.keys(scenario.entities);

  for (const name of Object.keys(options.counts ?? {})) {
    if (!scenario.entities[name]) {
      throw new UsageError(
        `Cannot set the count of "${name}": the scenario has no such entity`,
        didYouMean(name, entityNames, "entities"),
      );
    }
  }

  const infos = new Map<string, EntityInfo>(
    entityNames.map((n) => [n, { name: n, fields: Object.keys(scenario.entities[n]!.fields) }]),
  );
  const models = resolveCounts(scenario, seedKey, options, issues);
  const counts = new Map([...models].map(([name, m]) => [name, m.count]));

  const services: PlanServices = {
    count: (e) => {
      const n = counts.get(e);
      if (n === undefined) throw new Error(`Unknown entity "${e}"`);
      return n;
    },
    valueAt: () => {
      throw new Error("valueAt() is only available once planning is done");
    },
  };

  const compiled = new Map<string, CompiledEntity>();
  for (const [name, spec] of Object.entries(scenario.entities)) {
    // An entity whose count is wrong is still checked (every problem at once), never planned.
    const model = models.get(name);
    let entity: CompiledEntity | undefined;
    try {
      entity = await compileEntity(name, spec, {
        scenario,
        registry,
        seedKey,
        referenceDate,
        baseUrl: loaded.baseUrl,
        infos,
        services,
        model: model ?? { count: 0 },
        models,
        issues,
      });
    } catch (e) {
      // With a broken count, a failure further in is its consequence: report what was found.
      if (model) throw e;
    }
    if (entity && model) compiled.set(name, entity);
  }
  for (const entity of [...compiled.values()]) {
    if (entity.anomalies?.label !== "entity") continue;
    const list = anomaliesEntity(entity, seedKey);
    if (compiled.has(list.name)) {
      issues.push({
        path: [...entity.path, "anomalies", "label"],
        message:
          `Cannot name the anomalies entity "${list.name}": the scenario has an entity of that name`,
        hint: "use label: column, or rename the entity",
      });
    } else {
      compiled.set(list.name, list);
      counts.set(list.name, list.count);
    }
  }

  // Checks that need every entity: ref targets and impossible uniqueness.
  for (const entity of compiled.values()) {
    for (const field of entity.declared) {
      const ref = field.ref;
      if (ref) {
        const target = compiled.get(ref.entity)?.declared.find((f) => f.name === ref.field);
        // A foreign key holds what the parent key holds.
        if (target && field.gen.type === undefined) {
          (field as { type: FieldType }).type = target.type;
        }
        if (target?.gen.column) {
          issues.push({
            path: [...field.path],
            message:
              `Cannot reference ${ref.entity}.${ref.field}: its generator "${target.plugin.name}" only answers whole batches, so a row's key cannot be recomputed by index`,
            hint: "reference a key made by a built-in generator (sequence, uuid)",
          });
        }
        if (target?.uniqueByRetry) {
          issues.push({
            path: [...field.path],
            message:
              `Cannot reference ${ref.entity}.${ref.field}: it is unique by retry, so a row's value depends on earlier rows and cannot be recomputed by index`,
            hint: `reference a key that is a pure function of the row (sequence, uuid) instead`,
          });
        }
      }
      const card = field.gen.cardinality;
      if (
        field.unique && !field.gen.distinct && card !== undefined && field.nullable === 0 &&
        card < entity.count
      ) {
        issues.push({
          path: [...field.path, "unique"],
          atKey: true,
          message:
            `Cannot make ${entity.name}.${field.name} unique: "${field.plugin.name}" yields at most ${card} distinct value${
              card === 1 ? "" : "s"
            } but ${entity.name} has ${entity.count} rows`,
          hint: `remove "unique", lower the count to ${card} or widen the generator's range`,
        });
      }
    }
  }

  checkLookups(compiled, issues);
  if (issues.length === 0) await probeRules(compiled, infos, counts, issues);

  const order = orderEntities(compiled, issues);
  const formats = compileFormats(scenario, registry, options, issues);
  const layout = options.layout ?? scenario.output.layout ?? "per-entity";
  if (layout === "single") {
    for (const f of formats) {
      if (!f.plugin.multiEntity) {
        issues.push({
          path: ["output", "layout"],
          message:
            `Format "${f.plugin.name}" cannot hold several entities in one file (layout "single")`,
          hint: `use layout "per-entity" or a format that can: ${
            listOf(
              registry.names("formatter").filter((n) => registry.formatter(n)?.plugin.multiEntity),
            )
          }`,
        });
      }
    }
  }

  if (issues.length) throw new ScenarioError(locateAll(issues, loaded.locate));

  return {
    loaded,
    scenario,
    seed,
    seedKey,
    referenceDate,
    entities: order.map((n) => compiled.get(n)!),
    byName: compiled,
    formats,
    layout,
    batchSize: options.batchSize ?? scenario.output.batch_size ?? DEFAULT_BATCH_SIZE,
    registry,
    services,
  };
}

/** Compiles a `when` condition into a test on the other field's value. */
function whenTest(
  w: {
    field: string;
    in?: unknown[] | undefined;
    not_in?: unknown[] | undefined;
    not_null?: boolean | undefined;
  },
): { field: string; test(value: unknown): boolean } {
  if (w.in) {
    const set = new Set(w.in);
    return { field: w.field, test: (v) => set.has(v) };
  }
  if (w.not_in) {
    const set = new Set(w.not_in);
    return { field: w.field, test: (v) => v !== null && !set.has(v) };
  }
  const want = w.not_null!;
  return { field: w.field, test: (v) => (v !== null && v !== undefined) === want };
}

/** Reads an ISO date as UTC unless it names its own offset. */
function utcDate(iso: string): Date {
  const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(iso);
  return new Date(zoned ? iso : iso.includes("T") ? `${iso}Z` : `${iso}T00:00:00Z`);
}

interface EntityContext {
  scenario: Scenario;
  registry: Registry;
  seedKey: number;
  referenceDate: Date;
  baseUrl: URL;
  infos: Map<string, EntityInfo>;
  services: PlanServices;
  model: CountModel;
  models: ReadonlyMap<string, CountModel>;
  issues: LocatableIssue[];
}

/** Where a field spec sits and how its stream is keyed, when it is not a plain field. */
interface FieldPlace {
  /** Its path in the scenario. */
  path: DocPath;
  /** Mixed into the random-stream key (anomaly overrides get their own streams). */
  salt: string;
}

async function compileEntity(
  name: string,
  spec: EntitySpec,
  ctx: EntityContext,
): Promise<CompiledEntity | undefined> {
  const path = ["entities", name];
  const fields: CompiledField[] = [];
  const rules: CompiledRule[] = [];
  const before = ctx.issues.length;
  for (const [fieldName, fieldSpec] of Object.entries(spec.fields)) {
    const field = await compileField(name, fieldName, fieldSpec, spec, ctx, rules);
    if (field) fields.push(field);
  }
  for (const [i, rule] of (spec.validate ?? []).entries()) {
    compileRules(rule, [...path, "validate", i], undefined, ctx, rules);
  }
  if (ctx.issues.length > before) return undefined;

  const order = orderFields(name, fields, ctx.issues);
  if (!order) return undefined;
  const anomalies = spec.anomalies
    ? await compileAnomalies(name, spec, fields, order, ctx)
    : undefined;
  if (ctx.issues.length > before) return undefined;
  if (anomalies?.label === "column") {
    const label = anomalyLabelField(name, anomalies, ctx.seedKey);
    order.push(label);
    fields.push(label);
  }
  return {
    name,
    path,
    count: ctx.model.count,
    fields: order,
    declared: fields,
    outputs: fields.filter((f) => !f.hidden),
    rules,
    ...(anomalies ? { anomalies } : {}),
    ...(ctx.model.owner ? { owner: ctx.model.owner } : {}),
    ...(ctx.model.timeline ? { timeline: ctx.model.timeline } : {}),
    ...entityKeys(name, spec, fields, ctx.model.owner, ctx.issues),
  };
}

async function compileAnomalies(
  entity: string,
  spec: EntitySpec,
  fields: CompiledField[],
  order: CompiledField[],
  ctx: EntityContext,
): Promise<CompiledAnomalies> {
  const a = spec.anomalies!;
  const base = ["entities", entity, "anomalies"];
  const names = fields.map((f) => f.name);
  if (names.includes(ANOMALY_COLUMN) && a.label === "column") {
    ctx.issues.push({
      path: [...base, "label"],
      message:
        `Cannot add the "${ANOMALY_COLUMN}" column: ${entity} already has a field of that name`,
      hint: "use label: entity, or rename the field",
    });
  }
  const kinds: { kind: CompiledKind; weight: number }[] = [];
  for (const [kindName, k] of Object.entries(a.kinds)) {
    const kindPath = [...base, "kinds", kindName];
    const overrides = new Map<string, CompiledField>();
    for (const [fieldName, fieldSpec] of Object.entries(k.set ?? {})) {
      const path = [...kindPath, "set", fieldName];
      if (!names.includes(fieldName)) {
        ctx.issues.push({
          path,
          atKey: true,
          message: `Anomaly "${kindName}" sets "${fieldName}", which is not a field of ${entity}`,
          hint: didYouMean(fieldName, names, "fields"),
        });
        continue;
      }
      const field = await compileField(entity, fieldName, fieldSpec, spec, ctx, [], {
        path,
        salt: `anomaly:${kindName}`,
      });
      if (!field) continue;
      if (field.gen.column) {
        ctx.issues.push({
          path,
          message:
            `Anomaly "${kindName}" cannot use "${field.plugin.name}" for ${fieldName}: it runs sandboxed and only answers whole batches`,
          hint: "use a built-in or trusted generator in an anomaly's set",
        });
        continue;
      }
      for (const u of field.uses) {
        if (!names.includes(u)) {
          ctx.issues.push({
            path,
            message: `Anomaly "${kindName}" reads "${u}", which is not a field of ${entity}`,
            hint: didYouMean(u, names, "fields"),
          });
        }
      }
      overrides.set(fieldName, field);
    }
    let duplicate: CompiledKind["duplicate"];
    if (k.duplicate) {
      const keep = typeof k.duplicate === "object"
        ? k.duplicate.keep
        : fields.filter((f) => f.gen.distinct).map((f) => f.name);
      for (const f of keep) {
        if (!names.includes(f)) {
          ctx.issues.push({
            path: [...kindPath, "duplicate", "keep"],
            message: `Anomaly "${kindName}" keeps "${f}", which is not a field of ${entity}`,
            hint: didYouMean(f, names, "fields"),
          });
        }
      }
      duplicate = { keep: new Set([...keep, ANOMALY_COLUMN]) };
    }
    if (!overrides.size && !duplicate && !k.set) {
      ctx.issues.push({
        path: kindPath,
        message: `Anomaly "${kindName}" changes nothing`,
        hint: "give it set: { field: … } and/or duplicate: true",
      });
    }
    kinds.push({
      kind: {
        name: kindName,
        overrides,
        ...(duplicate ? { duplicate } : {}),
        dependents: dependentsOf(order, new Set(overrides.keys())),
      },
      weight: k.weight,
    });
  }
  const rate = a.rate ?? ctx.scenario.anomaly_rate ?? 0;
  return {
    rate,
    label: a.label,
    kinds: kinds.map((k) => k.kind),
    kindAt: kindSelector(ctx.seedKey, entity, rate, kinds),
  };
}

/** The `_anomaly` column: the kind of each anomalous row, else null. */
function anomalyLabelField(
  entity: string,
  anomalies: CompiledAnomalies,
  seedKey: number,
): CompiledField {
  const gen: FieldGenerator = {
    type: "string",
    nullable: true,
    value: (row) => anomalies.kindAt(row.index)?.name ?? null,
  };
  return kernelField(entity, ANOMALY_COLUMN, gen, seedKey, [
    "entities",
    entity,
    "anomalies",
    "label",
  ]);
}

function kernelField(
  entity: string,
  name: string,
  gen: FieldGenerator,
  seedKey: number,
  path: DocPath,
): CompiledField {
  return {
    name,
    path,
    plugin: kernelGenerator(gen),
    gen,
    type: gen.type ?? "string",
    uses: [],
    ref: gen.ref,
    key: hashKey(seedKey, entity, name),
    nullKey: hashKey(seedKey, entity, name, "nullable"),
    nullable: 0,
    unique: false,
    uniqueByRetry: false,
    transform: undefined,
    hidden: false,
    when: undefined,
  };
}

/**
 * The `<entity>_anomalies` entity (`label: entity`): one row per anomalous
 * row, with its index, its kind and its key. The anomalous rows are found by
 * scanning the selector (a hash per row, no generation); their indexes are
 * kept (8 bytes per anomalous row).
 */
function anomaliesEntity(entity: CompiledEntity, seedKey: number): CompiledEntity {
  const a = entity.anomalies!;
  const rows: number[] = [];
  for (let i = 0; i < entity.count; i++) if (a.kindAt(i)) rows.push(i);
  const list = Float64Array.from(rows);
  const name = `${entity.name}_anomalies`;
  const path = [...entity.path, "anomalies"];
  const key = entity.declared.find((f) => f.name === "id") ??
    entity.declared.find((f) => f.gen.distinct);
  const fields: CompiledField[] = [
    kernelField(
      name,
      "row",
      { type: "integer", distinct: true, value: (row) => list[row.index]! },
      seedKey,
      path,
    ),
    kernelField(
      name,
      "kind",
      { type: "string", value: (row) => a.kindAt(list[row.index]!)!.name },
      seedKey,
      path,
    ),
  ];
  if (key) {
    const index = (row: { index: number }) => list[row.index]!;
    fields.push(kernelField(
      name,
      key.name,
      {
        type: key.type,
        ref: { entity: entity.name, field: key.name, index },
        value: () => null,
      },
      seedKey,
      path,
    ));
  }
  return {
    name,
    path,
    count: list.length,
    fields,
    declared: fields,
    outputs: fields,
    rules: [],
  };
}

async function compileField(
  entity: string,
  name: string,
  spec: unknown,
  entitySpec: EntitySpec,
  ctx: EntityContext,
  rules: CompiledRule[],
  place?: FieldPlace,
): Promise<CompiledField | undefined> {
  const path = place?.path ?? ["entities", entity, "fields", name];
  const { registry, issues } = ctx;
  let genName: string;
  let rawOptions: unknown;
  const modifiers: Record<string, unknown> = {};
  let genPath: DocPath;

  if (spec === null || typeof spec !== "object") {
    genName = "constant";
    rawOptions = { value: spec };
    genPath = path;
  } else {
    const obj = spec as Record<string, unknown>;
    const keys = Object.keys(obj);
    const genKeys = keys.filter((k) => !(MODIFIERS as readonly string[]).includes(k));
    for (const k of keys) {
      if ((MODIFIERS as readonly string[]).includes(k)) modifiers[k] = obj[k];
    }
    const known = genKeys.filter((k) => registry.generator(k));
    for (const k of genKeys.filter((k) => !registry.generator(k))) {
      issues.push({
        path: [...path, k],
        atKey: true,
        message: `Unknown generator "${k}" in field ${entity}.${name}`,
        expected: "a generator name or a modifier (" + MODIFIERS.join(", ") + ")",
        hint: closest(k, [...registry.names("generator"), ...MODIFIERS]) !== undefined
          ? didYouMean(k, [...registry.names("generator"), ...MODIFIERS], "generators")
          : `available generators: ${listOf(registry.names("generator"))}`,
      });
    }
    if (genKeys.length === 0) {
      issues.push({
        path,
        message: `Field ${entity}.${name} has no generator`,
        expected: `one generator key, e.g. { faker: person.firstName } or { sequence: {} }`,
        hint: `available generators: ${listOf(registry.names("generator"))}`,
      });
      return undefined;
    }
    if (known.length > 1) {
      issues.push({
        path: [...path, known[1]!],
        atKey: true,
        message: `Field ${entity}.${name} has more than one generator: ${known.join(", ")}`,
        hint: "keep one; use a template to combine values",
      });
      return undefined;
    }
    if (known.length === 0) return undefined;
    genName = known[0]!;
    rawOptions = obj[genName] ?? undefined;
    genPath = [...path, genName];
  }

  const mods = modifiersSchema.safeParse(modifiers);
  if (!mods.success) {
    issues.push(...issuesFromZod(mods.error, modifiers, path, modifiersSchema));
    return undefined;
  }
  const m = mods.data;

  const registered = registry.generator(genName);
  if (!registered) {
    issues.push({
      path,
      message: `The "${genName}" generator is not registered`,
      hint: "list it in deno.json's fabricate.plugins",
    });
    return undefined;
  }
  const plugin = registered.plugin;
  const parsed = plugin.options.safeParse(rawOptions);
  if (!parsed.success) {
    issues.push(...issuesFromZod(parsed.error, rawOptions, genPath, plugin.options));
    return undefined;
  }
  const locale = m.locale ?? entitySpec.locale ?? ctx.scenario.locale;
  const setup: GeneratorSetup = {
    entity,
    field: name,
    locale,
    seed: ctx.seedKey,
    referenceDate: ctx.referenceDate,
    scenarioUrl: ctx.baseUrl,
    entities: ctx.infos,
    count: (e) => ctx.services.count(e),
    valueAt: (e, f, i) => ctx.services.valueAt(e, f, i),
    ...(ctx.model.owner ? { owner: ctx.model.owner } : {}),
    ownerOf: (e) => ctx.models.get(e)?.owner,
    ...(ctx.model.timeline ? { timeline: ctx.model.timeline } : {}),
    ...(place ? { anomaly: place.salt.replace(/^anomaly:/, "") } : {}),
  };
  let gen: FieldGenerator;
  try {
    gen = await plugin.create(parsed.data, setup);
  } catch (e) {
    if (e instanceof PluginInputError) {
      issues.push({
        path: [...genPath, ...e.path],
        message: e.message,
        ...(e.expected ? { expected: e.expected } : {}),
        ...(e.hint ? { hint: e.hint } : {}),
      });
      return undefined;
    }
    throw new PluginError({ plugin: plugin.name, hook: "create", entity, field: name }, e);
  }
  if (typeof gen?.value !== "function") {
    throw new PluginError(
      { plugin: plugin.name, hook: "create", entity, field: name },
      new Error("create() must return an object with a value(row) function"),
    );
  }

  if (m.validate !== undefined) {
    const list = Array.isArray(m.validate) ? m.validate : [m.validate];
    for (const [i, rule] of list.entries()) {
      const rulePath = Array.isArray(m.validate) ? [...path, "validate", i] : [...path, "validate"];
      compileRules(rule, rulePath, name, ctx, rules);
    }
  }

  const transforms: TransformSpec[] = m.transform === undefined
    ? []
    : Array.isArray(m.transform)
    ? [...m.transform]
    : [m.transform];
  const fit = fieldMaxLength(rules, name);
  if (fit !== undefined && !place) transforms.push({ truncate: fit });
  const unique = m.unique ?? false;
  return {
    name,
    path,
    plugin,
    gen,
    type: gen.type ?? "string",
    uses: m.when && !(gen.uses ?? []).includes(m.when.field)
      ? [...(gen.uses ?? []), m.when.field]
      : gen.uses ?? [],
    ref: gen.ref,
    key: place
      ? hashKey(ctx.seedKey, entity, name, place.salt)
      : hashKey(ctx.seedKey, entity, name),
    nullKey: place
      ? hashKey(ctx.seedKey, entity, name, place.salt, "nullable")
      : hashKey(ctx.seedKey, entity, name, "nullable"),
    nullable: m.nullable ?? 0,
    unique,
    uniqueByRetry: unique && !gen.distinct,
    transform: transforms.length ? composeTransforms(transforms) : undefined,
    hidden: m.hidden ?? false,
    when: m.when ? whenTest(m.when) : undefined,
  };
}

/** The tightest `maxLength` of the field's rules (a `length` validator's max), if any. */
function fieldMaxLength(rules: readonly CompiledRule[], field: string): number | undefined {
  let max: number | undefined;
  for (const r of rules) {
    if (r.field !== field || !r.plugin.maxLength) continue;
    const n = r.plugin.maxLength(r.options);
    if (n !== undefined && n > 0 && !(max !== undefined && max <= n)) max = n;
  }
  return max;
}

function compileRules(
  rule: string | Record<string, unknown>,
  path: DocPath,
  field: string | undefined,
  ctx: EntityContext,
  rules: CompiledRule[],
): void {
  const entries: [string, unknown, DocPath][] = typeof rule === "string"
    ? [[rule, undefined, path]]
    : Object.entries(rule).map(([k, v]) => [k, v, [...path, k]]);
  for (const [name, raw, rulePath] of entries) {
    const registered = ctx.registry.validator(name);
    if (!registered) {
      ctx.issues.push({
        path: rulePath,
        atKey: typeof rule !== "string",
        message: `Unknown validator "${name}"`,
        hint: didYouMean(name, ctx.registry.names("validator"), "validators"),
      });
      continue;
    }
    const plugin = registered.plugin;
    const scope = field === undefined ? "entity" : "field";
    if (plugin.scope !== "both" && plugin.scope !== scope) {
      ctx.issues.push({
        path: rulePath,
        atKey: true,
        message: `Validator "${name}" checks ${
          plugin.scope === "field" ? "a field" : "a whole entity"
        }; it cannot be used ${scope === "field" ? "on a field" : "in an entity's validate list"}`,
        hint: scope === "field"
          ? `move it to the entity's validate list`
          : `attach it to a field: { ..., validate: { ${name}: … } }`,
      });
      continue;
    }
    const parsed = plugin.options.safeParse(raw);
    if (!parsed.success) {
      ctx.issues.push(...issuesFromZod(parsed.error, raw, rulePath, plugin.options));
      continue;
    }
    rules.push({ plugin, options: parsed.data, ...(field ? { field } : {}), path: rulePath });
  }
}

/** Checks `[refField, parentField]` lookups once every entity is known. */
function checkLookups(entities: Map<string, CompiledEntity>, issues: LocatableIssue[]): void {
  for (const entity of entities.values()) {
    for (const field of entity.declared) {
      for (const [refField, parentField] of field.gen.lookups ?? []) {
        const ref = entity.declared.find((f) => f.name === refField)?.ref;
        if (!ref) {
          issues.push({
            path: [...field.path],
            message:
              `Field ${entity.name}.${field.name} reads "${refField}.${parentField}", but "${refField}" is not a ref field`,
            hint: `only fields made with { ref: … } lead to a parent row`,
          });
          continue;
        }
        const parent = entities.get(ref.entity);
        if (parent && !parent.declared.some((f) => f.name === parentField)) {
          issues.push({
            path: [...field.path],
            message:
              `Field ${entity.name}.${field.name} reads "${refField}.${parentField}", but ${ref.entity} has no field "${parentField}"`,
            hint: didYouMean(parentField, parent.declared.map((f) => f.name), "fields"),
          });
        }
      }
    }
  }
}

/**
 * Sets every validator rule up once, so a rule naming a missing field or
 * a parent that is not there is a scenario error, reported with the rest,
 * rather than a failure once the run has started. The instances are thrown
 * away; each run sets up its own.
 */
async function probeRules(
  entities: Map<string, CompiledEntity>,
  infos: Map<string, EntityInfo>,
  counts: Map<string, number>,
  issues: LocatableIssue[],
): Promise<void> {
  for (const entity of entities.values()) {
    for (const rule of entity.rules) {
      try {
        await rule.plugin.create(rule.options, {
          entity: entity.name,
          ...(rule.field ? { field: rule.field } : {}),
          entities: infos,
          refOf: (e, f) => {
            const ref = entities.get(e)?.declared.find((x) => x.name === f)?.ref;
            return ref ? { entity: ref.entity, field: ref.field } : undefined;
          },
          count: (e) => counts.get(e) ?? 0,
          valueAt: () => {
            throw new Error(
              "valueAt() is only available once the run starts: call it from check()",
            );
          },
        });
      } catch (e) {
        if (e instanceof PluginInputError) {
          issues.push({
            path: [...rule.path, ...e.path],
            message: e.message,
            ...(e.expected ? { expected: e.expected } : {}),
            ...(e.hint ? { hint: e.hint } : {}),
          });
        } else {
          throw new PluginError({
            plugin: rule.plugin.name,
            hook: "create",
            entity: entity.name,
            ...(rule.field ? { field: rule.field } : {}),
          }, e);
        }
      }
    }
  }
}

/** Orders fields so that each comes after the fields it reads. */
function orderFields(
  entity: string,
  fields: CompiledField[],
  issues: LocatableIssue[],
): CompiledField[] | undefined {
  const byName = new Map(fields.map((f) => [f.name, f]));
  let ok = true;
  for (const f of fields) {
    for (const u of f.uses) {
      if (u === f.name) {
        ok = false;
        issues.push({
          path: [...f.path],
          message: `Field ${entity}.${f.name} reads itself`,
          hint:
            "a field can read only other fields (an anomaly's set may read the field's normal value)",
        });
      } else if (!byName.has(u)) {
        ok = false;
        issues.push({
          path: [...f.path],
          message: `Field ${entity}.${f.name} reads "${u}", which is not a field of ${entity}`,
          hint: didYouMean(u, [...byName.keys()], "fields"),
        });
      }
    }
  }
  if (!ok) return undefined;
  const cycle = findCycle(fields.map((f) => f.name), (n) => byName.get(n)!.uses);
  if (cycle) {
    issues.push({
      path: [...byName.get(cycle[0]!)!.path],
      message: `Fields of ${entity} read each other in a cycle: ${cycle.join(" → ")}`,
      hint: "a field can only read fields that do not read it back",
    });
    return undefined;
  }
  return topoSort(fields.map((f) => f.name), (n) => byName.get(n)!.uses).map((n) => byName.get(n)!);
}

/** Orders entities so that parents come before the entities referencing them. */
function orderEntities(
  entities: Map<string, CompiledEntity>,
  issues: LocatableIssue[],
): string[] {
  const deps = (name: string) => {
    const e = entities.get(name);
    if (!e) return [];
    const parents = e.declared.flatMap((f) => (f.ref ? [f.ref.entity] : []));
    if (e.owner) parents.push(e.owner.entity);
    return [...new Set(parents)].filter((p) => p !== name && entities.has(p));
  };
  const names = [...entities.keys()];
  const cycle = findCycle(names, deps);
  if (cycle) {
    const first = entities.get(cycle[0]!)!;
    const field = first.declared.find((f) => f.ref?.entity === cycle[1]);
    issues.push({
      path: field ? [...field.path] : [...first.path],
      message: `Entities reference each other in a cycle: ${cycle.join(" → ")}`,
      hint:
        "rows are written parents first; break the cycle by removing one ref (a self-reference is allowed)",
    });
    return names;
  }
  return topoSort(names, deps);
}

function topoSort(names: string[], deps: (n: string) => readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of deps(n)) if (d !== n) visit(d);
    out.push(n);
  };
  names.forEach(visit);
  return out;
}

/** Returns a cycle as a path that starts and ends at the same node, if any. */
function findCycle(names: string[], deps: (n: string) => readonly string[]): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const d of deps(n)) {
      if (d === n) continue;
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of names) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return undefined;
}

function compileFormats(
  scenario: Scenario,
  registry: Registry,
  options: PlanOptions,
  issues: LocatableIssue[],
): CompiledFormat[] {
  const out: CompiledFormat[] = [];
  const formatNames = registry.names("formatter");
  for (const key of Object.keys(scenario.output)) {
    if (["format", "layout", "batch_size"].includes(key)) continue;
    if (!registry.formatter(key)) {
      issues.push({
        path: ["output", key],
        atKey: true,
        message: `Unknown key "${key}" in output: not a format`,
        expected: `format, layout, batch_size or a format's options (${listOf(formatNames)})`,
        hint: didYouMean(key, [...formatNames, "format", "layout", "batch_size"], "keys"),
      });
    }
  }
  const fromScenario = scenario.output.format;
  const requested = options.formats ??
    (fromScenario === undefined
      ? ["json"]
      : Array.isArray(fromScenario)
      ? fromScenario
      : [fromScenario]);
  for (const [i, name] of requested.entries()) {
    const registered = registry.formatter(name);
    if (!registered) {
      if (options.formats) {
        throw new UsageError(`Unknown format "${name}"`, didYouMean(name, formatNames, "formats"));
      }
      issues.push({
        path: Array.isArray(fromScenario) ? ["output", "format", i] : ["output", "format"],
        message: `Unknown format "${name}"`,
        hint: didYouMean(name, formatNames, "formats"),
      });
      continue;
    }
    const given = scenario.output[name] ?? {};
    const extra = options.formatOptions?.[name];
    const raw = extra && typeof given === "object" && !Array.isArray(given)
      ? { ...given, ...extra }
      : given;
    const parsed = registered.plugin.options.safeParse(raw);
    if (!parsed.success) {
      issues.push(...issuesFromZod(parsed.error, raw, ["output", name], registered.plugin.options));
      continue;
    }
    out.push({ plugin: registered.plugin, options: parsed.data });
  }
  return out;
}
