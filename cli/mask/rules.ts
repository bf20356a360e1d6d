/**
 * The masking rules file (YAML or JSON): per input file, per column, one
 * rule. Read and checked before anything is masked; every problem is
 * reported at once with its line and column.
 *
 * @module
 */
import { z } from "zod";
import { allLocales } from "@faker-js/faker";
import { parseSource } from "../../core/source.ts";
import {
  type DocPath,
  FabricateError,
  formatIssue,
  type ScenarioIssue,
} from "../../core/errors.ts";
import { issuesFromZod } from "../../core/zod_issues.ts";
import { closest } from "../../core/did_you_mean.ts";
import { fakerMethod, fakerWith, type RuleSpec } from "./maskers.ts";

const column = z.string().min(1);
const domain = z.string().min(1).default("default").describe(
  "Values hash alike only within one domain (default: all columns with this rule share one)",
);

const ruleSchema = z.union([
  z.enum(["keep", "redact", "hash", "email", "phone", "postal"]).transform((name): RuleSpec => {
    switch (name) {
      case "keep":
        return { keep: true };
      case "redact":
        return { redact: { with: "REDACTED" } };
      case "hash":
        return { hash: { length: 64, preserve: false, domain: "default" } };
      case "email":
        return { email: { hashDomain: false } };
      case "phone":
        return { phone: { keep: 0 } };
      default:
        return { postal: { keep: 0 } };
    }
  }),
  z.object({ redact: z.string().describe("The text every value becomes") }).strict()
    .transform((o): RuleSpec => ({ redact: { with: o.redact } })),
  z.object({
    hash: z.object({
      length: z.number().int().min(8).max(64).default(64).describe("Hex digits kept (8–64)"),
      preserve: z.boolean().default(false).describe(
        "Keep the value's shape: digits stay digits, letters letters, the rest as is",
      ),
      domain,
      integer: z.boolean().optional().describe(
        "Map integers to integers (a keyed permutation: no collisions, same size); " +
          "default: on for integer database columns, off in files",
      ),
    }).strict(),
  }).strict().transform((o): RuleSpec => {
    const { integer, ...rest } = o.hash;
    return { hash: integer === undefined ? rest : { ...rest, integer } };
  }),
  z.object({
    fake: z.union([
      z.string().min(1).transform((method) => ({ method, locale: "en", domain: method })),
      z.object({
        method: z.string().min(1).describe("A faker method: person.fullName"),
        locale: z.string().min(1).default("en"),
        domain: z.string().min(1).optional(),
      }).strict().transform((o) => ({ ...o, domain: o.domain ?? o.method })),
    ]),
  }).strict().transform((o): RuleSpec => ({ fake: o.fake })),
  z.object({
    email: z.object({
      domain: z.string().min(1).optional().describe("Every address gets this domain"),
      hash_domain: z.boolean().default(false).describe("Replace the domain's labels, keep the TLD"),
    }).strict(),
  }).strict().transform((o): RuleSpec => ({
    email: {
      ...(o.email.domain === undefined ? {} : { domain: o.email.domain }),
      hashDomain: o.email.hash_domain,
    },
  })),
  z.object({
    phone: z.object({ keep: z.number().int().min(0).default(0) }).strict(),
  }).strict().transform((o): RuleSpec => ({ phone: o.phone })),
  z.object({
    postal: z.object({ keep: z.number().int().min(0).default(0) }).strict(),
  }).strict().transform((o): RuleSpec => ({ postal: o.postal })),
  z.object({
    shift_dates: z.union([
      z.number().int().min(1).transform((days) => ({ days })),
      z.object({
        days: z.number().int().min(1).describe("Dates move by 1..days days, earlier or later"),
        by: column.optional().describe(
          "A column whose value picks the offset (a person's id: all their dates move together)",
        ),
      }).strict(),
    ]),
  }).strict().transform((o): RuleSpec => ({ shift_dates: o.shift_dates })),
  z.object({
    generalise: z.union([
      z.enum(["month", "year"]).transform((date) => ({ date })),
      z.object({ bucket: z.number().positive().describe("Numbers to ranges of this width") })
        .strict(),
      z.object({
        prefix: z.number().int().min(0).describe("Keep this many characters, star the rest"),
      })
        .strict(),
    ]),
  }).strict().transform((o): RuleSpec => ({ generalise: o.generalise })),
]);

/** The zod schema of a rules file. */
export const maskRulesSchema = z.object({
  default: z.enum(["error", "keep", "redact"]).default("error").describe(
    "What happens to a column without a rule: error (the default: refuse), keep or redact",
  ),
  files: z.record(z.string().min(1), z.record(column, ruleSchema)).optional().describe(
    "Per input file (relative to the rules file), per column, one rule",
  ),
  tables: z.record(z.string().min(1), z.record(column, ruleSchema)).optional().describe(
    "Per table of the --from database, per column, one rule (instead of files)",
  ),
}).strict();

/** A rules file, checked. */
export interface MaskRules {
  /** What a column without a rule gets. */
  readonly default: "error" | "keep" | "redact";
  /** Per input file (as written), per column, the rule and where it is written. */
  readonly files: ReadonlyMap<string, ReadonlyMap<string, RuleSpec>>;
  /** Per table of the `--from` database, per column, the rule (empty when files are given). */
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, RuleSpec>>;
  /** Locates a path of the rules file, for messages. */
  locate(path: DocPath, atKey?: boolean): Pick<ScenarioIssue, "file" | "line" | "column">;
}

/**
 * Parses and checks a rules file.
 *
 * @param shown The file's name in messages.
 * @param text Its text.
 * @returns The rules.
 * @throws {FabricateError} Exit code 2, every problem with its line and column.
 * @example
 * ```ts
 * import { parseMaskRules } from "./rules.ts";
 * const rules = parseMaskRules("mask.yaml", "files:\n  c.csv:\n    id: hash\n");
 * rules.files.get("c.csv")?.get("id"); // { hash: { length: 64, … } }
 * ```
 */
export function parseMaskRules(shown: string, text: string): MaskRules {
  const doc = parseSource(shown, text);
  const locate = (path: DocPath, atKey = false) => {
    const pos = doc.locate(path, atKey);
    return pos ? { file: shown, line: pos.line, column: pos.column } : { file: shown };
  };
  const parsed = maskRulesSchema.safeParse(doc.value);
  if (!parsed.success) {
    throw rulesError(
      issuesFromZod(parsed.error, doc.value, [], maskRulesSchema).map((i) => ({
        ...i,
        ...locate(i.path),
      })),
    );
  }
  const issues: ScenarioIssue[] = [];
  const { files: fileRules, tables: tableRules } = parsed.data;
  if ((fileRules === undefined) === (tableRules === undefined)) {
    const path = fileRules ? ["tables"] : [];
    issues.push({
      ...locate(path, true),
      path,
      message: fileRules ? "Give files or tables, not both" : "Missing files or tables",
      hint: "files: masks CSV/JSONL files; tables: masks the tables of a --from database",
    });
  }
  const files = new Map<string, Map<string, RuleSpec>>();
  const tables = new Map<string, Map<string, RuleSpec>>();
  const groups = [
    ["files", fileRules ?? {}, files],
    ["tables", tableRules ?? {}, tables],
  ] as const;
  for (const [group, entries, into] of groups) {
    readGroup(group, entries, into);
  }
  if (issues.length) throw rulesError(issues);
  return { default: parsed.data.default, files, tables, locate };

  function readGroup(
    group: string,
    entries: Record<string, Record<string, RuleSpec>>,
    into: Map<string, Map<string, RuleSpec>>,
  ): void {
    for (const [file, columns] of Object.entries(entries)) {
      const map = new Map<string, RuleSpec>();
      for (const [name, rule] of Object.entries(columns)) {
        if (
          "fake" in rule && !fakerMethod(fakerWith(rule.fake.locale, Math.random), rule.fake.method)
        ) {
          const path = [group, file, name, "fake"];
          issues.push({
            ...locate(path),
            path,
            message: `Unknown faker method "${rule.fake.method}"`,
            hint: fakerHint(rule.fake.method),
          });
        }
        if ("fake" in rule && !(rule.fake.locale in allLocales)) {
          const path = [group, file, name, "fake", "locale"];
          issues.push({
            ...locate(path),
            path,
            message: `Unknown faker locale "${rule.fake.locale}"`,
            hint: "e.g. en, de, fr, en_US",
          });
        }
        map.set(name, rule);
      }
      into.set(file, map);
    }
  }
}

/** A did-you-mean over faker's methods. */
function fakerHint(method: string): string {
  const faker = fakerWith("en", Math.random) as unknown as Record<string, unknown>;
  const names: string[] = [];
  for (const [module, value] of Object.entries(faker)) {
    if (typeof value !== "object" || value === null || module.startsWith("_")) continue;
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(value) ?? {})) {
      if (name !== "constructor") names.push(`${module}.${name}`);
    }
  }
  const best = closest(method, names);
  return best
    ? `did you mean "${best}"?`
    : "write module.method, e.g. person.fullName or location.city";
}

/**
 * The exit-2 error for problems in a rules file.
 *
 * @param issues The problems, located.
 * @returns The error.
 * @example
 * ```ts
 * import { rulesError } from "./rules.ts";
 * rulesError([{ path: ["files"], message: "Expected an object" }]).exitCode; // 2
 * ```
 */
export function rulesError(issues: readonly ScenarioIssue[]): FabricateError {
  const n = issues.length;
  return new FabricateError(
    `Invalid mask rules: ${n} problem${n === 1 ? "" : "s"}\n` + issues.map(formatIssue).join("\n"),
    2,
  );
}
