/**
 * Field references in generator options: a field of the same row
 * (`birthdate`) or a field of the parent row behind a ref field
 * (`customer_id.birthdate`). Shared by the generators that derive a value
 * from other fields (`age`, `after`, `expr`, `lookup`, `map`, `place`).
 *
 * @module
 */
import { type DocPath, PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import type { GeneratorSetup, RowContext } from "../../core/types.ts";
import { preview } from "./field_rule.ts";
import { isoMillis } from "./iso_millis.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * A field reference, checked and ready to read.
 *
 * @example
 * ```ts ignore
 * const ref: FieldRef = fieldRef("customer_id.country", setup, ["from"]);
 * ref.parent; // "country"
 * ```
 */
export interface FieldRef {
  /** The reference as written (`customer_id.birthdate`). */
  readonly text: string;
  /** The field of this row: the field itself, or the ref field leading to the parent. */
  readonly field: string;
  /** The parent's field, for `ref_field.parent_field`. */
  readonly parent: string | undefined;
  /** Reads the value for a row (`row.get` or `row.lookup`). */
  readonly read: (row: RowContext) => unknown;
}

/**
 * Parses and checks a field reference against the entity's fields, with a
 * did-you-mean hint. The parent field of `ref_field.parent_field` is checked
 * by the kernel once every entity is known (it knows where the ref points).
 *
 * A reference to the field being generated is allowed: an anomaly override
 * reads its own field's normal value that way, and the kernel refuses
 * cycles among normal fields.
 *
 * @param text The reference, e.g. `birthdate` or `customer_id.birthdate`.
 * @param setup The generator's setup (entity and fields).
 * @param path Where the reference is in the plugin's options, for messages.
 * @returns The reference and its reader.
 * @throws {PluginInputError} For a malformed reference or an unknown field.
 * @example In a generator's create()
 * ```ts ignore
 * const of = fieldRef("customer_id.birthdate", setup, ["of"]);
 * const { uses, lookups } = fieldUsage([of]);
 * // value: (row) => of.read(row)
 * ```
 */
export function fieldRef(text: string, setup: GeneratorSetup, path: DocPath): FieldRef {
  const [field = "", parent, ...extra] = text.trim().split(".");
  if (!NAME.test(field) || (parent !== undefined && !NAME.test(parent)) || extra.length > 0) {
    throw new PluginInputError(`Cannot read field "${text}": it is not a field reference`, {
      expected: "a field of this row (birthdate) or ref_field.parent_field (customer_id.country)",
      path,
    });
  }
  const fields = setup.entities.get(setup.entity)?.fields ?? [];
  if (!fields.includes(field)) {
    throw new PluginInputError(
      `Cannot read field "${text}": ${setup.entity} has no field "${field}"`,
      { hint: didYouMean(field, fields, "fields"), path },
    );
  }
  const read = parent === undefined
    ? (row: RowContext) => row.get(field)
    : (row: RowContext) => row.lookup(field, parent);
  return { text, field, parent, read };
}

/**
 * The `uses` and `lookups` a generator declares for the references it reads.
 *
 * @param refs The references.
 * @returns `uses` (deduplicated), and `lookups` when any reference reads a parent.
 * @example
 * ```ts ignore
 * return { ...fieldUsage([quantity, price]), value: (row) => … };
 * ```
 */
export function fieldUsage(
  refs: readonly FieldRef[],
): { uses: string[]; lookups?: [string, string][] } {
  const uses = [...new Set(refs.map((r) => r.field))];
  const seen = new Set<string>();
  const lookups: [string, string][] = [];
  for (const r of refs) {
    if (r.parent === undefined || seen.has(r.text)) continue;
    seen.add(r.text);
    lookups.push([r.field, r.parent]);
  }
  return lookups.length ? { uses, lookups } : { uses };
}

/**
 * The instant of an ISO 8601 date or datetime read from a field, in
 * milliseconds; `NaN` for null. Anything else is an error naming the field,
 * since a date written in another format cannot be told apart reliably
 * (is 01/02/2024 in January or February?).
 *
 * @param value The field's value.
 * @param ref The reference it was read through, for the message.
 * @returns Milliseconds since the epoch, or `NaN` for null.
 * @throws {Error} When the value is not an ISO date or datetime.
 * @example
 * ```ts ignore
 * const ms = instantValue(of.read(row), of); // NaN → the output is null
 * ```
 */
export function instantValue(value: unknown, ref: FieldRef): number {
  if (value === null || value === undefined) return NaN;
  const ms = typeof value === "string" ? isoMillis(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new Error(
      `"${ref.text}" is ${preview(value)}, not an ISO date or datetime ` +
        `(hint: give that field no format, or read a hidden ISO copy of it)`,
    );
  }
  return ms;
}
