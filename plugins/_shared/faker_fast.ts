/**
 * Fast paths for the common faker methods: faker's locale definitions are
 * read once, and values are picked with fabricate's own random stream
 * instead of going through faker's method calls, template evaluator and
 * randomizer on every value. The values come from the same lists in the
 * same locale, but the picks differ from faker's own for the same stream
 * (engine version 2; see docs/speed.md).
 *
 * A method missing here, or called with arguments a fast path does not
 * cover, is left to faker itself (driven by the same row stream).
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import type { Random } from "../../core/random.ts";

/**
 * Draws one value from a row's random stream.
 *
 * @example
 * ```ts
 * import type { Pick } from "./faker_fast.ts";
 * const coin: Pick = (r) => (r.next() < 0.5 ? "heads" : "tails");
 * ```
 */
export type Pick = (r: Random) => string;

/** A uniform index in [0, n). */
function below(r: Random, n: number): number {
  return Math.floor(r.next() * n);
}

/** A uniform pick from a list of strings. */
function pickFrom(list: readonly string[]): Pick {
  if (list.length === 1) {
    const only = list[0]!;
    return () => only;
  }
  return (r) => list[below(r, list.length)]!;
}

/** A weighted pick between alternatives (weights need not sum to 1). */
function weighted<T>(items: readonly { weight: number; value: T }[]): (r: Random) => T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const i of items) cumulative.push(acc += i.weight / total);
  return (r) => {
    const u = r.next();
    for (let k = 0; k < items.length - 1; k++) if (u < cumulative[k]!) return items[k]!.value;
    return items[items.length - 1]!.value;
  };
}

/** The value at a definitions path, or undefined when the locale chain lacks it. */
function definition(faker: Faker, path: string): unknown {
  try {
    let v: unknown = faker.definitions;
    for (const key of path.split(".")) {
      if (v === null || typeof v !== "object") return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  } catch {
    // faker's definitions proxy throws for missing locale data.
    return undefined;
  }
}

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string");

/** Sexed lists as faker stores them (`first_name`, `last_name`, `prefix`…). */
interface Sexed<T> {
  generic?: T[];
  female?: T[];
  male?: T[];
}

/**
 * Faker's choice of list for a sex (its `selectDefinition`): a sexed list,
 * mixed with the generic one weighted by size, or the generic one alone.
 */
function sexedList<T>(def: Sexed<T>, sex: string | undefined): (r: Random) => T[] {
  const forSex = (t: string): (r: Random) => T[] => {
    const { generic, female, male } = def;
    if (t === "generic") {
      if (generic) return () => generic;
      const lists = [female, male].filter((l): l is T[] => l !== undefined);
      return lists.length ? (r) => lists[below(r, lists.length)]! : () => [];
    }
    const own = t === "female" ? female : male;
    if (own === undefined) return () => generic ?? [];
    if (generic === undefined) return () => own;
    return weighted([
      { weight: 3 * Math.sqrt(own.length), value: own },
      { weight: Math.sqrt(generic.length), value: generic },
    ]);
  };
  if (sex !== undefined) return forSex(sex);
  const female = forSex("female"), male = forSex("male");
  return (r) => (r.next() < 0.5 ? female(r) : male(r));
}

/** A pick from a sexed definition, or undefined when the locale lacks it. */
function sexedPick(faker: Faker, path: string, sex: string | undefined): Pick | undefined {
  const def = definition(faker, path);
  if (def === null || typeof def !== "object" || Array.isArray(def)) return undefined;
  const list = sexedList(def as Sexed<string>, sex);
  return (r) => {
    const l = list(r);
    return l.length ? l[below(r, l.length)]! : "";
  };
}

/**
 * Builds the fast paths of one faker instance (one locale chain).
 *
 * @example Pick a German first name from a row's stream
 * ```ts
 * import { fakerFor, loadFakerLocales } from "./faker_for.ts";
 * import { Random } from "../../core/random.ts";
 * await loadFakerLocales(); // "de" is not English
 * const { fast } = fakerFor("de", new Date("2025-01-01"));
 * const firstName = fast.method("person.firstName", [])!;
 * const random = new Random();
 * random.reseed(1, 0);
 * firstName(random); // e.g. "Lena"
 * ```
 */
export class FastFaker {
  readonly #picks = new Map<string, Pick | undefined>();

  /**
   * @param faker The faker whose definitions to read.
   * @param slow Calls faker itself on the row's stream (for what has no fast path).
   */
  constructor(
    readonly faker: Faker,
    readonly slow: (r: Random, method: string, args: readonly unknown[]) => unknown,
  ) {}

  /**
   * The fast path of a method called with `args`, or undefined when faker
   * must run it.
   *
   * @param method `module.method`.
   * @param args The arguments.
   * @returns The picker, or undefined.
   */
  method(method: string, args: readonly unknown[]): Pick | undefined {
    const key = args.length ? `${method}${JSON.stringify(args)}` : method;
    if (this.#picks.has(key)) return this.#picks.get(key);
    let pick: Pick | undefined;
    try {
      pick = this.#build(method, args);
    } catch {
      pick = undefined;
    }
    this.#picks.set(key, pick);
    return pick;
  }

  /** Sex argument of the person methods: none, or "female" / "male" / "generic". */
  #sexArg(args: readonly unknown[]): { ok: boolean; sex?: string } {
    if (args.length === 0 || (args.length === 1 && args[0] === undefined)) return { ok: true };
    const s = args[0];
    return args.length === 1 && (s === "female" || s === "male" || s === "generic")
      ? { ok: true, sex: s }
      : { ok: false };
  }

  #build(method: string, args: readonly unknown[]): Pick | undefined {
    const f = this.faker;
    const noArgs = args.length === 0;
    const listAt = (path: string): Pick | undefined => {
      const v = definition(f, path);
      if (!isStrings(v)) return undefined;
      return v.some((s) => s.includes("{{")) ? this.#patterns(v) : pickFrom(v);
    };
    switch (method) {
      case "person.firstName":
      case "person.middleName":
      case "person.prefix": {
        const { ok, sex } = this.#sexArg(args);
        if (!ok) return undefined;
        const path = {
          "person.firstName": "person.first_name",
          "person.middleName": "person.middle_name",
          "person.prefix": "person.prefix",
        }[method];
        return sexedPick(f, path, sex);
      }
      case "person.lastName": {
        const { ok, sex } = this.#sexArg(args);
        if (!ok) return undefined;
        const raw = (f.rawDefinitions as { person?: { last_name_pattern?: unknown } }).person
          ?.last_name_pattern;
        if (raw == null) return sexedPick(f, "person.last_name", sex);
        const patterns = sexedList(raw as Sexed<{ weight: number; value: string }>, sex);
        const cache = new Map<unknown, (r: Random) => string>();
        return (r) => {
          const list = patterns(r);
          let p = cache.get(list);
          if (!p) {
            const w = weighted(
              list.map((x) => ({ weight: x.weight, value: this.#pattern(x.value) })),
            );
            p = (r2) => w(r2)(r2);
            cache.set(list, p);
          }
          return p(r);
        };
      }
      case "person.fullName": {
        if (!noArgs) return undefined;
        const def = definition(f, "person.name");
        if (!Array.isArray(def)) return undefined;
        const sexes = ["female", "male"] as const;
        // fullName fixes one sex for every part of the name.
        const bySex = sexes.map((sex) => {
          const parts: Record<string, Pick | undefined> = {
            "person.firstName": this.method("person.firstName", [sex]),
            "person.lastName": this.method("person.lastName", [sex]),
            "person.middleName": this.method("person.middleName", [sex]),
            "person.prefix": this.method("person.prefix", [sex]),
          };
          return weighted((def as { weight: number; value: string }[]).map((x) => ({
            weight: x.weight,
            value: this.#pattern(x.value, parts),
          })));
        });
        return (r) => bySex[below(r, 2)]!(r)(r);
      }
      case "person.suffix":
      case "person.gender":
      case "person.sex":
      case "person.jobArea":
      case "person.jobType":
      case "person.jobDescriptor":
      case "person.jobTitle":
      case "location.city":
      case "location.country":
      case "location.continent":
      case "location.county":
      case "location.street":
      case "location.timeZone":
      case "company.name":
      case "company.catchPhraseAdjective":
      case "company.catchPhraseDescriptor":
      case "company.catchPhraseNoun":
      case "company.buzzAdjective":
      case "company.buzzVerb":
      case "company.buzzNoun":
      case "commerce.department":
      case "commerce.productName":
      case "internet.domainSuffix":
      case "lorem.word":
      case "word.adjective":
      case "word.noun":
      case "word.verb":
      case "music.genre":
      case "animal.type":
      case "color.human": {
        if (!noArgs) return undefined;
        return listAt(LIST_PATHS[method]!);
      }
      case "person.sexType":
        return noArgs ? pickFrom(["female", "male"]) : undefined;
      case "location.state": {
        if (!noArgs && !(args.length === 1 && isPlainObject(args[0]))) return undefined;
        const o = (args[0] ?? {}) as { abbreviated?: unknown };
        if (Object.keys(o).some((k) => k !== "abbreviated")) return undefined;
        return listAt(o.abbreviated ? "location.state_abbr" : "location.state");
      }
      case "location.countryCode": {
        let variant: unknown = "alpha-2";
        if (args.length === 1 && typeof args[0] === "string") variant = args[0];
        else if (args.length === 1 && isPlainObject(args[0])) {
          const o = args[0] as { variant?: unknown };
          if (Object.keys(o).some((k) => k !== "variant")) return undefined;
          variant = o.variant ?? "alpha-2";
        } else if (!noArgs) return undefined;
        const field = { "alpha-2": "alpha2", "alpha-3": "alpha3", numeric: "numeric" }[
          variant as string
        ];
        const codes = definition(f, "location.country_code");
        if (!field || !Array.isArray(codes)) return undefined;
        return pickFrom(codes.map((c) => String((c as Record<string, unknown>)[field])));
      }
      case "location.zipCode": {
        if (!noArgs) return undefined;
        const formats = definition(f, "location.postcode");
        const list = typeof formats === "string" ? [formats] : formats;
        if (!isStrings(list)) return undefined;
        const each = list.map(symbols);
        return (r) => each[below(r, each.length)]!(r);
      }
      case "location.buildingNumber": {
        if (!noArgs) return undefined;
        const list = definition(f, "location.building_number");
        if (!isStrings(list)) return undefined;
        const each = list.map(digitRuns);
        return (r) => each[below(r, each.length)]!(r);
      }
      case "location.streetAddress": {
        let full = false;
        if (args.length === 1 && typeof args[0] === "boolean") full = args[0];
        else if (args.length === 1 && isPlainObject(args[0])) {
          const o = args[0] as { useFullAddress?: unknown };
          if (Object.keys(o).some((k) => k !== "useFullAddress")) return undefined;
          full = Boolean(o.useFullAddress);
        } else if (!noArgs) return undefined;
        return listAt(`location.street_address.${full ? "full" : "normal"}`);
      }
      case "phone.number": {
        let style: unknown = "human";
        if (args.length === 1 && isPlainObject(args[0])) {
          const o = args[0] as { style?: unknown };
          if (Object.keys(o).some((k) => k !== "style")) return undefined;
          style = o.style ?? "human";
        } else if (!noArgs) return undefined;
        if (typeof style !== "string") return undefined;
        const formats = definition(f, `phone_number.format.${style}`);
        if (!isStrings(formats)) return undefined;
        const each = formats.map(phoneFormat);
        return (r) => each[below(r, each.length)]!(r);
      }
      case "lorem.words": {
        const count = countArg(args, 3);
        if (!count) return undefined;
        const word = listAt("lorem.word");
        if (!word) return undefined;
        return (r) => words(r, word, count(r));
      }
      case "lorem.sentence": {
        const count = countArg(args, { min: 3, max: 10 });
        const word = listAt("lorem.word");
        if (!count || !word) return undefined;
        return (r) => sentence(words(r, word, count(r)));
      }
      case "lorem.sentences":
      case "lorem.paragraph": {
        const count = countArg(args, method === "lorem.paragraph" ? 3 : { min: 2, max: 6 });
        const word = listAt("lorem.word");
        if (!count || !word) return undefined;
        const perSentence = countArg([], { min: 3, max: 10 })!;
        return (r) => {
          const n = count(r);
          let s = "";
          for (let k = 0; k < n; k++) {
            s += (k ? " " : "") + sentence(words(r, word, perSentence(r)));
          }
          return s;
        };
      }
      case "internet.email":
      case "internet.exampleEmail": {
        if (!noArgs) return undefined;
        const first = this.method("person.firstName", []);
        const last = this.method("person.lastName", []);
        const provider = listAt(
          method === "internet.email" ? "internet.free_email" : "internet.example_email",
        );
        if (!first || !last || !provider) return undefined;
        // The username rules (transliteration, separators) stay faker's own.
        return (r) =>
          this.slow(r, "internet.email", [{
            firstName: first(r),
            lastName: last(r),
            provider: provider(r),
          }]) as string;
      }
      case "internet.domainWord": {
        if (!noArgs) return undefined;
        const adjective = listAt("word.adjective"), noun = listAt("word.noun");
        if (!adjective || !noun) return undefined;
        return (r) => domainWord(adjective(r), noun(r));
      }
      case "internet.domainName": {
        if (!noArgs) return undefined;
        const word = this.method("internet.domainWord", []);
        const suffix = listAt("internet.domain_suffix");
        if (!word || !suffix) return undefined;
        return (r) => `${word(r)}.${suffix(r)}`;
      }
      default:
        return undefined;
    }
  }

  /** A uniform pick from a list of `{{…}}` patterns. */
  #patterns(list: readonly string[]): Pick {
    const each = list.map((p) => this.#pattern(p));
    return each.length === 1 ? each[0]! : (r) => each[below(r, each.length)]!(r);
  }

  /**
   * Compiles one `{{module.method}}` / `{{module.definition}}` pattern, as
   * faker's `helpers.fake` reads it. `parts` overrides references (fullName
   * fixes the sex of its parts).
   */
  #pattern(pattern: string, parts: Record<string, Pick | undefined> = {}): Pick {
    const pieces: (string | Pick)[] = [];
    const ref = /\{\{([a-z][^{}]*)\}\}/g;
    let at = 0;
    for (const m of pattern.matchAll(ref)) {
      if (m.index > at) pieces.push(pattern.slice(at, m.index));
      pieces.push(parts[m[1]!] ?? this.#reference(m[1]!));
      at = m.index + m[0].length;
    }
    if (at < pattern.length) pieces.push(pattern.slice(at));
    if (pieces.length === 1 && typeof pieces[0] === "string") {
      const s = pieces[0];
      return () => s;
    }
    return (r) => {
      let s = "";
      for (const p of pieces) s += typeof p === "string" ? p : p(r);
      return s;
    };
  }

  /** What `{{expression}}` in a pattern stands for. */
  #reference(expression: string): Pick {
    const slow: Pick = (r) => String(this.slow(r, "helpers.fake", [`{{${expression}}}`]));
    if (/[()]/.test(expression)) return slow;
    const [mod, name, ...rest] = expression.split(".");
    const target = (this.faker as unknown as Record<string, Record<string, unknown>>)[mod!];
    if (rest.length === 0 && typeof target?.[name!] === "function") {
      return this.method(expression, []) ??
        ((r) => String(this.slow(r, expression, [])));
    }
    const v = definition(this.faker, expression);
    if (isStrings(v)) return v.some((s) => s.includes("{{")) ? this.#patterns(v) : pickFrom(v);
    return slow;
  }
}

/** Definition lists behind methods that only pick from them (or fill one of their patterns). */
const LIST_PATHS: Record<string, string> = {
  "person.suffix": "person.suffix",
  "person.gender": "person.gender",
  "person.sex": "person.sex",
  "person.jobArea": "person.job_area",
  "person.jobType": "person.job_type",
  "person.jobDescriptor": "person.job_descriptor",
  "person.jobTitle": "person.job_title_pattern",
  "location.city": "location.city_pattern",
  "location.country": "location.country",
  "location.continent": "location.continent",
  "location.county": "location.county",
  "location.street": "location.street_pattern",
  "location.timeZone": "location.time_zone",
  "company.name": "company.name_pattern",
  "company.catchPhraseAdjective": "company.adjective",
  "company.catchPhraseDescriptor": "company.descriptor",
  "company.catchPhraseNoun": "company.noun",
  "company.buzzAdjective": "company.buzz_adjective",
  "company.buzzVerb": "company.buzz_verb",
  "company.buzzNoun": "company.buzz_noun",
  "commerce.department": "commerce.department",
  "commerce.productName": "commerce.product_name.pattern",
  "internet.domainSuffix": "internet.domain_suffix",
  "lorem.word": "lorem.word",
  "word.adjective": "word.adjective",
  "word.noun": "word.noun",
  "word.verb": "word.verb",
  "music.genre": "music.genre",
  "animal.type": "animal.type",
  "color.human": "color.human",
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A count argument (`n` or `{ min, max }`), defaulting to `fallback`. */
function countArg(
  args: readonly unknown[],
  fallback: number | { min: number; max: number },
): ((r: Random) => number) | undefined {
  if (args.length > 1) return undefined;
  const c = args.length ? args[0] : fallback;
  if (typeof c === "number" && Number.isInteger(c) && c >= 0) return () => c;
  if (isPlainObject(c) && Object.keys(c).every((k) => k === "min" || k === "max")) {
    const { min, max } = c as { min?: unknown; max?: unknown };
    if (
      typeof min === "number" && typeof max === "number" && Number.isInteger(min) &&
      Number.isInteger(max) && min >= 0 && max >= min
    ) return (r) => r.int(min, max);
  }
  return undefined;
}

function words(r: Random, word: Pick, n: number): string {
  let s = "";
  for (let k = 0; k < n; k++) s += (k ? " " : "") + word(r);
  return s;
}

function sentence(s: string): string {
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

/** A domain word as faker makes it: two words, kept to letters and dashes, lower-cased. */
function domainWord(adjective: string, noun: string): string {
  const clean = (w: string) =>
    w.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-zA-Z0-9-]/g, "");
  return `${clean(adjective)}-${clean(noun)}`.toLowerCase();
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** `#` → a digit, `?` → a capital letter, `*` → either (faker's replaceSymbols). */
function symbols(format: string): Pick {
  if (!/[#?*]/.test(format)) return () => format;
  if (!/[?*]/.test(format)) return digitPattern(format.split(/(#+)/).filter((p) => p !== ""));
  return (r) => {
    let s = "";
    for (let k = 0; k < format.length; k++) {
      const c = format.charCodeAt(k);
      if (c === 35) s += below(r, 10);
      else if (c === 63) s += LETTERS[below(r, 26)];
      else if (c === 42) s += r.next() < 0.5 ? LETTERS[below(r, 26)] : below(r, 10);
      else s += format[k];
    }
    return s;
  };
}

/** A run of `#` → a number of that many digits without a leading zero. */
function digitRuns(format: string): Pick {
  const parts = format.split(/(#+)/);
  return (r) => {
    let s = "";
    for (const p of parts) {
      if (!p.startsWith("#")) s += p;
      else {
        s += 1 + below(r, 9);
        for (let k = 1; k < p.length; k++) s += below(r, 10);
      }
    }
    return s;
  };
}

/** A phone format: `#` → a digit, `!` → a digit from 2 to 9. */
function phoneFormat(format: string): Pick {
  return digitPattern(format.split(/(#+|!)/).filter((p) => p !== ""));
}

/**
 * Fills a format split into pieces: a run of `#` is one draw of that many
 * digits (leading zeros kept), `!` a digit from 2 to 9, anything else as it is.
 */
function digitPattern(pieces: readonly string[]): Pick {
  const kinds = pieces.map((p) => (p === "!" ? -1 : p.startsWith("#") ? p.length : 0));
  return (r) => {
    let s = "";
    for (let k = 0; k < pieces.length; k++) {
      const n = kinds[k]!;
      if (n === 0) s += pieces[k];
      else if (n === -1) s += 2 + below(r, 8);
      else s += digits(r, n);
    }
    return s;
  };
}

/** Powers of ten up to 10^15: runs of at most 15 digits take one 53-bit draw. */
const TENS = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** `n` uniform decimal digits, leading zeros kept. */
function digits(r: Random, n: number): string {
  let s = "";
  for (; n > 15; n -= 15) s += digits(r, 15);
  return s + String(Math.floor(r.double() * TENS[n]!)).padStart(n, "0");
}
