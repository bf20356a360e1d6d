/**
 * `expr`: arithmetic over fields of the row and of parent rows
 * (`quantity * product_id.unit_price`), parsed once into closures; nothing
 * is ever evaluated as code.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { type DocPath, PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import type { GeneratorSetup, RowContext } from "../../core/types.ts";
import { type FieldRef, fieldRef, fieldUsage } from "../_shared/field_ref.ts";
import { preview } from "../_shared/field_rule.ts";

/**
 * Options of the `expr` generator: the expression, or `{ of, decimals, type }`.
 *
 * @example
 * ```ts
 * import { exprOptions } from "./expr.ts";
 * exprOptions.parse("quantity * product_id.unit_price").of; // "quantity * product_id.unit_price"
 * exprOptions.parse({ of: "price * 1.14", decimals: 2 }).decimals; // 2
 * ```
 */
export const exprOptions = z.union([
  z.string().min(1).describe(
    "Arithmetic on fields: quantity * product_id.unit_price, round(price * 1.14, 2)",
  ),
  z.object({
    /** The expression. */
    of: z.string().min(1).describe(
      "Arithmetic on fields: numbers, field or ref_field.parent_field, + - * / %, parentheses, " +
        "round(x, d), floor, ceil, abs, min, max, sin, cos, tan, exp, log(x[, base]), sqrt, " +
        "pow(x, y), pi(), comparisons (< <= > >= == !=), && ||, if(cond, a, b)",
    ),
    /** Round results to this many decimals. */
    decimals: z.number().int().min(0).max(15).optional().describe(
      "Round results to this many decimals, half away from zero (default: full precision)",
    ),
    /** The column type. */
    type: z.enum(["integer", "number"]).optional().describe(
      "integer (results rounded to whole numbers) or number (default; integer when decimals is 0)",
    ),
  }).strict(),
]).transform((o) =>
  typeof o === "string"
    ? { of: o, decimals: undefined, type: undefined, path: [] as DocPath }
    : { ...o, path: ["of"] as DocPath }
);

/**
 * A compiled expression node. Values are numbers; `NaN` stands for null, so
 * a null input makes the whole result null without any special case.
 */
interface Node {
  readonly eval: (row: RowContext) => number;
  /** Set when the node reads no field. */
  readonly constant?: number;
}

/** The functions an expression may call, with their argument counts. */
const FUNCTIONS: Readonly<Record<string, { min: number; max: number }>> = {
  round: { min: 1, max: 2 },
  floor: { min: 1, max: 1 },
  ceil: { min: 1, max: 1 },
  abs: { min: 1, max: 1 },
  min: { min: 1, max: Infinity },
  max: { min: 1, max: Infinity },
  sin: { min: 1, max: 1 },
  cos: { min: 1, max: 1 },
  tan: { min: 1, max: 1 },
  exp: { min: 1, max: 1 },
  log: { min: 1, max: 2 },
  sqrt: { min: 1, max: 1 },
  pow: { min: 2, max: 2 },
  pi: { min: 0, max: 0 },
  if: { min: 3, max: 3 },
};

/**
 * `x` rounded to `decimals` places, half away from zero, forgiving
 * floating-point noise (1.005 is 1.00499999999999989… as a double, and
 * rounds to 1.01 here, as a person would expect).
 *
 * @param x The number.
 * @param decimals Places after the point (0 for an integer).
 * @returns The rounded number.
 * @example
 * ```ts
 * import { roundTo } from "./expr.ts";
 * roundTo(1.005, 2); // 1.01
 * roundTo(-2.5, 0); // -3
 * ```
 */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const y = Math.abs(x) * f;
  let r = Math.floor(y);
  if (y - r >= 0.5 - 16 * Number.EPSILON * Math.max(1, y)) r += 1;
  return (x < 0 ? -r : r) / f + 0;
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A field's value as a number: numbers and numeric text pass, null is NaN. */
function numberOf(v: unknown, ref: FieldRef): number {
  if (typeof v === "number") return v;
  if (v === null || v === undefined) return NaN;
  if (typeof v === "string" && NUMERIC.test(v.trim())) return Number(v);
  throw new Error(`"${ref.text}" is ${preview(v)}, not a number`);
}

/** A recursive-descent parser producing closures. */
class Parser {
  #pos = 0;
  readonly refs: FieldRef[] = [];

  constructor(
    readonly text: string,
    readonly setup: GeneratorSetup,
    readonly path: DocPath,
  ) {}

  parse(): Node {
    const node = this.#or();
    this.#space();
    if (this.#pos < this.text.length) this.#fail(`unexpected "${this.text[this.#pos]}"`);
    return node;
  }

  #fail(problem: string, hint?: string): never {
    throw new PluginInputError(
      `Cannot read expression "${this.text}": ${problem} at position ${this.#pos + 1}`,
      {
        expected: "numbers, fields (quantity, product_id.unit_price), + - * / %, comparisons, " +
          "&& ||, parentheses " +
          `and the functions ${Object.keys(FUNCTIONS).join(", ")}`,
        ...(hint ? { hint } : {}),
        path: this.path,
      },
    );
  }

  #space(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos]!)) this.#pos++;
  }

  #peek(): string | undefined {
    this.#space();
    return this.text[this.#pos];
  }

  #or(): Node {
    let left = this.#and();
    while (this.#peek() === "|" && this.text[this.#pos + 1] === "|") {
      this.#pos += 2;
      left = logical(left, this.#and(), "or");
    }
    return left;
  }

  #and(): Node {
    let left = this.#compare();
    while (this.#peek() === "&" && this.text[this.#pos + 1] === "&") {
      this.#pos += 2;
      left = logical(left, this.#compare(), "and");
    }
    return left;
  }

  /** `a < b`, `<=`, `>`, `>=`, `==`, `!=`: 1 or 0 (null when a side is null). */
  #compare(): Node {
    const left = this.#sum();
    this.#space();
    const op = /^(?:<=|>=|==|!=|<|>)/.exec(this.text.slice(this.#pos))?.[0];
    if (op === undefined) return left;
    this.#pos += op.length;
    const right = this.#sum();
    const test: (a: number, b: number) => boolean = op === "<"
      ? (a, b) => a < b
      : op === "<="
      ? (a, b) => a <= b
      : op === ">"
      ? (a, b) => a > b
      : op === ">="
      ? (a, b) => a >= b
      : op === "=="
      ? (a, b) => a === b
      : (a, b) => a !== b;
    return binary(left, right, (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : +test(a, b)));
  }

  #sum(): Node {
    let left = this.#product();
    for (;;) {
      const op = this.#peek();
      if (op !== "+" && op !== "-") return left;
      this.#pos++;
      const right = this.#product();
      left = op === "+"
        ? binary(left, right, (a, b) => a + b)
        : binary(left, right, (a, b) => a - b);
    }
  }

  #product(): Node {
    let left = this.#unary();
    for (;;) {
      const op = this.#peek();
      if (op !== "*" && op !== "/" && op !== "%") return left;
      this.#pos++;
      const right = this.#unary();
      left = op === "*"
        ? binary(left, right, (a, b) => a * b)
        // Division by zero is null (NaN), like a missing value.
        : op === "/"
        ? binary(left, right, (a, b) => (b === 0 ? NaN : a / b))
        : binary(left, right, (a, b) => a % b);
    }
  }

  #unary(): Node {
    const c = this.#peek();
    if (c === "-") {
      this.#pos++;
      const x = this.#unary();
      return unary(x, (a) => -a);
    }
    if (c === "+") {
      this.#pos++;
      return this.#unary();
    }
    return this.#primary();
  }

  #primary(): Node {
    const c = this.#peek();
    if (c === undefined) this.#fail("the expression ends too early");
    if (c === "(") {
      this.#pos++;
      const inner = this.#or();
      if (this.#peek() !== ")") this.#fail(`expected ")"`);
      this.#pos++;
      return inner;
    }
    const rest = this.text.slice(this.#pos);
    const number = /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/i.exec(rest);
    if (number) {
      this.#pos += number[0].length;
      const value = Number(number[0]);
      return { eval: () => value, constant: value };
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?/.exec(rest);
    if (!name) this.#fail(`unexpected "${c}"`);
    const start = this.#pos;
    this.#pos += name[0].length;
    if (this.#peek() === "(") return this.#call(name[0], start);
    let ref: FieldRef;
    try {
      ref = fieldRef(name[0], this.setup, this.path);
    } catch (e) {
      if (!(e instanceof PluginInputError)) throw e;
      this.#pos = start;
      this.#fail(`unknown field "${name[0]}"`, e.hint);
    }
    this.refs.push(ref);
    const read = ref.read;
    return { eval: (row) => numberOf(read(row), ref) };
  }

  #call(name: string, start: number): Node {
    const arity = FUNCTIONS[name];
    if (!arity) {
      this.#pos = start;
      this.#fail(
        `unknown function "${name}"`,
        didYouMean(name, Object.keys(FUNCTIONS), "functions"),
      );
    }
    this.#pos++; // (
    const args: Node[] = [];
    if (this.#peek() !== ")") {
      for (;;) {
        args.push(this.#or());
        const c = this.#peek();
        if (c === ",") {
          this.#pos++;
          continue;
        }
        if (c !== ")") this.#fail(`expected "," or ")" in the arguments of ${name}()`);
        break;
      }
    }
    this.#pos++; // )
    if (args.length < arity.min || args.length > arity.max) {
      this.#pos = start;
      this.#fail(
        `${name}() takes ${
          arity.max === Infinity
            ? `at least ${arity.min} argument`
            : arity.min === arity.max
            ? `${arity.min} argument`
            : `${arity.min} or ${arity.max} arguments`
        }, not ${args.length}`,
      );
    }
    return callOf(name, args);
  }
}

function binary(l: Node, r: Node, op: (a: number, b: number) => number): Node {
  if (l.constant !== undefined && r.constant !== undefined) {
    const value = op(l.constant, r.constant);
    return { eval: () => value, constant: value };
  }
  const a = l.eval, b = r.eval;
  return { eval: (row) => op(a(row), b(row)) };
}

function unary(x: Node, op: (a: number) => number): Node {
  if (x.constant !== undefined) {
    const value = op(x.constant);
    return { eval: () => value, constant: value };
  }
  const a = x.eval;
  return { eval: (row) => op(a(row)) };
}

/** True for a condition's value: non-zero and not null (NaN). */
function truthy(a: number): boolean {
  return a !== 0 && !Number.isNaN(a);
}

function logical(l: Node, r: Node, op: "and" | "or"): Node {
  return op === "and"
    ? binary(l, r, (a, b) => +(truthy(a) && truthy(b)))
    : binary(l, r, (a, b) => +(truthy(a) || truthy(b)));
}

function callOf(name: string, args: readonly Node[]): Node {
  const [x, y] = args as [Node, Node | undefined];
  switch (name) {
    case "pi":
      return { eval: () => Math.PI, constant: Math.PI };
    case "if": {
      // Only the chosen branch counts; a null condition is false.
      const [, a, b] = args as [Node, Node, Node];
      if (x.constant !== undefined) return truthy(x.constant) ? a : b;
      const c = x.eval, then = a.eval, otherwise = b.eval;
      return { eval: (row) => (truthy(c(row)) ? then(row) : otherwise(row)) };
    }
    case "sin":
      return unary(x, Math.sin);
    case "cos":
      return unary(x, Math.cos);
    case "tan":
      return unary(x, Math.tan);
    case "exp":
      return unary(x, Math.exp);
    case "sqrt":
      return unary(x, (a) => (a < 0 ? NaN : Math.sqrt(a)));
    case "pow":
      return binary(x, y!, Math.pow);
    case "log":
      // Natural log, or log(x, base); log of 0 or less is null.
      return y === undefined ? unary(x, (a) => (a > 0 ? Math.log(a) : NaN)) : binary(
        x,
        y,
        (a, base) => (a > 0 && base > 0 && base !== 1 ? Math.log(a) / Math.log(base) : NaN),
      );
    case "round":
      return y === undefined ? unary(x, (a) => roundTo(a, 0)) : binary(x, y, (a, d) => {
        const places = Math.trunc(d);
        return places >= 0 && places <= 15 ? roundTo(a, places) : NaN;
      });
    case "floor":
      return unary(x, Math.floor);
    case "ceil":
      return unary(x, Math.ceil);
    case "abs":
      return unary(x, Math.abs);
    default: {
      // min and max: a NaN (null) argument makes the result null.
      const pick = name === "min" ? Math.min : Math.max;
      return args.slice(1).reduce((acc, next) => binary(acc, next, pick), x);
    }
  }
}

/**
 * Arithmetic on fields: line totals, taxes, discounts, derived scores.
 *
 * - numbers (`2`, `0.14`, `1e3`);
 * - fields of the row (`quantity`) and of the parent row behind a ref field
 *   (`product_id.unit_price`);
 * - `+ - * / %`, unary minus, parentheses, the usual precedence;
 * - `round(x)`, `round(x, decimals)` (half away from zero), `floor(x)`,
 *   `ceil(x)`, `abs(x)`, `min(a, b, …)`, `max(a, b, …)`;
 * - `sin`, `cos`, `tan` (radians), `exp`, `log(x)` (natural) or
 *   `log(x, base)`, `sqrt`, `pow(x, y)`, `pi()`;
 * - comparisons `< <= > >= == !=` (1 or 0), `&&`, `||`, and
 *   `if(cond, a, b)`: `a` when `cond` is non-zero, else `b` (a null
 *   condition counts as false).
 *
 * Results that are not finite numbers (`log(0)`, `sqrt(-1)`, an overflowing
 * `exp`) are null, like a division by zero.
 *
 * Inputs are numbers, or text holding a number (`"12.50"`, as faker's
 * prices are); other values are an error naming the field. A null input
 * gives a null result, and so does a division by zero. `decimals` rounds
 * the result; `type: integer` rounds it to a whole number.
 *
 * The expression is parsed once, when the scenario is checked: a mistake is
 * reported with its position, and rows only run small closures.
 *
 * @example In a scenario
 * ```yaml
 * order_items:
 *   fields:
 *     product_id: { ref: products.id }
 *     quantity:   { integer: { min: 1, max: 5 } }
 *     line_total: { expr: { of: "quantity * product_id.unit_price", decimals: 2 } }
 *     tax:        { expr: "round(line_total * 0.14, 2)" }
 * ```
 */
export default definePlugin({
  name: "expr",
  kind: "generator",
  version: "1.0.0",
  description: "Arithmetic on fields and parent fields: quantity * product_id.unit_price",
  options: exprOptions,
  create({ of, decimals, type, path }, setup) {
    if (type === "integer" && decimals !== undefined && decimals > 0) {
      throw new PluginInputError(
        `Cannot round integers to ${decimals} decimals`,
        { hint: "drop decimals, or use type: number", path: ["decimals"] },
      );
    }
    const parser = new Parser(of, setup, path);
    const root = parser.parse();
    const places = type === "integer" ? 0 : decimals;
    const evaluate = root.eval;
    const finish = (v: number) =>
      Number.isFinite(v) ? (places === undefined ? v + 0 : roundTo(v, places)) : null;
    const columnType = type ?? (decimals === 0 ? "integer" : "number");
    if (root.constant !== undefined) {
      const value = finish(root.constant);
      return {
        type: columnType,
        cardinality: 1,
        ...(value === null ? { nullable: true } : {}),
        value: () => value,
      };
    }
    return {
      type: columnType,
      nullable: true,
      ...(places !== undefined && columnType === "number" ? { numeric: { decimals: places } } : {}),
      ...fieldUsage(parser.refs),
      value: (row) => finish(evaluate(row)),
    };
  },
});
