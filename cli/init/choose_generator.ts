/**
 * Chooses a field spec for a column from its name, type, length and checks.
 *
 * @module
 */
import type { Column } from "./parse_ddl.ts";

/** A field spec as plain data, ready for YAML. */
export type FieldSpec = Record<string, unknown>;

const NAMED: [RegExp, FieldSpec][] = [
  [/email/, { faker: "internet.email", transform: ["ascii", "lower"] }],
  [/^first_?name$/, { faker: "person.firstName" }],
  [/^last_?name$|surname/, { faker: "person.lastName" }],
  [/^(full_?)?name$|customer_name|contact_name/, { faker: "person.fullName" }],
  [/phone|fax|mobile/, { pattern: "\\+1-\\d{3}-\\d{3}-\\d{4}" }],
  [/city/, { faker: "location.city" }],
  [/state|region|province/, { faker: "location.state" }],
  [/country/, { faker: "location.country" }],
  [/postal|zip/, { pattern: "\\d{5}" }],
  [/address|street/, { faker: "location.streetAddress" }],
  [/company/, { faker: "company.name" }],
  [/title/, { faker: "person.jobTitle" }],
  [/url|website/, { faker: "internet.url" }],
  [/user_?name|login/, { faker: "internet.username" }],
  [/description|note|comment|text|body/, { faker: "lorem.sentence" }],
  [/product|item/, { faker: "commerce.productName" }],
  [/name/, { faker: "commerce.productName" }],
  [/code|sku/, { pattern: "[A-Z]{3}-\\d{4}" }],
];

function range(c: Column): { min?: number; max?: number } {
  const r: { min?: number; max?: number } = {};
  for (const k of c.checks) {
    if (k.kind !== "range") continue;
    if (k.min !== undefined) r.min = Math.max(r.min ?? -Infinity, k.min);
    if (k.max !== undefined) r.max = Math.min(r.max ?? Infinity, k.max);
  }
  return r;
}

/**
 * The generator (and validators) for a column that is not a key or a ref.
 *
 * @param c The column.
 * @returns The field spec.
 * @example
 * ```ts
 * import { chooseGenerator } from "./choose_generator.ts";
 * chooseGenerator({ name: "email", type: "varchar", args: [80], notNull: true, checks: [] });
 * ```
 */
export function chooseGenerator(c: Column): FieldSpec {
  const n = c.name.toLowerCase();
  const inList = c.checks.find((k) => k.kind === "in");
  if (inList?.kind === "in") return { choice: { values: inList.values } };
  const r = range(c);
  const t = c.type;
  if (/^(tiny|small|medium|big)?int|^serial|^bigserial|^smallserial|^int[248]$/.test(t)) {
    const def = /quantity|qty|count/.test(n)
      ? [1, 10]
      : /age/.test(n)
      ? [18, 90]
      : [1, t.startsWith("tiny") ? 127 : 1000];
    const min = r.min ?? def[0]!;
    return { integer: { min, max: r.max ?? Math.max(min, def[1]!) } };
  }
  if (/^(numeric|decimal)$/.test(t) || /^(real|double|float)/.test(t)) {
    const [p, s] = [c.args[0], c.args[1] ?? (t === "numeric" || t === "decimal" ? 0 : 2)];
    const cap = p !== undefined ? 10 ** (p - s) - 1 : 10000;
    const min = r.min ?? 0;
    const max = Math.min(r.max ?? (/price|amount|total|cost/.test(n) ? 500 : 1000), cap);
    return { number: { min, max: Math.max(min, max), decimals: s } };
  }
  if (/^bool/.test(t)) return { boolean: {} };
  if (t === "date") return { date: { from: "2020-01-01", to: "2024-12-31" } };
  // datetime: SQLite's (and MySQL's) name for a timestamp.
  if (/^(timestamp|datetime)/.test(t)) {
    return { datetime: { from: "2020-01-01", to: "2024-12-31" } };
  }
  if (t === "uuid") return { uuid: {} };
  // Valid JSON text (a json column rejects words) and a time of day.
  if (/^jsonb?$/.test(t)) return { pattern: '\\{"n": [1-9]\\d{0,3}\\}' };
  if (/^time( |$)/.test(t)) return { pattern: "([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d" };
  const max = /char/.test(t) ? c.args[0] : undefined;
  let spec: FieldSpec = { faker: "lorem.words" };
  for (const [re, s] of NAMED) {
    if (re.test(n)) {
      spec = structuredClone(s);
      break;
    }
  }
  if (max !== undefined) {
    if (max < 6 && !("pattern" in spec)) spec = { pattern: `[A-Z]{${max}}` };
    else if (!("pattern" in spec)) {
      spec.transform = [...(spec.transform as string[] ?? []), { truncate: max }];
    }
    spec.validate = { length: { max } };
  }
  return spec;
}
