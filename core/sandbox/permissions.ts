/**
 * What a sandboxed plugin may touch: the permissions it declares, those the
 * user grants, and their intersection (the effective permissions its Worker
 * is created with). A declared permission that no grant covers refuses the
 * plugin before anything is generated; a grant fabricate itself does not
 * have refuses it too, saying how to give fabricate that permission.
 *
 * @module
 */
import type { PermissionLists } from "./protocol.ts";

/** A permission kind a plugin can declare and be granted. */
export type PermissionKind = keyof PermissionLists;

/** The kinds, in display order. */
export const PERMISSION_KINDS: readonly PermissionKind[] = ["read", "net", "env"];

/** Declared, granted and effective permissions of one plugin. */
export interface PluginAccess {
  /** What the plugin declares (read paths made absolute; `*` means whatever is granted). */
  readonly declared: PermissionLists;
  /** What the user grants it. */
  readonly granted: PermissionLists;
  /** What its Worker gets: the intersection of the two. */
  readonly effective: PermissionLists;
  /** Declared items no grant covers: the plugin is refused while any remain. */
  readonly missing: PermissionLists;
}

/**
 * Empty permission lists.
 *
 * @returns `{ read: [], net: [], env: [] }`.
 * @example
 * ```ts
 * import { noPermissions } from "./permissions.ts";
 * noPermissions().read.length; // 0
 * ```
 */
export function noPermissions(): PermissionLists {
  return { read: [], net: [], env: [] };
}

/**
 * Intersects declared and granted permissions.
 *
 * - read: a grant covers a declared path inside it; a declared folder
 *   containing a grant narrows to the grant.
 * - net: same host; a port on either side narrows to that port.
 * - env: same name.
 * - a declared `*` takes every grant of that kind.
 *
 * @param declared What the plugin declares (absolute read paths).
 * @param granted What the user grants (absolute read paths).
 * @returns Declared, granted, effective and missing permissions.
 * @example
 * ```ts
 * import { accessOf } from "./permissions.ts";
 * const a = accessOf(
 *   { read: ["*"], net: ["api.example.com"], env: [] },
 *   { read: ["/data"], net: [], env: [] },
 * );
 * a.effective.read; // ["/data"]
 * a.missing.net; // ["api.example.com"]
 * ```
 */
export function accessOf(declared: PermissionLists, granted: PermissionLists): PluginAccess {
  const effective = noPermissions();
  const missing = noPermissions();
  for (const kind of PERMISSION_KINDS) {
    const meet = kind === "read" ? meetPath : kind === "net" ? meetHost : meetName;
    for (const d of declared[kind]) {
      const hits = d === "*"
        ? granted[kind]
        : granted[kind].map((g) => meet(d, g)).filter((x): x is string => x !== undefined);
      if (hits.length === 0) missing[kind].push(d);
      for (const h of hits) if (!effective[kind].includes(h)) effective[kind].push(h);
    }
  }
  return { declared, granted, effective, missing };
}

/**
 * Whether every permission a plugin declares is granted.
 *
 * @param access The plugin's permissions.
 * @returns True when nothing is missing.
 * @example
 * ```ts
 * import { accessOf, isComplete } from "./permissions.ts";
 * isComplete(accessOf({ read: [], net: ["a.com"], env: [] }, { read: [], net: [], env: [] })); // false
 * ```
 */
export function isComplete(access: PluginAccess): boolean {
  return PERMISSION_KINDS.every((k) => access.missing[k].length === 0);
}

function meetPath(declared: string, granted: string): string | undefined {
  if (within(declared, granted)) return declared;
  if (within(granted, declared)) return granted;
  return undefined;
}

/**
 * Whether a path is a folder or inside it.
 *
 * @param path An absolute path.
 * @param folder An absolute path.
 * @returns True when `path` is `folder` or below it.
 * @example
 * ```ts
 * import { within } from "./permissions.ts";
 * within("/data/a.txt", "/data"); // true
 * within("/database", "/data"); // false
 * ```
 */
export function within(path: string, folder: string): boolean {
  const f = folder.replace(/\/+$/, "");
  return path === f || path.startsWith(f === "" ? "/" : `${f}/`);
}

function splitHost(host: string): [name: string, port: string | undefined] {
  const m = host.match(/^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/);
  return m ? [m[1]!.toLowerCase(), m[2]] : [host.toLowerCase(), undefined];
}

function meetHost(declared: string, granted: string): string | undefined {
  const [dn, dp] = splitHost(declared);
  const [gn, gp] = splitHost(granted);
  if (dn !== gn) return undefined;
  if (dp !== undefined && gp !== undefined && dp !== gp) return undefined;
  const port = dp ?? gp;
  return port === undefined ? dn : `${dn}:${port}`;
}

function meetName(declared: string, granted: string): string | undefined {
  return declared === granted ? declared : undefined;
}

/**
 * Resolves declared read paths: relative ones against the plugin's own
 * folder (or the current folder for a plugin that is not a local file).
 *
 * @param paths The declared paths.
 * @param folder The folder relative paths resolve against.
 * @returns Absolute paths (and `*` kept as is).
 * @example
 * ```ts
 * import { resolvePaths } from "./permissions.ts";
 * resolvePaths(["./data", "*"], "/plugins"); // ["/plugins/data", "*"]
 * ```
 */
export function resolvePaths(paths: readonly string[], folder: string): string[] {
  return paths.map((p) => (p === "*" ? p : absolutePath(p, folder)));
}

/**
 * An absolute, normalised path.
 *
 * @param path A path, absolute or relative.
 * @param folder What a relative path is relative to.
 * @returns The absolute path, without a trailing slash.
 * @example
 * ```ts
 * import { absolutePath } from "./permissions.ts";
 * absolutePath("../b/./c/", "/x/a"); // "/x/b/c"
 * ```
 */
export function absolutePath(path: string, folder: string): string {
  const base = new URL(`file://${folder.replace(/\/?$/, "/")}`);
  const url = new URL(path.startsWith("/") ? `file://${path}` : path, base);
  const out = decodeURIComponent(url.pathname).replace(/\/+$/, "");
  return out === "" ? "/" : out;
}

/** A permission fabricate itself lacks, with what to ask Deno for. */
export interface HostGap {
  /** The kind of permission. */
  readonly kind: "read" | "net" | "env" | "import";
  /** The path, host or name. */
  readonly value: string;
}

/**
 * The permissions in a Worker's set that fabricate's own process lacks (a
 * Worker can never get more than its parent has).
 *
 * @param wanted What the Worker would get.
 * @returns What fabricate lacks; empty when it has everything.
 * @example
 * ```ts ignore
 * await hostGaps({ read: ["/data"], net: ["api.example.com"], env: [], import: [] });
 * ```
 */
export async function hostGaps(
  wanted: PermissionLists & { import: string[] },
): Promise<HostGap[]> {
  const gaps: HostGap[] = [];
  const check = async (kind: HostGap["kind"], value: string, d: Deno.PermissionDescriptor) => {
    if ((await Deno.permissions.query(d)).state !== "granted") gaps.push({ kind, value });
  };
  for (const path of wanted.read) await check("read", path, { name: "read", path });
  for (const host of wanted.net) await check("net", host, { name: "net", host });
  for (const variable of wanted.env) await check("env", variable, { name: "env", variable });
  for (const host of wanted.import) await check("import", host, { name: "import", host });
  return gaps;
}

/** Environment variables fabricate's own permission sets allow (the YAML library reads them). */
const OWN_ENV = ["LOG_TOKENS", "LOG_STREAM"];

/**
 * The Deno flags that would give fabricate what it lacks. A flag replaces
 * that kind of permission in a permission set (`-P=cli`), so an `--allow-env`
 * flag repeats the variables fabricate already reads.
 *
 * @param gaps What fabricate lacks.
 * @returns e.g. `--allow-net=api.example.com --allow-env=LOG_TOKENS,LOG_STREAM,API_KEY`.
 * @example
 * ```ts
 * import { denoFlags } from "./permissions.ts";
 * await denoFlags([{ kind: "net", value: "api.example.com" }]); // "--allow-net=api.example.com"
 * ```
 */
export async function denoFlags(gaps: readonly HostGap[]): Promise<string> {
  const flags: string[] = [];
  for (const kind of ["read", "net", "env", "import"] as const) {
    const values = gaps.filter((g) => g.kind === kind).map((g) => g.value);
    if (!values.length) continue;
    if (kind === "env") {
      for (const variable of OWN_ENV.toReversed()) {
        const had = (await Deno.permissions.query({ name: "env", variable })).state === "granted";
        if (had && !values.includes(variable)) values.unshift(variable);
      }
    }
    flags.push(`--allow-${kind}=${values.join(",")}`);
  }
  return flags.join(" ");
}

/**
 * The CLI flag that grants a plugin a permission.
 *
 * @param kind The kind.
 * @param plugin The plugin's name.
 * @param value The path, host or variable.
 * @returns e.g. `--allow-plugin-net=weather:api.example.com`.
 * @example
 * ```ts
 * import { grantFlag } from "./permissions.ts";
 * grantFlag("env", "weather", "API_KEY"); // "--allow-plugin-env=weather:API_KEY"
 * ```
 */
export function grantFlag(kind: PermissionKind, plugin: string, value: string): string {
  return `--allow-plugin-${kind}=${plugin}:${value === "*" ? `<${placeholder(kind)}>` : value}`;
}

function placeholder(kind: PermissionKind): string {
  return kind === "read" ? "path" : kind === "net" ? "host" : "NAME";
}

/**
 * Describes permission lists briefly, for listings.
 *
 * @param lists The permissions.
 * @returns e.g. `read /data; net api.example.com`, or `nothing`.
 * @example
 * ```ts
 * import { describePermissions } from "./permissions.ts";
 * describePermissions({ read: [], net: ["a.com"], env: ["KEY"] }); // "net a.com; env KEY"
 * ```
 */
export function describePermissions(lists: PermissionLists): string {
  const parts = PERMISSION_KINDS.filter((k) => lists[k].length).map((k) =>
    `${k} ${lists[k].join(", ")}`
  );
  return parts.length ? parts.join("; ") : "nothing";
}
