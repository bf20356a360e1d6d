/**
 * The job routes of `fabricate serve`: start, list, status, cancel, the
 * active toggle, file and .zip downloads, the report (and, with a token, a
 * one-time ticket that opens it in a new tab: report_tickets.ts), and cleanup.
 *
 * A file is served only when its path is one the job wrote (exactly, after
 * decoding) and, links resolved, it still lies in the job's output folder:
 * `../`, `%2e%2e`, `%2F`, absolute paths and links planted in the folder
 * are refused.
 *
 * @module
 */
import { activeSchema, jobRequestSchema, readJson } from "./api_schema.ts";
import type { Job, JobManager } from "./jobs.ts";
import type { ReportTickets } from "./report_tickets.ts";
import { HttpError, type Route, route, type ServeContext } from "./route.ts";
import { zipStream } from "./zip_stream.ts";

/**
 * The job manager registered on a server's context.
 *
 * @param ctx The context.
 * @returns The manager.
 * @example
 * ```ts ignore
 * jobsOf(ctx).list();
 * ```
 */
export function jobsOf(ctx: ServeContext): JobManager {
  const jobs = ctx.services.jobs as JobManager | undefined;
  if (!jobs) throw new Error("The job manager is not registered");
  return jobs;
}

/**
 * A job as the API shows it: its state plus links to what can be done with it.
 *
 * @param job The job.
 * @returns The JSON value.
 * @example
 * ```ts ignore
 * jobView(job).links.download; // "/api/jobs/<id>/download"
 * ```
 */
export function jobView(job: Job): Job & { links: Record<string, string> } {
  const base = `/api/jobs/${job.id}`;
  const links: Record<string, string> = { self: base };
  if (job.target === null) {
    links.files = `${base}/files`;
    links.download = `${base}/download`;
    if (job.request.report) {
      links.report = `${base}/report`;
      links.report_json = `${base}/report.json`;
    }
  }
  return { ...job, links };
}

const CONTENT_TYPES: Record<string, string> = {
  csv: "text/csv; charset=utf-8",
  tsv: "text/tab-separated-values; charset=utf-8",
  json: "application/json",
  jsonl: "application/x-ndjson",
  xml: "application/xml",
  yaml: "application/yaml",
  sql: "application/sql",
  html: "text/html; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  gz: "application/gzip",
  zst: "application/zstd",
};

function contentType(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? "";
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

/** The job, if its data may be downloaded. */
function downloadable(ctx: ServeContext, id: string): Job {
  const job = jobsOf(ctx).get(id);
  if (job.target !== null) {
    throw new HttpError(409, "no_files", `Job ${id} loaded a database; it has no files`);
  }
  if (job.status !== "succeeded" || job.cleaned_at !== null) {
    throw new HttpError(
      409,
      "no_files",
      `Job ${id} has no files to download (${job.cleaned_at ? "cleaned up" : job.status})`,
    );
  }
  if (!job.active) {
    throw new HttpError(
      409,
      "inactive",
      `Job ${id} is inactive: activate it (POST /api/jobs/${id}/active) to download`,
    );
  }
  return job;
}

/**
 * Resolves a file of a job's output to a path on disk, refusing anything
 * the job did not write or that leads outside its output folder.
 */
async function safeFile(ctx: ServeContext, job: Job, path: string): Promise<string> {
  const notFound = () =>
    new HttpError(404, "not_found", `Job ${job.id} has no file "${path}"`, { field: "path" });
  if (
    !path || path.startsWith("/") || path.includes("\\") || path.includes("\0") ||
    path.split("/").some((s) => s === "" || s === "." || s === "..")
  ) throw notFound();
  if (!job.files.some((f) => f.path === path)) throw notFound();
  const out = jobsOf(ctx).outDir(job.id);
  try {
    const [root, real] = await Promise.all([Deno.realPath(out), Deno.realPath(`${out}/${path}`)]);
    if (!real.startsWith(root + "/")) throw notFound();
    const info = await Deno.lstat(real);
    if (!info.isFile) throw notFound();
    return real;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw notFound();
  }
}

async function fileResponse(path: string, headers: Record<string, string>): Promise<Response> {
  const file = await Deno.open(path, { read: true });
  const { size } = await file.stat();
  return new Response(file.readable, {
    headers: { "content-length": String(size), "content-type": contentType(path), ...headers },
  });
}

function attachment(name: string): string {
  const base = name.split("/").pop()!;
  return `attachment; filename="${base.replace(/[^\w.-]/g, "_")}"; filename*=UTF-8''${
    encodeURIComponent(base)
  }`;
}

function decodePath(raw: string | undefined): string {
  try {
    return (raw ?? "").split("/").map(decodeURIComponent).join("/");
  } catch {
    throw new HttpError(400, "bad_request", "The file path is not valid percent-encoding", {
      field: "path",
    });
  }
}

/** The job, if it has the report file `name` to serve. */
function withReport(ctx: ServeContext, id: string, name: string): Job {
  const job = downloadable(ctx, id);
  if (!job.files.some((f) => f.path === name)) {
    throw new HttpError(
      404,
      "not_found",
      `Job ${id} has no report: start it with "report": true`,
    );
  }
  return job;
}

async function reportFile(ctx: ServeContext, id: string, name: string): Promise<Response> {
  const job = withReport(ctx, id, name);
  const path = await safeFile(ctx, job, name);
  // The report runs its own scripts (charts): sandboxed, it gets an opaque
  // origin and cannot call this API with the page's credentials.
  return await fileResponse(path, {
    "content-security-policy": "sandbox allow-scripts; default-src 'none'; " +
      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
  });
}

function confirmParam(url: URL, expected: string): void {
  if (url.searchParams.get("confirm") !== expected) {
    throw new HttpError(
      400,
      "confirmation_required",
      `Confirm with ?confirm=${expected}`,
      { field: "confirm" },
    );
  }
}

/** The routes of this module. */
export const jobRoutes: Route[] = [
  route("POST", "/api/jobs", async ({ request, ctx }) => {
    const body = await readJson(request, jobRequestSchema);
    const job = await jobsOf(ctx).submit(body);
    return Response.json(jobView(job), {
      status: 202,
      headers: { location: `/api/jobs/${job.id}` },
    });
  }),
  route("GET", "/api/jobs", ({ url, ctx }) => {
    const active = url.searchParams.get("active");
    if (active !== null && active !== "true" && active !== "false") {
      throw new HttpError(400, "bad_request", "Expected ?active=true or ?active=false", {
        field: "active",
      });
    }
    const jobs = jobsOf(ctx).list().filter((j) =>
      active === null || j.active === (active === "true")
    );
    return Response.json(jobs.map(jobView));
  }),
  route("GET", "/api/jobs/:id", ({ params, ctx }) => {
    return Response.json(jobView(jobsOf(ctx).get(params.id!)));
  }),
  route("DELETE", "/api/jobs/:id", async ({ params, ctx }) => {
    return Response.json(jobView(await jobsOf(ctx).cancel(params.id!)));
  }),
  route("POST", "/api/jobs/:id/active", async ({ request, params, ctx }) => {
    const jobs = jobsOf(ctx);
    jobs.get(params.id!);
    const { active } = await readJson(request, activeSchema);
    return Response.json(jobView(await jobs.setActive(params.id!, active)));
  }),
  route("GET", "/api/jobs/:id/files", ({ params, ctx }) => {
    return Response.json(downloadable(ctx, params.id!).files);
  }),
  route("GET", "/api/jobs/:id/files/:path+", async ({ params, ctx }) => {
    const job = downloadable(ctx, params.id!);
    const path = decodePath(params.path);
    return await fileResponse(await safeFile(ctx, job, path), {
      "content-disposition": attachment(path),
    });
  }),
  route("GET", "/api/jobs/:id/download", async ({ params, ctx }) => {
    const job = downloadable(ctx, params.id!);
    const entries = [];
    for (const f of job.files) {
      entries.push({ name: f.path, path: await safeFile(ctx, job, f.path) });
    }
    return new Response(zipStream(entries), {
      headers: {
        "content-type": "application/zip",
        "content-disposition": attachment(`${job.scenario.replaceAll("/", "-")}-${job.id}.zip`),
      },
    });
  }),
  route(
    "GET",
    "/api/jobs/:id/report",
    ({ params, ctx }) => reportFile(ctx, params.id!, "report.html"),
  ),
  route("POST", "/api/jobs/:id/report-ticket", async ({ params, ctx }) => {
    const tickets = ctx.services.reportTickets as ReportTickets | undefined;
    if (!tickets) {
      throw new HttpError(
        404,
        "not_found",
        "No token is required here: open /api/jobs/:id/report directly",
      );
    }
    const job = withReport(ctx, params.id!, "report.html");
    await safeFile(ctx, job, "report.html");
    const ticket = await tickets.issue(job.id);
    return Response.json({
      url: `/api/jobs/${encodeURIComponent(job.id)}/report?ticket=${ticket}`,
      expires_in_ms: tickets.lifetimeMs,
    }, { status: 201 });
  }),
  route(
    "GET",
    "/api/jobs/:id/report.json",
    ({ params, ctx }) => reportFile(ctx, params.id!, "report.json"),
  ),
  route("DELETE", "/api/jobs/:id/data", async ({ params, url, ctx }) => {
    const jobs = jobsOf(ctx);
    jobs.get(params.id!);
    confirmParam(url, params.id!);
    return Response.json(jobView(await jobs.cleanup(params.id!)));
  }),
  route("DELETE", "/api/cleanup", async ({ url, ctx }) => {
    confirmParam(url, "DELETE_ALL");
    const cleaned = await jobsOf(ctx).cleanupAll();
    return Response.json({ cleaned: cleaned.map((j) => j.id) });
  }),
];
