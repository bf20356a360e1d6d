/**
 * `faker`: any faker method (`person.firstName`, `internet.email`,
 * `string.numeric` with args…) in any faker locale, driven by the row's
 * random stream so values are reproducible and random-access.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import { Random } from "../../core/random.ts";
import type { FieldType } from "../../core/types.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import { fakerFor, fakerLocales, loadFakerLocales, normaliseLocale } from "../_shared/faker_for.ts";

const METHOD = /^[a-zA-Z]+\.[a-zA-Z]+$/;

/** Options of the `faker` generator: `module.method`, or with arguments. */
export const fakerOptions = z.union([
  z.string().regex(METHOD, "Expected a faker method like person.firstName"),
  z.object({
    method: z.string().regex(METHOD, "Expected a faker method like person.firstName")
      .describe("A faker method, module.method"),
    args: z.array(z.unknown()).default([]).describe("Arguments passed to the method"),
    type: z.enum(["string", "integer", "number", "boolean", "date", "datetime", "uuid", "json"])
      .optional().describe("Override the inferred column type"),
  }).strict(),
]).transform((o) => (typeof o === "string" ? { method: o, args: [] as unknown[] } : o));

let methodNames: string[] | undefined;

/** Every `module.method` a faker instance offers. */
function allMethods(faker: object): string[] {
  if (methodNames) return methodNames;
  const names: string[] = [];
  for (const [mod, value] of Object.entries(faker)) {
    if (mod.startsWith("_") || typeof value !== "object" || value === null) continue;
    let proto = Object.getPrototypeOf(value);
    while (proto && proto !== Object.prototype) {
      for (const m of Object.getOwnPropertyNames(proto)) {
        if (
          m !== "constructor" && !m.startsWith("_") &&
          typeof (value as Record<string, unknown>)[m] === "function"
        ) {
          names.push(`${mod}.${m}`);
        }
      }
      proto = Object.getPrototypeOf(proto);
    }
  }
  return (methodNames = [...new Set(names)].sort());
}

function typeOf(sample: unknown, method: string): FieldType {
  if (sample instanceof Date) return "datetime";
  if (typeof sample === "boolean") return "boolean";
  if (typeof sample === "number" || typeof sample === "bigint") {
    return /int$|Int$/.test(method) || method === "number.binary" ? "integer" : "number";
  }
  if (method === "string.uuid") return "uuid";
  if (typeof sample === "object" && sample !== null) return "json";
  return "string";
}

/**
 * Realistic values from faker.
 *
 * @example In a scenario
 * ```yaml
 * first_name: { faker: person.firstName }
 * plz:        { faker: location.zipCode, locale: de }
 * digits:     { faker: { method: string.numeric, args: [6] } }
 * ```
 */
export default definePlugin({
  name: "faker",
  kind: "generator",
  version: "2.0.0",
  description: "Any faker method (module.method) with args, in any faker locale",
  options: fakerOptions,
  async create({ method, args, type }, setup) {
    // English is loaded up front; any other locale loads faker's every locale.
    if (setup.locale !== "en") await loadFakerLocales();
    const locale = setup.locale === "en" ? "en" : normaliseLocale(setup.locale);
    if (!locale) {
      throw new PluginInputError(`Unknown locale "${setup.locale}" for faker`, {
        hint: didYouMean(setup.locale, fakerLocales(), "locales"),
      });
    }
    const { faker, use, fast } = fakerFor(locale, setup.referenceDate);
    const [mod, name] = method.split(".") as [string, string];
    const target = (faker as unknown as Record<string, Record<string, unknown>>)[mod];
    const fn = target?.[name];
    if (typeof fn !== "function") {
      throw new PluginInputError(`Unknown faker method "${method}"`, {
        expected: "a faker module.method, e.g. person.firstName, internet.email",
        hint: didYouMean(method, allMethods(faker), "faker methods"),
      });
    }
    const call = (fn as (...a: unknown[]) => unknown).bind(target);
    // Call once now so a bad argument or missing locale data is a scenario
    // error, not a failure in the middle of a run.
    const probe = new Random();
    probe.reseed(setup.seed, 0);
    use(probe);
    let sample: unknown;
    try {
      sample = call(...args);
    } catch (e) {
      throw new PluginInputError(
        `faker ${method} failed in locale "${locale}": ${(e as Error).message}`,
        {
          hint: "check the method's arguments, or pick a locale that has this data",
        },
      );
    }
    // The common methods pick from faker's locale data with the row's
    // stream directly (engine 2): same lists, different picks from faker's.
    const pick = fast.method(method, args);
    if (pick) {
      probe.reseed(setup.seed, 0);
      return { type: type ?? typeOf(pick(probe), method), value: (row) => pick(row.random) };
    }
    const convert = sample instanceof Date
      ? (v: unknown) => (v as Date).toISOString()
      : typeof sample === "bigint"
      ? (v: unknown) => Number(v)
      : undefined;
    return {
      type: type ?? typeOf(sample, method),
      value: convert
        ? (row) => {
          use(row.random);
          return convert(call(...args));
        }
        : (row) => {
          use(row.random);
          return call(...args);
        },
    };
  },
});
