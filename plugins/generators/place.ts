/**
 * `place`: parts of a real place that belong together — city, state,
 * postal code, telephone area code, phone number, coordinates — in 21
 * countries, from the data in `plugins/_data/` (see `docs/places.md`).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import { didYouMean, listOf } from "../../core/did_you_mean.ts";
import { hashKey, type Random, unitAt } from "../../core/random.ts";
import type { FieldType } from "../../core/types.ts";
import { fieldRef, fieldUsage } from "../_shared/field_ref.ts";
import {
  phoneFromTemplate,
  phoneNumber,
  type PhoneStyle,
  type Place,
  PLACE_COUNTRIES,
  type PlaceTable,
  placeTable,
  postalCodeFrom,
} from "../_shared/places.ts";

/**
 * The parts of a place a field can hold.
 *
 * @example
 * ```ts
 * import { PLACE_PARTS } from "./place.ts";
 * PLACE_PARTS.includes("postal_code"); // true
 * ```
 */
export const PLACE_PARTS = [
  "city",
  "district",
  "state",
  "state_code",
  "postal_code",
  "area_code",
  "phone",
  "country_code",
  "latitude",
  "longitude",
] as const;

/**
 * One part's name.
 *
 * @example
 * ```ts
 * import type { PlacePart } from "./place.ts";
 * const part: PlacePart = "area_code";
 * ```
 */
export type PlacePart = (typeof PLACE_PARTS)[number];

/** Other names people give the parts, for hints. */
const PART_ALIASES: Readonly<Record<string, PlacePart>> = {
  zip: "postal_code",
  zipcode: "postal_code",
  zip_code: "postal_code",
  postcode: "postal_code",
  postal: "postal_code",
  province: "state",
  region: "state",
  governorate: "state",
  area: "district",
  neighborhood: "district",
  neighbourhood: "district",
  telephone: "phone",
  phone_number: "phone",
  country: "country_code",
  lat: "latitude",
  lng: "longitude",
  lon: "longitude",
};

/**
 * Options of the `place` generator.
 *
 * @example
 * ```ts
 * import { placeOptions } from "./place.ts";
 * placeOptions.parse({ country: "US", part: "city" }).group; // "default"
 * ```
 */
export const placeOptions = z.object({
  /** Which part of the place. */
  // A string rather than an enum, so a typo gets a did-you-mean hint.
  part: z.string().min(1).meta({
    description: `The part of the place: ${PLACE_PARTS.join(", ")}`,
    examples: [...PLACE_PARTS],
  }),
  /** The country, fixed. */
  country: z.string().min(1).optional().meta({
    description: `The country (ISO 3166-1 alpha-2): ${PLACE_COUNTRIES.join(", ")}`,
    examples: [...PLACE_COUNTRIES],
  }),
  /** The country, per row. */
  country_field: z.string().min(1).optional().describe(
    "A field holding each row's country code (country, or customer_id.country), instead of country",
  ),
  /** Fields of one group share a place. */
  group: z.string().min(1).default("default").describe(
    "Fields of the same entity and group hold parts of the same place (default: default)",
  ),
  /** How phone numbers are written. */
  phone_style: z.enum(["national", "e164"]).default("national").describe(
    "For part phone: national ((212) 736-4821, 02 23456789, 01 23 45 67 89; default) or e164 (+12127364821)",
  ),
}).strict();

/** Reads one part of a place for a row. */
type PartReader = (place: Place, table: PlaceTable, index: number, random: Random) => unknown;

/** Keys of the shared picks of a group: the place, its postal code, its area code. */
interface GroupKeys {
  readonly place: number;
  readonly postal: number;
  readonly area: number;
  /** One per position of a postal code completed from a region prefix. */
  readonly postalFill: readonly number[];
}

/** A part that depends on the place alone (not on the row), or undefined. */
function placePart(
  part: PlacePart,
  arabic: boolean,
): ((place: Place, table: PlaceTable) => unknown) | undefined {
  switch (part) {
    case "city":
      return arabic ? (p) => p.cityAr ?? p.city : (p) => p.city;
    case "district":
      return arabic ? (p) => p.districtAr ?? p.district : (p) => p.district;
    case "state":
      return arabic ? (p) => p.stateAr ?? p.state : (p) => p.state;
    case "state_code":
      return (p) => p.stateCode;
    case "country_code":
      return (_p, t) => t.country;
    case "latitude":
      return (p) => p.latitude;
    case "longitude":
      return (p) => p.longitude;
    default:
      return undefined;
  }
}

function partReader(
  part: PlacePart,
  keys: GroupKeys,
  arabic: boolean,
  style: PhoneStyle,
): PartReader {
  const fixed = placePart(part, arabic);
  if (fixed) return fixed;
  // A place's postal and area codes are picked by the group too, so a
  // phone's area code is the area_code field's.
  const areaIndex = (p: Place, i: number) => Math.floor(unitAt(keys.area, i) * p.areaCodes.length);
  if (part === "postal_code") {
    return (p, t, i) => {
      const u = unitAt(keys.postal, i);
      if (p.postalPrefixes === null || t.postalFormat === null) {
        return p.postalCodes[Math.floor(u * p.postalCodes.length)];
      }
      // A region prefix completed to the country's format, from the group's keys.
      const prefix = p.postalPrefixes[Math.floor(u * p.postalPrefixes.length)]!;
      return postalCodeFrom(prefix, t.postalFormat, (j) => unitAt(keys.postalFill[j]!, i));
    };
  }
  if (part === "area_code") return (p, _t, i) => p.areaCodes[areaIndex(p, i)];
  return (p, t, i, random) => {
    const a = areaIndex(p, i);
    if (p.phoneTemplates !== null && t.callingCode !== null) {
      return phoneFromTemplate(
        p.phoneTemplates[a]!,
        t.callingCode,
        t.nationalPrefix,
        random,
        style,
      );
    }
    return phoneNumber(t.country, p.areaCodes[a]!, random, style);
  };
}

/** How many distinct values a part has in a country's data (undefined: too many to tell). */
function distinctValues(part: PlacePart, table: PlaceTable, arabic: boolean): number | undefined {
  if (part === "postal_code") {
    if (table.postalFormat !== null) return undefined; // completed at generation time
    return new Set(table.places.flatMap((p) => p.postalCodes)).size;
  }
  if (part === "area_code") return new Set(table.places.flatMap((p) => p.areaCodes)).size;
  const fixed = placePart(part, arabic);
  if (!fixed) return undefined;
  const values = new Set(table.places.map((p) => fixed(p, table)));
  values.delete(null);
  return values.size;
}

/**
 * Parts of a real place, consistent with each other: the city, its state,
 * one of its postal codes and telephone area codes, a phone number there,
 * its coordinates. Places are picked in proportion to their population.
 *
 * All `place` fields of an entity with the same `group` describe the same
 * place in a row, whatever their order: the pick depends on the seed, the
 * entity, the group and the row, not on the field. Use another `group` for
 * a second address (billing and shipping).
 *
 * Parts: `city`, `district` (an area of the city: Nasr City, Smouha; null
 * in the US, French, Indian and Japanese data), `state` (name; a governorate in Egypt, a
 * région in France), `state_code` (NY; C, GZ, ALX; IDF, ARA: ISO 3166-2
 * without the country; MH, KA in India; 13, 27 in Japan), `postal_code` (US ZIP codes;
 * Egyptian and French five-digit codes; Indian six-digit PIN codes;
 * Japanese `100-0001`),
 * `area_code` (212; 2, 3, 40; the French zone digit 1–5; the Indian STD
 * code without its 0: 22, 80, 261; the Japanese area code without its 0:
 * 3, 6, 11), `phone` (a fixed-line number in
 * that area code, `phone_style` national or e164), `country_code`,
 * `latitude`, `longitude` (the place's centre). With a scenario or field
 * locale starting with `ar`, Egyptian names are in Arabic.
 *
 * The other countries (AM, AR, AU, BR, CA, ES, IT, KR, MX, PH, RU, TH, TR,
 * TW, UA, UY) have cities with their region (ISO 3166-2 code), postal codes
 * made from the region's real prefix in the country's format (`M4B 1Z7`,
 * `28047`), and the city's or its region's area codes with fixed-line
 * numbers written as libphonenumber writes them (`011 2345-6789`,
 * `8 (495) 234-56-78`); `docs/places.md` says which, per country.
 *
 * `country` fixes the country (US, EG, FR, IN, JP and the above); `country_field` reads each row's
 * country code from a field instead (`country`, or `customer_id.country`),
 * and a row whose country has no data gets null. Every field of a group
 * should name the same country or country field.
 *
 * @example In a scenario
 * ```yaml
 * customers:
 *   fields:
 *     country: { choice: { values: [US, EG], weights: [7, 3] } }
 *     city:    { place: { country_field: country, part: city } }
 *     state:   { place: { country_field: country, part: state_code } }
 *     zip:     { place: { country_field: country, part: postal_code }, validate: { format: { postal_code: { country_field: country } } } }
 *     phone:   { place: { country_field: country, part: phone, phone_style: e164 } }
 * branches:
 *   fields:
 *     governorate: { place: { country: EG, part: state } }
 *     area:        { place: { country: EG, part: district } }
 * ```
 */
export default definePlugin({
  name: "place",
  kind: "generator",
  version: "1.0.0",
  description:
    "City, state, postal code, area code, phone or coordinates of one real place (21 countries), consistent across fields",
  options: placeOptions,
  create({ part, country, country_field, group, phone_style }, setup) {
    if (!(PLACE_PARTS as readonly string[]).includes(part)) {
      const alias = PART_ALIASES[part.toLowerCase()];
      throw new PluginInputError(`Unknown place part "${part}"`, {
        expected: `one of ${PLACE_PARTS.join(", ")}`,
        hint: alias ? `did you mean "${alias}"?` : didYouMean(part, PLACE_PARTS, "parts"),
        path: ["part"],
      });
    }
    const which = part as PlacePart;
    if ((country === undefined) === (country_field === undefined)) {
      throw new PluginInputError(
        country === undefined
          ? `Cannot pick a place for ${setup.entity}.${setup.field}: no country`
          : `Cannot pick a place for ${setup.entity}.${setup.field}: both country and country_field are set`,
        {
          hint: `give either country (${
            listOf(PLACE_COUNTRIES)
          }) or country_field (a field holding each row's country code)`,
        },
      );
    }
    const keys: GroupKeys = {
      place: hashKey(setup.seed, "place", setup.entity, group),
      postal: hashKey(setup.seed, "place:postal", setup.entity, group),
      area: hashKey(setup.seed, "place:area", setup.entity, group),
      postalFill: Array.from(
        { length: 10 },
        (_, j) => hashKey(setup.seed, "place:postal-fill", setup.entity, group, j),
      ),
    };
    const arabic = /^ar(?:$|[_-])/i.test(setup.locale);
    const read = partReader(which, keys, arabic, phone_style);
    const type: FieldType = which === "latitude" || which === "longitude" ? "number" : "string";

    if (country !== undefined) {
      const table = placeTable(country);
      if (!table) {
        throw new PluginInputError(`No place data for country "${country}"`, {
          hint: didYouMean(country, PLACE_COUNTRIES, "countries"),
          path: ["country"],
        });
      }
      const cardinality = distinctValues(which, table, arabic);
      return {
        type,
        ...(which === "district" && !table.hasDistricts ? { nullable: true } : {}),
        ...(cardinality ? { cardinality } : {}),
        value: (row) =>
          read(table.pick(unitAt(keys.place, row.index)), table, row.index, row.random),
      };
    }

    const source = fieldRef(country_field!, setup, ["country_field"]);
    const sourceRead = source.read;
    // Country values as written → their table (null: no data); a handful of entries.
    const tables = new Map<string, PlaceTable | null>();
    return {
      type,
      nullable: true,
      ...fieldUsage([source]),
      value: (row) => {
        const code = sourceRead(row);
        if (typeof code !== "string") return null;
        let table = tables.get(code);
        if (table === undefined) tables.set(code, table = placeTable(code) ?? null);
        if (!table) return null;
        return read(table.pick(unitAt(keys.place, row.index)), table, row.index, row.random);
      },
    };
  },
});
