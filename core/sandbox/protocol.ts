/**
 * The messages between fabricate and a sandboxed plugin's Worker. One
 * request per batch (never per row); every request carries an `id` that its
 * answer repeats. Shared by both sides so they cannot drift apart.
 *
 * @module
 */
import type { DocPath } from "../errors.ts";
import type { EntitySchema, FieldType, PluginKind, ValidationIssue } from "../types.ts";
import type { PackedColumn } from "./columns.ts";

/** Permissions as a plugin declares them, as plain lists. */
export interface PermissionLists {
  /** Paths (or `*`: whatever the user grants). */
  read: string[];
  /** Hosts with optional port (or `*`). */
  net: string[];
  /** Environment variable names (or `*`). */
  env: string[];
}

/** What the host learns about each plugin a sandboxed module exports. */
export interface PluginMeta {
  /** The plugin's name. */
  name: string;
  /** Its kind. */
  kind: PluginKind;
  /** Its version. */
  version: string;
  /** Its one-line description. */
  description?: string;
  /** What it declares it needs, as written (read paths not yet resolved). */
  permissions: PermissionLists;
  /** Formatters: the file extension. */
  extension?: string;
  /** Formatters: whether one file can hold several entities. */
  multiEntity?: boolean;
  /** Formatters: whether the format is binary (`--compress` refuses it). */
  binary?: boolean;
  /** Validators: where the rule attaches. */
  scope?: "field" | "entity" | "both";
  /** The JSON Schema of its options (for `fabricate schema`). */
  schema: Record<string, unknown>;
}

/** An issue with a plugin's options, found by its own schema in the Worker. */
export interface OptionsIssue {
  /** Path inside the options. */
  path: DocPath;
  /** What is wrong. */
  message: string;
  /** What was expected. */
  expected?: string;
  /** How to fix it. */
  hint?: string;
  /** Locate it at the key rather than the value. */
  atKey?: boolean;
}

/** The answer to an options check (sent through shared memory, synchronously). */
export type OptionsAnswer =
  | { ok: true; handle: number }
  | { ok: false; issues: OptionsIssue[] }
  | { ok: false; error: RemoteError };

/** An error thrown inside the Worker, in a form that survives cloning. */
export interface RemoteError {
  /** The error's class name (`NotCapable`, `PluginInputError`, …). */
  name: string;
  /** Its message. */
  message: string;
  /** The hook that threw, when not the one called (`value` inside `column`). */
  hook?: string;
  /** The row the failure concerns. */
  row?: number;
  /** `PluginInputError` details. */
  hint?: string;
  /** `PluginInputError` details. */
  expected?: string;
  /** `PluginInputError` details. */
  path?: DocPath;
}

/** The scenario facts a sandboxed generator's `create` receives. */
export interface GeneratorSetupData {
  entity: string;
  field: string;
  locale: string;
  seed: number;
  /** ISO 8601. */
  referenceDate: string;
  /** Every entity with its field names. */
  entities: [name: string, fields: string[]][];
  /** Row counts by entity. */
  counts: Record<string, number>;
}

/** The scenario facts a sandboxed validator's `create` receives. */
export interface ValidatorSetupData {
  entity: string;
  field?: string;
  entities: [name: string, fields: string[]][];
  counts: Record<string, number>;
  /** Foreign keys: `"entity.field"` → the parent entity and field. */
  refs: Record<string, { entity: string; field: string }>;
}

/** What a sandboxed generator's `create` tells the host. */
export interface GeneratorInfo {
  type?: FieldType;
  uses?: string[];
  nullable?: boolean;
  cardinality?: number;
  distinct?: boolean;
}

/** A batch, columnar, as it crosses the boundary. */
export interface PackedBatch {
  entity: string;
  start: number;
  length: number;
  fields: readonly string[];
  columns: PackedColumn[];
}

/** Requests from the host, by operation. */
export type Request =
  | { op: "load"; url: string; sync: SharedArrayBuffer }
  | { op: "options"; plugin: string; kind: PluginKind; raw: unknown }
  | {
    op: "create";
    plugin: string;
    kind: PluginKind;
    handle: number;
    setup:
      | GeneratorSetupData
      | ValidatorSetupData
      | { scenario: string; layout: string; entities: EntitySchema[] };
  }
  | {
    op: "column";
    instance: number;
    key: number;
    start: number;
    length: number;
    attempt: number;
    uses: Record<string, PackedColumn>;
  }
  | { op: "check"; instance: number; batch: PackedBatch }
  | { op: "finish"; instance: number }
  | {
    op: "format";
    instance: number;
    hook: "start" | "beginEntity" | "write" | "endEntity" | "finish";
    entity?: EntitySchema;
    batch?: PackedBatch;
  };

/** Answers from the Worker. */
export type Answer =
  | { id: number; ok: unknown }
  | { id: number; error: RemoteError }
  /** The Worker is going away on its own (a crash, `Deno.exit`, `self.close`). */
  | { id: -1; crash: string };

/** What `create` answers (a failure, `PluginInputError` included, comes as an error). */
export interface CreateAnswer {
  /** The Worker's handle on the created generator, validator or stream. */
  instance: number;
  /** For generators: what the kernel needs to know about the field. */
  info?: GeneratorInfo;
}

/** What `check` and `finish` answer. */
export type IssuesAnswer = ValidationIssue[];

/** Layout of the shared buffer used for synchronous answers. */
export const SYNC = {
  /** Int32 index of the state word: 0 waiting, 1 answered. */
  state: 0,
  /** Int32 index of the answer's byte length. */
  length: 1,
  /** Int32 index of the row a generator's value() is working on (-1: none). */
  row: 2,
  /** Byte offset of the answer (UTF-8 JSON). */
  offset: 16,
  /** Total size: room for a long list of option issues. */
  size: 1 << 20,
} as const;
