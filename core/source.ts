/**
 * Reads scenario text (YAML or JSON) and keeps a map from document paths
 * back to line and column, so every later error can point at the source.
 *
 * @module
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node as YamlNode } from "yaml";
import { type DocPath, ScenarioError, type ScenarioIssue } from "./errors.ts";
import { INPUT_LIMITS, structureIssue } from "./input_limits.ts";

/** Where a path was found: 1-based line and column, and how much of it. */
export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** How many leading segments of the path exist in the document. */
  depth: number;
}

/** A parsed scenario file that can locate paths in its text. */
export interface SourceDoc {
  /** The file's path as given (or a label such as `<inline>`). */
  readonly file: string;
  /** The parsed value. */
  readonly value: unknown;
  /**
   * Finds where a path is written. With `key`, the position of the map key
   * itself (for "unknown key" errors); else the value's. When the path is
   * not all in the document, the deepest existing parent's position is
   * returned with the matched `depth`.
   */
  locate(
    path: DocPath,
    key?: boolean,
  ): SourcePosition | undefined;
}

/**
 * Parses YAML or JSON text, reporting syntax errors with their position.
 *
 * @param file The file name used in messages.
 * @param text The text.
 * @returns The parsed document.
 * @throws {ScenarioError} When the text is not valid YAML/JSON.
 * @example
 * ```ts
 * import { parseSource } from "./source.ts";
 * const doc = parseSource("s.yaml", "name: shop\nseed: 42\n");
 * doc.locate(["seed"]); // { line: 2, column: 7, depth: 1 }
 * ```
 */
export function parseSource(file: string, text: string): SourceDoc {
  const lines = new LineCounter();
  const tooDeep = (e: unknown): never => {
    // A stack overflow in the parser: nesting far past any limit.
    if (!(e instanceof RangeError)) throw e;
    throw new ScenarioError([{
      file,
      line: 1,
      column: 1,
      path: [],
      message:
        `Cannot parse the scenario: it is nested too deeply (the limit is ${INPUT_LIMITS.depth} levels)`,
      hint: "flatten it; real scenarios need a handful of levels",
    }]);
  };
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: true,
    });
  } catch (e) {
    tooDeep(e);
    throw e;
  }
  const pos = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const issues: ScenarioIssue[] = doc.errors.map((e) => {
      const close = e.message.match(/end with an? ([}\]])/)?.[1];
      const opener = close ? unclosed(text, e.pos[0], close === "}" ? "{" : "[", close) : -1;
      if (opener >= 0) {
        return {
          file,
          ...pos(opener),
          path: [],
          message: `Cannot parse the scenario: this "${
            text[opener]
          }" is never closed with "${close}"`,
          hint: `add the missing "${close}" on this line`,
        };
      }
      return {
        file,
        ...pos(e.pos[0]),
        path: [],
        message: `Cannot parse the scenario: ${firstLine(e.message)}`,
        hint: "check indentation, colons and closing brackets around this line",
      };
    });
    throw new ScenarioError(issues);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: INPUT_LIMITS.aliases });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      throw new ScenarioError([{
        file,
        line: 1,
        column: 1,
        path: [],
        message: `Cannot load the scenario: its aliases (*name) expand to too much data ` +
          `(more than ${INPUT_LIMITS.aliases} expansions, as in a "billion laughs" attack)`,
        hint: "use fewer aliases, or `extends` to share parts between scenarios",
      }]);
    }
    tooDeep(e);
  }
  const problem = structureIssue(value);
  if (problem) {
    const at = problem.path.length ? locate(problem.path) : undefined;
    throw new ScenarioError([{ file, line: at?.line ?? 1, column: at?.column ?? 1, ...problem }]);
  }

  function locate(path: DocPath, key = false) {
    let node: unknown = doc.contents;
    let keyNode: YamlNode | undefined;
    let depth = 0;
    let last: unknown = node;
    for (const seg of path) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) =>
          isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg)
        );
        if (!pair) break;
        keyNode = pair.key as YamlNode;
        last = node = pair.value ?? pair.key;
        depth++;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg];
        if (item === undefined) break;
        last = node = item;
        depth++;
      } else break;
    }
    const exact = depth === path.length;
    const target = (key && exact && keyNode ? keyNode : last) as
      | YamlNode
      | undefined;
    const range = target?.range;
    if (!range) return undefined;
    return { ...pos(range[0]), depth };
  }

  return { file, value, locate };
}

/** The offset of the last bracket before `end` that is not closed (quotes skipped). */
function unclosed(text: string, end: number, open: string, close: string): number {
  const stack: number[] = [];
  let quote = "";
  for (let i = 0; i < end && i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s:,[{]/.test(text[i - 1]!))) quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < end && text[i] !== "\n") i++;
    } else if (c === open) stack.push(i);
    else if (c === close) stack.pop();
  }
  return stack.at(-1) ?? -1;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
