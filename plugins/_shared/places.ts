/**
 * Place data for the `place` generator: cities or districts with their
 * state, postal codes, telephone area codes and coordinates, by country,
 * weighted by population; and local telephone numbers in each country's
 * numbering plan. The data files and their sources are in
 * `plugins/_data/` (see its README).
 *
 * @module
 */
import type { Random } from "../../core/random.ts";
import us from "../_data/places_us.json" with { type: "json" };
import eg from "../_data/places_eg.json" with { type: "json" };
import fr from "../_data/places_fr.json" with { type: "json" };
import inData from "../_data/places_in.json" with { type: "json" };
import jp from "../_data/places_jp.json" with { type: "json" };
import am from "../_data/places_am.json" with { type: "json" };
import ar from "../_data/places_ar.json" with { type: "json" };
import au from "../_data/places_au.json" with { type: "json" };
import br from "../_data/places_br.json" with { type: "json" };
import ca from "../_data/places_ca.json" with { type: "json" };
import es from "../_data/places_es.json" with { type: "json" };
import it from "../_data/places_it.json" with { type: "json" };
import kr from "../_data/places_kr.json" with { type: "json" };
import mx from "../_data/places_mx.json" with { type: "json" };
import ph from "../_data/places_ph.json" with { type: "json" };
import ru from "../_data/places_ru.json" with { type: "json" };
import th from "../_data/places_th.json" with { type: "json" };
import tr from "../_data/places_tr.json" with { type: "json" };
import tw from "../_data/places_tw.json" with { type: "json" };
import ua from "../_data/places_ua.json" with { type: "json" };
import uy from "../_data/places_uy.json" with { type: "json" };
import { localFirstDigit } from "./phone_jp.ts";

/**
 * One place: a city, or a district of a city (EG).
 *
 * @example
 * ```ts
 * import { type Place, placeTable } from "./places.ts";
 * const place: Place = placeTable("EG")!.pick(0);
 * place.postalCodes[0]!.length; // 5
 * ```
 */
export interface Place {
  /** The city, as in a postal address. */
  readonly city: string;
  /** The district or area within the city, when the data has one. */
  readonly district: string | null;
  /** The state or governorate code (ISO 3166-2 without the country: NY, C, ALX). */
  readonly stateCode: string;
  /** The state or governorate name. */
  readonly state: string;
  /** Arabic names, when the data has them. */
  readonly cityAr: string | null;
  readonly districtAr: string | null;
  readonly stateAr: string | null;
  /** Latitude and longitude of the place's centre (WGS 84 degrees). */
  readonly latitude: number;
  readonly longitude: number;
  /**
   * The place's postal codes (US, EG, FR, IN, JP), or none where the data
   * has region prefixes instead ({@linkcode Place.postalPrefixes}).
   */
  readonly postalCodes: readonly string[];
  /**
   * The region's postal-code prefixes, completed to the country's format at
   * generation time ({@linkcode postalCodeFrom}); null where the data has
   * the codes themselves.
   */
  readonly postalPrefixes: readonly string[] | null;
  /** The telephone area codes in use there (at least one). */
  readonly areaCodes: readonly string[];
  /**
   * The national format of a fixed-line number for each area code (`#` a
   * random digit: `011 2###-####`), or null for the countries whose plan is
   * written in {@linkcode phoneNumber}.
   */
  readonly phoneTemplates: readonly string[] | null;
  /**
   * True when libphonenumber's geocoding data names the city for its area
   * codes; false when they are its region's.
   */
  readonly phoneCityLevel: boolean;
}

/**
 * A country's places and how to pick one by population.
 *
 * @example
 * ```ts
 * import { type PlaceTable, placeTable } from "./places.ts";
 * const us: PlaceTable = placeTable("US")!;
 * us.pick(0.999).stateCode.length; // 2
 * ```
 */
export interface PlaceTable {
  /** ISO 3166-1 alpha-2 code. */
  readonly country: string;
  /** The places. */
  readonly places: readonly Place[];
  /** True when places have districts. */
  readonly hasDistricts: boolean;
  /**
   * How postal codes are written where places have prefixes: `#` a digit,
   * `@` one of `letters`, anything else as is (`@#@ #@#`); null otherwise.
   */
  readonly postalFormat: { readonly format: string; readonly letters: string } | null;
  /** The country calling code (`54`), where places have phone templates; null otherwise. */
  readonly callingCode: string | null;
  /** The national (trunk) prefix phone templates start with (`0`, `8`, or empty). */
  readonly nationalPrefix: string;
  /**
   * The place for a uniform number in [0, 1): places are weighted by
   * population.
   */
  pick(u: number): Place;
}

/** The shape of a file in `plugins/_data/places_*.json`. */
interface PlaceFile {
  readonly country: string;
  readonly columns: readonly string[];
  readonly postal_format?: string;
  readonly postal_letters?: string;
  readonly calling_code?: string;
  readonly national_prefix?: string;
  readonly states: Readonly<Record<string, { readonly name: string; readonly name_ar?: string }>>;
  readonly places: readonly (readonly (string | number)[])[];
}

const FILES: Readonly<Record<string, PlaceFile>> = {
  US: us,
  EG: eg,
  FR: fr,
  IN: inData,
  JP: jp,
  AM: am,
  AR: ar,
  AU: au,
  BR: br,
  CA: ca,
  ES: es,
  IT: it,
  KR: kr,
  MX: mx,
  PH: ph,
  RU: ru,
  TH: th,
  TR: tr,
  TW: tw,
  UA: ua,
  UY: uy,
};

/**
 * The countries with place data, sorted.
 *
 * @example
 * ```ts
 * import { PLACE_COUNTRIES } from "./places.ts";
 * PLACE_COUNTRIES.includes("BR"); // true
 * ```
 */
export const PLACE_COUNTRIES: readonly string[] = Object.keys(FILES).sort();

const tables = new Map<string, PlaceTable>();

/**
 * A country's place table, built once on first use.
 *
 * @param country An ISO 3166-1 alpha-2 code, any case.
 * @returns The table, or `undefined` when there is no data for the country.
 * @example
 * ```ts
 * import { placeTable } from "./places.ts";
 * const eg = placeTable("eg")!;
 * eg.pick(0.5).postalCodes[0]; // a five-digit code
 * ```
 */
export function placeTable(country: string): PlaceTable | undefined {
  const code = country.trim().toUpperCase();
  const file = Object.hasOwn(FILES, code) ? FILES[code] : undefined;
  if (!file) return undefined;
  let table = tables.get(code);
  if (!table) {
    table = buildTable(file);
    tables.set(code, table);
  }
  return table;
}

function buildTable(file: PlaceFile): PlaceTable {
  const at = (name: string) => file.columns.indexOf(name);
  const city = at("city"), district = at("district"), state = at("state_code");
  const postal = at("postal_codes"), area = at("area_codes"), population = at("population");
  const prefixes = at("postal_prefixes"), templates = at("phone_templates");
  const cityLevel = at("phone_city_level");
  const lat = at("latitude"), lon = at("longitude");
  const districtAr = at("district_ar"), cityAr = at("city_ar");
  const text = (row: readonly (string | number)[], c: number) => (c < 0 ? null : String(row[c]));
  const places: Place[] = file.places.map((row) => {
    const stateCode = String(row[state]);
    const s = file.states[stateCode];
    if (!s) throw new Error(`Place data for ${file.country}: unknown state "${stateCode}"`);
    return {
      city: String(row[city]),
      district: text(row, district),
      stateCode,
      state: s.name,
      cityAr: text(row, cityAr),
      districtAr: text(row, districtAr),
      stateAr: s.name_ar ?? null,
      latitude: Number(row[lat]),
      longitude: Number(row[lon]),
      postalCodes: postal < 0 ? [] : String(row[postal]).split(" "),
      postalPrefixes: prefixes < 0 ? null : String(row[prefixes]).split(" "),
      areaCodes: String(row[area]).split(" "),
      phoneTemplates: templates < 0 ? null : String(row[templates]).split("|"),
      phoneCityLevel: cityLevel < 0 ? true : row[cityLevel] === 1,
    };
  });
  const cumulative = new Float64Array(places.length);
  let total = 0;
  file.places.forEach((row, i) => (cumulative[i] = total += Math.max(1, Number(row[population]))));
  const last = places.length - 1;
  return {
    country: file.country,
    places,
    hasDistricts: district >= 0,
    postalFormat: file.postal_format === undefined
      ? null
      : { format: file.postal_format, letters: file.postal_letters ?? "" },
    callingCode: file.calling_code ?? null,
    nationalPrefix: file.national_prefix ?? "",
    pick(u) {
      // The first place whose cumulative weight exceeds u × total.
      const x = u * total;
      let lo = 0, hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! > x) hi = mid;
        else lo = mid + 1;
      }
      return places[lo]!;
    },
  };
}

/**
 * How a telephone number is written: national (`(212) 736-4821`,
 * `02 23456789`) or E.164 (`+12127364821`).
 *
 * @example
 * ```ts
 * import type { PhoneStyle } from "./places.ts";
 * const style: PhoneStyle = "e164";
 * ```
 */
export type PhoneStyle = "national" | "e164";

/** Digits that may follow any French geographic zone digit. */
const FR_SECOND = ["1", "2", "3", "4", "5", "7", "8"] as const;

function digits(random: Random, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += random.int(0, 9);
  return s;
}

/**
 * A fixed-line telephone number in a place's area code, in the country's
 * numbering plan: NANP for the US (exchange 2–9XX, never N11:
 * `(212) 736-4821`), Egypt's plan (`02` plus 8 digits in Cairo and Giza,
 * `03` plus 7 in Alexandria, two-digit area codes plus 7 elsewhere:
 * `040 3456789`), France's (a zone digit 1–5 plus 8 digits, written in
 * pairs: `01 23 45 67 89`), India's (a trunk 0, the STD code and a
 * subscriber number starting with 2, ten digits in all after the 0:
 * `022 2345 6789`, `0261 234 5678`), Japan's (a trunk 0, the area code and
 * a local number, nine digits in all after the 0, hyphenated:
 * `03-2345-6789`, `011-234-5678`, `0798-23-4567`). `e164` writes
 * `+12127364821`, `+20403456789`, `+33123456789`, `+912223456789`,
 * `+81323456789`.
 *
 * @param country The country (a key of the place data).
 * @param area The area code.
 * @param random The row's random stream.
 * @param style National or E.164.
 * @returns The number.
 * @example
 * ```ts
 * import { phoneNumber } from "./places.ts";
 * import { Random } from "../../core/random.ts";
 * const random = new Random();
 * random.reseed(1, 0);
 * phoneNumber("EG", "40", random, "e164"); // "+2040" then 7 digits
 * ```
 */
export function phoneNumber(
  country: string,
  area: string,
  random: Random,
  style: PhoneStyle,
): string {
  if (country === "US") {
    let exchange = random.int(200, 999);
    if (exchange % 100 === 11) exchange++; // N11 codes are service numbers (411, 911)
    const line = digits(random, 4);
    return style === "e164" ? `+1${area}${exchange}${line}` : `(${area}) ${exchange}-${line}`;
  }
  if (country === "FR") {
    // Geographic numbers 0Z AB PQ MC DU. The digit after the zone avoids
    // 0 (not in zone 4), 6 (overseas in zone 2) and 9 (overseas in zone 5).
    const subscriber = FR_SECOND[random.int(0, FR_SECOND.length - 1)] + digits(random, 7);
    if (style === "e164") return `+33${area}${subscriber}`;
    return `0${area} ${subscriber.replace(/(\d{2})(?=\d)/g, "$1 ")}`;
  }
  if (country === "IN") {
    // STD code plus subscriber number make ten digits; subscriber numbers
    // starting with 2 (the incumbent operators' fixed lines) are valid fixed
    // lines after every STD code in libphonenumber's metadata.
    const subscriber = "2" + digits(random, 9 - area.length);
    if (style === "e164") return `+91${area}${subscriber}`;
    // libphonenumber's national layout: 0XX XXXX XXXX, 0XXX XXX XXXX.
    const split = area.length === 2 ? 4 : 3;
    return `0${area} ${subscriber.slice(0, split)} ${subscriber.slice(split)}`;
  }
  if (country === "JP") {
    // Area code plus local number make nine digits; the local number's first
    // digit is one libphonenumber's geocoding places in the city (phone_jp.ts).
    const local = localFirstDigit(area) + digits(random, 8 - area.length);
    if (style === "e164") return `+81${area}${local}`;
    // 0A-XXXX-XXXX, 0AB-XXX-XXXX, 0ABC-XX-XXXX: the last four digits apart.
    return `0${area}-${local.slice(0, -4)}-${local.slice(-4)}`;
  }
  // Egypt: a subscriber number's first digit is never 0 or 1 (those start
  // prefixes); Banha's (13) starts with 2 or 3.
  const first = area === "13" ? random.int(2, 3) : random.int(2, 9);
  const subscriber = first + digits(random, area === "2" ? 7 : 6);
  return style === "e164" ? `+20${area}${subscriber}` : `0${area} ${subscriber}`;
}

/**
 * A postal code from a region prefix, completed to the country's format:
 * each `#` after the prefix is a digit and each `@` one of the letters,
 * drawn from `unit(j)` (a uniform number in [0, 1) for the j-th position).
 *
 * @param prefix The region's prefix (`28`, `M`, `B1`).
 * @param postal The country's format and letters.
 * @param unit Uniform numbers, one per position to fill.
 * @returns The code (`28047`, `M4B 1Z7`, `B1642AXT`).
 * @example
 * ```ts
 * import { postalCodeFrom } from "./places.ts";
 * postalCodeFrom("M", { format: "@#@ #@#", letters: "ABCEGHJKLMNPRSTVWXYZ" }, () => 0.5); // "M5N 5N5"
 * ```
 */
export function postalCodeFrom(
  prefix: string,
  postal: { readonly format: string; readonly letters: string },
  unit: (j: number) => number,
): string {
  let out = "";
  let k = 0;
  let j = 0;
  for (const ch of postal.format) {
    if (ch !== "#" && ch !== "@") {
      out += ch;
      if (prefix[k] === ch) k++; // a separator written in the prefix
      continue;
    }
    if (k < prefix.length) {
      out += prefix[k++];
      continue;
    }
    const u = unit(j++);
    out += ch === "#"
      ? String(Math.floor(u * 10))
      : postal.letters[Math.floor(u * postal.letters.length)];
  }
  return out;
}

/**
 * A fixed-line number from a national-format template: each `#` is a
 * random digit. `e164` writes it `+` calling code and the number without
 * the national prefix (`011 2345-6789` → `+541123456789`).
 *
 * @param template The national format (`011 2###-####`, `8 (495) 2##-##-##`).
 * @param callingCode The country calling code (`54`).
 * @param nationalPrefix The national (trunk) prefix the template starts with (`0`, `8`, or none).
 * @param random The row's random stream.
 * @param style National or E.164.
 * @returns The number.
 * @example
 * ```ts
 * import { phoneFromTemplate } from "./places.ts";
 * import { Random } from "../../core/random.ts";
 * const random = new Random();
 * random.reseed(1, 0);
 * phoneFromTemplate("06 2### ####", "39", "", random, "e164"); // "+39062" then 7 digits
 * ```
 */
export function phoneFromTemplate(
  template: string,
  callingCode: string,
  nationalPrefix: string,
  random: Random,
  style: PhoneStyle,
): string {
  let national = "";
  for (const ch of template) national += ch === "#" ? String(random.int(0, 9)) : ch;
  if (style === "national") return national;
  return `+${callingCode}${nationalSignificant(national, nationalPrefix)}`;
}

function nationalSignificant(national: string, nationalPrefix: string): string {
  const digits = national.replace(/\D/g, "");
  return nationalPrefix && digits.startsWith(nationalPrefix)
    ? digits.slice(nationalPrefix.length)
    : digits;
}
