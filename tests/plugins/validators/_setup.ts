/**
 * Helpers for validator unit tests: a hand-made setup, columnar batches, and
 * a way to run a rule over batches or to see how its options are rejected.
 *
 * @module
 */
import type {
  Batch,
  ValidationIssue,
  ValidatorPlugin,
  ValidatorSetup,
} from "../../../core/types.ts";
import { issuesFromZod, type LocatableIssue } from "../../../core/zod_issues.ts";

/** A validator whose hooks answer synchronously, as the built-ins do. */
export interface SyncValidator {
  check(batch: Batch): ValidationIssue[];
  finish?(): ValidationIssue[];
}

/** What a test setup knows about the scenario. */
export interface FakeScenario {
  /** Fields of each entity. */
  entities?: Record<string, string[]>;
  /** Foreign keys: `"orders.customer_id": "customers.id"`. */
  refs?: Record<string, string>;
  /** Every row's value of parent fields: `"customers.id": [1, 2, 3]`. */
  values?: Record<string, unknown[]>;
}

/**
 * A validator setup for `entity` (and `field`, for field rules).
 *
 * @example
 * ```ts ignore
 * const setup = setupFor("orders", "customer_id", { refs: { "orders.customer_id": "customers.id" } });
 * ```
 */
export function setupFor(
  entity: string,
  field?: string,
  scenario: FakeScenario = {},
): ValidatorSetup {
  const entities = new Map(
    Object.entries(scenario.entities ?? { [entity]: field ? [field] : [] }).map((
      [name, fields],
    ) => [name, { name, fields }]),
  );
  return {
    entity,
    ...(field === undefined ? {} : { field }),
    entities,
    refOf(e, f) {
      const to = scenario.refs?.[`${e}.${f}`];
      if (!to) return undefined;
      const [pe, pf] = to.split(".") as [string, string];
      return { entity: pe, field: pf };
    },
    count: (e) => {
      const column = Object.entries(scenario.values ?? {}).find(([k]) => k.startsWith(`${e}.`));
      return column?.[1].length ?? 0;
    },
    valueAt: (e, f, i) => scenario.values?.[`${e}.${f}`]?.[i],
  };
}

/**
 * A batch from columns.
 *
 * @example
 * ```ts ignore
 * batchOf({ email: ["a@b.io", null] }, 100); // rows 100 and 101
 * ```
 */
export function batchOf(columns: Record<string, unknown[]>, start = 0, entity = "e"): Batch {
  const fields = Object.keys(columns);
  const cols = Object.values(columns);
  return { entity, start, length: cols[0]?.length ?? 0, fields, columns: cols };
}

/**
 * Parses the options as the kernel does, sets the rule up and runs it over
 * the batches, then `finish()`.
 *
 * @example
 * ```ts ignore
 * const issues = run(format, "email", setupFor("e", "v"), [batchOf({ v: ["x"] })]);
 * ```
 */
export function run(
  // deno-lint-ignore no-explicit-any
  plugin: ValidatorPlugin<any>,
  raw: unknown,
  setup: ValidatorSetup,
  batches: Batch[],
): ValidationIssue[] {
  // Built-in validators answer synchronously.
  const validator = plugin.create(plugin.options.parse(raw), setup) as SyncValidator;
  const issues = batches.flatMap((b) => validator.check(b));
  return [...issues, ...(validator.finish?.() ?? [])];
}

/**
 * Checks one column of values with a field rule attached to field `v` of
 * entity `e`, and returns the failing rows.
 *
 * @example
 * ```ts ignore
 * failing(format, "uuid", ["nope", null]); // [0]
 * ```
 */
export function failing(
  // deno-lint-ignore no-explicit-any
  plugin: ValidatorPlugin<any>,
  raw: unknown,
  values: unknown[],
): number[] {
  return run(plugin, raw, setupFor("e", "v"), [batchOf({ v: values })]).map((i) => i.row);
}

/**
 * How the kernel would report bad options: the issues it would print, or an
 * empty list when the options are accepted.
 *
 * @example
 * ```ts ignore
 * optionProblems(format, "emial")[0]?.message; // 'Unknown format "emial": did you mean "email"?'
 * ```
 */
export function optionProblems(
  // deno-lint-ignore no-explicit-any
  plugin: ValidatorPlugin<any>,
  raw: unknown,
): LocatableIssue[] {
  const parsed = plugin.options.safeParse(raw);
  return parsed.success ? [] : issuesFromZod(parsed.error, raw, ["rule"], plugin.options);
}
