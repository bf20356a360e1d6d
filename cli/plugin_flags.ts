/**
 * The command-line flags that say what plugins may do, shared by `gen`,
 * `validate` and `plugins`: trust (`--trust-plugin`), grants
 * (`--allow-plugin-read|net|env=<plugin>:<value>`) and the time limit on a
 * sandboxed call (`--plugin-timeout`). Only the user gives these; a scenario
 * never can.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import type { PluginGrants, PluginPolicy } from "../core/sandbox/policy.ts";
import type { FlagSpec, ParsedFlags } from "./parse_flags.ts";

/** The flags, for a command's flag table. */
export const PLUGIN_FLAGS: Record<string, FlagSpec> = {
  "trust-plugin": {
    type: "string",
    multiple: true,
    value: "SOURCE",
    help: "Run this plugin in-process, with fabricate's own permissions",
  },
  "allow-plugin-read": {
    type: "string",
    multiple: true,
    value: "PLUGIN:PATH",
    help: "Let a sandboxed plugin read a path (and what is below it)",
  },
  "allow-plugin-net": {
    type: "string",
    multiple: true,
    value: "PLUGIN:HOST",
    help: "Let a sandboxed plugin connect to a host (host or host:port)",
  },
  "allow-plugin-env": {
    type: "string",
    multiple: true,
    value: "PLUGIN:NAME",
    help: "Let a sandboxed plugin read an environment variable",
  },
  "plugin-timeout": {
    type: "string",
    value: "SECONDS",
    help: "Limit on one call into a sandboxed plugin (default 30)",
  },
  "plugin-memory": {
    type: "string",
    value: "MB",
    help: "Stop a sandboxed plugin when fabricate's memory passes this (default 2048)",
  },
};

/** A help paragraph on plugin permissions, for commands' --help. */
export const PLUGIN_HELP =
  `Plugins: built-ins and trusted plugins run in-process; any other plugin runs in
its own sandbox with only the permissions it declares and you grant, here or in
./deno.json ("fabricate": { "grants": { "<plugin>": { "read": [...] } } }).
Run fabricate with --no-prompt, so Deno never asks you to grant a plugin more.
Guide: docs/plugins.md`;

/**
 * Reads the plugin flags into a policy.
 *
 * @param values Parsed flags.
 * @returns The policy (empty when no flag was given).
 * @throws {UsageError} For a malformed grant or time limit.
 * @example
 * ```ts
 * import { policyFromFlags } from "./plugin_flags.ts";
 * const policy = policyFromFlags({ "allow-plugin-net": ["weather:api.example.com"] });
 * policy.grants?.weather?.net; // ["api.example.com"]
 * ```
 */
export function policyFromFlags(values: ParsedFlags["values"]): PluginPolicy {
  const policy: PluginPolicy = {};
  const trusted = values["trust-plugin"] as string[] | undefined;
  if (trusted?.length) policy.trusted = [...trusted];
  const grants: Record<string, PluginGrants> = {};
  for (const kind of ["read", "net", "env"] as const) {
    for (const item of (values[`allow-plugin-${kind}`] as string[] | undefined) ?? []) {
      const m = item.match(/^([A-Za-z][A-Za-z0-9_-]*):(.+)$/);
      if (!m) {
        throw new UsageError(
          `Cannot read --allow-plugin-${kind} "${item}"`,
          `write it as <plugin name>:<${
            kind === "read" ? "path" : kind === "net" ? "host" : "NAME"
          }>, e.g. --allow-plugin-${kind}=${
            kind === "read"
              ? "lines:./data"
              : kind === "net"
              ? "weather:api.example.com"
              : "weather:API_KEY"
          }`,
        );
      }
      const g = grants[m[1]!] ??= {};
      (g[kind] ??= []).push(m[2]!);
    }
  }
  if (Object.keys(grants).length) policy.grants = grants;
  const timeout = values["plugin-timeout"] as string | undefined;
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!Number.isFinite(n) || n <= 0) {
      throw new UsageError(
        `Expected a number of seconds > 0 for --plugin-timeout, got "${timeout}"`,
      );
    }
    policy.timeoutSeconds = n;
  }
  const memory = values["plugin-memory"] as string | undefined;
  if (memory !== undefined) {
    const n = Number(memory);
    if (!Number.isInteger(n) || n < 64) {
      throw new UsageError(
        `Expected a whole number of megabytes >= 64 for --plugin-memory, got "${memory}"`,
      );
    }
    policy.memoryMb = n;
  }
  return policy;
}
