/**
 * `format`: checks that a field's values have a well-known shape: an email
 * address, an http(s) URL, a UUID, an E.164 phone number, an ISO date or
 * datetime, or a country's postal code.
 *
 * Postal-code patterns come from Google's libaddressinput metadata (Apache
 * License 2.0); `plugins/_shared/postal_codes.ts` lists the countries and
 * says how the patterns were adapted.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import type { BatchValidator, ValidationIssue } from "../../core/types.ts";
import { columnIndex, fieldRule, preview, requireField, ruleField } from "../_shared/field_rule.ts";
import { isoMillis } from "../_shared/iso_millis.ts";
import { POSTAL_COUNTRIES, postalCountry, postalPattern } from "../_shared/postal_codes.ts";

/**
 * The formats named by a plain string.
 *
 * @example
 * ```ts
 * import { FORMATS } from "./format.ts";
 * FORMATS.includes("phone"); // true
 * ```
 */
export const FORMATS = ["email", "url", "uuid", "phone", "date", "datetime"] as const;

/**
 * A format named by a plain string.
 *
 * @example
 * ```ts
 * import type { FormatName } from "./format.ts";
 * const name: FormatName = "uuid";
 * ```
 */
export type FormatName = typeof FORMATS[number];

// A dot-atom local part (no quoted strings, no comments) and a DNS host name
// whose last label starts with a letter, as addresses that can be mailed look.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;
const URL_RE =
  /^https?:\/\/(?:[^\s/?#@]+@)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?(?:[/?#]\S*)?$/i;
// RFC 4122/9562 layout: version 1–8, variant 10xx; plus the nil and max UUIDs.
const UUID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;
const E164 = /^\+[1-9]\d{7,14}$/;

const SIMPLE: Readonly<Record<FormatName, (v: unknown) => string | undefined>> = {
  email: (v) =>
    typeof v === "string" && v.length <= 254 && v.indexOf("@") <= 64 && EMAIL.test(v)
      ? undefined
      : "is not an email address",
  url: (
    v,
  ) => (typeof v === "string" && URL_RE.test(v) ? undefined : "is not an http(s) URL with a host"),
  uuid: (v) => (typeof v === "string" && UUID.test(v) ? undefined : "is not a UUID"),
  phone: (
    v,
  ) => (typeof v === "string" && E164.test(v)
    ? undefined
    : "is not an E.164 phone number (+ then 8–15 digits)"),
  date: (v) =>
    typeof v === "string" && !Number.isNaN(isoMillis(v, "date"))
      ? undefined
      : "is not a real ISO date (YYYY-MM-DD)",
  datetime: (v) =>
    typeof v === "string" && !Number.isNaN(isoMillis(v, "datetime"))
      ? undefined
      : "is not an ISO datetime with a zone (YYYY-MM-DDTHH:mm:ssZ)",
};

const countryCode = z.string().min(1).meta({ enum: [...POSTAL_COUNTRIES, "UK"] }).describe(
  "ISO 3166-1 alpha-2 country code, e.g. US, DE, EG",
);

const postalOptions = z.union([
  countryCode,
  z.object({ country: countryCode }).strict(),
  z.object({
    country_field: z.string().min(1).describe("Field of the same row that holds the country code"),
    unknown_country: z.enum(["fail", "skip"]).default("fail").describe(
      "What to do with a row whose country has no known pattern: fail it or skip it",
    ),
  }).strict(),
]).describe("A country's postal codes: a code (US), or { country_field: <field> } per row");

/**
 * The checked options of `format`: which format, and for postal codes where
 * the country comes from.
 *
 * @example
 * ```ts
 * import type { FormatOptions } from "./format.ts";
 * const byRow: FormatOptions = { format: "postal_code", country_field: "country", unknown_country: "fail" };
 * ```
 */
export type FormatOptions =
  | { format: FormatName }
  | { format: "postal_code"; country: string }
  | { format: "postal_code"; country_field: string; unknown_country: "fail" | "skip" };

/**
 * Options of the `format` validator: a format name, or `{ postal_code: … }`.
 *
 * @example
 * ```ts
 * import { formatOptions } from "./format.ts";
 * formatOptions.parse("email"); // { format: "email" }
 * formatOptions.parse({ postal_code: "uk" }); // { format: "postal_code", country: "GB" }
 * ```
 */
export const formatOptions: z.ZodType<FormatOptions, unknown> = z.union([
  z.string().meta({ enum: [...FORMATS] }).describe(
    "email, url (http/https), uuid, phone (E.164), date (YYYY-MM-DD) or datetime (ISO 8601 with a zone)",
  ),
  z.object({ postal_code: postalOptions }).strict(),
]).superRefine((o, ctx) => {
  if (typeof o === "string") {
    if ((FORMATS as readonly string[]).includes(o)) return;
    ctx.addIssue({
      code: "custom",
      input: o,
      message: o === "postal_code"
        ? `Format "postal_code" needs a country: { postal_code: US } or { postal_code: { country_field: country } }`
        : `Unknown format "${o}": ${didYouMean(o, [...FORMATS, "postal_code"], "formats")}`,
    });
    return;
  }
  const p = o.postal_code;
  const country = typeof p === "string" ? p : "country" in p ? p.country : undefined;
  if (country !== undefined && postalCountry(country) === undefined) {
    ctx.addIssue({
      code: "custom",
      input: country,
      path: typeof p === "string" ? ["postal_code"] : ["postal_code", "country"],
      message: `Unknown country "${country}" for postal codes: ${
        didYouMean(country, POSTAL_COUNTRIES, "countries")
      }`,
    });
  }
}).transform((o): FormatOptions => {
  if (typeof o === "string") return { format: o as FormatName };
  const p = o.postal_code;
  if (typeof p === "string") return { format: "postal_code", country: postalCountry(p)! };
  if ("country" in p) return { format: "postal_code", country: postalCountry(p.country)! };
  return {
    format: "postal_code",
    country_field: p.country_field,
    unknown_country: p.unknown_country,
  };
});

/** Postal codes checked against the country held in another field of the row. */
function postalByRow(
  field: string,
  countryField: string,
  skipUnknown: boolean,
): BatchValidator {
  // Rows repeat a handful of countries: remember each one's pattern (null: none).
  const patterns = new Map<unknown, RegExp | null>();
  return {
    check(batch) {
      const values = batch.columns[columnIndex(batch, field)]!;
      const countries = batch.columns[columnIndex(batch, countryField)]!;
      const issues: ValidationIssue[] = [];
      for (let k = 0; k < batch.length; k++) {
        const v = values[k];
        const c = countries[k];
        if (v === null || v === undefined || c === null || c === undefined) continue;
        let re = patterns.get(c);
        if (re === undefined) {
          re = (typeof c === "string" ? postalPattern(c) : undefined) ?? null;
          patterns.set(c, re);
        }
        if (re === null) {
          if (skipUnknown) continue;
          issues.push({
            row: batch.start + k,
            field,
            message: `${preview(v)}: no postal code pattern for country ${
              preview(c)
            } (${countryField})`,
            value: v,
          });
        } else if (typeof v !== "string" || !re.test(v)) {
          issues.push({
            row: batch.start + k,
            field,
            message: `${preview(v)} is not a ${String(c).toUpperCase()} postal code`,
            value: v,
          });
        }
      }
      return issues;
    },
  };
}

/**
 * Values of a well-known shape.
 *
 * @example In a scenario
 * ```yaml
 * email:   { faker: internet.email, validate: { format: email } }
 * phone:   { faker: { method: phone.number, args: [{ style: international }] }, validate: { format: phone } }
 * zip:     { faker: location.zipCode, validate: { format: { postal_code: US } } }
 * postcode:
 *   faker: location.zipCode
 *   validate: { format: { postal_code: { country_field: country } } }
 * ```
 */
export default definePlugin({
  name: "format",
  kind: "validator",
  scope: "field",
  version: "1.0.0",
  description: "Values have a shape: email, url, uuid, phone (E.164), date, datetime, postal_code",
  options: formatOptions,
  create(options, setup) {
    const field = ruleField(setup, "format");
    if (options.format !== "postal_code") return fieldRule(field, SIMPLE[options.format]);
    if ("country" in options) {
      const re = postalPattern(options.country)!;
      const problem = `is not a ${options.country} postal code`;
      return fieldRule(field, (v) => (typeof v === "string" && re.test(v) ? undefined : problem));
    }
    requireField(setup, setup.entity, options.country_field, ["postal_code", "country_field"]);
    return postalByRow(field, options.country_field, options.unknown_country === "skip");
  },
});
