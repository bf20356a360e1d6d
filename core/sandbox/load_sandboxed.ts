/**
 * Loads an untrusted plugin module into a sandbox. The module is first
 * imported in a Worker that may only read the plugin's own modules (to learn
 * what it declares); its permissions are then matched against the user's
 * grants. A declared permission nobody granted refuses the plugin, before
 * anything is generated; otherwise the plugin runs in a Worker with exactly
 * the intersection (the first Worker is reused when that adds nothing).
 *
 * @module
 */
import { FabricateError } from "../errors.ts";
import {
  accessOf,
  denoFlags,
  grantFlag,
  hostGaps,
  isComplete,
  noPermissions,
  PERMISSION_KINDS,
  type PluginAccess,
  resolvePaths,
} from "./permissions.ts";
import { localModules } from "./local_modules.ts";
import { PluginWorker } from "./plugin_worker.ts";
import { grantsFor, relativePath, type ResolvedPolicy } from "./policy.ts";
import type { PermissionLists, PluginMeta } from "./protocol.ts";

/** One plugin of a sandboxed module, with what it may touch. */
export interface SandboxedPlugin {
  /** What the Worker reported. */
  readonly meta: PluginMeta;
  /** Declared, granted and effective permissions. */
  readonly access: PluginAccess;
}

/** A sandboxed module: its Worker (absent when refused) and its plugins. */
export interface SandboxedModule {
  /** The Worker the plugins run in; undefined when the module was refused. */
  readonly worker: PluginWorker | undefined;
  /** The module's plugins. */
  readonly plugins: readonly SandboxedPlugin[];
  /** Why the module cannot run, when it cannot (only with `list`). */
  readonly refused?: string;
  /** The plugin's own module files it may read (its code; symlinks resolved, inside its folder). */
  readonly modules: readonly string[];
}

/** Options of {@linkcode loadSandboxed}. */
export interface SandboxOptions {
  /** The run's policy (grants, timeout). */
  readonly policy: ResolvedPolicy;
  /** Report a refusal in the result instead of throwing (for `fabricate plugins`). */
  readonly list?: boolean;
}

/**
 * What the Worker needs just to import the module: read on a local
 * plugin's own module files (not its folder: see `local_modules.ts`);
 * import from a remote plugin's host.
 */
async function loadingPermissions(url: string): Promise<{ read: string[]; import: string[] }> {
  if (url.startsWith("file:")) {
    return { read: await localModules(decodeURIComponent(new URL(url).pathname)), import: [] };
  }
  if (url.startsWith("jsr:")) return { read: [], import: ["jsr.io:443"] };
  if (/^https?:/.test(url)) {
    const u = new URL(url);
    return {
      read: [],
      import: [`${u.hostname}:${u.port || (u.protocol === "https:" ? 443 : 80)}`],
    };
  }
  return { read: [], import: [] };
}

function workerPermissions(
  loading: { read: string[]; import: string[] },
  effective: PermissionLists,
): Deno.PermissionOptionsObject {
  const list = (xs: string[]) => (xs.length ? [...new Set(xs)] : false);
  return {
    read: list([...loading.read, ...effective.read]),
    net: list(effective.net),
    env: list(effective.env),
    import: list(loading.import),
    write: false,
    run: false,
    ffi: false,
    sys: false,
  };
}

/**
 * Imports a plugin module in a sandbox and decides what it may touch.
 *
 * @param source The source as written (for messages).
 * @param url The module's URL.
 * @param options The policy and how to report refusals.
 * @returns The module's Worker and plugins.
 * @throws {FabricateError} Exit code 2 when the module cannot be loaded, a
 *   declared permission is not granted, or fabricate lacks a granted one.
 * @example
 * ```ts ignore
 * const { worker, plugins } = await loadSandboxed("./dice.ts", url, { policy });
 * ```
 */
export async function loadSandboxed(
  source: string,
  url: string,
  options: SandboxOptions,
): Promise<SandboxedModule> {
  const { policy } = options;
  let loading: { read: string[]; import: string[] };
  try {
    loading = await loadingPermissions(url);
  } catch (e) {
    if (!(e instanceof FabricateError)) throw e;
    throw new FabricateError(`Cannot load plugin "${source}": ${e.message}`, e.exitCode);
  }
  const gaps = await hostGaps({ ...noPermissions(), read: loading.read, import: loading.import });
  if (gaps.length) {
    throw new FabricateError(
      `Cannot load plugin "${source}": fabricate itself may not ${
        gaps.map((g) => `${g.kind === "import" ? "import from" : g.kind} "${g.value}"`).join(", ")
      }\n  hint: run fabricate with ${await denoFlags(gaps)}`,
      2,
    );
  }
  const probe = new PluginWorker(
    source,
    workerPermissions(loading, noPermissions()),
    policy.timeoutMs,
    policy.memoryMb,
  );
  let metas: PluginMeta[];
  try {
    metas = await probe.call<PluginMeta[]>(
      { op: "load", url, sync: probe.syncBuffer },
      [],
      loadLimitMs(policy.timeoutMs),
    );
  } catch (e) {
    probe.terminate();
    throw new FabricateError(
      `Cannot load plugin "${source}": ${(e as Error).message.split("\n")[0]}` +
        (/Requires \w+ access/.test((e as Error).message)
          ? "\n  hint: a sandboxed plugin may import the modules it imports by a literal path from its own folder, npm: packages and fabricate's mod.ts; anything else it reads must be declared and granted"
          : ""),
      2,
      { cause: e },
    );
  }
  // Declared read paths are relative to a local plugin's folder.
  const entry = loading.read[0];
  const folder = entry ? entry.slice(0, entry.lastIndexOf("/")) || "/" : policy.cwd;
  const plugins = metas.map((meta): SandboxedPlugin => {
    const declared = { ...meta.permissions, read: resolvePaths(meta.permissions.read, folder) };
    const granted = grantsFor(policy, meta.name, url);
    return { meta, access: accessOf(declared, granted) };
  });

  const refusal = refusalOf(source, plugins, policy.cwd) ??
    await hostRefusal(source, plugins);
  if (refusal) {
    probe.terminate();
    if (options.list) {
      return { worker: undefined, plugins, refused: refusal, modules: loading.read };
    }
    throw new FabricateError(refusal, 2);
  }

  const effective = noPermissions();
  for (const p of plugins) {
    for (const kind of PERMISSION_KINDS) effective[kind].push(...p.access.effective[kind]);
  }
  if (PERMISSION_KINDS.every((k) => effective[k].length === 0)) {
    return { worker: probe, plugins, modules: loading.read };
  }
  // The probe could read only the plugin's modules; the real Worker gets the grants too.
  probe.terminate();
  const worker = new PluginWorker(
    source,
    workerPermissions(loading, effective),
    policy.timeoutMs,
    policy.memoryMb,
  );
  try {
    const again = await worker.call<PluginMeta[]>(
      { op: "load", url, sync: worker.syncBuffer },
      [],
      loadLimitMs(policy.timeoutMs),
    );
    if (JSON.stringify(again) !== JSON.stringify(metas)) {
      throw new Error("the module describes its plugins differently when loaded again");
    }
  } catch (e) {
    worker.terminate();
    throw new FabricateError(`Cannot load plugin "${source}": ${(e as Error).message}`, 2);
  }
  return { worker, plugins, modules: loading.read };
}

/**
 * The time limit on loading a plugin's modules: starting a Worker and
 * importing faker or zod can take seconds on a busy machine, which says
 * nothing about the plugin, so loading gets at least 30 s whatever the
 * per-call limit (a module that loops while it loads is still stopped).
 */
function loadLimitMs(timeoutMs: number): number {
  return Math.max(timeoutMs, 30_000);
}

/** The refusal message when some plugin declares what nobody granted. */
function refusalOf(
  source: string,
  plugins: readonly SandboxedPlugin[],
  cwd: string,
): string | undefined {
  const lacking = plugins.filter((p) => !isComplete(p.access));
  if (!lacking.length) return undefined;
  const lines: string[] = [];
  const flags: string[] = [];
  const config: string[] = [];
  for (const { meta, access } of lacking) {
    for (const kind of PERMISSION_KINDS) {
      for (const v of access.missing[kind]) {
        lines.push(
          `  plugin "${meta.name}" asks for ${kind} ${
            v === "*"
              ? `(any ${kind === "read" ? "path" : kind === "net" ? "host" : "variable"} you grant)`
              : `"${kind === "read" ? relativePath(v, cwd) : v}"`
          }`,
        );
        flags.push(
          grantFlag(kind, meta.name, kind === "read" && v !== "*" ? relativePath(v, cwd) : v),
        );
      }
    }
    const wanted = Object.fromEntries(
      PERMISSION_KINDS.filter((k) => access.missing[k].length).map((k) => [
        k,
        access.missing[k].map((v) => v === "*" ? "…" : k === "read" ? relativePath(v, cwd) : v),
      ]),
    );
    config.push(`"${meta.name}": ${JSON.stringify(wanted)}`);
  }
  const names = lacking.map((p) => `"${p.meta.name}"`).join(", ");
  return `Cannot run plugin ${names} from "${source}": it declares permissions you have not granted\n` +
    lines.join("\n") +
    `\n  hint: grant them on the command line: ${flags.join(" ")}` +
    `\n        or in ./deno.json: "fabricate": { "grants": { ${config.join(", ")} } }` +
    `\n        (fabricate plugins shows what each plugin declares and may touch)`;
}

/** The refusal message when a grant exceeds what fabricate itself may do. */
async function hostRefusal(
  source: string,
  plugins: readonly SandboxedPlugin[],
): Promise<string | undefined> {
  const effective = { ...noPermissions(), import: [] as string[] };
  for (const p of plugins) {
    for (const kind of PERMISSION_KINDS) effective[kind].push(...p.access.effective[kind]);
  }
  const gaps = await hostGaps(effective);
  if (!gaps.length) return undefined;
  const what = gaps.map((g) => `${g.kind} "${g.value}"`).join(", ");
  const flags = await denoFlags(gaps);
  const names = plugins.map((p) => `"${p.meta.name}"`).join(", ");
  return `Cannot give plugin ${names} (from "${source}") ${what}: fabricate itself does not have ${
    gaps.length === 1 ? "that permission" : "those permissions"
  } (a sandbox can never get more than fabricate has)\n` +
    `  hint: run fabricate with ${flags} too, e.g. deno run -P=cli --no-prompt ${flags} cli.ts …, ` +
    `or add them to the permission set you run it with`;
}
