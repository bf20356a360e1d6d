/**
 * `GET /api/health`, `GET /api/scenarios` and `GET /api/targets`, and the
 * scenario catalog the job API resolves names against: the built-ins plus
 * the workspace's `scenarios/` folder (`<dir>/scenarios/team/shop.yaml` is
 * `team/shop`). A name is looked up in this list, never used as a path.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { builtinScenarioNames, builtinScenarioUrl } from "../../core/builtin_scenarios.ts";
import { ENGINE_VERSION } from "../../core/engine.ts";
import { VERSION } from "../../core/gen.ts";
import { parseSource } from "../../core/source.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import { HttpError, type Route, route, type ServeContext } from "./route.ts";
import { targetsOf } from "./targets.ts";

/** One scenario as `GET /api/scenarios` lists it. */
export interface ScenarioEntry {
  /** The name to start a job with. */
  name: string;
  /** The scenario's `description`. */
  description: string;
  /** `profile` when it extends another scenario, else `base`. */
  kind: "base" | "profile";
  /** What it extends. */
  extends: string[];
  /** Its own entities and counts (a profile lists only those it changes). */
  entities: { name: string; count: number | null }[];
  /** Where it comes from. */
  source: "builtin" | "workspace";
}

/** A scenario name resolved to its file. */
export interface ResolvedScenario {
  /** The name. */
  name: string;
  /** Its file. */
  url: URL;
  /** Where it comes from. */
  source: "builtin" | "workspace";
}

const WORKSPACE_EXT = /\.(ya?ml|json)$/i;

/**
 * The workspace's scenario files: `<dir>/scenarios/**.yaml` (regular files
 * only; links are skipped, so nothing outside the folder is listed).
 *
 * @param dir The workspace.
 * @returns Name → absolute path.
 * @example
 * ```ts ignore
 * await workspaceScenarios("/srv/ws"); // Map { "team/shop" => "/srv/ws/scenarios/team/shop.yaml" }
 * ```
 */
export async function workspaceScenarios(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (folder: string, prefix: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith(".")) continue;
      if (e.isDirectory) await walk(`${folder}/${e.name}`, `${prefix}${e.name}/`, depth + 1);
      else if (e.isFile && WORKSPACE_EXT.test(e.name)) {
        out.set(prefix + e.name.replace(WORKSPACE_EXT, ""), `${folder}/${e.name}`);
      }
    }
  };
  await walk(`${dir}/scenarios`, "", 0);
  return out;
}

/**
 * Finds a scenario by name: a workspace scenario first, then a built-in.
 *
 * @param ctx The server's context.
 * @param name The name, e.g. `erp/normal-ops`.
 * @returns The scenario's file.
 * @throws {HttpError} 422 `unknown_scenario` (field `scenario`) with a
 *   did-you-mean hint.
 * @example
 * ```ts ignore
 * (await resolveScenarioName(ctx, "quickstart")).source; // "builtin"
 * ```
 */
export async function resolveScenarioName(
  ctx: ServeContext,
  name: string,
): Promise<ResolvedScenario> {
  const workspace = await workspaceScenarios(ctx.dir);
  const path = workspace.get(name);
  if (path !== undefined) return { name, url: pathToFileURL(path), source: "workspace" };
  const builtins = await builtinScenarioNames();
  if (builtins.includes(name)) return { name, url: builtinScenarioUrl(name), source: "builtin" };
  const hint = didYouMean(name, [...builtins, ...workspace.keys()], "scenarios");
  throw new HttpError(422, "unknown_scenario", `Unknown scenario "${name}": ${hint}`, {
    field: "scenario",
    issues: [{ path: "scenario", message: `Unknown scenario "${name}"`, hint }],
  });
}

/**
 * Lists the built-in and workspace scenarios with their headers (read, not
 * validated: a broken workspace file is listed and fails when used).
 *
 * @param ctx The server's context.
 * @returns The entries, workspace first, each group by name.
 * @example
 * ```ts ignore
 * (await listScenarioEntries(ctx)).find((s) => s.name === "erp/normal-ops")?.kind; // "profile"
 * ```
 */
export async function listScenarioEntries(ctx: ServeContext): Promise<ScenarioEntry[]> {
  const out: ScenarioEntry[] = [];
  const add = async (name: string, url: URL, source: ScenarioEntry["source"]) => {
    let value: Record<string, unknown> = {};
    try {
      const text = url.protocol === "file:"
        ? await Deno.readTextFile(url)
        : await (await fetch(url)).text();
      const parsed = parseSource(name, text).value;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        value = parsed as Record<string, unknown>;
      }
    } catch {
      // Listed without details; using it reports the problem.
    }
    const ext = value.extends;
    const bases = typeof ext === "string"
      ? [ext]
      : Array.isArray(ext)
      ? ext.filter((e): e is string => typeof e === "string")
      : [];
    const entities = value.entities && typeof value.entities === "object"
      ? Object.entries(value.entities as Record<string, unknown>).map(([n, e]) => {
        const count = (e as { count?: unknown } | null)?.count;
        return { name: n, count: typeof count === "number" ? count : null };
      })
      : [];
    out.push({
      name,
      description: typeof value.description === "string" ? value.description : "",
      kind: bases.length ? "profile" : "base",
      extends: bases,
      entities,
      source,
    });
  };
  for (const [name, path] of await workspaceScenarios(ctx.dir)) {
    await add(name, pathToFileURL(path), "workspace");
  }
  for (const name of await builtinScenarioNames()) {
    await add(name, builtinScenarioUrl(name), "builtin");
  }
  return out;
}

/** The routes of this module. */
export const scenarioRoutes: Route[] = [
  route(
    "GET",
    "/api/health",
    () => Response.json({ ok: true, version: VERSION, engine: ENGINE_VERSION }),
  ),
  route("GET", "/api/scenarios", async ({ ctx }) => {
    return Response.json(await listScenarioEntries(ctx));
  }),
  route("GET", "/api/targets", ({ ctx }) => {
    return Response.json([...targetsOf(ctx).values()].map((t) => ({ name: t.name, kind: t.kind })));
  }),
];
