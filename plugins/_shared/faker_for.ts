/**
 * Faker instances driven by fabricate's per-row random streams. Faker never
 * holds its own state: its randomizer reads from whichever {@linkcode Random}
 * the current row set, so a faker value is a pure function of the row.
 *
 * @module
 */
import type { Faker, LocaleDefinition } from "@faker-js/faker";
// English alone: the package's root module builds a faker for each of its ~70 locales on import
// (~50 ms), paid by every run and every generation Worker; the others load when a scenario names one.
import { faker as fakerEN } from "@faker-js/faker/locale/en";
import type { Random } from "../../core/random.ts";
import { FastFaker } from "./faker_fast.ts";

/** A faker instance plus the hook that points it at a row's stream. */
export interface BoundFaker {
  /** The faker instance (locale chain and reference date fixed). */
  readonly faker: Faker;
  /** Points faker at a row's random stream; call before each faker call. */
  use(random: Random): void;
  /** Fast paths for the common methods, reading this faker's locale definitions. */
  readonly fast: FastFaker;
}

const instances = new Map<string, BoundFaker>();

/** Faker's class (the English faker's own). */
const FakerClass = fakerEN.constructor as typeof Faker;

/** Every locale's definitions, once loaded ({@linkcode loadFakerLocales}). */
let allLocales: Record<string, LocaleDefinition> | undefined;

/**
 * Loads every faker locale (English alone is loaded up front); call before
 * {@linkcode fakerLocales}, {@linkcode normaliseLocale} or
 * {@linkcode fakerFor} with another locale than `en`.
 *
 * @example
 * ```ts
 * import { fakerLocales, loadFakerLocales } from "./faker_for.ts";
 * await loadFakerLocales();
 * fakerLocales().length > 50; // true
 * ```
 */
export async function loadFakerLocales(): Promise<void> {
  allLocales ??= (await import("@faker-js/faker")).allLocales as Record<string, LocaleDefinition>;
}

function locales(): Record<string, LocaleDefinition> {
  if (!allLocales) throw new Error("Faker's locales are not loaded (loadFakerLocales)");
  return allLocales;
}

/**
 * The faker locale names, e.g. `en`, `de_AT`, `ar`.
 *
 * @returns The names.
 * @example
 * ```ts
 * import { fakerLocales, loadFakerLocales } from "./faker_for.ts";
 * await loadFakerLocales();
 * fakerLocales().includes("de"); // true
 * ```
 */
export function fakerLocales(): string[] {
  return Object.keys(locales()).filter((l) => l !== "base");
}

/**
 * Normalises a locale name (`en-US` → `en_US`); `undefined` when faker has
 * no such locale.
 *
 * @param locale A locale name.
 * @returns Faker's name for it, or `undefined`.
 * @example
 * ```ts
 * import { loadFakerLocales, normaliseLocale } from "./faker_for.ts";
 * await loadFakerLocales();
 * normaliseLocale("en-us"); // "en_US"
 * ```
 */
export function normaliseLocale(locale: string): string | undefined {
  const [lang, region, ...rest] = locale.replace(/-/g, "_").split("_");
  const name = [lang?.toLowerCase(), region?.toUpperCase(), ...rest].filter(Boolean).join("_");
  if (name in locales()) return name;
  return locale in locales() ? locale : undefined;
}

/**
 * A faker for a locale and reference date, shared per process. Falls back
 * from a regional locale to its language, then to English.
 *
 * @param locale Faker's locale name (see {@linkcode normaliseLocale}).
 * @param referenceDate "Now" for faker's relative dates.
 * @returns The bound faker.
 * @example
 * ```ts
 * import { fakerFor, loadFakerLocales } from "./faker_for.ts";
 * import { Random } from "../../core/random.ts";
 * await loadFakerLocales(); // "de" is not English
 * const { faker, use } = fakerFor("de", new Date("2025-01-01"));
 * const random = new Random();
 * random.reseed(1, 0);
 * use(random);
 * faker.person.firstName();
 * ```
 */
export function fakerFor(locale: string, referenceDate: Date): BoundFaker {
  const key = `${locale}@${referenceDate.getTime()}`;
  let bound = instances.get(key);
  if (bound) return bound;
  // English is the English faker's definitions: en over base, merged as faker merges a chain.
  const chain: LocaleDefinition[] = [];
  if (locale === "en") chain.push(fakerEN.rawDefinitions);
  else {
    const all = locales();
    const parts = locale.split("_");
    for (let n = parts.length; n > 0; n--) {
      const l = all[parts.slice(0, n).join("_")];
      if (l) chain.push(l);
    }
    if (!locale.startsWith("en")) chain.push(all.en!);
    chain.push(all.base!);
  }
  let current: Random | undefined;
  const faker = new FakerClass({
    locale: chain,
    randomizer: {
      next: () => current!.next(),
      seed: () => {},
    },
  });
  faker.setDefaultRefDate(referenceDate);
  const fast = new FastFaker(faker, (r, method, args) => {
    current = r;
    const [mod, name] = method.split(".") as [string, string];
    const target = (faker as unknown as Record<string, Record<string, unknown>>)[mod]!;
    return (target[name] as (...a: unknown[]) => unknown).apply(target, args as unknown[]);
  });
  bound = { faker, use: (r) => void (current = r), fast };
  instances.set(key, bound);
  return bound;
}
