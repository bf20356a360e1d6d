/**
 * Entity-level keys: `primary_key: [post_id, tag_id]` and
 * `unique: [post_id, tag_id]`. The kernel accepts a key only when it can
 * prove the generated tuples unique (correct by construction), and hands
 * them to formatters through `EntitySchema.primaryKey` / `uniqueTogether`.
 *
 * A tuple is proven unique when one of its fields is unique on its own
 * (`unique: true`, a sequence, a shuffle ref…), or when it holds the ref to
 * the owning parent (`count: { per: posts }`) together with a ref that is
 * `distinct: per_parent`.
 *
 * @module
 */
import type { CompiledField } from "./compile.ts";
import type { EntitySpec } from "./scenario_schema.ts";
import type { OwnerInfo } from "./types.ts";
import type { LocatableIssue } from "./zod_issues.ts";
import { didYouMean } from "./did_you_mean.ts";

/** The keys of an entity, as CompiledEntity holds them. */
export interface EntityKeys {
  /** The primary key's fields. */
  primaryKey?: readonly string[];
  /** Field sets unique together. */
  uniqueTogether?: readonly (readonly string[])[];
}

/**
 * Checks and returns an entity's declared keys; problems go to `issues`.
 *
 * @param name The entity's name.
 * @param spec Its scenario spec.
 * @param fields Its compiled fields.
 * @param owner How its rows map onto parent rows, if counted per parent.
 * @param issues Where problems are collected.
 * @returns The keys to spread into the compiled entity.
 * @example
 * ```ts ignore
 * const keys = entityKeys("post_tags", spec, fields, owner, issues);
 * keys.primaryKey; // ["post_id", "tag_id"]
 * ```
 */
export function entityKeys(
  name: string,
  spec: EntitySpec,
  fields: readonly CompiledField[],
  owner: OwnerInfo | undefined,
  issues: LocatableIssue[],
): EntityKeys {
  const out: EntityKeys = {};
  const base = ["entities", name];
  if (spec.primary_key !== undefined) {
    const key = typeof spec.primary_key === "string" ? [spec.primary_key] : spec.primary_key;
    if (check(key, [...base, "primary_key"], true)) out.primaryKey = key;
  }
  if (spec.unique !== undefined) {
    const sets = spec.unique.every((x) => typeof x === "string")
      ? [spec.unique as string[]]
      : (spec.unique as string[][]);
    const ok = sets.filter((set, i) =>
      check(set, [...base, "unique", ...(sets.length > 1 ? [i] : [])], false)
    );
    if (ok.length) out.uniqueTogether = ok;
  }
  return out;

  function check(set: readonly string[], path: (string | number)[], pk: boolean): boolean {
    const found: CompiledField[] = [];
    for (const n of set) {
      const f = fields.find((x) => x.name === n);
      if (!f || f.hidden) {
        issues.push({
          path,
          message: `${name} has no ${f ? "output " : ""}field "${n}" for its ${
            pk ? "primary key" : "unique key"
          }`,
          hint: didYouMean(n, fields.filter((x) => !x.hidden).map((x) => x.name), "fields"),
        });
        return false;
      }
      found.push(f);
    }
    if (new Set(set).size !== set.length) {
      issues.push({ path, message: `A key names a field twice: [${set.join(", ")}]` });
      return false;
    }
    const canBeNull = (f: CompiledField) =>
      f.nullable > 0 || (f.gen.nullable ?? false) || f.when !== undefined;
    if (pk) {
      const nullable = found.filter(canBeNull);
      if (nullable.length) {
        issues.push({
          path,
          message: `A primary key cannot hold null, but ${
            nullable.map((f) => `${name}.${f.name}`).join(", ")
          } may be null`,
          hint: "remove nullable/when from the key fields, or use unique: instead",
        });
        return false;
      }
    }
    const alone = found.some((f) => f.unique || (f.gen.distinct ?? false));
    const byParent = owner !== undefined &&
      found.some((f) => f.gen.perParent === "owner" && !canBeNull(f)) &&
      found.some((f) => f.gen.perParent === "distinct");
    if (alone || byParent) return true;
    issues.push({
      path,
      message: `Cannot make [${set.join(", ")}] of ${name} ${
        pk ? "a primary key" : "unique"
      }: nothing makes the tuples differ by construction`,
      hint: owner
        ? `pair the ref to the owning ${owner.entity} with a ref that has distinct: per_parent, e.g. tag_id: { ref: { to: tags.id, distinct: per_parent } }`
        : `count ${name} per parent (count: { per: posts, min: 0, max: 5 }) and give the other ref distinct: per_parent, or include a unique field`,
    });
    return false;
  }
}
