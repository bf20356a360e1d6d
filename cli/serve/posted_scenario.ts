/**
 * Scenarios that come over HTTP: a built-in or workspace name, or YAML text
 * posted by whoever can reach the server. Posted text is planned exactly as
 * `fabricate validate` plans a file (same checks, same line:column), with
 * three limits enforced on the server's side (the first two by
 * `checkPostedScenario`, the same check `POST /api/jobs` runs):
 *
 * - no `plugins:` (a posted scenario never runs code of its own: the plan
 *   uses a registry made without the scenario's plugins);
 * - `extends` names built-in scenarios only (a path or URL there would read
 *   files or fetch), as `POST /api/jobs` requires;
 * - data files (`choice: { file: … }`) are read only from `files/`: the text
 *   is planned from a temporary file in that folder, and data files must lie
 *   in the scenario file's folder.
 *
 * @module
 */
import {
  FabricateError,
  formatIssue,
  formatPath,
  ScenarioError,
  type ScenarioIssue,
  UsageError,
} from "../../core/errors.ts";
import { prepare, type PrepareOptions } from "../../core/gen.ts";
import type { Plan } from "../../core/compile.ts";
import { registryFor } from "../../core/registry.ts";
import { type ApiIssue, HttpError, type ServeContext } from "./route.ts";
import { resolveScenarioName } from "./api_scenarios.ts";
import { checkPostedScenario } from "./jobs.ts";

/** Largest posted scenario text, in characters (1 MiB). */
export const POSTED_MAX_CHARS = 1024 * 1024;

/** How a scenario names itself in a request: one of the two. */
export type ScenarioInput = { scenario: string } | { yaml: string };

/**
 * Where a named scenario's file is: a workspace scenario first, then a
 * built-in (as `GET /api/scenarios` and `POST /api/jobs` resolve names).
 *
 * @param ctx The server's context.
 * @param name The name.
 * @returns The file's URL and where it comes from, or undefined.
 * @example
 * ```ts ignore
 * const found = await findScenario(ctx, "quickstart");
 * found?.source; // "builtin"
 * ```
 */
export async function findScenario(
  ctx: ServeContext,
  name: string,
): Promise<{ url: URL; source: "builtin" | "workspace" } | undefined> {
  try {
    const { url, source } = await resolveScenarioName(ctx, name);
    return { url, source };
  } catch (e) {
    if (e instanceof HttpError) return undefined;
    throw e;
  }
}

/**
 * Plans a scenario from a request, calls `use` with the plan and closes it.
 *
 * @param ctx The server's context.
 * @param input A scenario name or posted YAML.
 * @param options Overrides (seed, counts).
 * @param use What to do with the plan.
 * @returns What `use` returns.
 * @throws {HttpError} 422 `invalid_scenario` with located issues, or `unknown_scenario`.
 * @example
 * ```ts ignore
 * const names = await withPlan(ctx, { yaml }, {}, (plan) => plan.entities.map((e) => e.name));
 * ```
 */
export async function withPlan<T>(
  ctx: ServeContext,
  input: ScenarioInput,
  options: PrepareOptions,
  use: (plan: Plan) => T | Promise<T>,
): Promise<T> {
  if ("scenario" in input) {
    // 422 unknown_scenario (field "scenario") with a did-you-mean hint, as for jobs.
    const { url } = await resolveScenarioName(ctx, input.scenario);
    return await planAndUse(url.href, undefined, ctx, options, use);
  }
  return await withPostedFile(ctx, input.yaml, (path) => planAndUse(path, path, ctx, options, use));
}

async function planAndUse<T>(
  input: string,
  postedPath: string | undefined,
  ctx: ServeContext,
  options: PrepareOptions,
  use: (plan: Plan) => T | Promise<T>,
): Promise<T> {
  // Made here without any scenario plugins: nothing a request names is imported.
  const registry = await registryFor([], new URL(`file://${ctx.cwd}/`), ctx.cwd);
  try {
    let plan: Plan;
    try {
      plan = await prepare(input, { ...options, cwd: ctx.cwd, registry });
    } catch (e) {
      throw toHttpError(e, postedPath, ctx.cwd);
    }
    if (plan.scenario.plugins?.length && postedPath) {
      throw invalid([{ path: "plugins", message: POSTED_PLUGINS }]);
    }
    return await use(plan);
  } finally {
    registry.close();
  }
}

const POSTED_PLUGINS = "A scenario sent to the server may not load plugins";

/**
 * Writes posted text to a temporary file in the workspace's `files/`
 * folder (so data files resolve there and nowhere else), after checking
 * `plugins` and `extends`, and removes it afterwards.
 */
async function withPostedFile<T>(
  ctx: ServeContext,
  yaml: string,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const files = `${ctx.dir}/files`;
  // The same limits POST /api/jobs applies (one check for both).
  await checkPostedScenario(yaml);
  await Deno.mkdir(files, { recursive: true });
  const path = await Deno.makeTempFile({ dir: files, prefix: ".posted-", suffix: ".yaml" });
  try {
    await Deno.writeTextFile(path, yaml);
    return await use(path);
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}

/**
 * A 422 `invalid_scenario`.
 *
 * @param issues The problems.
 * @returns The error.
 * @example
 * ```ts
 * import { invalid } from "./posted_scenario.ts";
 * invalid([{ path: "seed", message: "Expected a number" }]).status; // 422
 * ```
 */
export function invalid(issues: ApiIssue[]): HttpError {
  const n = issues.length;
  return new HttpError(
    422,
    "invalid_scenario",
    `Invalid scenario: ${n} problem${n === 1 ? "" : "s"} found`,
    { issues },
  );
}

/**
 * Turns what planning threw into an HTTP error: a scenario's problems into a
 * 422 whose issues carry line and column when they are in the posted text
 * (problems in a file it extends name that file in the message).
 */
function toHttpError(
  e: unknown,
  postedPath: string | undefined,
  cwd: string,
  shownAs?: string,
): unknown {
  // A request's override (an unknown entity in counts) is the caller's to report.
  if (e instanceof HttpError || e instanceof UsageError) return e;
  const shown = shownAs ?? (postedPath ? relativeTo(postedPath, cwd) : undefined);
  if (e instanceof ScenarioError) {
    return invalid(e.issues.map((issue) => apiIssue(issue, shown)));
  }
  if (e instanceof FabricateError) {
    const message = shown && postedPath
      ? e.message.replaceAll(postedPath, "scenario").replaceAll(shown, "scenario")
      : e.message;
    const hint = (e as { hint?: string }).hint;
    const status = e.exitCode === 2 ? 422 : 500;
    return new HttpError(status, status === 422 ? "invalid_scenario" : "failed", message, {
      issues: [{ path: "", message, ...(hint ? { hint } : {}) }],
    });
  }
  return e;
}

function apiIssue(issue: ScenarioIssue, posted: string | undefined): ApiIssue {
  const own = posted !== undefined && (issue.file === undefined || issue.file === posted);
  const where = !own && issue.file !== undefined
    ? `${formatIssue({ ...issue, message: "", path: [] }).split("\n")[0]}: `
    : "";
  return {
    path: formatPath(issue.path),
    message: where + issue.message,
    ...(own && issue.line !== undefined ? { line: issue.line, column: issue.column ?? 1 } : {}),
    ...(issue.expected !== undefined ? { expected: issue.expected } : {}),
    ...(issue.hint !== undefined ? { hint: issue.hint } : {}),
  };
}

function relativeTo(path: string, cwd: string): string {
  const prefix = cwd.endsWith("/") ? cwd : cwd + "/";
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
