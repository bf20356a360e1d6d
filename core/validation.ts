/**
 * Runs validator rules on batches as they stream and keeps a summary:
 * failures per rule and field, with a few example rows.
 *
 * @module
 */
import type { CompiledEntity, Plan } from "./compile.ts";
import type { World } from "./engine.ts";
import { PluginError } from "./errors.ts";
import type { Batch, BatchValidator, ValidationIssue } from "./types.ts";

/** How many example rows are kept per rule. */
const EXAMPLES = 5;

/** The outcome of one rule. */
export interface RuleSummary {
  /** The entity checked. */
  entity: string;
  /** The validator's name. */
  rule: string;
  /** The field, for field rules. */
  field?: string;
  /** Rows checked. */
  checked: number;
  /** Failures found. */
  failures: number;
  /** Up to five failures, for the report. */
  examples: ValidationIssue[];
}

/** The outcome of all rules of a run. */
export interface ValidationSummary {
  /** Number of rules. */
  rules: number;
  /** Total failures. */
  failures: number;
  /** Per rule. */
  results: RuleSummary[];
}

interface ActiveRule {
  validator: BatchValidator;
  summary: RuleSummary;
}

/**
 * The validators of one run.
 *
 * @example
 * ```ts
 * import { loadScenario } from "./load_scenario.ts";
 * import { builtinRegistry } from "./registry.ts";
 * import { compile } from "./compile.ts";
 * import { World } from "./engine.ts";
 * import { Validation } from "./validation.ts";
 * const plan = await compile(await loadScenario("quickstart"), await builtinRegistry());
 * const world = new World(plan);
 * const validation = await Validation.create(plan, world);
 * const summary = validation.summary(); // { rules, failures, results }
 * ```
 */
export class Validation {
  readonly #rules = new Map<string, ActiveRule[]>();

  private constructor(readonly plan: Plan) {}

  /**
   * Sets up every rule of the plan.
   *
   * @param plan The plan.
   * @param _world The engines (bound into the plan's services).
   * @returns The validators, ready for batches.
   */
  static async create(plan: Plan, _world: World): Promise<Validation> {
    const self = new Validation(plan);
    for (const entity of plan.entities) {
      const active: ActiveRule[] = [];
      for (const rule of entity.rules) {
        const site = {
          plugin: rule.plugin.name,
          hook: "create",
          entity: entity.name,
          ...(rule.field ? { field: rule.field } : {}),
        };
        let validator: BatchValidator;
        try {
          validator = await rule.plugin.create(rule.options, {
            entity: entity.name,
            ...(rule.field ? { field: rule.field } : {}),
            entities: new Map(
              plan.entities.map((e) => [e.name, {
                name: e.name,
                fields: e.declared.map((f) => f.name),
              }]),
            ),
            refOf: (e, f) => {
              const ref = plan.byName.get(e)?.declared.find((x) => x.name === f)?.ref;
              return ref ? { entity: ref.entity, field: ref.field } : undefined;
            },
            count: (e) => plan.services.count(e),
            valueAt: (e, f, i) => plan.services.valueAt(e, f, i),
          });
        } catch (e) {
          throw new PluginError(site, e);
        }
        active.push({
          validator,
          summary: {
            entity: entity.name,
            rule: rule.plugin.name,
            ...(rule.field ? { field: rule.field } : {}),
            checked: 0,
            failures: 0,
            examples: [],
          },
        });
      }
      self.#rules.set(entity.name, active);
    }
    return self;
  }

  /**
   * Checks a batch (every field, hidden ones included, in generation order).
   *
   * @param entity The entity.
   * @param batch The full batch.
   */
  async check(entity: CompiledEntity, batch: Batch): Promise<void> {
    for (const rule of this.#rules.get(entity.name) ?? []) {
      let issues: ValidationIssue[];
      try {
        issues = await rule.validator.check(batch);
      } catch (e) {
        throw new PluginError(this.#site(rule, "check"), e);
      }
      rule.summary.checked += batch.length;
      this.#record(rule, issues);
    }
  }

  /**
   * Runs end-of-entity checks.
   *
   * @param entity The entity whose rows are all checked.
   */
  async finish(entity: CompiledEntity): Promise<void> {
    for (const rule of this.#rules.get(entity.name) ?? []) {
      if (!rule.validator.finish) continue;
      let issues: ValidationIssue[];
      try {
        issues = await rule.validator.finish();
      } catch (e) {
        throw new PluginError(this.#site(rule, "finish"), e);
      }
      this.#record(rule, issues);
    }
  }

  /** The summary so far. */
  summary(): ValidationSummary {
    const results = [...this.#rules.values()].flat().map((r) => r.summary);
    return {
      rules: results.length,
      failures: results.reduce((n, r) => n + r.failures, 0),
      results,
    };
  }

  /**
   * One entity's rule outcomes so far (a resumable run's journal keeps them).
   *
   * @param entity The entity's name.
   * @returns Copies of its summaries.
   */
  summaryOf(entity: string): RuleSummary[] {
    return (this.#rules.get(entity) ?? []).map((r) => structuredClone(r.summary));
  }

  /**
   * Puts back an entity's outcomes from an interrupted run (`--resume`).
   *
   * @param entity The entity's name.
   * @param results What {@linkcode Validation.summaryOf} gave then.
   */
  restore(entity: string, results: readonly RuleSummary[]): void {
    const rules = this.#rules.get(entity) ?? [];
    rules.forEach((r, i) => {
      if (results[i]) r.summary = structuredClone(results[i]);
    });
  }

  #record(rule: ActiveRule, issues: ValidationIssue[]): void {
    if (!Array.isArray(issues)) {
      throw new PluginError(
        this.#site(rule, "check"),
        new Error("check() must return an array of issues"),
      );
    }
    rule.summary.failures += issues.length;
    for (const issue of issues) {
      if (rule.summary.examples.length >= EXAMPLES) break;
      rule.summary.examples.push(issue);
    }
  }

  #site(rule: ActiveRule, hook: string) {
    return {
      plugin: rule.summary.rule,
      hook,
      entity: rule.summary.entity,
      ...(rule.summary.field ? { field: rule.summary.field } : {}),
    };
  }
}
