/**
 * The job manager of `fabricate serve`: checks a job request up front
 * (scenario, plugins, data files, row ceiling), queues it, runs at most
 * `maxJobs` at once in-process with the CLI's engine (`gen()`, or the
 * database load of `gen --to`), tracks progress, cancels with an
 * AbortSignal, and keeps each job's state in `<dir>/jobs/<id>/job.json` so
 * a restarted server still lists it.
 *
 * @module
 */
import {
  FabricateError,
  ScenarioError,
  type ScenarioIssue,
  UsageError,
} from "../../core/errors.ts";
import { gen, type GenOptions, prepare, type ProgressListener } from "../../core/gen.ts";
import type { Plan, PlanOptions } from "../../core/compile.ts";
import { loadScenario } from "../../core/load_scenario.ts";
import { parseSource } from "../../core/source.ts";
import { builtinScenarioNames } from "../../core/builtin_scenarios.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import type { Compression } from "../../core/compress.ts";
import { loadPlan, planLoad } from "../../plugins/sinks/load.ts";
import { parseTarget } from "../../plugins/sinks/target.ts";
import { removeRuns } from "../db_command.ts";
import type { JobRequest } from "./api_schema.ts";
import { resolveScenarioName } from "./api_scenarios.ts";
import { type ApiIssue, HttpError, type ServeContext } from "./route.ts";
import type { ServeTarget } from "./targets.ts";

/** Where a job is in its life. */
export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** One output file of a job. */
export interface JobFile {
  /** Path relative to the job's output folder. */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** Format (`csv`, …; `json` for manifest.json, `html` for report.html). */
  format: string;
}

/** A job's progress. */
export interface JobProgress {
  /** The entity being written, if any. */
  entity: string | null;
  /** Rows written, all entities. */
  done: number;
  /** Rows to write, all entities. */
  total: number;
  /** `done / total` in percent (one decimal). */
  percent: number;
  /** Rows written per second since the job started. */
  rows_per_second: number;
  /** Seconds left at that rate (null before the first rows). */
  eta_seconds: number | null;
  /** Per entity. */
  entities: Record<string, { done: number; total: number }>;
}

/** Why a job failed. */
export interface JobError {
  /** What went wrong. */
  message: string;
  /** `interrupted`, `invalid_scenario`, `refused` or `failed`. */
  code: string;
  /** The scenario's problems, when that is why. */
  issues?: ApiIssue[];
}

/** A job as kept in job.json and shown by the API. */
export interface Job {
  /** Random, URL-safe id. */
  id: string;
  /** Its state. */
  status: JobStatus;
  /** The scenario's name (a posted scenario's own `name`). */
  scenario: string;
  /** Where the scenario came from. */
  source: "builtin" | "workspace" | "posted";
  /** Inactive data sets cannot be downloaded. */
  active: boolean;
  /** ISO times. */
  created_at: string;
  /** When it started running. */
  started_at: string | null;
  /** When it ended. */
  finished_at: string | null;
  /** The request (without the scenario text). */
  request: Omit<JobRequest, "yaml">;
  /** The database target's name, when loading into one. */
  target: string | null;
  /** Progress. */
  progress: JobProgress;
  /** Output files (file jobs). */
  files: JobFile[];
  /** What a database job loaded: its ledger run and tables. */
  database: { run_id: string; tables: { name: string; rows: number }[] } | null;
  /** When its data was removed (files deleted or tables dropped). */
  cleaned_at: string | null;
  /** Set when failed. */
  error: JobError | null;
}

/** Settings of the job manager. */
export interface JobManagerOptions {
  /** Jobs running at once. */
  maxJobs: number;
  /** Database targets. */
  targets: Map<string, ServeTarget>;
  /** Allow non-local database targets (`--allow-remote-db`). */
  allowRemoteDb?: boolean;
  /** Worker threads per job (default: gen's own choice). */
  workers?: number;
}

/** A job id: 16 URL-safe characters (96 random bits). */
export const JOB_ID = /^[A-Za-z0-9_-]{16}$/;

interface Running {
  controller: AbortController;
  done: Promise<void>;
  started: number;
}

/**
 * Runs and remembers jobs.
 *
 * @example
 * ```ts ignore
 * const jobs = new JobManager(ctx, { maxJobs: 1, targets: new Map() });
 * await jobs.open();
 * const job = await jobs.submit({ scenario: "quickstart", seed: 1 });
 * ```
 */
export class JobManager {
  readonly #ctx: ServeContext;
  readonly #options: JobManagerOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #queue: string[] = [];
  readonly #running = new Map<string, Running>();
  #closing = false;

  /**
   * @param ctx The server's context (workspace, row ceiling).
   * @param options Concurrency and targets.
   */
  constructor(ctx: ServeContext, options: JobManagerOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  /** The folder of job `id`. */
  jobDir(id: string): string {
    if (!JOB_ID.test(id)) throw new HttpError(404, "not_found", "No such job", { field: "id" });
    return `${this.#ctx.dir}/jobs/${id}`;
  }

  /** The output folder of job `id`. */
  outDir(id: string): string {
    return `${this.jobDir(id)}/out`;
  }

  /**
   * Creates the workspace folders and reads the jobs kept there; a job that
   * was queued or running when the server stopped becomes failed
   * (`interrupted`) and what it had begun writing is removed.
   */
  async open(): Promise<void> {
    await Deno.mkdir(`${this.#ctx.dir}/jobs`, { recursive: true });
    await Deno.mkdir(`${this.#ctx.dir}/files`, { recursive: true });
    for await (const entry of Deno.readDir(`${this.#ctx.dir}/jobs`)) {
      if (!entry.isDirectory || !JOB_ID.test(entry.name)) continue;
      let job: Job;
      try {
        job = JSON.parse(await Deno.readTextFile(`${this.jobDir(entry.name)}/job.json`));
      } catch {
        continue; // a job folder without state (created while stopping): ignored
      }
      if (job.id !== entry.name) continue;
      if (job.status === "queued" || job.status === "running") {
        job.status = "failed";
        job.finished_at = new Date().toISOString();
        job.error = {
          code: "interrupted",
          message: "Interrupted: the server stopped while the job was " +
            (job.started_at ? "running" : "queued") + "; nothing was kept",
        };
        await this.#removeLeftovers(job.id);
        await this.#save(job);
      }
      this.#jobs.set(job.id, job);
    }
    // Posted scenarios of jobs that were cut off: no job of this server runs yet.
    for await (const entry of Deno.readDir(`${this.#ctx.dir}/files`)) {
      if (/^\.job-[A-Za-z0-9_-]{16}\.yaml$/.test(entry.name)) {
        await Deno.remove(`${this.#ctx.dir}/files/${entry.name}`).catch(() => {});
      }
    }
  }

  /** Every job, newest first. */
  list(): Job[] {
    return [...this.#jobs.values()].sort((a, b) =>
      b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id)
    );
  }

  /**
   * One job.
   *
   * @param id The id.
   * @returns The job.
   * @throws {HttpError} 404 when there is none.
   */
  get(id: string): Job {
    const job = JOB_ID.test(id) ? this.#jobs.get(id) : undefined;
    if (!job) throw new HttpError(404, "not_found", `No job "${id}"`, { field: "id" });
    return job;
  }

  /**
   * Checks a request and queues the job.
   *
   * @param request The validated request body.
   * @returns The queued job.
   * @throws {HttpError} 422 for an unknown scenario or target, an invalid
   *   scenario, refused plugins or data files, or too many rows.
   */
  async submit(request: JobRequest): Promise<Job> {
    if (this.#closing) throw new HttpError(503, "shutting_down", "The server is shutting down");
    const id = newJobId();
    const target = request.target === undefined
      ? undefined
      : this.#options.targets.get(request.target);
    if (request.target !== undefined && !target) {
      const names = [...this.#options.targets.keys()];
      throw new HttpError(
        422,
        "unknown_target",
        `Unknown target "${request.target}": ${
          names.length
            ? didYouMean(request.target, names, "targets")
            : "the server was started without --db"
        }`,
        { field: "target" },
      );
    }
    const { yaml, ...rest } = request;
    let input: string;
    let source: Job["source"];
    let posted: string | undefined;
    if (yaml !== undefined) {
      await checkPostedScenario(yaml);
      posted = this.#postedFile(id);
      await Deno.writeTextFile(posted, yaml, { createNew: true, mode: 0o600 });
      input = posted;
      source = "posted";
    } else {
      const found = await resolveScenarioName(this.#ctx, request.scenario!);
      input = found.source === "builtin" ? found.name : found.url.pathname;
      source = found.source;
    }
    let plan: Plan | undefined;
    try {
      const loaded = await loadScenario(input, { cwd: this.#ctx.dir }).catch(async (e) => {
        // Only counts are wrong: prepare() checks the rest too and reports every
        // problem at once, as fabricate validate does (it loads no plugins here).
        const rest = (e as { rest?: { scenario: { plugins: unknown[] } } }).rest;
        if (e instanceof ScenarioError && rest && !rest.scenario.plugins.length) {
          await prepare(input, { ...planOptions(request), cwd: this.#ctx.dir }).catch(
            scenarioFailure,
          );
        }
        return scenarioFailure(e);
      });
      if (loaded.scenario.plugins.length) {
        const where = loaded.locate(["plugins"], true);
        throw new HttpError(
          422,
          "invalid_scenario",
          "A scenario run over HTTP cannot load plugins: remove plugins:",
          {
            field: yaml !== undefined ? "yaml" : "scenario",
            issues: [{
              path: "plugins",
              message: "A scenario run over HTTP cannot load plugins",
              ...(where.line !== undefined ? { line: where.line } : {}),
              ...(where.column !== undefined ? { column: where.column } : {}),
              hint: "remove plugins:, or run it with fabricate gen on the command line",
            }],
          },
        );
      }
      plan = await prepare(input, { ...planOptions(request), cwd: this.#ctx.dir })
        .catch(scenarioFailure);
      const total = plan.entities.reduce((n, e) => n + e.count, 0);
      if (total > this.#ctx.maxRows) {
        throw new HttpError(
          422,
          "too_many_rows",
          `Refusing a job of ${total.toLocaleString("en-US")} rows: more than the server's ` +
            `ceiling of ${this.#ctx.maxRows.toLocaleString("en-US")} (--max-rows)`,
          {
            field: "counts",
            issues: [{
              path: "counts",
              message: `${total} rows in all`,
              hint: "lower counts or multiplier",
            }],
          },
        );
      }
      if (target) {
        try {
          planLoad(plan, target.url, {
            maxRows: this.#ctx.maxRows,
            ...(this.#options.allowRemoteDb ? { allowRemote: true } : {}),
          });
        } catch (e) {
          if (e instanceof UsageError) {
            throw new HttpError(422, "refused", redact(e.message, target), {
              field: "target",
            });
          }
          throw e;
        }
      }
      const now = new Date().toISOString();
      const job: Job = {
        id,
        status: "queued",
        scenario: source === "posted" ? plan.scenario.name : request.scenario!,
        source,
        active: true,
        created_at: now,
        started_at: null,
        finished_at: null,
        request: rest,
        target: target?.name ?? null,
        progress: {
          entity: null,
          done: 0,
          total,
          percent: 0,
          rows_per_second: 0,
          eta_seconds: null,
          entities: Object.fromEntries(
            plan.entities.map((e) => [e.name, { done: 0, total: e.count }]),
          ),
        },
        files: [],
        database: null,
        cleaned_at: null,
        error: null,
      };
      await Deno.mkdir(this.jobDir(id));
      if (yaml !== undefined) await Deno.writeTextFile(`${this.jobDir(id)}/scenario.yaml`, yaml);
      await this.#save(job);
      this.#jobs.set(id, job);
      this.#queue.push(id);
      this.#pump();
      return job;
    } catch (e) {
      if (posted) await Deno.remove(posted).catch(() => {});
      throw e;
    } finally {
      plan?.registry.close();
    }
  }

  /**
   * Cancels a queued or running job; waits until a running one has stopped
   * and removed what it wrote.
   *
   * @param id The job.
   * @returns The job, cancelled.
   * @throws {HttpError} 409 when the job has already ended.
   */
  async cancel(id: string): Promise<Job> {
    const job = this.get(id);
    if (job.status === "queued") {
      this.#queue.splice(this.#queue.indexOf(id), 1);
      this.#finish(job, "cancelled", null);
      await Deno.remove(this.#postedFile(id)).catch(() => {});
      await this.#save(job);
      return job;
    }
    const running = this.#running.get(id);
    if (job.status !== "running" || !running) {
      throw new HttpError(409, "conflict", `Job ${id} has already ended (${job.status})`);
    }
    running.controller.abort(new DOMException("cancelled", "AbortError"));
    await running.done;
    return job;
  }

  /**
   * Marks a job's data set active or inactive.
   *
   * @param id The job.
   * @param active The new state.
   * @returns The job.
   */
  async setActive(id: string, active: boolean): Promise<Job> {
    const job = this.get(id);
    job.active = active;
    await this.#save(job);
    return job;
  }

  /**
   * Removes a finished job's data: its output files, or the tables it
   * loaded (through the ledger, as `fabricate db cleanup --run` does).
   *
   * @param id The job.
   * @returns The job, cleaned.
   * @throws {HttpError} 409 while the job is queued or running.
   */
  async cleanup(id: string): Promise<Job> {
    const job = this.get(id);
    if (job.status === "queued" || job.status === "running") {
      throw new HttpError(409, "conflict", `Job ${id} is ${job.status}: cancel it first`);
    }
    if (job.database && job.target !== null && job.cleaned_at === null) {
      const target = this.#options.targets.get(job.target);
      if (!target) {
        throw new HttpError(
          409,
          "conflict",
          `Cannot drop the tables of job ${id}: target "${job.target}" is not configured ` +
            "(start the server with --db " + job.target + "=URL)",
        );
      }
      await removeRuns(parseTarget(target.url), [job.database.run_id]);
    }
    await Deno.remove(this.outDir(id), { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    job.files = [];
    job.cleaned_at = new Date().toISOString();
    await this.#save(job);
    return job;
  }

  /**
   * Cleans up every job that has ended and still has data.
   *
   * @returns The jobs cleaned.
   */
  async cleanupAll(): Promise<Job[]> {
    const out: Job[] = [];
    for (const job of this.list()) {
      if (job.status === "queued" || job.status === "running" || job.cleaned_at !== null) {
        continue;
      }
      out.push(await this.cleanup(job.id));
    }
    return out;
  }

  /** Stops: queued jobs and running ones (aborted) become failed `interrupted`. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    for (const id of this.#queue.splice(0)) {
      const job = this.#jobs.get(id)!;
      this.#finish(job, "failed", {
        code: "interrupted",
        message: "Interrupted: the server stopped before the job started",
      });
      await Deno.remove(this.#postedFile(id)).catch(() => {});
      await this.#save(job);
    }
    const running = [...this.#running.values()];
    for (const r of running) r.controller.abort(new DOMException("shutdown", "AbortError"));
    await Promise.all(running.map((r) => r.done));
  }

  #postedFile(id: string): string {
    return `${this.#ctx.dir}/files/.job-${id}.yaml`;
  }

  #pump(): void {
    while (!this.#closing && this.#running.size < this.#options.maxJobs && this.#queue.length) {
      const id = this.#queue.shift()!;
      const controller = new AbortController();
      const running: Running = { controller, done: Promise.resolve(), started: performance.now() };
      this.#running.set(id, running);
      running.done = this.#run(this.#jobs.get(id)!, running).finally(() => {
        this.#running.delete(id);
        this.#pump();
      });
    }
  }

  async #run(job: Job, running: Running): Promise<void> {
    job.status = "running";
    job.started_at = new Date().toISOString();
    await this.#save(job);
    const progress = this.#progressListener(job, running.started);
    const request = job.request;
    const input = job.source === "posted"
      ? this.#postedFile(job.id)
      : job.source === "workspace"
      ? (await resolveScenarioName(this.#ctx, request.scenario!)).url.pathname
      : request.scenario!;
    const signal = running.controller.signal;
    try {
      if (job.target !== null) {
        const target = this.#options.targets.get(job.target)!;
        const plan = await prepare(input, { ...planOptions(request), cwd: this.#ctx.dir });
        try {
          const result = await loadPlan(plan, target.url, {
            maxRows: this.#ctx.maxRows,
            ...(this.#options.allowRemoteDb ? { allowRemote: true } : {}),
            ...(request.replace ? { replace: true } : {}),
            ...(request.strict ? { strict: true } : {}),
            progress,
            signal,
          });
          job.database = {
            run_id: result.runId,
            tables: result.tables.map((t) => ({ name: t.name, rows: t.rows })),
          };
        } finally {
          plan.registry.close();
        }
      } else {
        const options: GenOptions = {
          ...planOptions(request),
          cwd: this.#ctx.dir,
          out: this.outDir(job.id),
          progress,
          signal,
          ...(request.report ? { report: true } : {}),
          ...(request.strict ? { strict: true } : {}),
          ...(request.compress ? { compress: parseCompress(request.compress) } : {}),
          ...(this.#options.workers ? { workers: this.#options.workers } : {}),
        };
        await gen(input, options);
        job.files = await listFiles(this.outDir(job.id));
      }
      this.#finish(job, "succeeded", null);
    } catch (e) {
      const reason = signal.reason;
      if (signal.aborted) {
        await this.#removeLeftovers(job.id);
        if (reason instanceof DOMException && reason.message === "shutdown") {
          this.#finish(job, "failed", {
            code: "interrupted",
            message: "Interrupted: the server stopped while the job was running; nothing was kept",
          });
        } else this.#finish(job, "cancelled", null);
      } else {
        const error: JobError = e instanceof ScenarioError
          ? { code: "invalid_scenario", message: e.message, issues: e.issues.map(toApiIssue) }
          : e instanceof FabricateError
          ? { code: e.exitCode === 2 ? "refused" : "failed", message: e.message }
          : e instanceof HttpError // the workspace scenario went away while queued
          ? { code: e.code, message: e.message }
          : { code: "failed", message: `Unexpected failure: ${(e as Error)?.message ?? e}` };
        if (!(e instanceof FabricateError) && !(e instanceof HttpError)) console.error(e);
        if (job.target !== null) {
          const target = this.#options.targets.get(job.target);
          if (target) error.message = redact(error.message, target);
        }
        await this.#removeLeftovers(job.id);
        this.#finish(job, "failed", error);
      }
    } finally {
      if (job.source === "posted") await Deno.remove(this.#postedFile(job.id)).catch(() => {});
      await this.#save(job).catch((e) => console.error(`Cannot save job ${job.id}: ${e}`));
    }
  }

  #finish(job: Job, status: JobStatus, error: JobError | null): void {
    job.status = status;
    job.finished_at = new Date().toISOString();
    job.error = error;
    job.progress.entity = null;
    job.progress.eta_seconds = status === "succeeded" ? 0 : null;
  }

  #progressListener(job: Job, started: number): ProgressListener {
    const p = job.progress;
    const update = () => {
      p.done = Object.values(p.entities).reduce((n, e) => n + e.done, 0);
      p.percent = p.total ? Math.round((p.done / p.total) * 1000) / 10 : 100;
      const secs = (performance.now() - started) / 1000;
      p.rows_per_second = secs > 0 ? Math.round(p.done / secs) : 0;
      p.eta_seconds = p.rows_per_second > 0
        ? Math.round(((p.total - p.done) / p.rows_per_second) * 10) / 10
        : null;
    };
    return {
      start(entity, total) {
        p.entity = entity;
        p.entities[entity] = { done: 0, total };
        update();
      },
      advance(entity, done) {
        const e = p.entities[entity];
        if (e) e.done = done;
        update();
      },
      end(entity, rows) {
        const e = p.entities[entity];
        if (e) e.done = e.total = rows;
        update();
      },
    };
  }

  /** Removes a job's output folder and any staging folder gen left. */
  async #removeLeftovers(id: string): Promise<void> {
    const dir = this.jobDir(id);
    try {
      for await (const e of Deno.readDir(dir)) {
        if (e.name === "out" || e.name.startsWith(".fabricate-")) {
          await Deno.remove(`${dir}/${e.name}`, { recursive: true }).catch(() => {});
        }
      }
    } catch {
      // no folder: nothing to remove
    }
  }

  async #save(job: Job): Promise<void> {
    const dir = this.jobDir(job.id);
    const tmp = `${dir}/.job.json.${crypto.randomUUID()}`;
    await Deno.writeTextFile(tmp, JSON.stringify(job, null, 2) + "\n");
    await Deno.rename(tmp, `${dir}/job.json`);
  }
}

/**
 * A new job id: 12 random bytes in base64url (16 characters).
 *
 * @returns The id.
 * @example
 * ```ts
 * import { JOB_ID, newJobId } from "./jobs.ts";
 * JOB_ID.test(newJobId()); // true
 * ```
 */
export function newJobId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

/**
 * A message with a target's URL (and its label, the URL without password)
 * replaced by the target's name: clients never see where a target is.
 *
 * @param message The message.
 * @param target The target.
 * @returns The message, redacted.
 * @example
 * ```ts
 * import { redact } from "./jobs.ts";
 * redact("Cannot connect to sqlite:/srv/dev.db", { name: "dev", kind: "sqlite", url: "sqlite:/srv/dev.db" });
 * // 'Cannot connect to target "dev"'
 * ```
 */
export function redact(message: string, target: ServeTarget): string {
  const parsed = parseTarget(target.url);
  const secrets = [target.url, parsed.label, parsed.password, parsed.file]
    .filter((s): s is string => typeof s === "string" && s.length > 0)
    .sort((a, b) => b.length - a.length);
  let out = message;
  for (const s of secrets) out = out.replaceAll(s, `target "${target.name}"`);
  return out;
}

/** The engine's plan options from a request. */
function planOptions(request: Omit<JobRequest, "yaml">): PlanOptions {
  const plan: PlanOptions = {};
  if (request.seed !== undefined) plan.seed = request.seed;
  if (request.counts) plan.counts = request.counts;
  if (request.multiplier !== undefined) plan.multiplier = request.multiplier;
  if (request.formats) plan.formats = request.formats;
  if (request.layout) plan.layout = request.layout;
  if (request.from !== undefined || request.to !== undefined) {
    plan.period = {
      ...(request.from !== undefined ? { from: request.from } : {}),
      ...(request.to !== undefined ? { to: request.to } : {}),
    };
  }
  return plan;
}

function parseCompress(s: string): { type: Compression; level?: number } {
  const [type, level] = s.split(":");
  return { type: type as Compression, ...(level !== undefined ? { level: Number(level) } : {}) };
}

/**
 * Checks posted scenario text before it is written anywhere: it must parse,
 * must not load plugins and may extend only built-in scenarios (a path or
 * URL there would read files or fetch). Run it, then save the text in the
 * workspace's `files/` folder, before loading a posted scenario: its data
 * files then resolve (and are confined) there.
 *
 * @param yaml The posted text.
 * @throws {HttpError} 422 `invalid_scenario` with located issues.
 * @example
 * ```ts ignore
 * await checkPostedScenario("name: x\nplugins: [./evil.ts]\n"); // throws a 422 naming plugins
 * ```
 */
export async function checkPostedScenario(yaml: string): Promise<void> {
  let doc;
  try {
    doc = parseSource("scenario.yaml", yaml);
  } catch (e) {
    scenarioFailure(e);
  }
  const value = doc!.value;
  if (!value || typeof value !== "object" || Array.isArray(value)) return; // loadScenario reports it
  const issues: ApiIssue[] = [];
  const at = (path: (string | number)[], key = false) => {
    const pos = doc!.locate(path, key);
    return pos ? { line: pos.line, column: pos.column } : {};
  };
  const v = value as Record<string, unknown>;
  if (v.plugins !== undefined) {
    issues.push({
      path: "plugins",
      ...at(["plugins"], true),
      message: "A scenario posted over HTTP cannot load plugins",
      hint: "remove plugins:, or run the scenario with fabricate gen on the command line",
    });
  }
  const names = await builtinScenarioNames();
  const bases = typeof v.extends === "string"
    ? [[v.extends, ["extends"]] as const]
    : Array.isArray(v.extends)
    ? v.extends.map((b, i) => [b, ["extends", i]] as const)
    : [];
  for (const [base, path] of bases) {
    if (typeof base === "string" && names.includes(base)) continue;
    issues.push({
      path: path.join("."),
      ...at([...path]),
      message: `A scenario posted over HTTP may extend only built-in scenarios, not "${base}"`,
      hint: didYouMean(String(base), names, "built-in scenarios"),
    });
  }
  if (issues.length) {
    throw new HttpError(422, "invalid_scenario", `Invalid scenario: ${issues[0]!.message}`, {
      field: "yaml",
      issues,
    });
  }
}

/** A ScenarioError (or a bad-input error while loading) as a 422. */
function scenarioFailure(e: unknown): never {
  if (e instanceof ScenarioError) {
    const n = e.issues.length;
    throw new HttpError(
      422,
      "invalid_scenario",
      `Invalid scenario: ${n} problem${n === 1 ? "" : "s"} found`,
      { issues: e.issues.map(toApiIssue) },
    );
  }
  if (e instanceof FabricateError && e.exitCode === 2) {
    const hint = (e as UsageError).hint;
    throw new HttpError(422, "invalid_request", e.message + (hint ? ` (${hint})` : ""));
  }
  throw e;
}

/**
 * A scenario issue as the API reports it.
 *
 * @param issue The issue.
 * @returns The API issue (path dotted, line and column kept).
 * @example
 * ```ts
 * import { toApiIssue } from "./jobs.ts";
 * toApiIssue({ path: ["entities", "a", "count"], line: 3, column: 12, message: "bad" }).path;
 * // "entities.a.count"
 * ```
 */
export function toApiIssue(issue: ScenarioIssue): ApiIssue {
  return {
    path: issue.path.join("."),
    message: issue.message,
    ...(issue.line !== undefined ? { line: issue.line } : {}),
    ...(issue.column !== undefined ? { column: issue.column } : {}),
    ...(issue.expected !== undefined ? { expected: issue.expected } : {}),
    ...(issue.hint !== undefined ? { hint: issue.hint } : {}),
  };
}

/**
 * The regular files below a folder (links and other kinds are skipped),
 * with the format named by the manifest where it lists the file.
 *
 * @param dir The folder.
 * @returns The files, by path.
 * @example
 * ```ts ignore
 * await listFiles("/srv/ws/jobs/abc/out"); // [{ path: "customers.csv", bytes: 1234, format: "csv" }, …]
 * ```
 */
export async function listFiles(dir: string): Promise<JobFile[]> {
  const formats = new Map<string, string>();
  try {
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
    const all = [
      ...Object.values(manifest.entities ?? {}).flatMap((e) =>
        (e as { files?: { path: string; format: string }[] }).files ?? []
      ),
      ...(manifest.files ?? []),
    ] as { path: string; format: string }[];
    for (const f of all) formats.set(f.path, f.format);
  } catch {
    // no manifest: formats from extensions
  }
  const out: JobFile[] = [];
  const walk = async (folder: string, prefix: string) => {
    for await (const e of Deno.readDir(folder)) {
      const path = prefix + e.name;
      if (e.isDirectory) await walk(`${folder}/${e.name}`, `${path}/`);
      else if (e.isFile) {
        const { size } = await Deno.lstat(`${folder}/${e.name}`);
        const ext = /\.([a-z0-9]+)(\.(gz|zst))?$/i.exec(e.name)?.[1]?.toLowerCase() ?? "";
        out.push({ path, bytes: size, format: formats.get(path) ?? ext });
      }
    }
  };
  await walk(dir, "");
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
