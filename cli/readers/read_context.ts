/**
 * What a reader of one entity's rows is told: the entity, its field types
 * (from the scenario) and how the files were laid out.
 *
 * @module
 */
import type { FieldType } from "../../core/types.ts";

/** How a format's files were laid out by `gen --layout`. */
export type Layout = "per-entity" | "single" | "split";

/**
 * The context of one read.
 *
 * @example
 * ```ts
 * import type { ReadContext } from "./read_context.ts";
 * const context: ReadContext = { entity: "orders", types: new Map([["id", "integer"]]), layout: "per-entity" };
 * ```
 */
export interface ReadContext {
  /** The entity whose rows are read. */
  readonly entity: string;
  /** Its output fields' types, in output order (empty when the scenario is unknown). */
  readonly types: ReadonlyMap<string, FieldType>;
  /** The layout the file was written in. */
  readonly layout: Layout;
  /** The SQL formatter's `table_prefix`, when the scenario sets one. */
  readonly tablePrefix?: string;
}
