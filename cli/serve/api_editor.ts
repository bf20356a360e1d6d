/**
 * The editor's API: validate posted YAML (the same problems and line:column
 * as `fabricate validate`), preview the first rows of every entity in
 * memory, a scenario's source text and the scenario JSON Schema.
 *
 * @module
 */
import { z } from "zod";
import { World } from "../../core/engine.ts";
import { entityBatches } from "../../core/batches.ts";
import { builtinRegistry, registryFor } from "../../core/registry.ts";
import { scenarioJsonSchema } from "../../core/json_schema.ts";
import { parseSource } from "../../core/source.ts";
import { builtinScenarioNames, builtinScenarioUrl } from "../../core/builtin_scenarios.ts";
import { UsageError } from "../../core/errors.ts";
import { findScenario, POSTED_MAX_CHARS, type ScenarioInput, withPlan } from "./posted_scenario.ts";
import { HttpError, type Route, route } from "./route.ts";
import { readJson } from "./api_schema.ts";

const yamlText = z.string().max(POSTED_MAX_CHARS, "Expected at most 1 MiB of scenario text");

const validateBody = z.object({ yaml: yamlText }).strict();

const counts = z.record(
  z.string(),
  z.number().int("Expected a whole number ≥ 0").min(0, "Expected a whole number ≥ 0"),
);

const previewBody = z.object({
  scenario: z.string().min(1).max(200).optional(),
  yaml: yamlText.optional(),
  rows: z.number().int("Expected a whole number from 1 to 100").min(1).max(100).default(10),
  seed: z.union([z.number(), z.string().max(200)]).optional(),
  counts: counts.optional(),
}).strict().refine((b) => (b.scenario === undefined) !== (b.yaml === undefined), {
  message: 'Give either "scenario" (a name) or "yaml" (scenario text), not both',
  path: ["scenario"],
});

/** A value as JSON can carry it: dates as ISO text, big integers as text. */
function jsonValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  }
  return v;
}

function maxRowsCheck(total: number, maxRows: number): void {
  if (total > maxRows) {
    throw new HttpError(
      422,
      "too_many_rows",
      `The scenario makes ${total} rows, more than the server's limit of ${maxRows}`,
      {
        field: "counts",
        issues: [{ path: "counts", message: `Expected at most ${maxRows} rows` }],
      },
    );
  }
}

/** Plans the scenario and answers with its entities, or a 422. */
const validate = route("POST", "/api/validate", async ({ request, ctx }) => {
  const { yaml } = await readJson(request, validateBody);
  const entities = await withPlan(
    ctx,
    { yaml },
    {},
    (plan) => plan.entities.map((e) => ({ name: e.name, count: e.count })),
  );
  return Response.json({ ok: true, entities });
});

/** Generates the first rows of every entity in memory. */
const preview = route("POST", "/api/preview", async ({ request, ctx }) => {
  const body = await readJson(request, previewBody);
  const input: ScenarioInput = body.yaml !== undefined
    ? { yaml: body.yaml }
    : { scenario: body.scenario! };
  const options = {
    ...(body.seed !== undefined ? { seed: body.seed } : {}),
    ...(body.counts ? { counts: body.counts } : {}),
  };
  const entities = await withPlan(ctx, input, options, async (plan) => {
    maxRowsCheck(plan.entities.reduce((n, e) => n + e.count, 0), ctx.maxRows);
    const world = new World(plan);
    const out: Record<string, { columns: string[]; rows: unknown[][]; count: number }> = {};
    for (const entity of plan.entities) {
      const n = Math.min(body.rows, entity.count);
      const rows: unknown[][] = [];
      for await (const { out: batch } of entityBatches(world.engine(entity.name), n, 0, n)) {
        for (let k = 0; k < batch.length; k++) rows.push(batch.columns.map((c) => jsonValue(c[k])));
      }
      out[entity.name] = { columns: entity.outputs.map((f) => f.name), rows, count: entity.count };
    }
    return out;
  }).catch((e) => {
    // An override naming an entity the scenario lacks.
    if (e instanceof UsageError) {
      throw new HttpError(400, "bad_request", e.message, {
        field: "counts",
        issues: [{ path: "counts", message: e.message, ...(e.hint ? { hint: e.hint } : {}) }],
      });
    }
    throw e;
  });
  return Response.json({ entities });
});

let schemaText: Promise<string> | undefined;

/** The scenario JSON Schema (built-ins plus the project's configured plugins). */
const schema = route("GET", "/api/schema", ({ ctx }) => {
  schemaText ??= (async () => {
    const registry = await registryFor([], new URL(`file://${ctx.cwd}/`), ctx.cwd).catch(() =>
      builtinRegistry()
    );
    registry.close();
    return JSON.stringify(scenarioJsonSchema(registry));
  })();
  return schemaText.then((text) =>
    new Response(text, { headers: { "content-type": "application/schema+json" } })
  );
});

/**
 * One scenario's YAML text (`source`, and `editable`: the text the editor
 * starts from), description and what it extends.
 */
const source = route("GET", "/api/scenarios/:name+", async ({ params, ctx }) => {
  let name: string;
  try {
    name = decodeURIComponent(params.name ?? ""); // URLPattern leaves groups percent-encoded
  } catch {
    throw new HttpError(400, "bad_request", "The scenario name is not valid percent-encoding", {
      field: "name",
    });
  }
  const found = await findScenario(ctx, name);
  if (!found) {
    throw new HttpError(404, "not_found", `No scenario named "${name}"`, { field: "name" });
  }
  const text = found.url.protocol === "file:"
    ? await Deno.readTextFile(found.url)
    : await (await fetch(found.url)).text();
  let value: Record<string, unknown> = {};
  try {
    const v = parseSource(name, text).value;
    if (v && typeof v === "object") value = v as Record<string, unknown>;
  } catch {
    // a workspace file with a syntax error: its text is still shown
  }
  const ext = value.extends;
  return Response.json({
    name,
    source: text,
    editable: found.source === "builtin" ? await withBuiltinExtends(text, found.url) : text,
    origin: found.source,
    description: typeof value.description === "string" ? value.description : "",
    extends: typeof ext === "string" ? [ext] : Array.isArray(ext) ? ext.map(String) : [],
  });
});

/**
 * A built-in's text with relative `extends` paths (`./base.yaml`) written
 * as the built-in names they point at (`erp/base`): posted text has no
 * folder to resolve paths against, and may extend only built-ins. Only the
 * values change, so every line and column stays where it was.
 */
async function withBuiltinExtends(text: string, url: URL): Promise<string> {
  let doc;
  try {
    doc = parseSource("scenario.yaml", text);
  } catch {
    return text;
  }
  const value = doc.value as Record<string, unknown> | null;
  const ext = value && typeof value === "object" ? value.extends : undefined;
  const refs: [unknown, (string | number)[]][] = typeof ext === "string"
    ? [[ext, ["extends"]]]
    : Array.isArray(ext)
    ? ext.map((r, i) => [r, ["extends", i]])
    : [];
  const byUrl = new Map((await builtinScenarioNames()).map((n) => [builtinScenarioUrl(n).href, n]));
  const lines = text.split("\n");
  // Last first, so earlier positions on a line stay valid.
  for (const [ref, path] of refs.reverse()) {
    if (typeof ref !== "string" || !/^\.{1,2}\//.test(ref)) continue;
    const name = byUrl.get(new URL(ref, url).href);
    const pos = doc.locate(path);
    if (!name || !pos || pos.depth !== path.length) continue;
    const line = lines[pos.line - 1];
    if (line === undefined) continue;
    const at = pos.column - 1;
    for (const written of [ref, JSON.stringify(ref), `'${ref}'`]) {
      if (line.startsWith(written, at)) {
        lines[pos.line - 1] = line.slice(0, at) + name + line.slice(at + written.length);
        break;
      }
    }
  }
  return lines.join("\n");
}

/**
 * The editor's routes: `POST /api/validate`, `POST /api/preview`,
 * `GET /api/schema` and `GET /api/scenarios/:name+`.
 *
 * @example
 * ```ts ignore
 * const res = await editorRoutes[0]!.handle({ request, params: {}, url, ctx });
 * ```
 */
export const editorRoutes: Route[] = [validate, preview, schema, source];
