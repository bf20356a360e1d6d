/**
 * The local files a plugin's code is made of, so its Worker can be given
 * read access to exactly those, not to the folder around them (a plugin
 * scaffolded at a project's root would otherwise read the whole project,
 * `.env` included).
 *
 * The plugin's source is scanned for static imports and literal dynamic
 * imports of relative paths, recursively, keeping module files (`.ts`,
 * `.js`, `.json`, …) inside the plugin's own folder. A module the scan does
 * not find (an import with a computed path) is simply not readable: the
 * plugin then fails to load with Deno's own message naming the file.
 *
 * Symlinks are resolved: a module whose real path leaves the plugin's folder
 * (`data.json -> /secret`, `helpers.ts -> /root`) refuses the plugin, since
 * read access on the link would be read access on its target.
 *
 * @module
 */
import { FabricateError } from "../errors.ts";

const MODULE = /\.(?:[cm]?[jt]sx?|json|wasm)$/;
/** `from "x"`, `import "x"`, `import("x")`: the specifiers of a module's imports. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)(["'])((?:\.{1,2}\/|\/|file:\/\/)[^"'\n]*)\1/g;
/** Enough for any real plugin; a bound, because the source is a stranger's. */
const LIMIT = 500;

/**
 * Lists a local plugin's own module files: itself and the modules it
 * imports from its folder (and below), transitively.
 *
 * @param entry The plugin's absolute path.
 * @returns Absolute paths, the entry first.
 * @example
 * ```ts ignore
 * await localModules("/project/plugins/dice.ts"); // ["/project/plugins/dice.ts", "/project/plugins/_dice_table.json"]
 * ```
 */
export async function localModules(entry: string): Promise<string[]> {
  const folder = entry.slice(0, entry.lastIndexOf("/") + 1);
  const realFolder = await realPathOf(folder);
  const found = new Set<string>([entry]);
  const queue = [entry];
  const real = await realPathOf(entry);
  if (realFolder && real && !inside(real, realFolder)) {
    throw escape(entry, folder, real);
  }
  while (queue.length && found.size < LIMIT) {
    const file = queue.shift()!;
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue; // Deno reports a missing module itself, naming it.
    }
    if (file.endsWith(".json")) continue;
    for (const m of text.matchAll(SPECIFIER)) {
      const path = resolve(m[2]!, file);
      if (!path || found.has(path) || !path.startsWith(folder) || !MODULE.test(path)) continue;
      const target = await realPathOf(path);
      if (target && realFolder && !inside(target, realFolder)) throw escape(path, folder, target);
      found.add(path);
      queue.push(path);
    }
  }
  return [...found];
}

async function realPathOf(path: string): Promise<string | undefined> {
  try {
    return await Deno.realPath(path);
  } catch {
    return undefined; // Missing: Deno reports it when the module is imported.
  }
}

function inside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith("/") ? folder : folder + "/");
}

function escape(path: string, folder: string, target: string): FabricateError {
  return new FabricateError(
    `"${path.slice(folder.length) || path}" is a link to "${target}", ` +
      `outside the plugin's folder ("${folder}")` +
      `\n  hint: copy the file into the plugin's folder, or declare the path as a read permission and grant it`,
    2,
  );
}

function resolve(specifier: string, from: string): string | undefined {
  try {
    const url = new URL(specifier.split(/[?#]/)[0]!, `file://${from}`);
    return url.protocol === "file:" ? decodeURIComponent(url.pathname) : undefined;
  } catch {
    return undefined;
  }
}
