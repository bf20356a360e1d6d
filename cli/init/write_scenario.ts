/**
 * Turns parsed tables into scenario YAML text for `fabricate init`.
 *
 * @module
 */
import { stringify } from "yaml";
import type { Column, Table } from "./parse_ddl.ts";
import { chooseGenerator, type FieldSpec } from "./choose_generator.ts";

/** Orders tables so referenced ones come first (self references ignored). */
function order(tables: Table[]): Table[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: Table[] = [];
  const seen = new Set<string>();
  const visit = (t: Table) => {
    if (seen.has(t.name)) return;
    seen.add(t.name);
    for (const fk of t.foreignKeys) {
      const p = byName.get(fk.table);
      if (p && p !== t) visit(p);
    }
    out.push(t);
  };
  tables.forEach(visit);
  return out;
}

/** The `lookup` type of a column copied from a parent row. */
function lookupType(c: Column | undefined): string {
  const t = c?.type ?? "";
  if (/int|serial/.test(t)) return "integer";
  if (/^(numeric|decimal|real|double|float)/.test(t)) return "number";
  if (/^bool/.test(t)) return "boolean";
  if (t === "date") return "date";
  if (/^(timestamp|datetime)/.test(t)) return "datetime";
  return "string";
}

/**
 * The fields of a table's composite foreign keys: the first column refs the
 * parent row, the others copy that same row's columns (`lookup`), so the
 * tuple always exists in the parent.
 */
function compositeFields(
  t: Table,
  byName: Map<string, Table>,
  warnings: string[],
): Map<string, FieldSpec> {
  const out = new Map<string, FieldSpec>();
  for (const fk of t.foreignKeys) {
    if (fk.columns.length < 2) continue;
    const parent = byName.get(fk.table);
    const to = fk.refColumns.length ? fk.refColumns : parent?.primaryKey ?? [];
    const what = `composite foreign key (${fk.columns.join(", ")})`;
    if (!parent || to.length !== fk.columns.length) {
      warnings.push(`${what}: ${fk.table} not found or columns do not match, not generated`);
    } else if (parent === t) {
      warnings.push(`${what}: a composite self reference is not generated`);
    } else if (fk.columns.some((c) => out.has(c))) {
      warnings.push(`${what} shares columns with another one, not generated`);
    } else {
      const cols = fk.columns.map((n) => t.columns.find((c) => c.name === n));
      const [first, ...rest] = fk.columns;
      // A null first column nulls the whole tuple; only when every column may be null.
      const nullable = cols.every((c) => c && !c.notNull);
      out.set(first!, { ref: `${fk.table}.${to[0]}`, ...(nullable ? { nullable: 0.1 } : {}) });
      rest.forEach((n, k) => {
        out.set(n, {
          lookup: { field: `${first}.${to[k + 1]}`, type: lookupType(cols[k + 1]) },
        });
      });
    }
  }
  return out;
}

/**
 * Writes the scenario YAML.
 *
 * @param tables The tables.
 * @param opts Name, row count per table, SQL dialect of the output.
 * @returns The YAML text.
 * @example
 * ```ts
 * import { writeScenario } from "./write_scenario.ts";
 * writeScenario([], { name: "s", count: 10, dialect: "postgres" });
 * ```
 */
export function writeScenario(
  tables: Table[],
  opts: { name: string; count: number; dialect: string },
): string {
  const byName = new Map(tables.map((t) => [t.name, t]));
  let s = `# Written by fabricate init: review generators, counts and the warnings below.\n` +
    `name: ${opts.name}\nseed: 1\nreference_date: 2025-01-01\nentities:\n`;
  for (const t of order(tables)) {
    const fields: Record<string, FieldSpec> = {};
    const warnings = [...t.warnings];
    const composite = compositeFields(t, byName, warnings);
    for (const c of t.columns) {
      const fk = t.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === c.name);
      let spec: FieldSpec;
      const fromComposite = composite.get(c.name);
      if (fromComposite) {
        fields[c.name] = fromComposite;
        continue;
      }
      const single = t.primaryKey.length === 1 && t.primaryKey[0] === c.name;
      const unique = single || t.uniques.some((u) => u.length === 1 && u[0] === c.name);
      if (fk) {
        const target = byName.get(fk.table);
        const col = fk.refColumns[0] ?? target?.primaryKey[0] ?? "id";
        if (fk.table === t.name) {
          spec = { ref: { to: `${fk.table}.${col}`, tree: { roots: 1 } } };
          if (c.notNull) warnings.push(`${c.name}: NOT NULL self reference; tree roots are null`);
        } else spec = { ref: `${fk.table}.${col}` };
        if (unique) warnings.push(`${c.name}: unique ref, not guaranteed`);
      } else if (single && /int|serial/.test(c.type)) spec = { sequence: { start: 1 } };
      else if (single && c.type === "uuid") spec = { uuid: {} };
      else {
        spec = chooseGenerator(c);
        if (unique) {
          if (spec.choice || spec.boolean) warnings.push(`${c.name}: unique on few values`);
          else if (spec.integer) spec = { sequence: { start: 1 } };
          else spec.unique = true;
        }
      }
      if (!c.notNull && !unique && !(spec.ref && typeof spec.ref === "object")) {
        spec.nullable = 0.1;
      }
      fields[c.name] = spec;
    }
    const entity: Record<string, unknown> = { count: opts.count, fields };
    if (t.primaryKey.length > 1) {
      entity.primary_key = t.primaryKey;
      // A join table: rows per first parent, distinct second parents within each.
      const refs = t.primaryKey.filter((k) => typeof fields[k]?.ref === "string");
      const rest = t.primaryKey.filter((k) => !refs.includes(k));
      const col = t.columns.find((c) => c.name === rest[0]);
      if (refs.length >= 2) {
        const [a, b] = [fields[refs[0]!]!, fields[refs[1]!]!];
        entity.count = { per: String(a.ref).split(".")[0], min: 0, max: 5 };
        fields[refs[1]!] = { ref: { to: b.ref, distinct: "per_parent" } };
      } else if (
        refs.length === 1 && rest.length === 1 && col && /int|serial/.test(col.type) &&
        !fields[col.name]!.lookup
      ) {
        // Lines of a parent: (order_id, line_no) numbered 1, 2, … within each order.
        entity.count = { per: String(fields[refs[0]!]!.ref).split(".")[0], min: 1, max: 5 };
        fields[col.name] = { position: {} };
      } else warnings.push(`composite primary key (${t.primaryKey}): tuples may repeat`);
    }
    const multi = t.uniques.filter((u) => u.length > 1);
    if (multi.length === 1) entity.unique = multi[0];
    else if (multi.length > 1) entity.unique = multi;
    for (const w of warnings) s += `  # WARNING: ${w}\n`;
    s += `  ${t.name}:\n` + stringify(entity, { lineWidth: 0 }).trimEnd().split("\n")
      .map((l) => "    " + l).join("\n") +
      "\n";
  }
  s += `output:\n  format: sql\n  sql: { dialect: ${opts.dialect}, create_table: false }\n`;
  return s;
}
