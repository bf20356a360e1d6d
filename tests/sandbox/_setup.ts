/**
 * Helpers for the sandbox tests: fixture and example plugin paths, a
 * one-field scenario in a fresh folder, and file checks.
 *
 * @module
 */
import { stringify } from "yaml";

/**
 * Absolute path of a test fixture plugin.
 *
 * @example
 * ```ts ignore
 * fixture("hostile"); // ".../tests/fixtures/plugins/hostile.ts"
 * ```
 */
export function fixture(name: string): string {
  return new URL(`../fixtures/plugins/${name}.ts`, import.meta.url).pathname;
}

/**
 * Absolute path of an example plugin.
 *
 * @example
 * ```ts ignore
 * example("tsv"); // ".../examples/plugins/tsv.ts"
 * ```
 */
export function example(name: string): string {
  return new URL(`../../examples/plugins/${name}.ts`, import.meta.url).pathname;
}

/** A fresh folder holding `s.yaml`; `out` is where a run should write. */
export interface Project {
  dir: string;
  scenario: string;
  out: string;
}

/**
 * Writes a scenario listing `plugins` into a fresh folder.
 *
 * @example
 * ```ts ignore
 * const p = await project([fixture("reader")], { e: { count: 2, fields: { v: { reader: { file } } } } });
 * ```
 */
export async function project(
  plugins: unknown[],
  entities: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<Project> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-sandbox-" });
  const scenario = `${dir}/s.yaml`;
  await Deno.writeTextFile(
    scenario,
    stringify({ name: "s", seed: 5, plugins, entities, ...extra }),
  );
  return { dir, scenario, out: `${dir}/out` };
}

/**
 * One entity `e` of `count` rows with the field `v`.
 *
 * @example
 * ```ts ignore
 * oneField({ constant: 1 }, 3); // { e: { count: 3, fields: { id: …, v: { constant: 1 } } } }
 * ```
 */
export function oneField(spec: unknown, count = 5): Record<string, unknown> {
  return { e: { count, fields: { id: { sequence: {} }, v: spec } } };
}

/**
 * True when a path exists.
 *
 * @example
 * ```ts ignore
 * assert.equal(await exists(p.out), false);
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
