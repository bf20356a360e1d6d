/**
 * Who decides what plugins may do: the user, never the scenario. Trust and
 * grants come from the project's `deno.json` (`fabricate.plugins` entries
 * with `trusted`/`grants`, and the `fabricate.grants` map) and from the
 * command line (`--trust-plugin`, `--allow-plugin-read|net|env`). A scenario
 * written by a stranger cannot mark its plugins trusted or grant them
 * anything: such keys in a scenario are refused.
 *
 * @module
 */
import { FabricateError, type ScenarioIssue } from "../errors.ts";
import type { PluginEntry } from "../scenario_schema.ts";
import { absolutePath, noPermissions } from "./permissions.ts";
import type { PermissionLists } from "./protocol.ts";
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS } from "./plugin_worker.ts";

/** Permissions granted to one plugin. */
export interface PluginGrants {
  /** Paths it may read (relative to the project folder). */
  read?: string[] | undefined;
  /** Hosts (with optional port) it may connect to. */
  net?: string[] | undefined;
  /** Environment variables it may read. */
  env?: string[] | undefined;
}

/**
 * What the user allows plugins, on top of the project's deno.json. Sources
 * and paths are relative to the project folder (`cwd`).
 *
 * @example Trust one plugin and grant another a folder
 * ```ts
 * import type { PluginPolicy } from "./policy.ts";
 * const policy: PluginPolicy = {
 *   trusted: ["./plugins/mine.ts"],
 *   grants: { lines: { read: ["./data"] } },
 *   timeoutSeconds: 10,
 * };
 * ```
 */
export interface PluginPolicy {
  /** Sources of plugins that run in-process, with fabricate's own permissions. */
  trusted?: string[];
  /** Grants by plugin name or source. */
  grants?: Record<string, PluginGrants>;
  /** Seconds a sandboxed plugin may take to answer one call (default 30). */
  timeoutSeconds?: number;
  /** Megabytes fabricate's process may reach while a sandboxed plugin works (default 2048). */
  memoryMb?: number;
}

/** One grant, resolved: who it is for and what it allows. */
export interface ResolvedGrant {
  /** A plugin name, or a module URL. */
  readonly key: string;
  /** The permissions (read paths absolute). */
  readonly lists: PermissionLists;
}

/** The policy of a run, resolved against the project folder. */
export interface ResolvedPolicy {
  /** The project folder. */
  readonly cwd: string;
  /** Module URLs of trusted plugins. */
  readonly trusted: ReadonlySet<string>;
  /** Every grant. */
  readonly grants: readonly ResolvedGrant[];
  /** The limit on each sandboxed call. */
  readonly timeoutMs: number;
  /** The memory (RSS, MB) fabricate's process may reach while a sandboxed call runs. */
  readonly memoryMb: number;
}

/** What the project's deno.json says about plugins. */
export interface ProjectConfig {
  /** Its `fabricate.plugins` entries. */
  readonly entries: PluginEntry[];
  /** The deno.json's URL (entries resolve against it). */
  readonly base: URL;
  /** Its `fabricate.grants`. */
  readonly grants: Record<string, PluginGrants>;
  /** Its `fabricate.pluginTimeout`, in seconds. */
  readonly timeoutSeconds?: number;
}

/**
 * The module URL a plugin source names.
 *
 * @param source A path (relative to `base`) or an `npm:`, `jsr:`, `https:`, `file:` or `data:` specifier.
 * @param base What a relative path is relative to.
 * @returns The specifier to import.
 * @example
 * ```ts
 * import { specifierOf } from "./policy.ts";
 * specifierOf("./dice.ts", new URL("file:///project/deno.json")); // "file:///project/dice.ts"
 * specifierOf("npm:fabricate-dice", new URL("file:///project/")); // "npm:fabricate-dice"
 * ```
 */
export function specifierOf(source: string, base: URL): string {
  if (/^(npm|jsr|https?|file|data):/.test(source)) return source;
  return new URL(source, base).href;
}

/**
 * Reads the project's deno.json (in `cwd`), when there is one and it is not
 * fabricate's own.
 *
 * @param cwd The project folder.
 * @returns Its plugin settings, or undefined.
 * @throws {FabricateError} Exit code 2 when the file is not valid JSON or the settings are malformed.
 * @example
 * ```ts ignore
 * const project = await projectConfig(Deno.cwd());
 * ```
 */
export async function projectConfig(cwd: string): Promise<ProjectConfig | undefined> {
  const path = `${cwd.replace(/\/$/, "")}/deno.json`;
  const own = new URL("../../deno.json", import.meta.url);
  const url = new URL(`file://${path}`);
  if (url.href === own.href) return undefined;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
  let json: { fabricate?: Record<string, unknown> };
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FabricateError(`Cannot read "${path}": ${(e as Error).message}`, 2);
  }
  const f = json.fabricate ?? {};
  const entries = Array.isArray(f.plugins) ? f.plugins as PluginEntry[] : [];
  const grants = (f.grants ?? {}) as Record<string, PluginGrants>;
  if (typeof grants !== "object" || Array.isArray(grants)) {
    throw new FabricateError(
      `Cannot read "${path}": fabricate.grants must map plugin names or sources to { read, net, env }`,
      2,
    );
  }
  for (const [key, g] of Object.entries(grants)) {
    checkGrants(g, `${path}: fabricate.grants["${key}"]`);
  }
  for (const entry of entries) {
    if (typeof entry === "object" && entry.grants) {
      checkGrants(entry.grants, `${path}: fabricate.plugins "${entry.source}"`);
    }
  }
  const timeout = f.pluginTimeout;
  if (timeout !== undefined && !(typeof timeout === "number" && timeout > 0)) {
    throw new FabricateError(
      `Cannot read "${path}": fabricate.pluginTimeout must be a number of seconds above 0, got ${
        JSON.stringify(timeout)
      }`,
      2,
    );
  }
  return {
    entries,
    base: url,
    grants,
    ...(typeof timeout === "number" ? { timeoutSeconds: timeout } : {}),
  };
}

function checkGrants(g: unknown, where: string): void {
  const ok = typeof g === "object" && g !== null && !Array.isArray(g) &&
    Object.entries(g).every(([k, v]) =>
      ["read", "net", "env"].includes(k) && Array.isArray(v) &&
      v.every((x) => typeof x === "string")
    );
  if (!ok) {
    throw new FabricateError(
      `Cannot read ${where}: grants must look like { "read": ["./data"], "net": ["api.example.com"], "env": ["API_KEY"] }`,
      2,
    );
  }
}

/**
 * Combines the project's deno.json and the caller's policy into the policy
 * of a run.
 *
 * @param cwd The project folder.
 * @param project The project's deno.json settings, if any.
 * @param policy The caller's (the command line's) policy.
 * @returns The resolved policy.
 * @example
 * ```ts
 * import { resolvePolicy } from "./policy.ts";
 * const p = resolvePolicy("/project", undefined, { grants: { lines: { read: ["./data"] } } });
 * p.grants[0]?.lists.read; // ["/project/data"]
 * ```
 */
export function resolvePolicy(
  cwd: string,
  project: ProjectConfig | undefined,
  policy: PluginPolicy = {},
): ResolvedPolicy {
  const base = new URL(`file://${cwd.replace(/\/?$/, "/")}`);
  const trusted = new Set<string>();
  const grants: ResolvedGrant[] = [];
  const grant = (key: string, g: PluginGrants) => {
    // A key that reads as a path or specifier names a module; otherwise a plugin name.
    const isName = /^[a-z][a-z0-9_-]*$/i.test(key);
    grants.push({
      key: isName ? key : specifierOf(key, base),
      lists: {
        read: (g.read ?? []).map((p) => absolutePath(p, cwd)),
        net: [...(g.net ?? [])],
        env: [...(g.env ?? [])],
      },
    });
  };
  for (const entry of project?.entries ?? []) {
    if (typeof entry === "string") continue;
    const url = specifierOf(entry.source, project!.base);
    if (entry.trusted) trusted.add(url);
    if (entry.grants) grant(url, entry.grants);
  }
  for (const [key, g] of Object.entries(project?.grants ?? {})) grant(key, g);
  for (const source of policy.trusted ?? []) trusted.add(specifierOf(source, base));
  for (const [key, g] of Object.entries(policy.grants ?? {})) grant(key, g);
  const seconds = policy.timeoutSeconds ?? project?.timeoutSeconds;
  return {
    cwd,
    trusted,
    grants,
    timeoutMs: seconds === undefined ? DEFAULT_TIMEOUT_MS : Math.round(seconds * 1000),
    memoryMb: policy.memoryMb ?? DEFAULT_MEMORY_MB,
  };
}

/**
 * The grants that apply to a plugin: those keyed by its name or by its
 * module's URL.
 *
 * @param policy The run's policy.
 * @param name The plugin's name.
 * @param url Its module's URL.
 * @returns The granted permissions.
 * @example
 * ```ts
 * import { grantsFor, resolvePolicy } from "./policy.ts";
 * const p = resolvePolicy("/p", undefined, { grants: { lines: { env: ["A"] } } });
 * grantsFor(p, "lines", "file:///p/lines.ts").env; // ["A"]
 * ```
 */
export function grantsFor(policy: ResolvedPolicy, name: string, url: string): PermissionLists {
  const out = noPermissions();
  for (const g of policy.grants) {
    if (g.key !== name && g.key !== url) continue;
    for (const kind of ["read", "net", "env"] as const) {
      for (const v of g.lists[kind]) if (!out[kind].includes(v)) out[kind].push(v);
    }
  }
  return out;
}

/**
 * Finds `trusted` and `grants` in a scenario's `plugins:` list: only the
 * user may trust a plugin or grant it permissions, never a scenario.
 *
 * @param entries The scenario's plugin entries.
 * @param base What the entries' paths are relative to (the scenario).
 * @param cwd The project folder, to show paths as the command line takes them.
 * @returns One issue per offending key (with its document path).
 * @example
 * ```ts
 * import { scenarioPluginIssues } from "./policy.ts";
 * scenarioPluginIssues([{ source: "./x.ts", trusted: true }], new URL("file:///p/"), "/p").length; // 1
 * ```
 */
export function scenarioPluginIssues(
  entries: readonly PluginEntry[],
  base: URL,
  cwd: string,
): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  entries.forEach((entry, i) => {
    if (typeof entry === "string") return;
    const url = specifierOf(entry.source, base);
    const shown = url.startsWith("file://") ? relativePath(new URL(url).pathname, cwd) : url;
    for (const key of ["trusted", "grants"] as const) {
      if (entry[key] === undefined) continue;
      issues.push({
        path: ["plugins", i, key],
        message: `A scenario cannot ${
          key === "trusted" ? "mark its plugins trusted" : "grant its plugins permissions"
        } ("${entry.source}"): only you decide what a plugin may do`,
        hint: key === "trusted"
          ? `remove "trusted" here; to run it in-process, pass --trust-plugin ${shown} or list it in deno.json with "trusted": true`
          : `remove "grants" here; grant on the command line (--allow-plugin-read=<plugin>:<path>, --allow-plugin-net, --allow-plugin-env) or in deno.json's "fabricate": { "grants": { … } }`,
      });
    }
  });
  return issues;
}

/**
 * A path as seen from a folder: `./x` below it, else absolute.
 *
 * @param path An absolute path.
 * @param folder An absolute folder.
 * @returns The path to show.
 * @example
 * ```ts
 * import { relativePath } from "./policy.ts";
 * relativePath("/p/plugins/x.ts", "/p"); // "./plugins/x.ts"
 * ```
 */
export function relativePath(path: string, folder: string): string {
  const f = folder.replace(/\/+$/, "");
  return path.startsWith(`${f}/`) ? `./${path.slice(f.length + 1)}` : path;
}
