"""Find country names in questions: the corpus's own countries, and a gazetteer of the world's others."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

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
    "türkiye": "Turkey",
    "turkiye": "Turkey",
}

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
        self._names = names
        alternatives = sorted(names, key=len, reverse=True)
        pattern = "|".join(re.escape(a) for a in alternatives)
        self._regex = re.compile(rf"(?<![\w-])(?:the\s+)?({pattern})((?:n|an|ian|ese|i)?s?)(?![\w-])", re.I)

    def find(self, text: str) -> list[str]:
        """Countries mentioned in ``text``, in order of first mention, each once."""
        return [country for country, _ in self.mentions(text)]

    def mentions(self, text: str) -> list[tuple[str, bool]]:
        """(country, named outright) for each country mentioned; False for demonyms ("Vietnamese workers")."""
        found: list[str] = []
        by_name: dict[str, bool] = {}
        normalized = fold(text.replace("’", "'"))
        for match in self._regex.finditer(normalized):
            name = self._names.get(_key(match.group(1)))
            if name is None:
                continue
            # Lower-case short aliases ("us", "uk") are words, not countries.
            if match.group(1).islower() and len(match.group(1)) <= 4:
                continue
            # Map alias spelling to the corpus's spelling when the corpus has it.
            name = self._in_corpus(name) or name
            if name not in found:
                found.append(name)
            named = not match.group(2)  # a suffix makes it a demonym: Malaysian(s), Vietnamese
            by_name[name] = by_name.get(name, False) or named
        return [(name, by_name[name]) for name in found]

    def _in_corpus(self, name: str) -> str | None:
        key = _key(name)
        for country in self.corpus:
            if _key(country) == key:
                return country
        return None

    def split(self, text: str) -> tuple[list[str], list[str]]:
        """(countries in the corpus, countries not in the corpus) mentioned in ``text``."""
        found = self.find(text)
        inside = [c for c in found if c in self.corpus]
        return inside, [c for c in found if c not in self.corpus]
