/**
 * The request bodies of `fabricate serve`'s API as zod schemas, and reading
 * a JSON body with a size limit: a problem becomes a 400 whose issues name
 * the request field (`counts.orders`), as the contract in docs/serve.md says.
 *
 * @module
 */
import { z } from "zod";
import { issuesFromZod } from "../../core/zod_issues.ts";
import { type ApiIssue, HttpError } from "./route.ts";

/** Largest request body read, in bytes (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Expected a date like 2025-01-31").refine(
  (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)),
  "Expected a real calendar date",
);
const wholeCount = z.number().int("Expected a whole number ≥ 0").min(
  0,
  "Expected a whole number ≥ 0",
).max(Number.MAX_SAFE_INTEGER);

/** `POST /api/jobs`: what to generate and where. */
export const jobRequestSchema = z.strictObject({
  /** A built-in or workspace scenario name. */
  scenario: z.string().min(1).max(200).optional(),
  /** Scenario text (YAML or JSON). */
  yaml: z.string().min(1).optional(),
  seed: z.union([z.number().int().refine(Number.isSafeInteger), z.string().max(200)]).optional(),
  counts: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), wholeCount).optional(),
  multiplier: z.number().positive("Expected a number > 0").max(1e9).optional(),
  formats: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, "Expected a format name like csv"))
    .min(1).max(20).optional(),
  layout: z.enum(["per-entity", "single", "split"]).optional(),
  compress: z.string().regex(
    /^(gzip(:[1-9])?|zstd(:(1[0-9]|[1-9]))?)$/,
    "Expected gzip or zstd, optionally with a level: gzip:9, zstd:19",
  ).optional(),
  from: day.optional(),
  to: day.optional(),
  report: z.boolean().optional(),
  strict: z.boolean().optional(),
  /** A database target named on the command line (`--db NAME=URL`). */
  target: z.string().min(1).max(100).optional(),
  /** Drop and recreate tables that already exist (database targets). */
  replace: z.boolean().optional(),
}).superRefine((v, ctx) => {
  if (v.scenario === undefined && v.yaml === undefined) {
    ctx.addIssue({ code: "custom", path: ["scenario"], message: "Give scenario or yaml" });
  }
  if (v.scenario !== undefined && v.yaml !== undefined) {
    ctx.addIssue({ code: "custom", path: ["yaml"], message: "Give scenario or yaml, not both" });
  }
  if (v.target !== undefined) {
    for (const key of ["formats", "layout", "compress", "report"] as const) {
      if (v[key] !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `"${key}" does not apply when loading into a database (target)`,
        });
      }
    }
  } else if (v.replace !== undefined) {
    ctx.addIssue({ code: "custom", path: ["replace"], message: '"replace" needs a "target"' });
  }
});

/** A validated `POST /api/jobs` body. */
export type JobRequest = z.infer<typeof jobRequestSchema>;

/** `POST /api/jobs/:id/active`. */
export const activeSchema = z.strictObject({ active: z.boolean() });

/**
 * Turns a zod error into API issues whose paths name request fields.
 *
 * @param error The zod error.
 * @param input The body that was checked.
 * @param schema The schema (for did-you-mean hints on unknown fields).
 * @returns The issues.
 * @example
 * ```ts
 * import { apiIssues, jobRequestSchema } from "./api_schema.ts";
 * const r = jobRequestSchema.safeParse({ scenario: "quickstart", seeed: 1 });
 * if (!r.success) apiIssues(r.error, { seeed: 1 }, jobRequestSchema)[0]?.path; // "seeed"
 * ```
 */
export function apiIssues(error: z.ZodError, input: unknown, schema: z.ZodType): ApiIssue[] {
  return issuesFromZod(error, input, [], schema).map((i) => ({
    path: i.path.join("."),
    message: i.message,
    ...(i.expected !== undefined ? { expected: i.expected } : {}),
    ...(i.hint !== undefined ? { hint: i.hint } : {}),
  }));
}

/**
 * Reads a request's JSON body (at most {@linkcode MAX_BODY_BYTES}) and
 * checks it against a schema.
 *
 * @param request The request.
 * @param schema The schema.
 * @returns The parsed body.
 * @throws {HttpError} 413 for a body too large, 415 for one that is not
 *   JSON, 400 for bad JSON or a body the schema refuses (issues name fields).
 * @example
 * ```ts ignore
 * const body = await readJson(request, activeSchema); // { active: true }
 * ```
 */
export async function readJson<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.infer<T>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, "unsupported_media_type", "Send the body as application/json");
  }
  const text = await readText(request, MAX_BODY_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "bad_json", `Cannot read the body as JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = apiIssues(parsed.error, value, schema);
    const first = issues[0];
    throw new HttpError(
      400,
      "bad_request",
      first ? `Bad request: ${first.path ? `${first.path}: ` : ""}${first.message}` : "Bad request",
      { ...(first?.path ? { field: first.path } : {}), issues },
    );
  }
  return parsed.data;
}

/**
 * Reads a body as text, refusing more than `limit` bytes (by the
 * Content-Length header, and while reading when there is none).
 *
 * @param request The request.
 * @param limit Bytes allowed.
 * @returns The text.
 * @throws {HttpError} 413 when the body is larger.
 * @example
 * ```ts
 * import { readText } from "./api_schema.ts";
 * await readText(new Request("http://x/", { method: "POST", body: "hi" }), 10); // "hi"
 * ```
 */
export async function readText(request: Request, limit: number): Promise<string> {
  const tooLarge = () =>
    new HttpError(413, "payload_too_large", `The body is larger than ${limit} bytes`);
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limit) throw tooLarge();
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(all);
  } catch {
    throw new HttpError(400, "bad_json", "The body is not UTF-8 text");
  }
}
