/**
 * Anomaly injection: a labelled share of an entity's rows is deliberately
 * broken. Which rows, and which kind each gets, is a pure function of
 * (seed, entity, row), like everything else; a kind replaces fields with
 * other field specs (any generator, reading the row's normal values) and/or
 * repeats the previous row. The kernel applies kinds to finished rows; it
 * knows no more about types here than anywhere else.
 *
 * @module
 */
import { z } from "zod";
import type { CompiledField } from "./compile.ts";
import type { AnomaliesSpec } from "./scenario_schema.ts";
import type { FieldGenerator, GeneratorPlugin } from "./types.ts";
import { hashKey, unitAt } from "./random.ts";

/** The column that labels anomalous rows (`label: column`). */
export const ANOMALY_COLUMN = "_anomaly";

/** One anomaly kind, compiled. */
export interface CompiledKind {
  /** The kind's name, written in labels. */
  readonly name: string;
  /** Replacement fields, by field name. */
  readonly overrides: ReadonlyMap<string, CompiledField>;
  /** When set, the row repeats the previous row except these fields. */
  readonly duplicate?: { readonly keep: ReadonlySet<string> };
  /**
   * Fields that read a replaced field (directly or not), in generation
   * order: recomputed after the replacement so the row stays coherent (an
   * email template follows a broken last name).
   */
  readonly dependents: readonly CompiledField[];
}

/** An entity's anomalies, compiled. */
export interface CompiledAnomalies {
  /** Share of anomalous rows. */
  readonly rate: number;
  /** How anomalies are labelled. */
  readonly label: AnomaliesSpec["label"];
  /** The kinds. */
  readonly kinds: readonly CompiledKind[];
  /** The kind of row `index`, or `undefined` for a normal row. */
  kindAt(index: number): CompiledKind | undefined;
}

/**
 * Builds the row → kind selector.
 *
 * @param seedKey The scenario's seed key.
 * @param entity The entity.
 * @param rate Share of anomalous rows.
 * @param kinds The kinds with their weights.
 * @returns `kindAt(index)`.
 * @example
 * ```ts
 * import { kindSelector } from "./anomalies.ts";
 * const kindAt = kindSelector(1, "payments", 0.1, [{ kind: "late", weight: 1 }]);
 * kindAt(0); // "late" for about 10% of rows, else undefined
 * ```
 */
export function kindSelector<K>(
  seedKey: number,
  entity: string,
  rate: number,
  kinds: readonly { kind: K; weight: number }[],
): (index: number) => K | undefined {
  const rowKey = hashKey(seedKey, entity, "anomaly-row");
  const kindKey = hashKey(seedKey, entity, "anomaly-kind");
  const total = kinds.reduce((n, k) => n + k.weight, 0);
  let running = 0;
  const cumulative = kinds.map((k) => (running += k.weight) / total);
  if (rate <= 0 || total <= 0) return () => undefined;
  return (index) => {
    if (unitAt(rowKey, index) >= rate) return undefined;
    const u = unitAt(kindKey, index);
    for (let k = 0; k < kinds.length; k++) if (u < cumulative[k]!) return kinds[k]!.kind;
    return kinds[kinds.length - 1]!.kind;
  };
}

/**
 * A generator plugin the kernel uses for the columns it adds itself (the
 * anomaly label, the rows of an anomalies entity). Not registered; never
 * named in scenarios.
 *
 * @param gen The generator.
 * @returns A plugin value wrapping it.
 * @example
 * ```ts
 * import { kernelGenerator } from "./anomalies.ts";
 * const plugin = kernelGenerator({ type: "string", value: () => "x" });
 * plugin.name; // "fabricate"
 * ```
 */
export function kernelGenerator(gen: FieldGenerator): GeneratorPlugin<unknown> {
  return {
    name: "fabricate",
    kind: "generator",
    version: "1",
    description: "Columns added by the kernel",
    options: z.unknown(),
    create: () => gen,
  };
}

/**
 * The fields to recompute after some fields are replaced: those that read
 * them, directly or through other fields, in generation order.
 *
 * @param order The entity's fields in generation order.
 * @param replaced The replaced field names.
 * @returns The dependents, in generation order.
 * @example
 * ```ts ignore
 * dependentsOf(entity.fields, new Set(["last_name"])); // [email, …]
 * ```
 */
export function dependentsOf(
  order: readonly CompiledField[],
  replaced: ReadonlySet<string>,
): CompiledField[] {
  const affected = new Set(replaced);
  const out: CompiledField[] = [];
  for (const f of order) {
    if (affected.has(f.name)) continue;
    if (f.uses.some((u) => affected.has(u))) {
      affected.add(f.name);
      out.push(f);
    }
  }
  return out;
}
