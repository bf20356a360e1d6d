/**
 * Postal-code patterns by country (ISO 3166-1 alpha-2), for the `format`
 * validator's `postal_code` rule.
 *
 * Source: the `zip` regular expressions of Google's libaddressinput address
 * metadata (https://github.com/google/libaddressinput, served at
 * https://chromium-i18n.appspot.com/ssl-address/data/<CC>), licensed under
 * the Apache License 2.0. They are written here anchored (`^(?:…)$`) because
 * libaddressinput matches them against the whole code, and without capture
 * groups. Changes from the source: Taiwan also accepts its 6-digit codes
 * (3+3, in use since 2020). Codes are matched as written: upper case, with
 * the separators the national format uses (`SW1A 1AA`, `K1A 0B1`, `1234 AB`),
 * since generated data should look like real addresses.
 *
 * @module
 */

/** The pattern source of each country's postal codes, unanchored. */
const PATTERNS: Readonly<Record<string, string>> = {
  AM: String.raw`(?:37)?\d{4}`,
  AR: String.raw`[A-HJ-NP-Z]?\d{4}(?:[A-Z]{3})?`,
  AT: String.raw`\d{4}`,
  AU: String.raw`\d{4}`,
  BE: String.raw`\d{4}`,
  BG: String.raw`\d{4}`,
  BR: String.raw`\d{5}-?\d{3}`,
  CA: String.raw`[ABCEGHJKLMNPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d`,
  CH: String.raw`\d{4}`,
  CL: String.raw`\d{7}`,
  CN: String.raw`\d{6}`,
  CO: String.raw`\d{6}`,
  CZ: String.raw`\d{3} ?\d{2}`,
  DE: String.raw`\d{5}`,
  DK: String.raw`\d{4}`,
  EE: String.raw`\d{5}`,
  EG: String.raw`\d{5}`,
  ES: String.raw`\d{5}`,
  FI: String.raw`\d{5}`,
  FR: String.raw`\d{2} ?\d{3}`,
  GB: String
    .raw`GIR ?0AA|(?:AB|AL|B|BA|BB|BD|BF|BH|BL|BN|BR|BS|BT|BX|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH|DL|DN|DT|DY|E|EC|EH|EN|EX|FK|FY|G|GL|GY|GU|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE|KA|KT|KW|KY|L|LA|LD|LE|LL|LN|LS|LU|M|ME|MK|ML|N|NE|NG|NN|NP|NR|NW|OL|OX|PA|PE|PH|PL|PO|PR|RG|RH|RM|S|SA|SE|SG|SK|SL|SM|SN|SO|SP|SR|SS|ST|SW|SY|TA|TD|TF|TN|TQ|TR|TS|TW|UB|W|WA|WC|WD|WF|WN|WR|WS|WV|YO|ZE)\d[\dA-Z]? ?\d[ABD-HJLN-UW-Z]{2}|BFPO ?\d{1,4}`,
  GR: String.raw`\d{3} ?\d{2}`,
  HR: String.raw`\d{5}`,
  HU: String.raw`\d{4}`,
  ID: String.raw`\d{5}`,
  IE: String.raw`[\dA-Z]{3} ?[\dA-Z]{4}`,
  IL: String.raw`\d{5}(?:\d{2})?`,
  IN: String.raw`\d{3} ?\d{3}`,
  IS: String.raw`\d{3}`,
  IT: String.raw`\d{5}`,
  JP: String.raw`\d{3}-?\d{4}`,
  KR: String.raw`\d{5}`,
  LT: String.raw`\d{5}`,
  LU: String.raw`\d{4}`,
  LV: String.raw`LV-\d{4}`,
  MX: String.raw`\d{5}`,
  MY: String.raw`\d{5}`,
  NL: String.raw`\d{4} ?[A-Z]{2}`,
  NO: String.raw`\d{4}`,
  NZ: String.raw`\d{4}`,
  PH: String.raw`\d{4}`,
  PK: String.raw`\d{5}`,
  PL: String.raw`\d{2}-\d{3}`,
  PT: String.raw`\d{4}-\d{3}`,
  RO: String.raw`\d{6}`,
  RS: String.raw`\d{5,6}`,
  RU: String.raw`\d{6}`,
  SA: String.raw`\d{5}`,
  SE: String.raw`\d{3} ?\d{2}`,
  SG: String.raw`\d{6}`,
  SI: String.raw`\d{4}`,
  SK: String.raw`\d{3} ?\d{2}`,
  TH: String.raw`\d{5}`,
  TR: String.raw`\d{5}`,
  TW: String.raw`\d{3}(?:\d{2,3})?`,
  UA: String.raw`\d{5}`,
  US: String.raw`\d{5}(?:[ -]\d{4})?`,
  UY: String.raw`\d{5}`,
  VN: String.raw`\d{6}`,
  ZA: String.raw`\d{4}`,
};

/** Common names that are not ISO codes but mean one. */
const ALIASES: Readonly<Record<string, string>> = { UK: "GB" };

/**
 * The countries with a postal-code pattern, sorted.
 *
 * @example
 * ```ts
 * import { POSTAL_COUNTRIES } from "./postal_codes.ts";
 * POSTAL_COUNTRIES.includes("EG"); // true
 * ```
 */
export const POSTAL_COUNTRIES: readonly string[] = Object.keys(PATTERNS).sort();

const compiled = new Map<string, RegExp>();

/**
 * The ISO code a country is written as, upper-cased and with aliases
 * resolved (`uk` → `GB`), when there is a pattern for it.
 *
 * @param country A country code as written.
 * @returns The code, or `undefined` when no pattern is known.
 * @example
 * ```ts
 * import { postalCountry } from "./postal_codes.ts";
 * postalCountry("de"); // "DE"
 * postalCountry("UK"); // "GB"
 * postalCountry("XX"); // undefined
 * ```
 */
export function postalCountry(country: string): string | undefined {
  const upper = country.trim().toUpperCase();
  const code = ALIASES[upper] ?? upper;
  return Object.hasOwn(PATTERNS, code) ? code : undefined;
}

/**
 * The anchored regular expression of a country's postal codes, compiled once.
 *
 * @param country A country code (any case; aliases such as `UK` work).
 * @returns The pattern, or `undefined` when the country has none.
 * @example
 * ```ts
 * import { postalPattern } from "./postal_codes.ts";
 * postalPattern("EG")?.test("11511"); // true
 * postalPattern("CA")?.test("K1A 0B1"); // true
 * ```
 */
export function postalPattern(country: string): RegExp | undefined {
  const code = postalCountry(country);
  if (code === undefined) return undefined;
  let re = compiled.get(code);
  if (!re) {
    re = new RegExp(`^(?:${PATTERNS[code]})$`);
    compiled.set(code, re);
  }
  return re;
}
