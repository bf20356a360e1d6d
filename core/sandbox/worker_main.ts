/**
 * The bootstrap of a sandboxed plugin's Worker. fabricate starts this
 * module in a Worker whose Deno permissions are exactly what the plugin
 * declared and the user granted (plus read on the plugin's own module
 * files, to import them); the module imports the plugin by a computed URL and answers
 * the host's messages (see `protocol.ts`), one per batch.
 *
 * Two facts of Deno shape this file:
 * - A Worker's main-module graph is loaded with the *parent's* permissions
 *   (even literal `import("https://…")` inside it), so plugin code must
 *   never be part of it: the plugin is imported at run time, by a computed
 *   specifier, and its graph is then loaded with the Worker's own
 *   permissions.
 * - A module already in the Worker's module map is not read again. Importing
 *   fabricate's `mod.ts` here lets a plugin import `definePlugin`, `z` and
 *   `PluginInputError` from it without read access to fabricate's folder.
 *
 * @module
 */
import "../../mod.ts";
import { z } from "zod";
import { pluginProblem } from "../define_plugin.ts";
import { Random } from "../random.ts";
import { issuesFromZod } from "../zod_issues.ts";
import type {
  Batch,
  BatchValidator,
  EntityInfo,
  FieldGenerator,
  FieldType,
  FormatterPlugin,
  FormatterStream,
  GeneratorPlugin,
  Plugin,
  RowContext,
  ValidationIssue,
  ValidatorPlugin,
} from "../types.ts";
import { packColumn, type PackedColumn, unpackColumn } from "./columns.ts";
import type {
  Answer,
  GeneratorSetupData,
  OptionsAnswer,
  PackedBatch,
  PermissionLists,
  PluginMeta,
  RemoteError,
  Request,
  ValidatorSetupData,
} from "./protocol.ts";
import { SYNC } from "./protocol.ts";
import { describeValue, isJson, valueProblem } from "./value_check.ts";

/** The parts of a Worker's global scope this module uses. */
interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  close(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  addEventListener(type: string, listener: (e: Event) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

// ---------------------------------------------------------------------------
// Hardening, before any plugin code runs.

/** Tells the host this Worker is going away, so pending calls fail at once. */
function crash(reason: string): void {
  // The host may be blocked waiting for a synchronous answer: give it one.
  if (syncWaiting) answerSync({ ok: false, error: { name: "Error", message: reason } });
  scope.postMessage({ id: -1, crash: reason } satisfies Answer);
}

const realExit = Deno.exit;
const realClose = scope.close.bind(scope);
Object.defineProperty(Deno, "exit", {
  value: (code?: number): never => {
    crash(`the plugin called Deno.exit(${code ?? ""})`);
    return realExit(code);
  },
  writable: false,
  configurable: false,
});
Object.defineProperty(globalThis, "close", {
  value: () => {
    crash("the plugin called self.close()");
    realClose();
  },
  writable: false,
  configurable: false,
});
// A plugin may not ask the user for more: a request answers with what it has.
// (Deno still prompts on a denied access when fabricate runs on a terminal
// without --no-prompt, which is why fabricate's own command lines pass it.)
const permissions = Deno.permissions;
Object.defineProperty(permissions, "request", {
  value: (d: Deno.PermissionDescriptor) => permissions.query(d),
  writable: false,
  configurable: false,
});
Object.defineProperty(permissions, "requestSync", {
  value: (d: Deno.PermissionDescriptor) => permissions.querySync(d),
  writable: false,
  configurable: false,
});
// stdout may carry the data itself (`--out -`): a plugin's prints go to stderr.
Object.defineProperty(Deno, "stdout", { value: Deno.stderr, writable: false, configurable: false });
for (const name of ["log", "info", "debug"] as const) {
  Object.defineProperty(console, name, {
    value: console.error.bind(console),
    writable: false,
    configurable: false,
  });
}
scope.addEventListener("error", (e) => {
  e.preventDefault();
  crash(`uncaught ${describeError((e as ErrorEvent).error ?? (e as ErrorEvent).message)}`);
});
scope.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  crash(`unhandled rejection: ${describeError((e as PromiseRejectionEvent).reason)}`);
});

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

// ---------------------------------------------------------------------------
// State.

const plugins = new Map<string, Plugin>();
/** Validated options, by handle (the host holds only the handle). */
const handles = new Map<number, unknown>();
let nextHandle = 1;

interface GeneratorInstance {
  kind: "generator";
  gen: FieldGenerator;
  row: SandboxRow;
  type: FieldType;
  nullable: boolean;
}
interface ValidatorInstance {
  kind: "validator";
  validator: BatchValidator;
}
interface FormatterInstance {
  kind: "formatter";
  stream: FormatterStream;
}
type Instance = GeneratorInstance | ValidatorInstance | FormatterInstance;
const instances = new Map<number, Instance>();
let nextInstance = 1;
let sync: SharedArrayBuffer | undefined;
let syncWaiting = false;
const encoder = new TextEncoder();

/** A row as a sandboxed generator sees it: like the kernel's, minus lookups. */
class SandboxRow implements RowContext {
  index = 0;
  attempt = 0;
  start = 0;
  readonly random = new Random();
  uses: Record<string, unknown[]> = {};

  get(field: string): unknown {
    const column = this.uses[field];
    if (column === undefined) {
      throw new Error(`"${field}" is not a field this generator declared in "uses"`);
    }
    return column[this.index - this.start];
  }

  lookup(refField: string, parentField: string): unknown {
    throw new Error(
      `row.lookup("${refField}", "${parentField}") is not available to sandboxed plugins (parent rows stay in fabricate's process); read a field of the same row with uses/row.get, or trust the plugin to run it in-process`,
    );
  }
}

// ---------------------------------------------------------------------------
// Operations.

async function load(url: string): Promise<PluginMeta[]> {
  const module = await import(url) as Record<string, unknown>;
  const exported = module.default;
  if (exported === undefined) throw new Error("module has no default export");
  const metas: PluginMeta[] = [];
  for (const value of Array.isArray(exported) ? exported : [exported]) {
    const problem = pluginProblem(value);
    if (problem) throw new Error(problem);
    const plugin = value as Plugin;
    plugins.set(`${plugin.kind}:${plugin.name}`, plugin);
    metas.push({
      name: plugin.name,
      kind: plugin.kind,
      version: plugin.version,
      ...(typeof plugin.description === "string" ? { description: plugin.description } : {}),
      permissions: declared(plugin),
      ...(plugin.kind === "formatter"
        ? {
          extension: plugin.extension,
          multiEntity: plugin.multiEntity === true,
          binary: plugin.binary === true,
        }
        : {}),
      ...(plugin.kind === "validator" ? { scope: plugin.scope } : {}),
      schema: jsonSchema(plugin.options),
    });
  }
  return metas;
}

function declared(plugin: Plugin): PermissionLists {
  const p = (plugin.permissions ?? {}) as Record<string, unknown>;
  const list = (key: "read" | "net" | "env"): string[] => {
    const v = p[key] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      throw new Error(
        `plugin "${plugin.name}" declares permissions.${key} that is not a list of strings`,
      );
    }
    return v as string[];
  };
  return { read: list("read"), net: list("net"), env: list("env") };
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  try {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >;
    delete json.$schema;
    return json;
  } catch {
    return {};
  }
}

function pluginOf(kind: string, name: string): Plugin {
  const plugin = plugins.get(`${kind}:${name}`);
  if (!plugin) throw new Error(`No ${kind} "${name}" in this sandbox`);
  return plugin;
}

function checkOptions(kind: string, name: string, raw: unknown): OptionsAnswer {
  const plugin = pluginOf(kind, name);
  const parsed = plugin.options.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: issuesFromZod(parsed.error, raw, [], plugin.options).map((i) => ({
        path: i.path,
        message: i.message,
        ...(i.expected ? { expected: i.expected } : {}),
        ...(i.hint ? { hint: i.hint } : {}),
        ...(i.atKey ? { atKey: true } : {}),
      })),
    };
  }
  const handle = nextHandle++;
  handles.set(handle, parsed.data);
  return { ok: true, handle };
}

function optionsOf(handle: number): unknown {
  if (!handles.has(handle)) throw new Error(`Unknown options handle ${handle}`);
  return handles.get(handle);
}

function entityMap(entities: [string, string[]][]): Map<string, EntityInfo> {
  return new Map(entities.map(([name, fields]) => [name, { name, fields }]));
}

function countOf(counts: Record<string, number>) {
  return (entity: string): number => {
    const n = counts[entity];
    if (n === undefined) throw new Error(`Unknown entity "${entity}"`);
    return n;
  };
}

function noValueAt(): never {
  throw new Error(
    "valueAt() is not available to sandboxed plugins (rows of other entities stay in fabricate's process); trust the plugin to run it in-process",
  );
}

async function create(
  kind: string,
  name: string,
  handle: number,
  setup: unknown,
): Promise<{ instance: number; info?: Record<string, unknown> }> {
  const plugin = pluginOf(kind, name);
  const options = optionsOf(handle);
  const instance = nextInstance++;
  if (plugin.kind === "generator") {
    const s = setup as GeneratorSetupData;
    const gen = await (plugin as GeneratorPlugin).create(options, {
      entity: s.entity,
      field: s.field,
      locale: s.locale,
      seed: s.seed,
      referenceDate: new Date(s.referenceDate),
      entities: entityMap(s.entities),
      count: countOf(s.counts),
      valueAt: noValueAt,
    });
    if (typeof gen?.value !== "function") {
      throw new Error("create() must return an object with a value(row) function");
    }
    if (gen.ref || gen.lookups?.length) {
      throw new Error(
        "a sandboxed generator cannot be a foreign key or read parent rows (ref, lookups): parent rows stay in fabricate's process; trust the plugin to run it in-process",
      );
    }
    const info = {
      ...(gen.type !== undefined ? { type: gen.type } : {}),
      ...(gen.uses !== undefined ? { uses: [...gen.uses] } : {}),
      ...(gen.nullable !== undefined ? { nullable: gen.nullable } : {}),
      ...(gen.cardinality !== undefined ? { cardinality: gen.cardinality } : {}),
      ...(gen.distinct !== undefined ? { distinct: gen.distinct } : {}),
    };
    instances.set(instance, {
      kind: "generator",
      gen,
      row: new SandboxRow(),
      type: gen.type ?? "string",
      nullable: gen.nullable === true,
    });
    return { instance, info };
  }
  if (plugin.kind === "validator") {
    const s = setup as ValidatorSetupData;
    const validator = await (plugin as ValidatorPlugin).create(options, {
      entity: s.entity,
      ...(s.field !== undefined ? { field: s.field } : {}),
      entities: entityMap(s.entities),
      refOf: (e, f) => s.refs[`${e}.${f}`],
      count: countOf(s.counts),
      valueAt: noValueAt,
    });
    if (typeof validator?.check !== "function") {
      throw new Error("create() must return an object with a check(batch) function");
    }
    instances.set(instance, { kind: "validator", validator });
    return { instance };
  }
  const stream = await (plugin as FormatterPlugin).create(
    options,
    setup as Parameters<FormatterPlugin["create"]>[1],
  );
  if (typeof stream?.write !== "function") {
    throw new Error("create() must return an object with write()");
  }
  instances.set(instance, { kind: "formatter", stream });
  return { instance };
}

function instanceOf<K extends Instance["kind"]>(
  id: number,
  kind: K,
): Extract<Instance, { kind: K }> {
  const inst = instances.get(id);
  if (!inst || inst.kind !== kind) throw new Error(`Unknown ${kind} instance ${id}`);
  return inst as Extract<Instance, { kind: K }>;
}

/** A failure that concerns one row and a hook other than the one called. */
class RowFailure extends Error {
  constructor(readonly inner: unknown, readonly row: number, readonly hook: string) {
    super(inner instanceof Error ? inner.message : String(inner));
    this.name = inner instanceof Error ? inner.name : "Error";
  }
}

async function column(
  req: Extract<Request, { op: "column" }>,
  transfer: ArrayBuffer[],
): Promise<PackedColumn> {
  const inst = instanceOf(req.instance, "generator");
  const { gen, row } = inst;
  row.start = req.start;
  row.attempt = req.attempt;
  row.uses = Object.fromEntries(
    Object.entries(req.uses).map(([name, packed]) => [name, unpackColumn(packed)]),
  );
  let out: unknown;
  if (gen.column) {
    try {
      out = await gen.column({
        key: req.key,
        start: req.start,
        length: req.length,
        attempt: req.attempt,
        uses: row.uses,
      });
    } catch (e) {
      throw new RowFailure(e, req.start, "column");
    }
    if (!Array.isArray(out) || out.length !== req.length) {
      throw new RowFailure(
        new Error(
          `column() returned ${
            Array.isArray(out) ? `${out.length} values` : describeValue(out)
          }; expected ${req.length} values`,
        ),
        req.start,
        "column",
      );
    }
  } else {
    const values = new Array<unknown>(req.length);
    // The row being computed, where the host can read it if this never returns.
    const words = sync ? new Int32Array(sync) : undefined;
    for (let k = 0; k < req.length; k++) {
      const i = req.start + k;
      if (words) Atomics.store(words, SYNC.row, i);
      row.random.reseed(req.key, i);
      row.index = i;
      try {
        values[k] = gen.value(row);
      } catch (e) {
        throw new RowFailure(e, i, "value");
      }
    }
    if (words) Atomics.store(words, SYNC.row, -1);
    out = values;
  }
  const values = out as unknown[];
  for (let k = 0; k < values.length; k++) {
    const problem = valueProblem(values[k], inst.type, inst.nullable);
    if (problem) {
      throw new RowFailure(new TypeError(problem), req.start + k, gen.column ? "column" : "value");
    }
  }
  return packColumn(values, transfer);
}

function unpackBatch(b: PackedBatch): Batch {
  return {
    entity: b.entity,
    start: b.start,
    length: b.length,
    fields: b.fields,
    columns: b.columns.map(unpackColumn),
  };
}

function checkedIssues(issues: unknown, hook: string): ValidationIssue[] {
  if (!Array.isArray(issues)) throw new Error(`${hook}() must return an array of issues`);
  return issues.map((raw, k) => {
    const i = raw as Partial<ValidationIssue> | null;
    if (typeof i?.row !== "number" || typeof i.message !== "string") {
      throw new Error(
        `${hook}() returned an issue without a row number and a message (issue ${k})`,
      );
    }
    return {
      row: i.row,
      message: i.message,
      ...(typeof i.field === "string" ? { field: i.field } : {}),
      ...(i.value !== undefined && isJson(i.value, 0) ? { value: i.value } : {}),
    };
  });
}

async function format(
  req: Extract<Request, { op: "format" }>,
  transfer: ArrayBuffer[],
): Promise<Uint8Array | null> {
  const { stream } = instanceOf(req.instance, "formatter");
  let chunk: unknown;
  switch (req.hook) {
    case "start":
      chunk = await stream.start?.();
      break;
    case "beginEntity":
      chunk = await stream.beginEntity?.(req.entity!);
      break;
    case "write":
      chunk = await stream.write(unpackBatch(req.batch!), req.entity!);
      break;
    case "endEntity":
      chunk = await stream.endEntity?.(req.entity!);
      break;
    case "finish":
      chunk = await stream.finish?.();
      instances.delete(req.instance);
      break;
  }
  if (chunk === undefined) return null;
  let bytes: Uint8Array;
  if (typeof chunk === "string") bytes = encoder.encode(chunk);
  else if (chunk instanceof Uint8Array) bytes = chunk.slice();
  else {
    throw new TypeError(
      `${req.hook}() returned ${describeValue(chunk)}; expected a string or Uint8Array`,
    );
  }
  transfer.push(bytes.buffer as ArrayBuffer);
  return bytes;
}

// ---------------------------------------------------------------------------
// Dispatch.

function remoteError(e: unknown): RemoteError {
  const err = e instanceof Error ? e : new Error(String(e));
  const out: RemoteError = { name: err.name, message: err.message };
  if (e instanceof RowFailure) {
    out.row = e.row;
    out.hook = e.hook;
  }
  const details = (e instanceof RowFailure ? e.inner : e) as Record<string, unknown>;
  if (err.name === "PluginInputError") {
    if (typeof details.hint === "string") out.hint = details.hint;
    if (typeof details.expected === "string") out.expected = details.expected;
    if (Array.isArray(details.path)) out.path = details.path as (string | number)[];
  }
  return out;
}

function answerSync(answer: OptionsAnswer): void {
  syncWaiting = false;
  const buffer = sync!;
  let bytes = encoder.encode(JSON.stringify(answer));
  if (bytes.length > SYNC.size - SYNC.offset) {
    bytes = encoder.encode(JSON.stringify(
      {
        ok: false,
        error: { name: "Error", message: "the options check answered more than 1 MB" },
      } satisfies OptionsAnswer,
    ));
  }
  new Uint8Array(buffer, SYNC.offset, bytes.length).set(bytes);
  const words = new Int32Array(buffer);
  Atomics.store(words, SYNC.length, bytes.length);
  Atomics.store(words, SYNC.state, 1);
  Atomics.notify(words, SYNC.state);
}

/** Requests run one after another, in the order sent, even when a hook awaits. */
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (e: MessageEvent) => {
  const { id, ...req } = e.data as Request & { id: number };
  if (req.op === "options") {
    let answer: OptionsAnswer;
    syncWaiting = true;
    try {
      answer = checkOptions(req.kind, req.plugin, req.raw);
    } catch (err) {
      answer = { ok: false, error: remoteError(err) };
    }
    answerSync(answer);
    return;
  }
  queue = queue.then(() => handle(id, req));
};

async function handle(id: number, req: Request): Promise<void> {
  const transfer: ArrayBuffer[] = [];
  let answer: Answer;
  try {
    let ok: unknown;
    switch (req.op) {
      case "load":
        sync = req.sync;
        ok = await load(req.url);
        break;
      case "create":
        ok = await create(req.kind, req.plugin, req.handle, req.setup);
        break;
      case "column":
        ok = await column(req, transfer);
        break;
      case "check":
        ok = checkedIssues(
          await instanceOf(req.instance, "validator").validator.check(unpackBatch(req.batch)),
          "check",
        );
        break;
      case "finish": {
        const { validator } = instanceOf(req.instance, "validator");
        ok = checkedIssues((await validator.finish?.()) ?? [], "finish");
        break;
      }
      case "format":
        ok = await format(req, transfer);
        break;
    }
    answer = { id, ok };
  } catch (err) {
    answer = { id, error: remoteError(err) };
    transfer.length = 0;
  }
  try {
    scope.postMessage(answer, transfer);
  } catch (err) {
    // Something the plugin returned cannot be cloned; say so rather than hang.
    scope.postMessage({ id, error: remoteError(err) } satisfies Answer);
  }
}
