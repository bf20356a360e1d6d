/**
 * The body of a generation Worker (`--workers N`). It loads the same
 * scenario with the same options as the main thread (importing only the
 * built-in plugins named), builds its own {@linkcode World} and runs the
 * tasks it is sent with a {@linkcode TaskRunner} (core/gen_task.ts), one at
 * a time and in order; tasks sent before it has loaded wait for it.
 *
 * Protocol: see {@linkcode WorkerRequest} and {@linkcode WorkerReply}.
 *
 * @module
 */
import type { PrepareOptions } from "./gen.ts";
import { World } from "./engine.ts";
import { FabricateError, PluginError, ScenarioError } from "./errors.ts";
import { loadScenario, locateAll } from "./load_scenario.ts";
import { registryFor } from "./registry.ts";
import { compile } from "./compile.ts";
import { scenarioPluginIssues } from "./sandbox/policy.ts";
import { type BatchResult, type GenTask, TaskRunner } from "./gen_task.ts";

/** What the main thread sends. */
export type WorkerRequest =
  | {
    readonly type: "init";
    readonly input: string | Record<string, unknown>;
    readonly options: PrepareOptions;
    /** fabricate's own plugin modules the plan uses (the others are not loaded); all when absent. */
    readonly builtins: readonly string[] | undefined;
  }
  | ({ readonly type: "task" } & GenTask);

/** A failure, as plain data. */
export interface WorkerFailure {
  readonly message: string;
  readonly exitCode: number;
  readonly site?: PluginError["site"];
  readonly cause?: string;
}

/** What a Worker answers. */
export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly id: number; readonly batches: BatchResult[] }
  | { readonly type: "error"; readonly id?: number; readonly error: WorkerFailure };

/** The parts of a Worker's global scope this module uses. */
interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

/**
 * Turns an error into data the main thread can rebuild.
 *
 * @param e What was thrown.
 * @returns The failure.
 * @example
 * ```ts
 * import { describeFailure } from "./gen_worker.ts";
 * describeFailure(new Error("boom")).message; // "boom"
 * ```
 */
export function describeFailure(e: unknown): WorkerFailure {
  if (e instanceof PluginError) {
    const cause = e.cause instanceof Error ? e.cause.message : String(e.cause);
    return { message: e.message, exitCode: e.exitCode, site: e.site, cause };
  }
  if (e instanceof FabricateError) return { message: e.message, exitCode: e.exitCode };
  return { message: e instanceof Error ? e.message : String(e), exitCode: 1 };
}

let ready: Promise<TaskRunner> | undefined;
// Tasks run one at a time, in the order they came (they may come before the scenario is loaded).
let queue: Promise<void> = Promise.resolve();

/**
 * Plans the run as the main thread did (it has checked the scenario), with
 * only the built-in plugins the plan uses.
 */
async function load(
  input: string | Record<string, unknown>,
  options: PrepareOptions,
  builtins: readonly string[] | undefined,
): Promise<TaskRunner> {
  const cwd = options.cwd ?? Deno.cwd();
  const loaded = await loadScenario(input, { cwd });
  const refused = scenarioPluginIssues(loaded.scenario.plugins, loaded.baseUrl, cwd);
  if (refused.length) throw new ScenarioError(locateAll(refused, loaded.locate));
  const plan = async (only?: readonly string[]) => {
    const registry = await registryFor(loaded.scenario.plugins, loaded.baseUrl, cwd, {
      ...(options.policy ? { policy: options.policy } : {}),
      ...(only ? { builtins: only } : {}),
    });
    try {
      return await compile(loaded, registry, options);
    } catch (e) {
      registry.close();
      throw e;
    }
  };
  // The built-ins named may be a guess (a Worker started before the main thread planned).
  const planned = builtins ? await plan(builtins).catch(() => plan()) : await plan();
  return new TaskRunner(planned, new World(planned));
}

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === "init") {
    ready = load(request.input, request.options, request.builtins);
    ready.then(
      () => reply({ type: "ready" }),
      (e) => reply({ type: "error", error: describeFailure(e) }),
    );
    return;
  }
  queue = queue.then(async () => {
    try {
      const batches = await (await ready!).run(request);
      const transfer = new Set(batches.flatMap((b) => (b.chunks ?? []).map((c) => c.buffer)));
      reply({ type: "done", id: request.id, batches }, [...transfer] as ArrayBuffer[]);
    } catch (e) {
      reply({ type: "error", id: request.id, error: describeFailure(e) });
    }
  });
};
