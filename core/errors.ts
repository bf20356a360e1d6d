/**
 * fabricate's error classes. Everything a caller is expected to catch is a
 * {@linkcode FabricateError}, which carries the process exit code: 2 for bad
 * input or usage, 1 for a run that failed.
 *
 * @module
 */

/** A path into a scenario document, e.g. `["entities", "orders", "count"]`. */
export type DocPath = readonly (string | number)[];

/** One problem found in a scenario, located in its source file. */
export interface ScenarioIssue {
  /** The file the problem is in (absent for in-memory scenarios). */
  file?: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  /** Where in the document, e.g. `entities.orders.fields.customer_id.ref`. */
  path: DocPath;
  /** What is wrong. */
  message: string;
  /** What was expected instead. */
  expected?: string;
  /** How to fix it, e.g. `did you mean "customers"?`. */
  hint?: string;
}

/**
 * The base class of errors fabricate raises on purpose.
 *
 * @example Exit with the error's code
 * ```ts
 * import { FabricateError } from "./errors.ts";
 * try {
 *   throw new FabricateError("Cannot write output: disk full", 1);
 * } catch (e) {
 *   if (e instanceof FabricateError) console.error(e.message, e.exitCode);
 * }
 * ```
 */
export class FabricateError extends Error {
  /** The process exit code this error maps to. */
  readonly exitCode: number;

  /**
   * @param message What failed, sentence case, action first.
   * @param exitCode 2 for bad input or usage, 1 for a failed run.
   * @param options The underlying cause, if any.
   */
  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.name = "FabricateError";
    this.exitCode = exitCode;
  }
}

/**
 * Bad command-line usage (unknown flag, missing argument). Exit code 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./errors.ts";
 * const e = new UsageError('Unknown option "--fromat"', 'did you mean "--format"?');
 * e.exitCode; // 2
 * ```
 */
export class UsageError extends FabricateError {
  /** A hint shown under the message. */
  readonly hint?: string;

  /**
   * @param message What is wrong.
   * @param hint How to fix it.
   */
  constructor(message: string, hint?: string) {
    super(message, 2);
    this.name = "UsageError";
    if (hint !== undefined) this.hint = hint;
  }
}

/**
 * A scenario that cannot be used, with every problem found (not only the
 * first). Exit code 2.
 *
 * @example Report all problems
 * ```ts
 * import { ScenarioError, formatIssue } from "./errors.ts";
 * const e = new ScenarioError([{ path: ["seed"], message: "Expected a number" }]);
 * console.error(e.issues.map(formatIssue).join("\n"));
 * ```
 */
export class ScenarioError extends FabricateError {
  /** The problems, in document order. */
  readonly issues: readonly ScenarioIssue[];

  /** @param issues The problems found. */
  constructor(issues: readonly ScenarioIssue[]) {
    const n = issues.length;
    super(
      `Invalid scenario: ${n} problem${n === 1 ? "" : "s"} found\n` +
        issues.map((i) => formatIssue(i)).join("\n"),
      2,
    );
    this.name = "ScenarioError";
    this.issues = issues;
  }
}

/**
 * Thrown by a plugin's `create` when its options are well-formed but wrong
 * (an unknown faker method, a ref to a missing entity). The kernel adds the
 * file, line and path and reports it with the scenario's other problems.
 *
 * @example In a generator's create()
 * ```ts
 * import { PluginInputError } from "./errors.ts";
 * function check(method: string) {
 *   if (method !== "person.firstName") {
 *     throw new PluginInputError(`Unknown faker method "${method}"`, {
 *       hint: 'did you mean "person.firstName"?',
 *     });
 *   }
 * }
 * check("person.firstName");
 * ```
 */
export class PluginInputError extends Error {
  /** How to fix it. */
  readonly hint?: string;
  /** What was expected. */
  readonly expected?: string;
  /** Path within the plugin's options, if the problem is deeper. */
  readonly path: DocPath;

  /**
   * @param message What is wrong.
   * @param details A hint, what was expected and the path inside the options.
   */
  constructor(
    message: string,
    details: { hint?: string; expected?: string; path?: DocPath } = {},
  ) {
    super(message);
    this.name = "PluginInputError";
    if (details.hint !== undefined) this.hint = details.hint;
    if (details.expected !== undefined) this.expected = details.expected;
    this.path = details.path ?? [];
  }
}

/** Where inside a run a plugin call failed. */
export interface PluginCallSite {
  /** The plugin's name. */
  plugin: string;
  /** The hook that was called (`create`, `value`, `write`, `check`...). */
  hook: string;
  /** The entity being processed. */
  entity?: string;
  /** The field being generated or checked. */
  field?: string;
  /** The row index, when the failure concerns one row. */
  row?: number;
}

/**
 * A plugin call that threw. Names the plugin, hook, entity, field and row,
 * and keeps the plugin's own error as `cause`. Exit code 1.
 *
 * @example
 * ```ts
 * import { PluginError } from "./errors.ts";
 * const e = new PluginError(
 *   { plugin: "faker", hook: "value", entity: "orders", field: "note", row: 12 },
 *   new Error("boom"),
 * );
 * e.message; // 'Plugin "faker" failed in value() for orders.note at row 12: boom'
 * ```
 */
export class PluginError extends FabricateError {
  /** Where it failed. */
  readonly site: PluginCallSite;

  /**
   * @param site Where it failed.
   * @param cause What the plugin threw.
   */
  constructor(site: PluginCallSite, cause: unknown) {
    const where = site.entity === undefined
      ? ""
      : ` for ${site.entity}${site.field === undefined ? "" : "." + site.field}`;
    const row = site.row === undefined ? "" : ` at row ${site.row}`;
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `Plugin "${site.plugin}" failed in ${site.hook}()${where}${row}: ${detail}`,
      1,
      { cause },
    );
    this.name = "PluginError";
    this.site = site;
  }
}

/**
 * Formats a scenario issue the way the CLI prints it:
 * `file:line:col path` then the message, what was expected and a hint.
 *
 * @param issue The issue.
 * @returns A multi-line string.
 * @example
 * ```ts
 * import { formatIssue } from "./errors.ts";
 * formatIssue({ file: "s.yaml", line: 3, column: 5, path: ["seed"], message: "Expected a number" });
 * // "s.yaml:3:5 seed\n  Expected a number"
 * ```
 */
export function formatIssue(issue: ScenarioIssue): string {
  let where = issue.file ?? "<scenario>";
  if (issue.line !== undefined) {
    where += `:${issue.line}:${issue.column ?? 1}`;
  }
  const path = formatPath(issue.path);
  let out = `${where}${path ? " " + path : ""}\n  ${issue.message}`;
  if (issue.expected) out += `\n  expected: ${issue.expected}`;
  if (issue.hint) out += `\n  hint: ${issue.hint}`;
  return out;
}

/**
 * Formats a document path with dots, brackets for array indexes.
 *
 * @param path The path.
 * @returns e.g. `entities.orders.validate[0]`.
 * @example
 * ```ts
 * import { formatPath } from "./errors.ts";
 * formatPath(["entities", "orders", "validate", 0]); // "entities.orders.validate[0]"
 * ```
 */
export function formatPath(path: DocPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
