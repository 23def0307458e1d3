"""What a question asks for: cues read from its words, and one precedence function that names its intent.

Each intent has an expected answer type (a country, a quantity of some kind, a yes or no, a tier, a brief …)
and its own answerer (see assistant/answerers). ``decide`` is the only place where cues compete; its table
of cases is in tests/test_intents.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from assistant.tiers import avoided, mentions_tier, move_of, tier_in


class Intent(str, Enum):
    """The kind of answer a question wants."""

    OUT_OF_SCOPE = "out_of_scope"  # opinion, prediction, advice, off-topic: one plain sentence
    COMPARISON = "comparison"  # two or more named countries side by side
    LISTING = "listing"  # placements across countries ("Which countries are on Tier 3?")
    COUNTRY = "country"  # which country / government / where: the answer names a country
    RECOMMENDATION = "recommendation"  # what the report recommends
    TIER = "tier"  # one country's placement
    QUANTITY = "quantity"  # a number, duration, date, age, share or amount, with its unit
    OVERVIEW = "overview"  # a short brief of several cited points
    ASPECT = "aspect"  # achievements or shortcomings, from the opening summary
    YES_NO = "yes_no"  # yes or no, then the proof
    ENTITY = "entity"  # who, which group, sector, method, place
    FACT = "fact"  # anything else: the sentences that answer it


class Quantity(str, Enum):
    """The kind of quantity a question asks for."""

    COUNT = "count"
    DURATION = "duration"
    DATE = "date"
    AGE = "age"
    SHARE = "share"
    MONEY = "money"
    PENALTY = "penalty"  # a sentence or penalty: a term of prison, a fine
    TERM = "term"  # a term of prison: its length


_OPINION = re.compile(
    r"\b(do|would|did) you (think|believe|expect|feel|reckon|suppose)\b|\bin your (opinion|view)\b|"
    r"\byour (opinion|view|take|personal)\b|\bwhat do you (think|make of|feel)\b|\bis it (fair|right|just) (that|to)\b|"
    r"\bwho is (to blame|worse|better)\b", re.I)
_PREDICTION = re.compile(
    r"\bwill\b[^?.]{0,80}\b(next year|in (the )?(coming|next)|ever|someday|one day|soon|in 20[3-9]\d|"
    r"in 202[4-9]|future)\b|\b(predict|prediction|forecast|likely to (be|get|fall|drop|move|improve|rise))\b|"
    r"\bchances? (of|that)\b|\bnext year'?s\b|^\W*when will\b", re.I)
_ADVICE = re.compile(
    r"\b(donate|donating|donation|charity|charities|invest|investing|investment)\b|\bshould (i|we)\b|"
    r"\b(can|could|may) (i|we)\b|\bhow (can|do|should) (i|we)\b|\bwhere (can|should) (i|we)\b|"
    r"\b(can|could) you (recommend|suggest)\b|\b(recommend|suggest) me\b|\bis it safe\b|\bsafe to (travel|visit|go)\b|"
    r"\bi (want|need|plan|am planning) to\b", re.I)
# Everyday topics no TIP narrative is about; asked alone they get one plain sentence, not a report quote.
_OFF_TOPIC = re.compile(
    r"\b(hotels?|restaurants?|weather|forecast|flights?|airport|sightseeing|vacation|holiday|tourist attractions?|"
    r"recipe|joke|currency|exchange rate|time zone|capital (city )?of|stock market|elections?|elected|beach(es)?|"
    r"nightlife|museums?|best time (of (the )?year )?to (visit|go|travel)|football|soccer|cuisine|world cup|"
    r"olympics?|olympic games|championships?|tournaments?|super bowl|grand prix|box office|celebrit(y|ies))\b", re.I)
# Tasks that are not questions about the report ("Write me a poem about …"), whatever their topic.
_TASK = re.compile(r"\b(write|compose|draft|generate|create|make)\b( me| us)? (a|an|some|the)\b[^?]{0,40}\b(poem|song|"
                   r"story|stories|essay|tweet|letter|speech|joke|haiku|slogan|rap|limerick|code|script|proposal|"
                   r"email|e-mail|cv|resume|press release|grant application|cover letter)\b|"
                   r"\btell me a (joke|story)\b|\bhelp me (write|draft|prepare|compose)\b", re.I)
_COUNTRY_NOUN = (r"(country|countries|government|governments|nation|nations|island|islands|member states?|"
                 r"jurisdiction|jurisdictions|place|"
                 r"regime|regimes|territory|territories|state)")
_NARRATIVE_ASKED = (r"\b(which|what) (country|government|nation)'?s (write-?up|narrative|chapter|section|entry|report|"
                    r"page|nationals|citizens)\b|\bwhose (nationals|citizens|narrative|write-?up|chapter|entry)\b")
# Words between "which" and "country" qualify it ("which Central American country"); "what did the
# government" asks something else.
_QUALIFIER = r"(?:\s+(?!(?:the|a|an|did|does|do|is|are|was|were|has|have|had|its|their|this|that|of)\b)[\w-]+)"
_ASKS_COUNTRY = re.compile(
    rf"\b(which|what)\b{_QUALIFIER}{{0,3}}?\s+{_COUNTRY_NOUN}\b(?!\s+(agency|agencies|body|bodies|officials?|"
    r"ministr(y|ies)|department|office|institution|program|programme|policy|law|budget|shelter))|"
    rf"\bwhose government\b|\bin which {_COUNTRY_NOUN}\b|{_NARRATIVE_ASKED}|"
    # "Whose women are lured to Spain …?", "Which EU member's police …?": the answer is a country.
    r"^\W*whose\b|\b(which|what) (EU|European Union|ASEAN|NATO|African Union|Gulf|Balkan) members?\b",
    re.I)
# "Which country's write-up says …", "Whose nationals …": the answer is a narrative's country even when
# the question describes people by other countries' adjectives.
_ASKS_NARRATIVE = re.compile(_NARRATIVE_ASKED, re.I)
_ASKS_GOVERNMENT = re.compile(rf"\b(which|what|whose)\b{_QUALIFIER}{{0,3}}?\s+(government|regime)s?\b"
                              r"(?!\s+(agency|agencies|body|bodies|officials?|ministr(y|ies)|department|office|"
                              r"institution|program|programme|policy|budget|shelter))", re.I)
_WHERE = re.compile(r"^\W*(where|in what place)\b|\bwhere\b", re.I)
# Where people come from: an answer names places after "from" ("primarily from South Asia and the Philippines").
_ORIGIN = re.compile(r"\bwhere\b[^?]{0,60}\b(come|came|coming|originate|originating|hail)\b(?! to\b)|"
                     r"\bwhere\b[^?]{0,160}\b(come|came|coming|originate|originating|hail)\s+from\W*$|"
                     r"\bwhere\b[^?]{0,60}\bfrom\W*$|"
                     r"\b(countries|country|places?|regions?) of origin\b|\bfrom where\b|"
                     r"\bwhere (do|does|did) [^?]{0,60}\bfrom\b", re.I)
# Where people are taken or exploited: an answer names places after "in" or "to" ("mainly in Ethiopia, Libya").
_DESTINATION = re.compile(r"\b(in|to|into) (which|what) (other )?(countries|country|places?|regions?|cities|city|"
                          r"destinations?)\b|\bwhere\b[^?]{0,60}\b(exploited|taken|sent|trafficked|forced|end(ed)? up|"
                          r"work|working|go|goes|going|went|moved|transported|subjected|sold|destined|travel\w*|"
                          r"migrate\w*|abroad)\b|\bdestinations?\b", re.I)
_RELATIVE_WHERE = re.compile(r"\b(industries|industry|sectors?|jobs?|fields?|businesses|trades?|occupations?|"
                             r"conditions|cases?|situations?|settings?|workplaces?|ways?|activities)\s+where\b", re.I)
_WHICH_GROUP = re.compile(r"^\W*(?:and\s+)?(which|what)\s+(?:(?!(?:is|was|are|were|the|its|their)\b)[\w-]+\s+){0,2}?"
                          r"(population|group|groups)\b"
                          r"(?!\s+(size|count|number)\b)", re.I)
_ACROSS = re.compile(
    r"\b(which|what|list|name|how many|all|other|any)\b[^?]{0,30}\b(countries|country|governments|nations|places)\b",
    re.I,
)
_WHICH_OF = re.compile(r"\b(which|who) of (them|these|those|the (two|three|four|five|countries|governments))\b|"
                       r"\bwhich ones?\b|\bwhich of\b[^?]{0,80}?,[^?]{0,80}?\b(and|or)\b|"
                       # "Among Haiti, Venezuela and Gabon, which mention …?"
                       r"^\W*(among|of|between)\b[^?]{3,120}?,\s*(?:in\s+|for\s+|of\s+)?(which|who)\b"
                       r"(?!\s+(countries|country|governments?|nations?)\b)", re.I)
_AMONG = re.compile(r"\b(among|which of|of these|between|out of)\b", re.I)
_COMPARE = re.compile(r"\b(compare[sd]?|comparison|versus|vs\.?|differ|differs|difference|both|each of|"
                      r"more than|less than|longer|shorter|better|worse|higher|lower)\b", re.I)
_EITHER = re.compile(r"\b(which|who)\b[^?]*\bor\b", re.I)
_QUANTITY = (
    (Quantity.AGE, re.compile(r"\b(what|which) age\b|\bhow (young|old)\b|\bage (of|at|do|does|did)\b|\byoungest\b|"
                              r"\bages?\b[^?]{0,25}\b(start|begin|end)s?\b", re.I)),
    # A penalty is a term of prison or a fine: "What's the maximum prison term?", "What sentences did they get?"
    (Quantity.TERM, re.compile(r"\b(maximum|minimum|max|min|longest|shortest) (prison |jail )?(terms?|sentences?|"
                               r"penalt(y|ies)|punishments?)\b|\b(what|which) (prison|jail) (terms?|sentences?)\b|"
                               r"\bjail time\b|\bhow long (in|behind) (prison|jail|bars)\b|"
                               r"\bhow many years (in|of|behind) (prison|jail|bars|imprisonment)\b", re.I)),
    (Quantity.PENALTY, re.compile(r"\b(harshest|toughest) (sentences?|penalt(y|ies)|punishments?)\b|\b(what|which|"
                                  r"what kind of|what kinds of) (sentences?|penalties|penalty|punishments?)\b|"
                                  r"\bhow (harsh|severe|stiff|tough)\b[^?]{0,30}\b(sentences?|penalt(y|ies)|"
                                  r"punishments?)\b", re.I)),
    (Quantity.DURATION, re.compile(r"\bhow long\b|\bhow many (consecutive |straight )?(years|yrs|months|weeks|days)\b|"
                                   r"\b(years?|yrs|months?) (running|in a row|straight)\b|\bconsecutive\b", re.I)),
    (Quantity.SHARE, re.compile(r"\bwhat (share|percentage|percent|proportion|fraction|portion)\b|"
                                r"\bhow much of\b|\bwhat %|\b(gender|sex) (split|breakdown|ratio)\b|\bbreakdown\b",
                                re.I)),
    (Quantity.DATE, re.compile(r"\bwhen\b|\bwhat (year|date|month)s?\b|\bwhich (year|month)s?\b|\bsince when\b|"
                               r"\b(what|which) (period|time ?frame|timeframe|time span)\b|"
                               r"\bin what year\b", re.I)),
    (Quantity.MONEY, re.compile(r"\bhow much (money|funding|funds)\b|\bbudget\b|\bfunding\b|"
                                r"\bhow much\b[^?]{0,60}\b(spend|spent|allocate|fund|cost|pay|paid|earn|earned)\b|"
                                r"\bhow much\b[^?]{0,20}\b(salary|salaries|wages?|stipends?)\b", re.I)),
    (Quantity.COUNT, re.compile(r"\bhow many\b|\bhow much\b|\bhow often\b|\b(what|which) (is|was|were|are) the "
                                r"(total |estimated |approximate |exact )?"
                                r"(number|amount|population|size|count|total)\b|"
                                r"\bwhat number\b|\bnumber of\b|\bpopulation\b|\bhow large\b", re.I)),
)
_YES_NO = re.compile(r"^\W*(?:(?:and|so|but|also|then|ok|okay|now)\W+)?"
                     r"(is|are|was|were|did|does|do|has|have|had|can|could|will|would|should|shall|must|"
                     r"isn'?t|aren'?t|wasn'?t|weren'?t|didn'?t|doesn'?t|don'?t|hasn'?t|haven'?t)\b", re.I)
# "Can you name the officials?", "Could you list the groups?": a request for the thing, not a yes/no question.
_REQUEST = re.compile(r"^\W*(?:(?:and|so|ok|okay|now)\W+)?(?:can|could|would|will)\s+you\s+(?:please\s+)?"
                      r"(?:name|list|give|show|identify|explain|describe|outline|provide|share|summari[sz]e|"
                      r"tell\s+me\s+(?:what|which|who|how|where|when|why|about))\b", re.I)
_OVERVIEW = re.compile(
    r"\btell me (about|more)\b|\bsummar(y|ise|ize|ised|ized)\b|\boverview\b|\bbig picture\b|\brundown\b|"
    r"\bbrief(ing)?\b|\bwhat'?s (going on|happening|the (situation|story|picture|headline|gist|lowdown))\b|"
    r"\bwhat is (going on|happening)\b|\bwhat(?:'s| is) the deal\b|\bmain (trafficking )?(problems|issues|concerns)\b|"
    r"\bheadlines?\b|\b(key|main) (findings|points|takeaways)\b|\bfindings\b|"
    r"\bhighlights\b|\bin a nutshell\b|\bbackground on\b|\bgist\b|"
    r"\bthe (situation|picture)\b|\b(overall|general|broader|wider) ([\w-]+ ){0,2}(picture|situation)\b|"
    r"\bwhat does the report say about\b|\bwhat did the report (say|find) about\b|"
    r"\bgive me (an? )?(quick |short |brief )?(summary|overview|rundown|picture)\b|\bdescribe\b|"
    r"\bhow (bad|serious) is\b|\bwhat about trafficking in\b|\bthe (trafficking )?situation\b|"
    r"\b(short|quick|brief|condensed) version\b|\bthe basics\b|\b(two|three|a few) (lines|sentences)\b|"
    r"\bin (brief|short)\b|\b(chapter|write-?up|entry|section) (on|about|for)\b|\bsummari[sz]e the\b", re.I)
_RECOMMEND = re.compile(r"\brecommend|\bshould\b|\bneeds? (to|a|an|more|better)\b|\bought to\b|\bpriorit|"
                        r"\bwhat (more )?(must|could)\b|\bwhat (steps|actions) (should|must|could)\b|"
                        r"\badvice\b|\b(report|it) suggests?\b|\bsuggested (steps|actions|measures)\b|"
                        # "What reforms does the report push Lebanon on?", "What does the report call for?"
                        r"\b(report|it|state department|u\.?s\.?|washington)\s+(?:\w+\s+)?(push(es)?|press(es)?|"
                        r"urges?|wants?|asks?|calls? (for|on))\b|"
                        # "What improvements does the report point to for …?": what it finds still needed
                        r"\b(improvements?|changes?|reforms?|fixes)\s+(does|do|did)\s+(the\s+)?(report|it|tip report|"
                        r"state department)\s+(point to|identify|suggest|propose|see|flag|highlight|want)\b|"
                        r"\b(improvements?|changes?|reforms?)\s+(are|is)\s+(still\s+)?(needed|required|necessary)\b",
                        re.I)
# Questions about the government's record as a whole: its shortcomings or its achievements.
_NEGATIVE = re.compile(
    r"\b(weaknesses|shortcomings?|deficienc(y|ies)|gaps|failures|failings|problems with|concerns about|"
    r"criticisms?|criticized for|shortfalls?|falls? short|fell short|negatives?|did (badly|poorly)|"
    r"what (went|did it do) wrong|main (problems|concerns|weaknesses)|missing from|lacking|left out|"
    r"(is|was) wrong with|holding (it |them )?back|hold(s|ing)? back)\b", re.I)
_POSITIVE = re.compile(
    r"\b(achievements?|achieved?|accomplish(ed|ments?)?|progress|positives?|credit(ed)?|successes|successful|"
    r"strengths?|did well|done well|do well|improvements?|improved|what efforts|which efforts|did right|"
    r"(do|did|done|doing|get|got) (anything|something|much|things) (right|well|good)|"
    r"praised?|good (news|steps|things)|(what|which) (steps|measures|actions|efforts) (did|has|have|had|were))\b",
    re.I)
# Everyday words that mark a question as about trafficking, whatever else it mentions.
_DOMAIN = re.compile(r"\b(traffick\w*|victims?|forced|labou?r|exploit\w*|sex\w*|child\w*|government|law|"
                     r"prosecut\w*|convict\w*|tier|report|workers?|migrants?|refugees?|women|girls|boys|visa|"
                     r"recruit\w*|smuggl\w*|abuse\w*|officials?|police|shelters?)\b", re.I)
_ENTITY = re.compile(r"^\W*(who|whom|which|what (kind|kinds|type|types|sort|sorts|groups?|sectors?|industries|"
                     r"nationalit(y|ies)|forms?|methods?|countries|minorities|migrants|workers|victims|children))\b|"
                     r"\bwho (is|are|was|were)\b|\bwhich\b", re.I)
_METHOD = re.compile(r"^\W*(and\s+)?how\b(?!\s+(many|much|long|old|young|often|far|bad|serious)\b)", re.I)
# "Which international organization …?", "Who were the defendants …?": the answer is a name, and a sentence that
# speaks of "an international organization" or "two defendants" does not give it.
_NAME_ASKED = re.compile(
    r"^\W*(?:and\s+)?(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?P<kind>organi[sz]ations?|agenc(?:y|ies)|NGOs?|"
    r"compan(?:y|ies)|firms?|judges?|prosecutors?|ministry|ministries|committee|commission|council)\b(?!\s+of\b)|"
    r"^\W*(?:and\s+)?who\s+(?:were|was|are|is)\s+the\s+(?P<who>defendants?|suspects?|perpetrators?|accused)\b|"
    # "Which specific armed groups …?": names, which "illegal Colombian groups" does not give
    r"^\W*(?:and\s+)?(?:which|what)\s+(?:specific|particular)\s+(?:[\w-]+\s+){0,2}?(?P<group>groups?|militias?|"
    r"gangs?|cartels?|syndicates?|networks?)\b",
    re.I)
_MAIN = re.compile(r"\b(main|mainly|most common|most commonly|predominant\w*|primar\w*|principal|biggest|"
                   r"largest|chief|chiefly|mostly|most prevalent|most frequent\w*|most)\b", re.I)
# "Did the government do anything about them?": what was done, which the findings on the government's efforts
# tell, not the profile of the problem.
_RESPONSE = re.compile(r"\b(do|does|did|doing|done)( (anything|something|much|enough))? (about|against|to (stop|"
                       r"address|tackle|combat|curb|end|fight))\b|\b(respond|responded|react|reacted)\b|"
                       r"\bcrack\w* down\b", re.I)
# "Which foreign government …", "… in Haiti – whose government sent them?": another country than the one named.
_FOREIGN = re.compile(r"\b(which|what)\s+(foreign|other|outside)\s+(government|country|state|power|regime)s?\b", re.I)
# "Whose government sent them?" asks for another country, unless the question asks which country it is itself
# ("Which country's migrants … and whose government …?").
_WHOSE = re.compile(r"\bwhose\s+(government|state|regime)\b", re.I)
_WHICH_COUNTRY = re.compile(r"\b(which|what)\s+(country|nation)", re.I)
_DOUBT = re.compile(r"\b(whether|if)\b[^?]*", re.I)
_NO_APOSTROPHE = re.compile(r"\b(what|who|where|how|that)s\b", re.I)
_EXACT = re.compile(r"\b(exact(ly)?|precise(ly)?|specific (number|figure)|to the (person|dollar))\b", re.I)
_PERSON = re.compile(
    r"\bwho(?:'s| is| was| are| were)\b[^?]{0,40}\b(head|chair|leader|minister|director|president|"
    r"prime minister|rapporteur|coordinator|spokes|ambassador|judge|commissioner|ombuds|official|officer|"
    r"responsible for|in charge|employee|owner)|"
    r"\bwho (heads|chairs|leads|led|headed|chaired)\b(?!\s+(the\s+)?(syndicates?|networks?|gangs?|"
    r"rings?|groups?|operations?|trafficking|schemes?|the trade)\b)|"
    # "Who runs the task force?" asks for an office holder; "who runs the scam compounds?" for perpetrators.
    r"\bwho (runs|ran|directs|directed)\s+(the\s+|its\s+|their\s+)?([\w-]+\s+){0,3}?(ministry|agency|office|"
    r"committee|commission|council|task force|department|secretariat|unit|working group|coordinat\w+)\b|"
    r"\bname of (the |that |this )?(official|minister|head|chair|person|rapporteur|judge|officer|director)\b|"
    r"\bwhat(?:'s| is| was| are| were) (the |his |her |their )?names?\b(?!\s+of\b)|"
    r"\bwho was (arrested|convicted|charged|named|investigated)\b|"
    # "Can you name the senior officials involved?", "What's that person's name?"
    r"(?:\b(?:can|could|would)\s+you\s+(?:please\s+)?|^\W*(?:please\s+)?)name\s+(?:the\s+|any\s+|those\s+|these\s+)?"
    r"(?:[\w-]+\s+){0,3}?(officials?|ministers?|officers?|commanders?|individuals?|people|persons|judges?|"
    r"perpetrators?|suspects?)\b|\b(person|official|officer|individual|minister|judge)['’]?s\s+names?\b|"
    # "Which Russian officials does the report name as responsible?"
    r"\b(which|what)\s+(?:[\w-]+\s+){0,2}?(officials?|ministers?|officers?|commanders?|individuals?|people|persons)\s+"
    r"(does|did|do)\s+(the\s+report|it|they)\s+name\b", re.I)
_WHY = re.compile(r"\b(why|reason|reasons|reasoning|rationale|because|basis|justif\w*|how come|what led to|led to|"
                  r"caus\w*|explain\w*|grounds for)\b|"
                  r"\bwhat (got|made|put|pushed|sent|dragged|kept|landed|drove|drives)\b|"
                  r"\bwhat(?:'s| is| was) (behind|driving)\b|\bhow did\b[^?]{0,60}\b(end|ended) up\b", re.I)
_NOT_ON = re.compile(r"\bnot (on|in|placed on|ranked)\b|\bisn'?t on\b|\baren'?t on\b", re.I)
_OVER_TIME = re.compile(r"\b(chang\w*|over (the )?(years|time)|history|historic\w*|trend\w*|each year|every year|"
                        r"year (by|to|after) year|across (the )?(editions|years|reports)|evolv\w*|trajectory|"
                        r"previous (year|edition|report)s?|last year|in the past|before|compared (with|to) (last|the "
                        r"previous))\b", re.I)
_ELLIPSIS = re.compile(r"^\W*(and|what about|how about|and what about|same (for|question)|also|what of)\b", re.I)


@dataclass(frozen=True)
class Cues:
    """Everything the question's own words say about the answer it wants."""

    out_of_scope: str | None = None  # "task", "opinion", "prediction", "advice" or "off-topic"
    asks_country: bool = False  # "which country/government", "in which country"
    asks_narrative: bool = False  # "which country's write-up", "whose nationals"
    asks_government: bool = False  # "which government": a narrative's country even when others are named
    where: bool = False
    place: str | None = None  # "from": where people come from; "in": where they are taken or exploited
    across: bool = False  # "which countries", "list ... countries"
    among: bool = False  # "among X, Y and Z", "which of X or Y"
    which_of: bool = False  # "which of them", "which of these": a choice among named countries
    compare: bool = False
    either: bool = False  # "which ... X or Y"
    tier: bool = False
    tier_named: str | None = None
    move: str | None = None  # upgraded / downgraded / remained
    not_on: bool = False  # "not on Tier 3"
    quantity: Quantity | None = None
    yes_no: bool = False
    overview: bool = False
    recommendation: bool = False
    aspect: str | None = None  # "positive" (achievements) or "negative" (shortcomings)
    entity: bool = False
    person: bool = False  # who heads / the name of: a named person or office
    exact: bool = False  # "exactly how many": a vague quantity ("thousands") does not answer
    name_of: str | None = None  # "which organization", "who were the defendants": the kind of name asked for
    main: bool = False  # "the main type", "most common", "mostly": the report's marked main pattern answers
    why: bool = False
    response: bool = False  # "did the government do anything about it": the government's efforts answer
    ellipsis: bool = False  # "And convictions?", "What about Aruba?"
    over_time: bool = False  # "How has its tier changed?": every edition held
    foreign: bool = False  # "Which foreign government exploits medical staff in Haiti?": another country than Haiti

    @property
    def any(self) -> bool:
        """Whether the question carries an intent of its own (an ellipsis usually does not)."""
        return any((self.asks_country, self.across, self.compare, self.tier, self.quantity, self.yes_no,
                    self.overview, self.recommendation, self.aspect, self.entity, self.person))


# "What's the name of the student summer program where …?": the thing named, up to where the phrase ends.
_NAME_OF = re.compile(r"\bnames? of (?:the |that |this |its |their |his |her |a |an )?(?P<phrase>[^?,;]+)", re.I)
_PHRASE_END = re.compile(r"\s(?:who|whom|that|which|where|when|there|here|being|in|at|on|from|for|by|with|under|"
                         r"accused|responsible|did|does|do|is|was|were|are|has|have|had|running|behind)\b.*$", re.I)
# Names asked for that are people's ("the name of the Taliban official"): a person or office must answer.
_PERSON_NOUNS = frozenset({"official", "officials", "officer", "officers", "employee", "employees", "minister",
                           "head", "director", "chair", "chairman", "chairwoman", "rapporteur", "coordinator",
                           "judge", "judges", "prosecutor", "prosecutors", "person", "man", "woman", "owner",
                           "owners", "trafficker", "traffickers", "leader", "spokesperson", "commissioner"})
_CLAUSE_BY_NAME = re.compile(r"(?<=\w)\s+[A-Z].*$")  # "the two shelters South Africa accredited"


def _name_asked(text: str) -> str | None:
    """The kind of name a question asks for: "organization" for "which organization …", "the program" for
    "what's the name of the … program …"; None when it asks for none."""
    match = _NAME_ASKED.search(text)
    if match is None:
        named = _NAME_OF.search(text)
        phrase = _CLAUSE_BY_NAME.sub("", _PHRASE_END.sub("", named.group("phrase"))).strip() if named else ""
        words = re.findall(r"[\w-]+(?!['’])\b", phrase)
        return (f"the {words[-1] if words[-1].rstrip('s').isupper() else words[-1].lower()}" if words else None)
    kind = match.group("kind") or match.group("who") or match.group("group")
    return kind if kind.rstrip("s").isupper() else kind.lower()  # "NGO" stays an acronym


# A leading clause that sets the scene ("When Salvadoran police locked up gang members, did they screen them?"):
# the question proper follows the comma.
_SCENE = re.compile(r"^\W*(?:when|whenever|after|before|once|if|while|although|though|given that|now that)\b"
                    r"[^,?]{3,120},\s*(?=(?:and\s+)?(?:is|are|was|were|did|does|do|has|have|had|can|could|will|"
                    r"would|what|how|which|who|where|why)\b)", re.I)


def read_cues(text: str) -> Cues:
    """The cues of one question's text."""
    text = text.replace("’", "'").replace("‘", "'")
    text = _SCENE.sub("", text)
    text = _NO_APOSTROPHE.sub(lambda m: f"{m.group(1)}'s", text)  # "whats the name" is "what's the name"
    out_of_scope = None
    for name, pattern in (("task", _TASK), ("opinion", _OPINION), ("prediction", _PREDICTION), ("advice", _ADVICE),
                          ("off-topic", _OFF_TOPIC)):
        # An everyday word in a question about trafficking ("the hotel they live in") is not off-topic.
        if pattern.search(text) and not (name == "off-topic" and _DOMAIN.search(text)):
            out_of_scope = name
            break
    quantity = next((kind for kind, pattern in _QUANTITY if pattern.search(text)), None)
    name_of = _name_asked(text)
    if quantity is Quantity.COUNT and _WHICH_GROUP.search(text):
        quantity = None  # "Which Turkmen population is most at risk?" asks for a group, not a number
    recommendation = bool(_RECOMMEND.search(text))
    aspect = None
    if not recommendation:
        # "… so you can tell whether things improved?": a clause of doubt names no aspect asked for.
        asked = _DOUBT.sub("", text)
        aspect = "negative" if _NEGATIVE.search(asked) else "positive" if _POSITIVE.search(asked) else None
    # "the industries where children end up": a relative "where" asks for the industries, not a place.
    placed = _RELATIVE_WHERE.sub(" ", text)
    return Cues(
        out_of_scope=out_of_scope,
        asks_country=bool(_ASKS_COUNTRY.search(text)),
        asks_narrative=bool(_ASKS_NARRATIVE.search(text)),
        asks_government=bool(_ASKS_GOVERNMENT.search(text)),
        where=bool(_WHERE.search(placed)),
        place="from" if _ORIGIN.search(placed) else "in" if _DESTINATION.search(placed) else None,
        across=bool(_ACROSS.search(text)),
        among=bool(_AMONG.search(text)),
        which_of=bool(_WHICH_OF.search(text)),
        compare=bool(_COMPARE.search(text)),
        either=bool(_EITHER.search(text)),
        tier=mentions_tier(text),
        tier_named=tier_in(text),
        move=move_of(text),
        not_on=bool(_NOT_ON.search(text)),
        quantity=quantity,
        # "I run a shelter in Beirut. Does the state fund groups like ours?": the question is the last sentence.
        yes_no=bool(_YES_NO.search(text) or _YES_NO.search(re.split(r"(?<=[.!])\s+(?=[A-Z])", text)[-1]))
        and not _REQUEST.search(text),
        overview=bool(_OVERVIEW.search(text)),
        recommendation=recommendation,
        aspect=aspect,
        entity=bool(_ENTITY.search(text) or _METHOD.search(text)),
        exact=bool(_EXACT.search(text)),
        name_of=name_of,
        main=bool(_MAIN.search(text)),
        person=bool(_PERSON.search(text)) or (name_of or "").removeprefix("the ") in _PERSON_NOUNS,
        # "How did X avoid Tier 3?" asks what kept it up: a reason.
        why=bool(_WHY.search(text) or (re.search(r"\bhow\b", text, re.I) and avoided(text) and mentions_tier(text))),
        response=not recommendation and bool(_RESPONSE.search(text)),
        ellipsis=bool(_ELLIPSIS.search(text)),
        over_time=bool(_OVER_TIME.search(text)),
        foreign=bool(_FOREIGN.search(text) or (_WHOSE.search(text) and not _WHICH_COUNTRY.search(text))),
    )


@dataclass(frozen=True)
class Scope:
    """What the conversation says the question is about, as far as intent depends on it."""

    subjects: int  # corpus countries the question is about (named, inherited or implied)
    named: int  # of those, named in this question's own words
    inherited: bool  # the subjects come from an earlier turn
    placement_only: bool  # the question's topic words are all about placement (tier, moved, years)
    missing_only: bool = False  # it names only countries the corpus lacks
    editions: int = 0  # report editions (years) it names, of those the index holds


def decide(cues: Cues, scope: Scope) -> Intent:
    """The one intent of a question; earlier rules win. See tests/test_intents.py for the table."""
    if cues.out_of_scope in ("task", "opinion", "prediction", "advice"):
        return Intent.OUT_OF_SCOPE
    if cues.out_of_scope == "off-topic" and not cues.tier:
        return Intent.OUT_OF_SCOPE
    if scope.named >= 2 and (cues.compare or cues.either) and not (cues.among and cues.tier):
        return Intent.COMPARISON
    if scope.subjects >= 1 and scope.editions >= 2 and (cues.compare or cues.either):
        return Intent.COMPARISON  # one country, edition against edition
    placement = cues.tier or cues.move is not None
    if placement and scope.placement_only and (cues.across or ((cues.among or cues.which_of) and scope.named >= 2)
                                                or (scope.subjects == 0 and cues.tier_named)):
        return Intent.LISTING
    if scope.named >= 2 and cues.compare and placement:
        return Intent.COMPARISON
    if cues.why and placement and scope.subjects >= 1 and not cues.across:
        return Intent.TIER  # "Why was X downgraded?": the placement, then the summary's reasons
    if (cues.among or cues.which_of) and scope.named >= 2 and (cues.asks_government or cues.asks_country
                                                                or cues.which_of):
        return Intent.COUNTRY  # "Which of X, Y and Z …?", "Of X, Y and Z, which one …?": one of them
    if cues.asks_government and not cues.among:
        return Intent.COUNTRY
    if cues.asks_country and (scope.subjects == 0 or cues.asks_narrative):
        return Intent.COUNTRY
    if cues.where and scope.subjects == 0 and not scope.missing_only:
        return Intent.COUNTRY
    if cues.recommendation:
        return Intent.RECOMMENDATION
    if placement and scope.placement_only:
        return Intent.TIER
    if cues.aspect and not cues.quantity:  # "Did it do anything positive?" lists its achievements
        return Intent.ASPECT
    if cues.yes_no and not cues.overview:  # "Did the number of victims rise?" wants a yes or no
        return Intent.YES_NO
    if cues.quantity is not None:
        return Intent.QUANTITY
    if cues.overview:
        return Intent.OVERVIEW
    if cues.entity or cues.where or cues.person:
        return Intent.ENTITY
    return Intent.FACT
