/**
 * YAML rows as the `yaml` formatter writes them: a sequence of mappings per
 * entity (`--layout single`: a mapping of entity name to sequence;
 * `--layout split`: one mapping per file).
 *
 * Streamed: the formatter writes every value on one line, so an item starts
 * at a line beginning with `- ` at the sequence's indentation; items are
 * gathered a few thousand at a time and parsed by the `yaml` package, so
 * memory is one such group. A file whose top level is not shaped that way
 * (a flow sequence `[…]` on several lines, comments between keys, anchors
 * across items) is refused with its line. A split file (one record) is
 * parsed whole, up to {@linkcode YAML_SPLIT_MAX_CHARS}.
 *
 * @module
 */
import { parse as parseYaml, YAMLParseError } from "yaml";
import { UsageError } from "../../core/errors.ts";
import { lines } from "./file_text.ts";
import { yamlLine } from "./yaml_lines.ts";
import type { ReadContext } from "./read_context.ts";

/** Items parsed at once. */
const GROUP = 2_000;
/** The largest one-record (split) YAML file read, in characters. */
export const YAML_SPLIT_MAX_CHARS = 16 * 1024 * 1024;
/** The longest item, in characters. */
const MAX_ITEM = 64 * 1024 * 1024;

/**
 * Streams the rows of a YAML file.
 *
 * @param path The file (`.gz`/`.zst` decompressed).
 * @param context The entity and the layout.
 * @returns The rows.
 * @throws {UsageError} YAML that does not parse, or is not a sequence of
 *   mappings, with its line.
 * @example
 * ```ts ignore
 * for await (const row of yamlRows("out/orders.yaml", context)) console.log(row.id);
 * ```
 */
export async function* yamlRows(
  path: string,
  context: ReadContext,
): AsyncGenerator<Record<string, unknown>> {
  if (context.layout === "split") {
    let text = "";
    for await (const line of lines(path)) {
      text += line;
      if (text.length > YAML_SPLIT_MAX_CHARS) {
        throw new UsageError(
          `Cannot read ${path}: a one-record YAML file may hold at most ${YAML_SPLIT_MAX_CHARS} characters`,
        );
      }
    }
    const doc = parse(text, path, 1);
    if (!isRecord(doc)) throw new UsageError(`Cannot read ${path}:1:1: expected one mapping`);
    yield doc;
    return;
  }
  const single = context.layout === "single";
  let inEntity = !single;
  let itemIndent = -1;
  let group = "";
  let groupLine = 0;
  let items = 0;
  let n = 0;
  const flush = function* (): Generator<Record<string, unknown>> {
    if (!group) return;
    const doc = fastItems(group) ?? parse(group, path, groupLine);
    if (!Array.isArray(doc)) {
      throw new UsageError(`Cannot read ${path}:${groupLine}:1: expected a sequence of mappings`);
    }
    for (const [i, item] of doc.entries()) {
      if (!isRecord(item)) {
        throw new UsageError(
          `Cannot read ${path}:${groupLine}:1: item ${i + 1} of this group is not a mapping`,
        );
      }
      yield item;
    }
    group = "";
    items = 0;
  };
  for await (const line of lines(path)) {
    n++;
    const body = line.replace(/\r?\n$/, "");
    const trimmed = body.trimStart();
    const indent = body.length - trimmed.length;
    if (trimmed === "" || trimmed.startsWith("#") || (indent === 0 && /^(---|\.\.\.)/.test(body))) {
      if (group) group += "\n";
      continue;
    }
    if (single && indent === 0) {
      // An entity's key: `orders:` then its items, or `orders: []`.
      yield* flush();
      const key = parse(body.replace(/:\s*(\[\])?\s*$/, ": null"), path, n);
      if (!isRecord(key) || Object.keys(key).length !== 1) {
        throw new UsageError(`Cannot read ${path}:${n}:1: expected an entity name and ":"`);
      }
      inEntity = Object.keys(key)[0] === context.entity;
      itemIndent = -1;
      continue;
    }
    if (!inEntity) continue;
    if (!single && indent === 0 && trimmed === "[]") continue;
    const isItem = trimmed === "-" || trimmed.startsWith("- ");
    if (isItem && itemIndent < 0) itemIndent = indent;
    if (isItem && indent === itemIndent) {
      if (items >= GROUP) yield* flush();
      if (!group) groupLine = n;
      items++;
    } else if (indent <= itemIndent || itemIndent < 0) {
      throw new UsageError(
        `Cannot read ${path}:${n}:${indent + 1}: expected a sequence item ("- ") or a line of one`,
        "report reads YAML as fabricate writes it: a sequence of mappings, one value per line",
      );
    }
    group += line.endsWith("\n") ? line : line + "\n";
    if (group.length > MAX_ITEM * 2) {
      throw new UsageError(`Cannot read ${path}:${groupLine}: an item is too long`);
    }
  }
  yield* flush();
}

/**
 * The items of a group read line by line ({@linkcode yamlLine}), or
 * undefined when a line is not one the fast path reads.
 */
function fastItems(group: string): Record<string, unknown>[] | undefined {
  const items: Record<string, unknown>[] = [];
  let item: Record<string, unknown> | undefined;
  let column = -1;
  for (const line of group.split("\n")) {
    if (line.trim() === "") continue;
    const dash = /^( *)- +/.exec(line);
    let text: string;
    if (dash && (column < 0 || dash[1]!.length < column)) {
      item = {};
      items.push(item);
      column = dash[0].length;
      text = line.slice(column);
    } else {
      if (!item || line.length - line.trimStart().length !== column) return undefined;
      text = line.slice(column);
    }
    const kv = yamlLine(text.replace(/\r$/, ""));
    if (!kv || Object.hasOwn(item, kv[0])) return undefined;
    item[kv[0]] = kv[1];
  }
  return items;
}

function parse(text: string, path: string, firstLine: number): unknown {
  try {
    return parseYaml(text, { uniqueKeys: false });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      throw new UsageError(
        `Cannot read ${path}:${(at?.line ?? 1) + firstLine - 1}:${at?.col ?? 1}: ${
          e.message.split("\n")[0]
        }`,
      );
    }
    throw new UsageError(`Cannot read ${path}: ${(e as Error).message}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
