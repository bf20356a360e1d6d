/**
 * Loads a scenario from a file, a built-in name or an object: parses it,
 * follows `extends` (deep merge: objects merge, arrays replace, `null`
 * removes) and validates the result, reporting every problem with its file,
 * line and column.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { deepMerge, isPlainObject } from "./deep_merge.ts";
import { type DocPath, FabricateError, ScenarioError, type ScenarioIssue } from "./errors.ts";
import { parseSource, type SourceDoc } from "./source.ts";
import { type Scenario, scenarioSchema } from "./scenario_schema.ts";
import { issuesFromZod, type LocatableIssue } from "./zod_issues.ts";
import { builtinScenarioNames, builtinScenarioUrl } from "./builtin_scenarios.ts";
import { didYouMean } from "./did_you_mean.ts";
import { checkScenarioFile, needsRead, readFailure } from "./input_limits.ts";

/** A validated scenario with what is needed to point errors at its source. */
export interface LoadedScenario {
  /** The merged, validated scenario. */
  readonly scenario: Scenario;
  /** The file it came from (a path, a built-in's URL or `<inline>`). */
  readonly file: string;
  /** The URL relative paths in it resolve against. */
  readonly baseUrl: URL;
  /** The chain of files, the scenario's own first, then what it extends. */
  readonly files: readonly string[];
  /** SHA-256 of the merged scenario (canonical JSON), for the manifest. */
  readonly hash: string;
  /** Locates a path in whichever file of the chain wrote it. */
  locate(path: DocPath, atKey?: boolean): Pick<ScenarioIssue, "file" | "line" | "column">;
}

/**
 * Loads and validates a scenario.
 *
 * @param input A file path, a built-in name (`quickstart`, `erp/normal-ops`)
 *   or a scenario object.
 * @param options `cwd` to resolve relative paths against.
 * @returns The loaded scenario.
 * @throws {ScenarioError} With every problem found.
 * @example Load a built-in scenario
 * ```ts
 * import { loadScenario } from "./load_scenario.ts";
 * const { scenario } = await loadScenario("quickstart");
 * console.log(Object.keys(scenario.entities));
 * ```
 */
export async function loadScenario(
  input: string | Record<string, unknown>,
  options: { cwd?: string } = {},
): Promise<LoadedScenario> {
  const cwd = options.cwd ?? Deno.cwd();
  const docs: SourceDoc[] = [];
  let raw: unknown;
  let file: string;
  let baseUrl: URL;
  if (typeof input === "string") {
    const url = await resolveScenario(input, toDirUrl(cwd), undefined);
    file = displayName(url, cwd);
    baseUrl = url;
    raw = await readWithExtends(url, cwd, docs, []);
  } else {
    file = "<inline>";
    baseUrl = toDirUrl(cwd);
    const doc: SourceDoc = { file, value: input, locate: () => undefined };
    docs.push(doc);
    const layers: Layer[] = [];
    await collectDocLayers(doc, baseUrl, cwd, docs, [], layers);
    raw = mergeLayers(layers);
  }

  const locate = (path: DocPath, atKey = false) => {
    let best: { file: string; line: number; column: number; depth: number } | undefined;
    for (const doc of docs) {
      const pos = doc.locate(path, atKey);
      if (pos && (!best || pos.depth > best.depth)) best = { file: doc.file, ...pos };
    }
    if (!best) return { file };
    return { file: best.file, line: best.line, column: best.column };
  };

  if (isPlainObject(raw) && raw.name === undefined && typeof input === "string") {
    raw.name = defaultName(baseUrl);
  }
  const parsed = scenarioSchema.safeParse(raw);
  const loaded = (scenario: Scenario): LoadedScenario => ({
    scenario,
    file,
    baseUrl,
    files: docs.map((d) => d.file),
    hash: sha256(canonicalJson(scenario)),
    locate,
  });
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error, raw, [], scenarioSchema);
    const error = new ScenarioError(locateAll(issues, locate));
    const rest = withoutBadCounts(raw, parsed.error.issues.map((i) => i.path));
    if (rest) (error as ScenarioError & { rest?: LoadedScenario }).rest = loaded(rest);
    throw error;
  }
  return loaded(parsed.data);
}

/**
 * When only `count`s are wrong, the scenario with those counts set to 0, so
 * the caller can go on checking everything else and report every problem at once.
 */
function withoutBadCounts(raw: unknown, paths: PropertyKey[][]): Scenario | undefined {
  if (!isPlainObject(raw) || !isPlainObject(raw.entities)) return undefined;
  const entities: Record<string, unknown> = { ...raw.entities };
  for (const path of paths) {
    const name = path[1];
    if (path[0] !== "entities" || path[2] !== "count" || typeof name !== "string") return undefined;
    if (!isPlainObject(entities[name])) return undefined;
    entities[name] = { ...entities[name], count: 0 };
  }
  const again = scenarioSchema.safeParse({ ...raw, entities });
  return again.success ? again.data : undefined;
}

/**
 * Adds file, line and column to issues.
 *
 * @param issues Issues with document paths.
 * @param locate The scenario's locator.
 * @returns The same issues, located.
 * @example
 * ```ts
 * import { locateAll } from "./load_scenario.ts";
 * locateAll([{ path: ["seed"], message: "bad" }], () => ({ file: "s.yaml", line: 2, column: 7 }));
 * ```
 */
export function locateAll(
  issues: readonly LocatableIssue[],
  locate: LoadedScenario["locate"],
): ScenarioIssue[] {
  return issues.map(({ atKey, ...issue }) => ({
    ...locate(issue.path, atKey),
    ...issue,
  }));
}

/** One file of an extends tree: its own keys, without `extends`. */
interface Layer {
  url: string;
  own: Record<string, unknown>;
}

async function readWithExtends(
  url: URL,
  cwd: string,
  docs: SourceDoc[],
  chain: string[],
): Promise<unknown> {
  const layers: Layer[] = [];
  await collectLayers(url, cwd, docs, chain, layers);
  return mergeLayers(layers);
}

/**
 * Lists the files of an extends tree in the order they apply: bases before
 * what extends them, each file once (at its first place), so
 * `extends: [model-2, negative]` keeps model-2's overrides even though both
 * extend the same master.
 */
async function collectLayers(
  url: URL,
  cwd: string,
  docs: SourceDoc[],
  chain: string[],
  layers: Layer[],
): Promise<void> {
  if (chain.includes(url.href)) {
    const cycle = [...chain, url.href].map((u) => displayName(new URL(u), cwd));
    throw new ScenarioError([{
      file: cycle[0]!,
      path: ["extends"],
      message: `Scenarios extend each other in a cycle: ${cycle.join(" → ")}`,
      hint: "remove one of the extends",
    }]);
  }
  if (layers.some((l) => l.url === url.href)) return;
  const text = await readText(url, cwd);
  const doc = parseSource(displayName(url, cwd), text);
  docs.push(doc);
  await collectDocLayers(doc, url, cwd, docs, [...chain, url.href], layers);
}

async function collectDocLayers(
  doc: SourceDoc,
  url: URL,
  cwd: string,
  docs: SourceDoc[],
  chain: string[],
  layers: Layer[],
): Promise<void> {
  const value = doc.value;
  if (!isPlainObject(value)) {
    throw new ScenarioError([{
      file: doc.file,
      line: 1,
      column: 1,
      path: [],
      message: "Expected the scenario to be a map of keys (name, entities, …)",
    }]);
  }
  const ext = value.extends;
  const bases = ext === undefined
    ? []
    : typeof ext === "string"
    ? [ext]
    : Array.isArray(ext)
    ? ext
    : undefined;
  if (!bases || !bases.every((b) => typeof b === "string")) {
    throw new ScenarioError([{
      file: doc.file,
      ...position(doc, ["extends"]),
      path: ["extends"],
      message: "Expected a scenario path or built-in name, or a list of them",
    }]);
  }
  for (const [i, base] of (bases as string[]).entries()) {
    const where = typeof ext === "string" ? ["extends"] : ["extends", i];
    const baseUrl = await resolveScenario(base, url, { doc, path: where });
    await collectLayers(baseUrl, cwd, docs, chain, layers);
  }
  const own = { ...value };
  delete own.extends;
  layers.push({ url: url.href, own });
}

function mergeLayers(layers: Layer[]): unknown {
  let merged: unknown = {};
  layers.forEach((layer, i) => {
    const own = { ...layer.own };
    // A derived scenario's name is its own, never a base's.
    if (i < layers.length - 1) delete own.name;
    merged = deepMerge(merged, own);
  });
  return merged;
}

/**
 * Resolves a scenario reference: a path (with an extension or a `./`, `../`,
 * `/` prefix, or an existing file) or a built-in name.
 */
async function resolveScenario(
  ref: string,
  base: URL,
  from: { doc: SourceDoc; path: DocPath } | undefined,
): Promise<URL> {
  const looksLikePath = /^(\.{1,2}\/|\/|[a-z]+:)/i.test(ref) || /\.(ya?ml|json)$/i.test(ref);
  const asPath = new URL(ref, base);
  let denied: unknown;
  try {
    if (looksLikePath || (asPath.protocol === "file:" && (await isFile(asPath)))) {
      return asPath;
    }
  } catch (e) {
    denied = e; // no read permission there: it may still be a built-in name
  }
  const builtin = builtinScenarioUrl(ref);
  if (await exists(builtin)) return builtin;
  if (denied) throw denied;
  const names = await builtinScenarioNames();
  const issue: ScenarioIssue = {
    ...(from ? { file: from.doc.file, ...position(from.doc, from.path) } : {}),
    path: from?.path ?? [],
    message: `Cannot find scenario "${ref}": no such file and no built-in of that name`,
    hint: didYouMean(ref, names, "built-in scenarios"),
  };
  throw new ScenarioError([issue]);
}

async function readText(url: URL, cwd: string): Promise<string> {
  if (url.protocol === "file:") {
    const shown = displayName(url, cwd);
    await checkScenarioFile(url, shown);
    try {
      return await Deno.readTextFile(url);
    } catch (e) {
      throw readFailure(e, url, shown);
    }
  }
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.text();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new FabricateError(`Cannot read scenario "${displayName(url, cwd)}": no such file`, 2);
    }
    throw new FabricateError(
      `Cannot read scenario "${displayName(url, cwd)}": ${(e as Error).message}`,
      2,
      { cause: e },
    );
  }
}

async function isFile(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isFile;
  } catch (e) {
    // A missing permission is not a missing file: say which one is needed.
    if (e instanceof Deno.errors.NotCapable) throw needsRead(url, e);
    return false;
  }
}

async function exists(url: URL): Promise<boolean> {
  if (url.protocol === "file:") return await isFile(url);
  try {
    const res = await fetch(url, { method: "HEAD" });
    return res.ok;
  } catch {
    return false;
  }
}

function position(doc: SourceDoc, path: DocPath): { line?: number; column?: number } {
  const pos = doc.locate(path);
  return pos ? { line: pos.line, column: pos.column } : {};
}

function toDirUrl(dir: string): URL {
  const abs = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  return new URL(`file://${abs.endsWith("/") ? abs : abs + "/"}`);
}

/** A short name for messages: a path relative to cwd, or a built-in name. */
function displayName(url: URL, cwd: string): string {
  const builtin = builtinScenarioUrl("x").href.replace(/x\.yaml$/, "");
  if (url.href.startsWith(builtin)) return `scenarios/${url.href.slice(builtin.length)}`;
  if (url.protocol !== "file:") return url.href;
  const path = decodeURIComponent(url.pathname);
  const prefix = cwd.endsWith("/") ? cwd : cwd + "/";
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function defaultName(url: URL): string {
  const base = url.pathname.split("/").pop() ?? "scenario";
  return base.replace(/\.(ya?ml|json)$/i, "") || "scenario";
}

/**
 * JSON with object keys sorted, so equal scenarios hash equally.
 *
 * @param value Any JSON value.
 * @returns Canonical JSON text.
 * @example
 * ```ts
 * import { canonicalJson } from "./load_scenario.ts";
 * canonicalJson({ b: 1, a: 2 }); // '{"a":2,"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      isPlainObject(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

/**
 * SHA-256 of a string, hex.
 *
 * @param text The text.
 * @returns 64 hex digits.
 * @example
 * ```ts
 * import { sha256 } from "./load_scenario.ts";
 * sha256("").length; // 64
 * ```
 */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
