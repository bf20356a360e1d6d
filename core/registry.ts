/**
 * The plugin registry and loader. Built-in plugins are listed in
 * fabricate's own deno.json under `fabricate.plugins` and loaded exactly like
 * third-party plugins: by dynamic import of each listed module.
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };
import { pluginProblem } from "./define_plugin.ts";
import { FabricateError } from "./errors.ts";
import type {
  FormatterPlugin,
  GeneratorPlugin,
  Plugin,
  PluginKind,
  ValidatorPlugin,
} from "./types.ts";
import type { PluginEntry } from "./scenario_schema.ts";

/** A registered plugin and where it came from. */
export interface Registered<P extends Plugin = Plugin> {
  /** The plugin. */
  readonly plugin: P;
  /** The specifier it was loaded from, as written. */
  readonly source: string;
  /** True for fabricate's own plugins. */
  readonly builtin: boolean;
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

  /**
   * Adds a plugin.
   *
   * @param plugin The plugin.
   * @param source Where it came from, for messages and `fabricate plugins`.
   * @param builtin Whether it is one of fabricate's own.
   * @throws {FabricateError} When another plugin of the same kind has the name.
   */
  add(plugin: Plugin, source: string, builtin = false): void {
    const key = `${plugin.kind}:${plugin.name}`;
    const existing = this.#plugins.get(key);
    if (existing) {
      if (existing.source === source) return;
      throw new FabricateError(
        `Cannot register ${plugin.kind} "${plugin.name}" from "${source}": ` +
          `"${existing.source}" already registered that name`,
        2,
      );
    }
    this.#plugins.set(key, { plugin, source, builtin });
  }

  /** A generator by name. */
  generator(name: string): Registered<GeneratorPlugin> | undefined {
    return this.#plugins.get(`generator:${name}`) as Registered<GeneratorPlugin> | undefined;
  }

  /** A validator by name. */
  validator(name: string): Registered<ValidatorPlugin> | undefined {
    return this.#plugins.get(`validator:${name}`) as Registered<ValidatorPlugin> | undefined;
  }

  /** A formatter by name. */
  formatter(name: string): Registered<FormatterPlugin> | undefined {
    return this.#plugins.get(`formatter:${name}`) as Registered<FormatterPlugin> | undefined;
  }

  /** The names of the plugins of a kind, sorted. */
  names(kind: PluginKind): string[] {
    return this.list().filter((r) => r.plugin.kind === kind).map((r) => r.plugin.name).sort();
  }

  /** Every registered plugin, in registration order. */
  list(): Registered[] {
    return [...this.#plugins.values()];
  }

  /** A copy, so a scenario's own plugins do not leak into other runs. */
  clone(): Registry {
    const copy = new Registry();
    for (const [k, v] of this.#plugins) copy.#plugins.set(k, v);
    return copy;
  }
}

/**
 * Imports plugin modules and registers what they export by default (one
 * plugin or an array of them).
 *
 * @param registry Where to register.
 * @param entries The plugin entries, as listed in a config or scenario.
 * @param base The URL relative specifiers resolve against.
 * @param builtin Whether these are fabricate's own.
 * @throws {FabricateError} Exit code 2 when a module cannot be loaded or
 *   exports no plugin, naming the module and what was tried.
 * @example
 * ```ts
 * import { Registry, loadPlugins } from "./registry.ts";
 * const registry = new Registry();
 * await loadPlugins(registry, ["./plugins/generators/sequence.ts"], new URL("../", import.meta.url));
 * ```
 */
export async function loadPlugins(
  registry: Registry,
  entries: readonly PluginEntry[],
  base: URL,
  builtin = false,
): Promise<void> {
  const modules = await Promise.all(entries.map(async (entry) => {
    const source = typeof entry === "string" ? entry : entry.source;
    const specifier = /^(npm|jsr|https?|file|data):/.test(source)
      ? source
      : new URL(source, base).href;
    try {
      return { source, module: await import(specifier) as Record<string, unknown> };
    } catch (e) {
      throw new FabricateError(
        `Cannot load plugin "${source}": ${(e as Error).message.split("\n")[0]}`,
        2,
        { cause: e },
      );
    }
  }));
  for (const { source, module } of modules) {
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
      registry.add(plugin as Plugin, source, builtin);
    }
  }
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
    await loadPlugins(registry, config.fabricate.plugins, base, true);
    return registry;
  })();
  return (await builtins).clone();
}

/**
 * The registry for a run: built-ins, then the plugins listed in the
 * project's deno.json (in `cwd`), then the scenario's own `plugins:`.
 *
 * @param scenarioPlugins The scenario's `plugins:` entries.
 * @param scenarioBase The URL the scenario's entries resolve against.
 * @param cwd The project folder whose deno.json may list plugins.
 * @returns The registry.
 * @example
 * ```ts
 * import { registryFor } from "./registry.ts";
 * const registry = await registryFor([], new URL("file:///tmp/"), Deno.cwd());
 * ```
 */
export async function registryFor(
  scenarioPlugins: readonly PluginEntry[],
  scenarioBase: URL,
  cwd: string,
): Promise<Registry> {
  const registry = await builtinRegistry();
  const project = await projectPlugins(cwd);
  if (project) await loadPlugins(registry, project.entries, project.base);
  if (scenarioPlugins.length) await loadPlugins(registry, scenarioPlugins, scenarioBase);
  return registry;
}

async function projectPlugins(
  cwd: string,
): Promise<{ entries: PluginEntry[]; base: URL } | undefined> {
  const path = `${cwd.replace(/\/$/, "")}/deno.json`;
  const own = new URL("../deno.json", import.meta.url);
  const url = new URL(`file://${path}`);
  if (url.href === own.href) return undefined;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
  try {
    const json = JSON.parse(text) as { fabricate?: { plugins?: PluginEntry[] } };
    const entries = json.fabricate?.plugins;
    return Array.isArray(entries) ? { entries, base: url } : undefined;
  } catch (e) {
    throw new FabricateError(`Cannot read "${path}": ${(e as Error).message}`, 2);
  }
}
