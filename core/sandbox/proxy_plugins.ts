/**
 * Stand-ins, in fabricate's process, for plugins that run in a Worker. The
 * kernel calls them like any plugin; each call becomes one message per batch
 * (never per row):
 *
 * - options are checked by the plugin's own zod schema in the Worker (a quick
 *   synchronous round trip), so problems are reported with file and line
 *   like any other scenario error;
 * - a generator answers whole columns (`FieldGenerator.column`): the Worker
 *   re-runs `value(row)` with the random stream reseeded exactly as the
 *   kernel does, so the output is byte-identical to running it in-process;
 * - a validator receives batches and returns issues;
 * - a formatter receives batches and streams bytes back.
 *
 * @module
 */
import { z } from "zod";
import { type PluginCallSite, PluginError, PluginInputError } from "../errors.ts";
import type {
  Batch,
  ColumnRequest,
  EntitySchema,
  FieldGenerator,
  FormatterPlugin,
  FormatterSetup,
  FormatterStream,
  GeneratorPlugin,
  GeneratorSetup,
  Plugin,
  PluginPermissions,
  ValidationIssue,
  ValidatorPlugin,
  ValidatorSetup,
} from "../types.ts";
import { packColumn, packColumns, type PackedColumn, unpackColumn } from "./columns.ts";
import { type PluginWorker, SandboxFailure } from "./plugin_worker.ts";
import { columnChecker, describeValue } from "./value_check.ts";
import type {
  GeneratorInfo,
  OptionsAnswer,
  OptionsIssue,
  PackedBatch,
  PluginMeta,
  RemoteError,
} from "./protocol.ts";

/** Options after the Worker checked them: a handle to the parsed value it keeps. */
interface OptionsHandle {
  readonly handle: number;
}

/**
 * Builds the in-process stand-in of a sandboxed plugin.
 *
 * @param meta What the Worker reported about the plugin.
 * @param worker The Worker it runs in.
 * @returns A plugin the kernel can register and call.
 * @example
 * ```ts ignore
 * registry.add(proxyPlugin(meta, worker), source);
 * ```
 */
export function proxyPlugin(meta: PluginMeta, worker: PluginWorker): Plugin {
  const base = {
    name: meta.name,
    version: meta.version,
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    options: optionsSchema(meta, worker),
    permissions: meta.permissions satisfies PluginPermissions,
  };
  if (meta.kind === "generator") {
    return {
      ...base,
      kind: "generator",
      create: (options, setup) => createGenerator(meta, worker, options as OptionsHandle, setup),
    } satisfies GeneratorPlugin<unknown>;
  }
  if (meta.kind === "validator") {
    return {
      ...base,
      kind: "validator",
      scope: meta.scope ?? "field",
      create: (options, setup) => createValidator(meta, worker, options as OptionsHandle, setup),
    } satisfies ValidatorPlugin<unknown>;
  }
  return {
    ...base,
    kind: "formatter",
    extension: meta.extension ?? meta.name,
    ...(meta.multiEntity ? { multiEntity: true } : {}),
    ...(meta.binary ? { binary: true } : {}),
    create: (options, setup) => createFormatter(meta, worker, options as OptionsHandle, setup),
  } satisfies FormatterPlugin<unknown>;
}

/**
 * A schema that accepts anything in fabricate's process and asks the Worker
 * to check it with the plugin's own schema. Its output is a handle to the
 * parsed options, which stay in the Worker (transforms and defaults applied
 * there, exactly once). Carries the plugin's JSON Schema for `fabricate schema`.
 */
function optionsSchema(meta: PluginMeta, worker: PluginWorker): z.ZodType<OptionsHandle> {
  return z.unknown().transform((raw, ctx): OptionsHandle => {
    let answer: OptionsAnswer;
    try {
      answer = worker.callSync<OptionsAnswer>({
        op: "options",
        plugin: meta.name,
        kind: meta.kind,
        raw,
      });
    } catch (e) {
      answer = { ok: false, error: { name: "Error", message: (e as Error).message } };
    }
    if (answer.ok) return { handle: answer.handle };
    if ("error" in answer) {
      ctx.addIssue({
        code: "custom",
        message: `Cannot check the options of plugin "${meta.name}": ${answer.error.message}`,
      });
    } else {
      for (const issue of answer.issues) {
        ctx.addIssue({
          code: "custom",
          path: [...issue.path],
          message: issue.message,
          params: { fabricate: issue satisfies OptionsIssue },
        });
      }
    }
    return z.NEVER;
  }).meta(describable(meta.schema)) as unknown as z.ZodType<OptionsHandle>;
}

/**
 * The plugin's JSON Schema as zod metadata. Without `id`: zod's registry
 * keeps ids unique per process, and the same plugin may be loaded again.
 */
function describable(schema: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, $id: _$id, ...rest } = schema;
  return rest;
}

/** A message for a failure inside the sandbox, with a hint when it was a denial. */
function failureMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const denied = e instanceof SandboxFailure &&
    (e.remote?.name === "NotCapable" || /^Requires \w+ access to/.test(message));
  if (!denied) return message;
  return `${
    message.replace(/, run again with the --allow-\w+ flag/, "")
  } (denied by the sandbox: a plugin may touch only what it declares and you grant; see fabricate plugins)`;
}

/** The plugin's own error, as the kernel's wrappers expect: message and class name kept. */
function remoteCause(e: unknown): Error {
  const err = new Error(failureMessage(e));
  if (e instanceof SandboxFailure && e.remote) err.name = e.remote.name;
  return err;
}

/** The error for a failed `create`: a located scenario problem, or the plugin's own error. */
function createFailure(e: unknown): Error {
  const remote: RemoteError | undefined = e instanceof SandboxFailure ? e.remote : undefined;
  if (remote?.name === "PluginInputError") {
    return new PluginInputError(remote.message, {
      ...(remote.hint !== undefined ? { hint: remote.hint } : {}),
      ...(remote.expected !== undefined ? { expected: remote.expected } : {}),
      ...(remote.path !== undefined ? { path: remote.path } : {}),
    });
  }
  return remoteCause(e);
}

function entitiesOf(setup: { entities: ReadonlyMap<string, { fields: readonly string[] }> }) {
  return [...setup.entities].map(([name, info]): [string, string[]] => [name, [...info.fields]]);
}

function countsOf(
  setup: { entities: ReadonlyMap<string, unknown>; count(entity: string): number },
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of setup.entities.keys()) {
    try {
      counts[name] = setup.count(name);
    } catch {
      // An entity whose count is not known yet is simply not offered.
    }
  }
  return counts;
}

async function createGenerator(
  meta: PluginMeta,
  worker: PluginWorker,
  options: OptionsHandle,
  setup: GeneratorSetup,
): Promise<FieldGenerator> {
  let answer: { instance: number; info?: GeneratorInfo };
  try {
    answer = await worker.call({
      op: "create",
      plugin: meta.name,
      kind: "generator",
      handle: options.handle,
      setup: {
        entity: setup.entity,
        field: setup.field,
        locale: setup.locale,
        seed: setup.seed,
        referenceDate: setup.referenceDate.toISOString(),
        entities: entitiesOf(setup),
        counts: countsOf(setup),
      },
    });
  } catch (e) {
    throw createFailure(e);
  }
  const { instance, info = {} } = answer;
  const TYPES = ["string", "integer", "number", "boolean", "date", "datetime", "uuid", "json"];
  if (info.type !== undefined && !TYPES.includes(info.type)) {
    throw new Error(
      `create() declared the type ${JSON.stringify(info.type)}; expected one of ${
        TYPES.join(", ")
      }`,
    );
  }
  const type = info.type ?? "string";
  const nullable = info.nullable === true;
  const site = (row: number, hook: string): PluginCallSite => ({
    plugin: meta.name,
    hook,
    entity: setup.entity,
    field: setup.field,
    row,
  });
  const ask = (request: ColumnRequest): Promise<PackedColumn> => {
    const transfer: ArrayBuffer[] = [];
    const uses: Record<string, PackedColumn> = {};
    for (const [name, values] of Object.entries(request.uses)) {
      uses[name] = packColumn(values, transfer);
    }
    return worker.call<PackedColumn>({
      op: "column",
      instance,
      key: request.key,
      start: request.start,
      length: request.length,
      attempt: request.attempt,
      uses,
    }, transfer);
  };
  // The kernel asks for the next batch while the Worker computes this one
  // (core/batches.ts), so the Worker's time overlaps fabricate's.
  const check = columnChecker(type, nullable);
  return {
    ...info,
    value(): never {
      throw new Error(
        `"${meta.name}" runs sandboxed, so it answers whole batches, not single rows (as an anomaly's set or a parent row needs); trust it (--trust-plugin) to use it there`,
      );
    },
    async column(request: ColumnRequest): Promise<unknown[]> {
      let packed: PackedColumn;
      try {
        packed = await ask(request);
      } catch (e) {
        const remote = e instanceof SandboxFailure ? e.remote : undefined;
        // A PluginError passes through the engine as is: it names the exact row.
        throw new PluginError(
          site(remote?.row ?? request.start, remote?.hook ?? "column"),
          remoteCause(e),
        );
      }
      // Checked here, on the host: the plugin's side of the boundary is its own.
      let values: unknown[];
      try {
        values = unpackColumn(packed);
      } catch (e) {
        throw new PluginError(
          site(request.start, "column"),
          new TypeError(`answered ${(e as Error).message} (checked by fabricate)`),
        );
      }
      const problem = Array.isArray(values) && values.length === request.length
        ? undefined
        : `answered ${
          Array.isArray(values) ? `${values.length} values` : describeValue(values)
        }; expected ${request.length} values`;
      if (problem) {
        throw new PluginError(
          site(request.start, "column"),
          new TypeError(`${problem} (checked by fabricate)`),
        );
      }
      const wrong = check(values);
      if (wrong) {
        throw new PluginError(
          site(request.start + wrong.index, "column"),
          new TypeError(`${wrong.problem} (checked by fabricate)`),
        );
      }
      return values;
    },
  };
}

function packBatch(batch: Batch, transfer: ArrayBuffer[]): PackedBatch {
  return {
    entity: batch.entity,
    start: batch.start,
    length: batch.length,
    fields: batch.fields,
    columns: packColumns(batch.columns, transfer),
  };
}

async function createValidator(
  meta: PluginMeta,
  worker: PluginWorker,
  options: OptionsHandle,
  setup: ValidatorSetup,
): Promise<{
  check(batch: Batch): Promise<ValidationIssue[]>;
  finish(): Promise<ValidationIssue[]>;
}> {
  const refs: Record<string, { entity: string; field: string }> = {};
  for (const [entity, info] of setup.entities) {
    for (const field of info.fields) {
      const ref = setup.refOf(entity, field);
      if (ref) refs[`${entity}.${field}`] = { entity: ref.entity, field: ref.field };
    }
  }
  let instance: number;
  try {
    ({ instance } = await worker.call<{ instance: number }>({
      op: "create",
      plugin: meta.name,
      kind: "validator",
      handle: options.handle,
      setup: {
        entity: setup.entity,
        ...(setup.field !== undefined ? { field: setup.field } : {}),
        entities: entitiesOf(setup),
        counts: countsOf(setup),
        refs,
      },
    }));
  } catch (e) {
    throw createFailure(e);
  }
  return {
    async check(batch) {
      const transfer: ArrayBuffer[] = [];
      try {
        return await worker.call<ValidationIssue[]>(
          { op: "check", instance, batch: packBatch(batch, transfer) },
          transfer,
        );
      } catch (e) {
        throw remoteCause(e);
      }
    },
    async finish() {
      try {
        return await worker.call<ValidationIssue[]>({ op: "finish", instance });
      } catch (e) {
        throw remoteCause(e);
      }
    },
  };
}

async function createFormatter(
  meta: PluginMeta,
  worker: PluginWorker,
  options: OptionsHandle,
  setup: FormatterSetup,
): Promise<FormatterStream> {
  let instance: number;
  try {
    ({ instance } = await worker.call<{ instance: number }>({
      op: "create",
      plugin: meta.name,
      kind: "formatter",
      handle: options.handle,
      setup: { scenario: setup.scenario, layout: setup.layout, entities: [...setup.entities] },
    }));
  } catch (e) {
    throw createFailure(e);
  }
  type Hook = "start" | "beginEntity" | "write" | "endEntity" | "finish";
  const hook = async (
    name: Hook,
    entity?: EntitySchema,
    batch?: Batch,
  ): Promise<Uint8Array | undefined> => {
    const transfer: ArrayBuffer[] = [];
    try {
      const chunk = await worker.call<Uint8Array | null>({
        op: "format",
        instance,
        hook: name,
        ...(entity ? { entity } : {}),
        ...(batch ? { batch: packBatch(batch, transfer) } : {}),
      }, transfer);
      return chunk ?? undefined;
    } catch (e) {
      // Named here, with the batch it concerns: it may surface one call later (see below).
      throw new PluginError({
        plugin: meta.name,
        hook: name,
        ...(entity ? { entity: entity.name } : {}),
        ...(batch ? { row: batch.start } : {}),
      }, remoteCause(e));
    }
  };
  // Pipelined: write() sends its batch and returns the previous batch's bytes,
  // so the Worker formats batch N while fabricate generates batch N + 1. Output
  // is a concatenation, so the bytes still land in order; any other hook first
  // collects the write still in flight.
  let inFlight: Promise<Uint8Array | undefined> | undefined;
  const collect = async (): Promise<Uint8Array | undefined> => {
    const pending = inFlight;
    inFlight = undefined;
    return pending ? await pending : undefined;
  };
  const after = async (name: Hook, entity?: EntitySchema) => {
    const earlier = await collect();
    const chunk = await hook(name, entity);
    return join(earlier, chunk);
  };
  return {
    start: () => after("start"),
    beginEntity: (entity) => after("beginEntity", entity),
    write: async (batch, entity) => {
      const sent = hook("write", entity, batch);
      sent.catch(() => {}); // reported when collected
      const earlier = await collect();
      inFlight = sent;
      return earlier;
    },
    endEntity: (entity) => after("endEntity", entity),
    finish: () => after("finish"),
  };
}

function join(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
