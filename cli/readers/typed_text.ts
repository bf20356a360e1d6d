/**
 * Text cells (CSV, XML, xlsx text) back to values, by the scenario's field
 * type when it is known, else inferred (numbers, booleans).
 *
 * @module
 */
import type { FieldType } from "../../core/types.ts";

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * How a text cell becomes a value: by the field's type (a cell that does not
 * fit the type stays text, so validators report it), else inferred when the
 * scenario is unknown. `NaN`, `INF` and `-INF` are read as numbers where the
 * type is a number (the XML formatter's spellings).
 *
 * @param type The field's type, if known.
 * @param known Whether the scenario is known (an unknown field of a known
 *   scenario stays text).
 * @returns A function from cell (null for a missing value) to value.
 * @example
 * ```ts
 * import { textConverter } from "./typed_text.ts";
 * textConverter("integer", true)("42"); // 42
 * textConverter(undefined, false)("true"); // true
 * textConverter("string", true)("007"); // "007"
 * ```
 */
export function textConverter(
  type: FieldType | undefined,
  known: boolean,
): (cell: string | null) => unknown {
  return (cell) => {
    if (cell === null) return null;
    switch (type) {
      case "integer":
      case "number":
        if (NUMBER.test(cell)) return Number(cell);
        if (cell === "NaN") return NaN;
        if (cell === "INF") return Infinity;
        if (cell === "-INF") return -Infinity;
        return cell;
      case "boolean":
        return cell === "true" ? true : cell === "false" ? false : cell;
      case "json":
        try {
          return JSON.parse(cell);
        } catch {
          return cell;
        }
      case undefined:
        if (known) return cell;
        if (NUMBER.test(cell) && !/^-?0\d/.test(cell)) return Number(cell);
        return cell === "true" ? true : cell === "false" ? false : cell;
      default:
        return cell;
    }
  };
}
