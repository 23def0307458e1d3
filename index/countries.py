"""Find country names in questions: the corpus's own countries, and a gazetteer of the world's others."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from index.text import tokens

# Names the report (and users) commonly use, mapped to the report's country name where they differ.
_ALIASES = {
    "myanmar": "Burma",
    "dprk": "North Korea",
    "democratic people's republic of korea": "North Korea",
    "south korea": "Korea, South",
    "republic of korea": "Korea, South",
    "ivory coast": "Côte d'Ivoire",
    "swaziland": "Eswatini",
    "congo-brazzaville": "Republic of the Congo",
    "congo brazzaville": "Republic of the Congo",
    "drc": "Democratic Republic of the Congo",
    "congo-kinshasa": "Democratic Republic of the Congo",
    "curaçao": "Curacao",
    "east timor": "Timor-Leste",
    "czechia": "Czech Republic",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "usa": "United States",
    "u.s.": "United States",
    "america": "United States",
    "holland": "Netherlands",
    "uae": "United Arab Emirates",
    "png": "Papua New Guinea",
    "rmi": "Marshall Islands",
    "prc": "China",
    "ksa": "Saudi Arabia",
    "bih": "Bosnia and Herzegovina",
    "rsa": "South Africa",
    "dr": "Dominican Republic",
    "us": "United States",
    "car": "Central African Republic",
    "roc": "Republic of the Congo",
    "türkiye": "Turkey",
    "turkiye": "Turkey",
}

# Capitals stand for their governments in questions ("Is Moscow pressing foreigners to fight?").
_CAPITALS = {
    "kabul": "Afghanistan", "algiers": "Algeria", "minsk": "Belarus", "la paz": "Bolivia", "sucre": "Bolivia",
    "gaborone": "Botswana", "bandar seri begawan": "Brunei", "sofia": "Bulgaria", "naypyidaw": "Burma",
    "nay pyi taw": "Burma", "rangoon": "Burma", "yangon": "Burma", "phnom penh": "Cambodia", "n'djamena": "Chad",
    "beijing": "China", "havana": "Cuba", "willemstad": "Curacao", "santo domingo": "Dominican Republic",
    "cairo": "Egypt", "san salvador": "El Salvador", "malabo": "Equatorial Guinea", "asmara": "Eritrea",
    "mbabane": "Eswatini", "libreville": "Gabon", "bissau": "Guinea-Bissau", "port-au-prince": "Haiti",
    "tehran": "Iran", "baghdad": "Iraq", "kuwait city": "Kuwait", "beirut": "Lebanon", "vilnius": "Lithuania",
    "antananarivo": "Madagascar", "kuala lumpur": "Malaysia", "majuro": "Marshall Islands",
    "port louis": "Mauritius", "podgorica": "Montenegro", "maputo": "Mozambique", "managua": "Nicaragua",
    "pyongyang": "North Korea", "port moresby": "Papua New Guinea", "brazzaville": "Republic of the Congo",
    "moscow": "Russia", "kremlin": "Russia", "belgrade": "Serbia", "philipsburg": "Sint Maarten",
    "honiara": "Solomon Islands", "pretoria": "South Africa", "juba": "South Sudan", "damascus": "Syria",
    "port of spain": "Trinidad and Tobago", "ashgabat": "Turkmenistan", "port vila": "Vanuatu",
    "caracas": "Venezuela", "hanoi": "Vietnam", "kyiv": "Ukraine", "kiev": "Ukraine", "ankara": "Turkey",
    "riyadh": "Saudi Arabia", "doha": "Qatar", "abu dhabi": "United Arab Emirates", "new delhi": "India",
    "islamabad": "Pakistan", "dhaka": "Bangladesh", "bangkok": "Thailand", "manila": "Philippines",
    "jakarta": "Indonesia", "tokyo": "Japan", "seoul": "Korea, South", "washington": "United States",
    "london": "United Kingdom", "paris": "France", "berlin": "Germany", "rome": "Italy", "madrid": "Spain",
    "abuja": "Nigeria", "nairobi": "Kenya", "addis ababa": "Ethiopia", "khartoum": "Sudan", "tripoli": "Libya",
    "lima": "Peru", "bogota": "Colombia", "mexico city": "Mexico", "brasilia": "Brazil", "oslo": "Norway",
}
_ALIASES.update(_CAPITALS)
# Rulers and regimes stand for their governments too ("Does the US recognize the Maduro government?").
_RULERS = {
    "maduro": "Venezuela", "ortega": "Nicaragua", "ortega-murillo": "Nicaragua", "assad": "Syria",
    "lukashenka": "Belarus", "lukashenko": "Belarus", "taliban": "Afghanistan", "putin": "Russia",
    "kim jong un": "North Korea",
}
_ALIASES.update(_RULERS)

# Countries and territories that TIP reports cover or users ask about; used to recognise a named
# country that the loaded corpus does not hold, so the answer can say so instead of guessing.
WORLD = """Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Aruba|Australia|
Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|
Bosnia and Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burma|Burundi|Cabo Verde|Cambodia|
Cameroon|Canada|Central African Republic|Chad|Chile|China|Colombia|Comoros|Costa Rica|Côte d'Ivoire|
Croatia|Cuba|Curacao|Cyprus|Czech Republic|Democratic Republic of the Congo|Denmark|Djibouti|Dominica|
Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|
Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|
Haiti|Honduras|Hong Kong|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|
Jordan|Kazakhstan|Kenya|Kiribati|Korea, South|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|
Libya|Liechtenstein|Lithuania|Luxembourg|Macau|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|
Mozambique|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|
Norway|Oman|Pakistan|Palau|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|
Republic of the Congo|Romania|Russia|Rwanda|Saint Kitts and Nevis|Saint Lucia|
Saint Vincent and the Grenadines|Samoa|San Marino|Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|
Seychelles|Sierra Leone|Singapore|Sint Maarten|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|
South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|
Timor-Leste|Togo|Tonga|Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom|United States|Uruguay|Uzbekistan|Vanuatu|Venezuela|Vietnam|Yemen|
Zambia|Zimbabwe"""
WORLD_COUNTRIES = tuple(name.strip() for name in WORLD.replace("\n", "").split("|"))

# What a country's people (and things) are called, where the name plus -n/-ian/-ese does not give it.
# An adjective shared by two countries (Dominican, Congolese) lists both; the corpus's one wins.
DEMONYMS: dict[str, str] = {
    "Afghanistan": "Afghan", "Albania": "Albanian", "Algeria": "Algerian", "Andorra": "Andorran",
    "Angola": "Angolan", "Antigua and Barbuda": "Antiguan|Barbudan", "Argentina": "Argentine|Argentinian",
    "Armenia": "Armenian", "Aruba": "Aruban", "Australia": "Australian", "Austria": "Austrian",
    "Azerbaijan": "Azerbaijani|Azeri", "Bahamas": "Bahamian", "Bahrain": "Bahraini", "Bangladesh": "Bangladeshi",
    "Barbados": "Barbadian|Bajan", "Belarus": "Belarusian|Belarusan", "Belgium": "Belgian", "Belize": "Belizean",
    "Benin": "Beninese", "Bhutan": "Bhutanese", "Bolivia": "Bolivian", "Bosnia and Herzegovina": "Bosnian",
    "Botswana": "Motswana|Batswana|Botswanan", "Brazil": "Brazilian", "Brunei": "Bruneian", "Bulgaria": "Bulgarian",
    "Burkina Faso": "Burkinabe|Burkinabè", "Burma": "Burmese", "Burundi": "Burundian",
    "Cabo Verde": "Cabo Verdean|Cape Verdean", "Cambodia": "Cambodian|Khmer", "Cameroon": "Cameroonian",
    "Canada": "Canadian", "Central African Republic": "Central African", "Chad": "Chadian", "Chile": "Chilean",
    "China": "Chinese", "Colombia": "Colombian", "Comoros": "Comoran|Comorian", "Costa Rica": "Costa Rican",
    "Cote d'Ivoire": "Ivoirian|Ivorian", "Croatia": "Croatian|Croat", "Cuba": "Cuban",
    "Curacao": "Curacaoan|Curaçaoan", "Cyprus": "Cypriot", "Czech Republic": "Czech",
    "Democratic Republic of the Congo": "Congolese", "Denmark": "Danish", "Djibouti": "Djiboutian",
    "Dominica": "Dominican", "Dominican Republic": "Dominican", "Ecuador": "Ecuadorian|Ecuadoran",
    "Egypt": "Egyptian", "El Salvador": "Salvadoran|Salvadorian",
    "Equatorial Guinea": "Equatoguinean|Equatorial Guinean", "Eritrea": "Eritrean", "Estonia": "Estonian",
    "Eswatini": "Swazi|Emaswati", "Ethiopia": "Ethiopian", "Fiji": "Fijian", "Finland": "Finnish",
    "France": "French", "Gabon": "Gabonese", "Gambia": "Gambian", "Georgia": "Georgian", "Germany": "German",
    "Ghana": "Ghanaian", "Greece": "Greek", "Grenada": "Grenadian", "Guatemala": "Guatemalan", "Guinea": "Guinean",
    "Guinea-Bissau": "Bissau-Guinean", "Guyana": "Guyanese", "Haiti": "Haitian", "Honduras": "Honduran",
    "Hong Kong": "Hong Konger|Hongkonger", "Hungary": "Hungarian", "Iceland": "Icelandic|Icelander",
    "India": "Indian", "Indonesia": "Indonesian", "Iran": "Iranian|Persian", "Iraq": "Iraqi", "Ireland": "Irish",
    "Israel": "Israeli", "Italy": "Italian", "Jamaica": "Jamaican", "Japan": "Japanese", "Jordan": "Jordanian",
    "Kazakhstan": "Kazakhstani|Kazakh", "Kenya": "Kenyan", "Kiribati": "I-Kiribati", "Korea, South": "South Korean",
    "Kosovo": "Kosovar|Kosovan", "Kuwait": "Kuwaiti", "Kyrgyzstan": "Kyrgyzstani|Kyrgyz", "Laos": "Lao|Laotian",
    "Latvia": "Latvian", "Lebanon": "Lebanese", "Lesotho": "Basotho|Mosotho", "Liberia": "Liberian",
    "Libya": "Libyan", "Liechtenstein": "Liechtensteiner", "Lithuania": "Lithuanian",
    "Luxembourg": "Luxembourgish|Luxembourger", "Macau": "Macanese", "Madagascar": "Malagasy", "Malawi": "Malawian",
    "Malaysia": "Malaysian", "Maldives": "Maldivian", "Mali": "Malian", "Malta": "Maltese",
    "Marshall Islands": "Marshallese", "Mauritania": "Mauritanian", "Mauritius": "Mauritian", "Mexico": "Mexican",
    "Micronesia": "Micronesian", "Moldova": "Moldovan", "Monaco": "Monegasque", "Mongolia": "Mongolian",
    "Montenegro": "Montenegrin", "Morocco": "Moroccan", "Mozambique": "Mozambican", "Namibia": "Namibian",
    "Nauru": "Nauruan", "Nepal": "Nepali|Nepalese", "Netherlands": "Dutch", "New Zealand": "New Zealander",
    "Nicaragua": "Nicaraguan", "Niger": "Nigerien", "Nigeria": "Nigerian", "North Korea": "North Korean",
    "North Macedonia": "Macedonian", "Norway": "Norwegian", "Oman": "Omani", "Pakistan": "Pakistani",
    "Palau": "Palauan", "Panama": "Panamanian", "Papua New Guinea": "Papua New Guinean", "Paraguay": "Paraguayan",
    "Peru": "Peruvian", "Philippines": "Filipino|Filipina|Philippine", "Poland": "Polish", "Portugal": "Portuguese",
    "Qatar": "Qatari", "Republic of the Congo": "Congolese", "Romania": "Romanian", "Russia": "Russian",
    "Rwanda": "Rwandan", "Saint Kitts and Nevis": "Kittitian|Nevisian", "Saint Lucia": "Saint Lucian",
    "Saint Vincent and the Grenadines": "Vincentian", "Samoa": "Samoan", "San Marino": "Sammarinese",
    "Sao Tome and Principe": "Santomean", "Saudi Arabia": "Saudi|Saudi Arabian", "Senegal": "Senegalese",
    "Serbia": "Serbian|Serb", "Seychelles": "Seychellois", "Sierra Leone": "Sierra Leonean",
    "Singapore": "Singaporean", "Sint Maarten": "Sint Maartener", "Slovakia": "Slovak|Slovakian",
    "Slovenia": "Slovenian|Slovene", "Solomon Islands": "Solomon Islander", "Somalia": "Somali",
    "South Africa": "South African", "South Sudan": "South Sudanese", "Spain": "Spanish|Spaniard",
    "Sri Lanka": "Sri Lankan", "Sudan": "Sudanese", "Suriname": "Surinamese", "Sweden": "Swedish",
    "Switzerland": "Swiss", "Syria": "Syrian", "Taiwan": "Taiwanese", "Tajikistan": "Tajikistani|Tajik",
    "Tanzania": "Tanzanian", "Thailand": "Thai", "Timor-Leste": "Timorese", "Togo": "Togolese", "Tonga": "Tongan",
    "Trinidad and Tobago": "Trinidadian|Tobagonian", "Tunisia": "Tunisian", "Turkey": "Turkish|Turk",
    "Turkmenistan": "Turkmen|Turkmenistani", "Tuvalu": "Tuvaluan", "Uganda": "Ugandan", "Ukraine": "Ukrainian",
    "United Arab Emirates": "Emirati", "United Kingdom": "British|Briton", "Uruguay": "Uruguayan",
    "Uzbekistan": "Uzbekistani|Uzbek", "Vanuatu": "Ni-Vanuatu|Vanuatuan", "Venezuela": "Venezuelan",
    "Vietnam": "Vietnamese", "Yemen": "Yemeni", "Zambia": "Zambian", "Zimbabwe": "Zimbabwean",
}


_COMMON_WORDS = frozenset({"polish"})
# Acronyms that are also everyday words ("us", "dr.", "car"): countries only when written in capitals.
_ACRONYMS = frozenset({"dr", "us", "car", "roc", "u.s."})
_POSSESSIVE = re.compile(r"'s\b")
_GOVERNANCE = re.compile(
    r"\s+(government|authorities|officials|police|courts?|laws?|legislation|efforts|ministr(y|ies)|prosecutors?|"
    r"prosecutions|investigations|policies|policy|programs?|shelters|budget|funding|"
    r"judiciary|law enforcement|regime|state|parliament|lawmakers|institutions|agencies|response|record|"
    r"anti-trafficking)\b", re.I)


def _demonym_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for country, forms in DEMONYMS.items():
        for form in forms.split("|"):
            table.setdefault(_key(form), []).append(country)
    return table


def fold(text: str) -> str:
    """``text`` without diacritics ("Côte" -> "Cote"), for matching names however they are accented."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _key(name: str) -> str:
    return " ".join(re.sub(r"[^\w' ,.-]", " ", fold(name).lower().replace("’", "'")).split())


SMALL_WORDS = frozenset({"and", "of", "the", "de", "da", "du", "la", "le", "del", "for", "on", "in", "et"})


def country_title(name: str) -> str:
    """'DOMINICAN REPUBLIC' -> 'Dominican Republic'; 'GUINEA-BISSAU' -> 'Guinea-Bissau'; "CÔTE D'IVOIRE" ->
    "Côte d'Ivoire"; 'CONGO, DEMOCRATIC REPUBLIC OF THE' -> 'Congo, Democratic Republic of the'."""
    words = []
    for i, word in enumerate(name.lower().split()):
        if i and word in SMALL_WORDS:
            words.append(word)
            continue
        parts = []
        for part in word.split("-"):
            elided = re.match(r"^([dl])['’](\w.*)$", part)
            if elided and i:
                parts.append(f"{elided.group(1)}'{elided.group(2)[:1].upper()}{elided.group(2)[1:]}")
            else:
                parts.append(part[:1].upper() + part[1:])
        words.append("-".join(parts))
    return " ".join(words)


@lru_cache(maxsize=1)
def _canonical_names() -> dict[str, str]:
    names = {_key(country): country for country in WORLD_COUNTRIES}
    names.update({_key(alias): country for alias, country in _ALIASES.items()})
    return names


def canonical_country(name: str) -> str:
    """The name a narrative heading gives, as the gazetteer spells it when it knows the country.

    "KOREA, NORTH" and "North Korea", "Congo, Democratic Republic of the" and "Democratic Republic of the
    Congo", "The Gambia" and "Gambia" each become one name, so that editions that word a heading
    differently still file under one country. Unknown names come back title-cased (upper-case headings)
    or as written.
    """
    display = " ".join(name.split())
    display = country_title(display) if display == display.upper() else display
    names = _canonical_names()
    candidates = [display]
    if "," in display:
        head, tail = (p.strip() for p in display.split(",", 1))
        candidates.append(f"{tail} {head}")
    for candidate in candidates:
        key = _key(candidate)
        for variant in (key, key.removeprefix("the ")):
            if variant in names:
                return names[variant]
    return display


class CountryMatcher:
    """Finds mentions of countries in text, longest name first, with simple demonym forms.

    "Malaysian workers" matches Malaysia (a name followed by -n/-an/-ian/-ese/-i); "Niger" inside
    "Nigeria" does not match Niger.
    """

    def __init__(self, corpus_countries: Iterable[str]) -> None:
        self.corpus = sorted(set(corpus_countries))
        self._corpus_by_key = {_key(country): country for country in self.corpus}
        names: dict[str, str] = {}
        for country in WORLD_COUNTRIES:
            names[_key(country)] = country
        for alias, country in _ALIASES.items():
            names[_key(alias)] = country
        for country in self.corpus:
            names[_key(country)] = country
            if "," in country:  # "Korea, North" style: also "North Korea"
                head, tail = (p.strip() for p in country.split(",", 1))
                names[_key(f"{tail} {head}")] = country
        for key, country in list(names.items()):
            saint = re.match(r"^(?:saint|sint) (.+)$", key)
            if saint:  # "St. Maarten", "St Lucia"
                for short in ("st.", "st"):
                    names.setdefault(f"{short} {saint.group(1)}", country)
        self._names = names
        alternatives = sorted(names, key=len, reverse=True)
        pattern = "|".join(re.escape(a) for a in alternatives)
        # "Central American" is not American; "South African" still matches South Africa (checked before "South").
        regions = "".join(f"(?<!{r} )" for r in ("Central", "Latin", "South", "North", "East", "West"))
        self._regex = re.compile(rf"(?<![\w-]){regions}(?:the\s+)?({pattern})((?:n|an|ian|ese|i)?s?)(?![\w-])", re.I)
        self._demonyms = _demonym_table()
        self._forms: dict[str, list[str]] = {}
        self._demonym_stems: frozenset[str] | None = None
        forms = "|".join(re.escape(f) for f in sorted(self._demonyms, key=len, reverse=True))
        self._demonym_regex = re.compile(rf"(?<![\w-])({forms})(?:s|es)?(?:['’]s)?(?![\w-])", re.I)

    def find(self, text: str) -> list[str]:
        """Countries mentioned in ``text``, in order of first mention, each once."""
        return [country for country, _ in self.mentions(text)]

    def mentions(self, text: str) -> list[tuple[str, bool]]:
        """(country, named outright) for each country mentioned; False for demonyms ("Vietnamese workers")."""
        found: list[str] = []
        by_name: dict[str, bool] = {}
        normalized = fold(text.replace("’", "'"))
        adjectives = []
        for match in self._demonym_regex.finditer(normalized):
            if match.group(1) in _COMMON_WORDS:  # "polish the report" is not about Poland
                continue
            candidates = self._demonyms[_key(match.group(1))]
            adjectives.append((match.span(), next((c for c in (self._in_corpus(c) for c in candidates) if c),
                                                  candidates[0])))
        for match in self._regex.finditer(normalized):
            if match.group(2) and any(a < match.end() and match.start() < b for (a, b), _ in adjectives):
                continue  # the adjective table knows better ("Dominican" is the Dominican Republic's)
            name = self._names.get(_key(match.group(1)))
            if name is None:
                continue
            # "US", "DR" are countries only in capitals: "us" and "dr." are words; "png" or "uae" is no word.
            if _key(match.group(1)) in _ACRONYMS and not match.group(1).isupper():
                continue
            # Map alias spelling to the corpus's spelling when the corpus has it.
            name = self._in_corpus(name) or name
            if name not in found:
                found.append(name)
            named = not match.group(2)  # a suffix makes it a demonym: Malaysian(s), Vietnamese
            by_name[name] = by_name.get(name, False) or named
        for _, name in adjectives:
            if name not in found:
                found.append(name)
            by_name.setdefault(name, False)
        order = {name: self._first_position(normalized, name) for name in found}
        return [(name, by_name[name]) for name in sorted(found, key=lambda n: order[n])]

    def _first_position(self, text: str, country: str) -> int:
        """Where a country is first mentioned, by name or adjective (for ordering mentions)."""
        positions = [m.start() for m in self._regex.finditer(text) if self._resolve(m.group(1)) == country]
        positions += [m.start() for m in self._demonym_regex.finditer(text)
                      if country in (self._in_corpus(c) or c for c in self._demonyms[_key(m.group(1))])]
        return min(positions, default=len(text))

    def _resolve(self, name: str) -> str | None:
        found = self._names.get(_key(name))
        return (self._in_corpus(found) or found) if found else None

    def _in_corpus(self, name: str) -> str | None:
        return self._corpus_by_key.get(_key(name))

    def governed(self, text: str) -> list[str]:
        """Countries whose adjective or possessive name qualifies their state ("Norwegian authorities", "Turkey's
        government"): such a question is about that country's own record, not about its people abroad."""
        out = []
        text = text.replace("’", "'")
        for match in self._demonym_regex.finditer(text):
            if _GOVERNANCE.match(text, match.end()):
                candidates = self._demonyms[_key(match.group(1))]
                out.append(next((c for c in (self._in_corpus(c) for c in candidates) if c), candidates[0]))
        normalized = fold(text)
        for match in self._regex.finditer(normalized):
            name = self._resolve(match.group(1))
            if name is not None and not match.group(2) and _POSSESSIVE.match(normalized, match.end()) and \
                    _GOVERNANCE.match(normalized, match.end() + 2):
                out.append(name)
        return list(dict.fromkeys(out))

    def demonym_stems(self) -> frozenset[str]:
        """Stems of every country's adjective or people-word ("iraqi" for "Iraqis"): words for groups of people."""
        if self._demonym_stems is None:
            self._demonym_stems = frozenset(t for key in self._demonyms for t in tokens(key))
        return self._demonym_stems

    def forms(self, country: str) -> list[str]:
        """Lower-case words that name a country: its names, aliases and adjectives ("nigeria", "nigerian")."""
        if country not in self._forms:
            self._forms[country] = self._forms_of(country)
        return self._forms[country]

    def _forms_of(self, country: str) -> list[str]:
        names = [key for key, value in self._names.items() if (self._in_corpus(value) or value) == country]
        adjectives = [key for key, values in self._demonyms.items()
                      if country in values or any(self._in_corpus(v) == country for v in values)]
        return sorted({*names, *adjectives, _key(country)}, key=len, reverse=True)

    def mentioned_in(self, countries: list[str], documents: Iterable) -> list[str]:
        """Countries (of ``documents``) whose narratives mention any of ``countries`` by name or adjective."""
        wanted = set(countries)
        forms = sorted({f for c in countries for f in self.forms(c)}, key=len, reverse=True)
        if not forms:
            return []
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])", re.I)
        found = {doc.country for doc in documents if doc.country and doc.country not in wanted
                 and pattern.search(doc.text.replace("’", "'"))}
        return sorted(found)

    def split(self, text: str) -> tuple[list[str], list[str]]:
        """(countries in the corpus, countries not in the corpus) mentioned in ``text``."""
        found = self.find(text)
        inside = [c for c in found if c in self.corpus]
        return inside, [c for c in found if c not in self.corpus]
