/**
 * The plugin registry and loader. Built-in plugins are listed in
 * fabricate's own deno.json under `fabricate.plugins` and loaded exactly like
 * third-party plugins: by dynamic import of each listed module. Built-ins and
 * plugins the user trusts run in-process; every other plugin runs in its own
 * Worker with only the permissions it declares and the user grants (see
 * `core/sandbox/`).
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };
import { extensionProblem, pluginProblem } from "./define_plugin.ts";
import { FabricateError } from "./errors.ts";
import type {
  FormatterPlugin,
  GeneratorPlugin,
  Plugin,
  PluginKind,
  ValidatorPlugin,
} from "./types.ts";
import type { PluginEntry } from "./scenario_schema.ts";
import { loadSandboxed } from "./sandbox/load_sandboxed.ts";
import { noPermissions, type PluginAccess } from "./sandbox/permissions.ts";
import type { PluginWorker } from "./sandbox/plugin_worker.ts";
import {
  type PluginPolicy,
  projectConfig,
  type ResolvedPolicy,
  resolvePolicy,
  specifierOf,
} from "./sandbox/policy.ts";
import { proxyPlugin } from "./sandbox/proxy_plugins.ts";

/** A registered plugin and where it came from. */
export interface Registered<P extends Plugin = Plugin> {
  /** The plugin. */
  readonly plugin: P;
  /** The specifier it was loaded from, as written. */
  readonly source: string;
  /** True for fabricate's own plugins. */
  readonly builtin: boolean;
  /** Where it runs: in fabricate's process (built-in or trusted) or in its own Worker. */
  readonly runs: "in-process" | "sandboxed";
  /** The module's URL (`source` resolved). */
  readonly url: string;
  /** For sandboxed plugins: declared, granted and effective permissions. */
  readonly access?: PluginAccess;
  /** For sandboxed plugins: the module files of its own code it may read. */
  readonly modules?: readonly string[];
}

/** A plugin module that was loaded but may not run (for `fabricate plugins`). */
export interface RefusedModule {
  /** The source as written. */
  readonly source: string;
  /** Its plugins, with what they declare. */
  readonly plugins: readonly {
    name: string;
    kind: PluginKind;
    version: string;
    access: PluginAccess;
  }[];
  /** Why it may not run. */
  readonly reason: string;
}

/** How a registered plugin runs, when not a plain in-process one. */
export interface RegisterDetails {
  /** In-process or sandboxed. */
  readonly runs?: "in-process" | "sandboxed";
  /** The module's URL. */
  readonly url?: string;
  /** Its permissions, for sandboxed plugins. */
  readonly access?: PluginAccess;
  /** For sandboxed plugins: the module files of its own code it may read. */
  readonly modules?: readonly string[];
}

/**
 * All plugins available to a run, by kind and name.
 *
 * @example Register a plugin by hand
 * ```ts
 * import { Registry } from "./registry.ts";
 * import { definePlugin } from "./define_plugin.ts";
 * import { z } from "zod";
 * const registry = new Registry();
 * registry.add(definePlugin({
 *   name: "answer", kind: "generator", version: "1.0.0", options: z.object({}),
 *   create: () => ({ type: "integer", value: () => 42 }),
 * }), "inline");
 * registry.generator("answer")?.plugin.name; // "answer"
 * ```
 */
export class Registry {
  readonly #plugins = new Map<string, Registered>();
  readonly #workers: PluginWorker[] = [];
  readonly #refused: RefusedModule[] = [];
  /** Plugins looked up by name (a plan's, once compiled). */
  readonly #used = new Set<Registered>();

  /**
   * Adds a plugin.
   *
   * @param plugin The plugin.
   * @param source Where it came from, for messages and `fabricate plugins`.
   * @param builtin Whether it is one of fabricate's own.
   * @param details How it runs (default: in-process, `url` = `source`).
   * @throws {FabricateError} When another plugin of the same kind has the name.
   */
  add(plugin: Plugin, source: string, builtin = false, details: RegisterDetails = {}): void {
    const key = `${plugin.kind}:${plugin.name}`;
    const url = details.url ?? source;
    const badExtension = plugin.kind === "formatter"
      ? extensionProblem(plugin.name, plugin.extension)
      : undefined;
    if (badExtension) {
      throw new FabricateError(`Cannot register plugin from "${source}": ${badExtension}`, 2);
    }
    const existing = this.#plugins.get(key);
    if (existing) {
      if (existing.source === source || existing.url === url) return;
      throw new FabricateError(
        `Cannot register ${plugin.kind} "${plugin.name}" from "${source}": ` +
          `"${existing.source}" already registered that name`,
        2,
      );
    }
    this.#plugins.set(key, {
      plugin,
      source,
      builtin,
      runs: details.runs ?? "in-process",
      url,
      ...(details.access ? { access: details.access } : {}),
      ...(details.modules ? { modules: details.modules } : {}),
    });
  }

  /**
   * Takes ownership of a sandboxed plugin's Worker, to stop it in {@linkcode close}.
   *
   * @param worker The Worker.
   */
  adopt(worker: PluginWorker): void {
    this.#workers.push(worker);
  }

  /**
   * Records a module that may not run, for `fabricate plugins`.
   *
   * @param module The module and why.
   */
  refuse(module: RefusedModule): void {
    this.#refused.push(module);
  }

  /** Modules that were loaded but may not run (only when loaded for listing). */
  refused(): readonly RefusedModule[] {
    return this.#refused;
  }

  /**
   * Stops the Workers of sandboxed plugins. A live Worker keeps the process
   * running, so whoever creates a registry with sandboxed plugins closes it
   * once the run is over (`gen`, `generate` and `fixture` do).
   */
  close(): void {
    for (const w of this.#workers.splice(0)) w.terminate("the run is over");
  }

  /**
   * Stops every sandboxed plugin now (Ctrl-C): their pending calls fail at
   * once, even when a plugin is stuck in a loop.
   */
  interrupt(): void {
    for (const w of this.#workers.splice(0)) w.interrupt();
  }

  /** A generator by name. */
  generator(name: string): Registered<GeneratorPlugin> | undefined {
    return this.#lookUp(`generator:${name}`) as Registered<GeneratorPlugin> | undefined;
  }

  /** A validator by name. */
  validator(name: string): Registered<ValidatorPlugin> | undefined {
    return this.#lookUp(`validator:${name}`) as Registered<ValidatorPlugin> | undefined;
  }

  /** A formatter by name. */
  formatter(name: string): Registered<FormatterPlugin> | undefined {
    return this.#lookUp(`formatter:${name}`) as Registered<FormatterPlugin> | undefined;
  }

  /**
   * The plugins looked up by name so far: once a scenario is compiled, those
   * it needs (a generation Worker loads only their modules).
   *
   * @returns The plugins, in the order first looked up.
   */
  used(): Registered[] {
    return [...this.#used];
  }

  #lookUp(key: string): Registered | undefined {
    const found = this.#plugins.get(key);
    if (found) this.#used.add(found);
    return found;
  }

  /** The names of the plugins of a kind, sorted. */
  names(kind: PluginKind): string[] {
    return this.list().filter((r) => r.plugin.kind === kind).map((r) => r.plugin.name).sort();
  }

  /** Every registered plugin, in registration order. */
  list(): Registered[] {
    return [...this.#plugins.values()];
  }

  /**
   * Adds every plugin of another registry after this one's, in its order, as
   * {@linkcode add} does, and takes over its Workers and refused modules.
   *
   * @param other The registry to take in (left without Workers).
   * @throws {FabricateError} When one of its plugins has the name of one here.
   */
  addAll(other: Registry): void {
    this.#workers.push(...other.#workers.splice(0));
    this.#refused.push(...other.#refused);
    for (const r of other.#plugins.values()) {
      this.add(r.plugin, r.source, r.builtin, {
        runs: r.runs,
        url: r.url,
        ...(r.access ? { access: r.access } : {}),
        ...(r.modules ? { modules: r.modules } : {}),
      });
    }
  }

  /** A copy, so a scenario's own plugins do not leak into other runs. */
  clone(): Registry {
    const copy = new Registry();
    for (const [k, v] of this.#plugins) copy.#plugins.set(k, v);
    copy.#workers.push(...this.#workers);
    return copy;
  }
}

/** Options of {@linkcode loadPlugins}. */
export interface LoadOptions {
  /** These are fabricate's own plugins (always in-process). */
  builtin?: boolean;
  /** Trust, grants and time limit; by default nothing is trusted or granted. */
  policy?: ResolvedPolicy;
  /**
   * The entries come from the project's deno.json, so their `trusted` and
   * `grants` are the user's word. From anywhere else (a scenario) those keys
   * are refused.
   */
  fromConfig?: boolean;
  /** Record sandboxed modules that may not run instead of failing (`fabricate plugins`). */
  list?: boolean;
}

/**
 * Imports plugin modules and registers what they export by default (one
 * plugin or an array of them). Built-ins and trusted plugins are imported
 * in-process; any other module is imported inside its own Worker, and its
 * plugins are registered as stand-ins that call into that Worker.
 *
 * @param registry Where to register (it owns the Workers started).
 * @param entries The plugin entries, as listed in a config or scenario.
 * @param base The URL relative specifiers resolve against.
 * @param options Built-in or not, and the policy (trust, grants, time limit).
 * @throws {FabricateError} Exit code 2 when a module cannot be loaded,
 *   exports no plugin, or declares permissions that are not granted.
 * @example
 * ```ts
 * import { Registry, loadPlugins } from "./registry.ts";
 * const registry = new Registry();
 * await loadPlugins(registry, ["./plugins/generators/sequence.ts"], new URL("../", import.meta.url), {
 *   builtin: true,
 * });
 * ```
 */
export async function loadPlugins(
  registry: Registry,
  entries: readonly PluginEntry[],
  base: URL,
  options: LoadOptions = {},
): Promise<void> {
  const builtin = options.builtin ?? false;
  const policy = options.policy ?? resolvePolicy(Deno.cwd(), undefined);
  for (const entry of entries) {
    if (typeof entry === "object" && !options.fromConfig && (entry.trusted || entry.grants)) {
      throw new FabricateError(
        `Cannot load plugin "${entry.source}": only the project's deno.json or the command line may trust a plugin or grant it permissions, not a scenario`,
        2,
      );
    }
  }
  // A module already loaded (listed by deno.json and again by the scenario) is loaded once.
  const known = new Set(registry.list().map((r) => r.url));
  entries = entries.filter((e) => !known.has(specifierOf(sourceOf(e), base)));
  const isTrusted = (entry: PluginEntry, url: string) =>
    builtin || policy.trusted.has(url) ||
    (options.fromConfig === true && typeof entry === "object" && entry.trusted === true);
  const sandboxed = entries.filter((e) => !isTrusted(e, specifierOf(sourceOf(e), base)));
  // Settled, not all: a Worker started for one module must be adopted even when another fails.
  const sandboxes = Promise.allSettled(sandboxed.map(async (entry) => {
    const source = sourceOf(entry);
    const url = specifierOf(source, base);
    // A deno.json entry's own grants are in the policy already, keyed by its URL.
    const loaded = await loadSandboxed(source, url, {
      policy,
      ...(options.list ? { list: true } : {}),
    });
    if (loaded.worker) registry.adopt(loaded.worker);
    return { source, url, loaded };
  }));
  const inProcess = entries.filter((e) => !sandboxed.includes(e));
  const imported = Promise.all(inProcess.map(async (entry) => {
    const source = sourceOf(entry);
    const specifier = specifierOf(source, base);
    try {
      return { source, specifier, module: await import(specifier) as Record<string, unknown> };
    } catch (e) {
      throw new FabricateError(
        `Cannot load plugin "${source}": ${(e as Error).message.split("\n")[0]}`,
        2,
        { cause: e },
      );
    }
  }));
  // Wait for both, so no Worker is left behind unowned when one side fails.
  const [modules, settled] = await Promise.allSettled([imported, sandboxes]);
  const boxes = settled.status === "fulfilled" ? settled.value : [];
  for (const box of boxes) if (box.status === "rejected") throw box.reason;
  if (modules.status === "rejected") throw modules.reason;
  for (const { source, specifier, module } of modules.value) {
    const exported = module.default;
    if (exported === undefined) {
      throw new FabricateError(
        `Cannot load plugin "${source}": module has no default export`,
        2,
      );
    }
    for (const plugin of Array.isArray(exported) ? exported : [exported]) {
      const problem = pluginProblem(plugin);
      if (problem) {
        throw new FabricateError(`Cannot load plugin "${source}": ${problem}`, 2);
      }
      const p = plugin as Plugin;
      registry.add(p, source, builtin, {
        url: builtin ? source : specifier,
        access: inProcessAccess(p),
      });
    }
  }
  for (const box of boxes) {
    if (box.status !== "fulfilled") continue;
    const { source, url, loaded } = box.value;
    if (!loaded.worker) {
      registry.refuse({
        source,
        reason: loaded.refused ?? "refused",
        plugins: loaded.plugins.map(({ meta, access }) => ({
          name: meta.name,
          kind: meta.kind,
          version: meta.version,
          access,
        })),
      });
      continue;
    }
    for (const { meta, access } of loaded.plugins) {
      registry.add(proxyPlugin(meta, loaded.worker), source, false, {
        runs: "sandboxed",
        url,
        access,
        modules: loaded.modules,
      });
    }
  }
}

function sourceOf(entry: PluginEntry): string {
  return typeof entry === "string" ? entry : entry.source;
}

/** An in-process plugin may do whatever fabricate may; it is listed with what it declares. */
function inProcessAccess(plugin: Plugin): PluginAccess {
  const declared = {
    read: [...(plugin.permissions?.read ?? [])],
    net: [...(plugin.permissions?.net ?? [])],
    env: [...(plugin.permissions?.env ?? [])],
  };
  return {
    declared,
    granted: noPermissions(),
    effective: noPermissions(),
    missing: noPermissions(),
  };
}

let builtins: Promise<Registry> | undefined;

/**
 * The registry of fabricate's built-in plugins (loaded once per process).
 *
 * @returns A fresh copy of the built-in registry.
 * @example
 * ```ts
 * import { builtinRegistry } from "./registry.ts";
 * (await builtinRegistry()).names("formatter").includes("csv"); // true
 * ```
 */
export async function builtinRegistry(): Promise<Registry> {
  builtins ??= (async () => {
    const registry = new Registry();
    const base = new URL("../deno.json", import.meta.url);
    await loadPlugins(registry, config.fabricate.plugins, base, { builtin: true });
    return registry;
  })();
  return (await builtins).clone();
}

/** Options of {@linkcode registryFor}. */
export interface RegistryOptions {
  /** What the user allows plugins (the command line), on top of the project's deno.json. */
  policy?: PluginPolicy;
  /** Record modules that may not run instead of failing (`fabricate plugins`). */
  list?: boolean;
  /**
   * Load only these of fabricate's own plugin modules (as listed in its
   * deno.json), not all of them: a generation Worker loads those its plan uses.
   */
  builtins?: readonly string[];
}

/**
 * The registry for a run: built-ins, then the plugins listed in the
 * project's deno.json (in `cwd`), then the scenario's own `plugins:`.
 * Close it ({@linkcode Registry.close}) when done: sandboxed plugins' Workers
 * keep the process alive.
 *
 * @param scenarioPlugins The scenario's `plugins:` entries.
 * @param scenarioBase The URL the scenario's entries resolve against.
 * @param cwd The project folder whose deno.json may list plugins and grants.
 * @param options The caller's policy (trust, grants, time limit).
 * @returns The registry.
 * @example
 * ```ts
 * import { registryFor } from "./registry.ts";
 * const registry = await registryFor([], new URL("file:///tmp/"), Deno.cwd());
 * registry.close();
 * ```
 */
export async function registryFor(
  scenarioPlugins: readonly PluginEntry[],
  scenarioBase: URL,
  cwd: string,
  options: RegistryOptions = {},
): Promise<Registry> {
  // The built-ins load while the project's and the scenario's plugins do, so
  // a sandboxed plugin's Worker starts (on its own thread) meanwhile.
  const builtins = options.builtins ? someBuiltins(options.builtins) : builtinRegistry();
  builtins.catch(() => {}); // awaited below
  const own = new Registry();
  let registry: Registry | undefined;
  try {
    const project = await projectConfig(cwd);
    const policy = resolvePolicy(cwd, project, options.policy);
    const list = options.list ? { list: true } : {};
    if (project?.entries.length) {
      await loadPlugins(own, project.entries, project.base, {
        policy,
        fromConfig: true,
        ...list,
      });
    }
    if (scenarioPlugins.length) {
      await loadPlugins(own, scenarioPlugins, scenarioBase, { policy, ...list });
    }
    registry = await builtins;
    registry.addAll(own);
    return registry;
  } catch (e) {
    own.close();
    registry?.close();
    throw e;
  }
}

/** A registry of some of fabricate's own plugin modules (as listed in its deno.json). */
async function someBuiltins(modules: readonly string[]): Promise<Registry> {
  const only = new Set(modules);
  const registry = new Registry();
  await loadPlugins(
    registry,
    config.fabricate.plugins.filter((p) => only.has(p)),
    new URL("../deno.json", import.meta.url),
    { builtin: true },
  );
  return registry;
}
