"""Placements from the parsed metadata, each citing the sentence that states the tier: one country's tier,
and tiers across countries (lists, moves, counts)."""

from __future__ import annotations

import re

from assistant import quantities
from assistant.answerers.base import Tools, Turn
from assistant.evidence import Unit, boilerplate
from assistant.intents import Quantity
from assistant.phrasing import join_names
from assistant.records import Reply
from assistant.tiers import avoided, move_of, tier_clause, tier_rank, tier_unit_span
from index.records import Document

_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
_WAIVER = re.compile(r"\bwaiver\b", re.I)
# Summary sentences given as the reasons for a placement.
MAX_REASONS = 3


def with_waiver(tools: Tools, doc: Document, placed: tuple[int, int]) -> tuple[int, int]:
    """The placement's span, widened back over the waiver it rests on ("… was granted a waiver … from an
    otherwise required downgrade to Tier 3; therefore, X remained on Tier 2 Watch List"), so the two are cited as
    one statement; unchanged without a waiver."""
    waiver = TierAnswerer.waiver(tools, doc, placed)
    return (waiver.start, placed[1]) if waiver else placed


class TierAnswerer:
    """"What tier is X on?", "Is X on the Watch List?", "Why was X downgraded?"."""

    def answer(self, turn: Turn, tools: Tools) -> Reply:
        held = tools.index.editions()
        if any(len(held.get(c, [])) > 1 for c in turn.subjects) and (turn.cues.over_time or len(turn.years) > 1):
            return self._history(turn, tools)
        cites = tools.citations()
        lines = []
        asked_years = {int(y) for y in _YEAR.findall(turn.question)}
        named = turn.cues.tier_named
        why = turn.cues.why
        duration = turn.cues.quantity is Quantity.DURATION
        refused = False
        lead_parts = []
        for country in turn.subjects:
            doc = tools.doc(country, turn.years[0] if turn.years else None)
            if not doc.tier:
                lines.append(f"The report does not state a tier for {country}.")
                continue
            # The 2023 report covers 2022 too; any other year names an edition that is not loaded.
            editions = held.get(country, [])
            other_years = {y for y in asked_years if doc.year and y not in (doc.year, doc.year - 1)
                           and y not in editions}
            if other_years:
                loaded = (f"the {doc.year} edition" if len(editions) < 2 else
                          "the " + join_names([str(y) for y in editions]) + " editions")
                lines.append(f"The loaded report holds {loaded} for {country}; it does not give {country}'s tier "
                             f"for {', '.join(str(y) for y in sorted(other_years))}.")
                continue
            placed = tier_unit_span(doc)
            span = with_waiver(tools, doc, placed) if why or avoided(turn.question) else placed
            n = cites.add(doc.doc_id, *span)
            whole = doc.text[span[0] : span[1]]
            stated = whole if why or duration or span != placed else tier_clause(doc, span)
            year = f" in the {doc.year} report" if doc.year else ""
            if duration:
                # "For how many years in a row …?": the sentence states it ("for the second consecutive
                # year") or the report does not say.
                found = quantities.find(whole, Quantity.DURATION)
                if not found:
                    refused = True
                    lines.append(f"The report does not say for how long {country} has been on {doc.tier}; it says: "
                                 f"“{stated}” [{n}].")
                    continue
                lead_parts.append(found[0].text)
                lines.append(f"**{found[0].text[0].upper() + found[0].text[1:]}**: {country} is on {doc.tier}{year}: "
                             f"“{stated}” [{n}].")
                continue
            if why:
                verdict = f"{country} is on {doc.tier}{year}"
            elif named and named != doc.tier and not turn.cues.not_on:
                verdict = f"No: {country} is on {doc.tier}, not {named}{year}"
            elif named and not turn.cues.not_on:
                verdict = f"Yes: {country} is on {doc.tier}{year}"
            else:
                verdict = f"{country} is on {doc.tier}{year}"
            lead_parts.append(verdict)
            lines.append(f"{verdict}: “{stated}” [{n}].")
            if why:
                reasons = self.reasons(turn, tools, doc, span, placed)
                if reasons:
                    lines.append("The report's reasons: " + " ".join(
                        tools.claim(r, cites.unit(r.unit, r.probability)) for r in reasons))
        lines += [f"The report does not cover {m}." for m in turn.missing]
        return Reply(turn.question, "\n\n".join(lines), cites.items, refused=refused or not cites.items,
                     lead="; ".join(lead_parts) or None)

    @staticmethod
    def _history(turn: Turn, tools: Tools) -> Reply:
        """"How has Kuwait's tier changed?": the placement in every edition held, oldest first, each cited."""
        cites = tools.citations()
        blocks = []
        leads = []
        for country in turn.subjects:
            docs = [d for d in tools.index.documents_for(country, turn.years or None) if d.tier]
            if not docs:
                blocks.append(f"The report does not state a tier for {country}.")
                continue
            steps = [f"{d.tier} ({d.year})" for d in docs]
            path = " → ".join(steps)
            changed = len({d.tier for d in docs}) > 1
            leads.append(f"{country}: {path}")
            lines = [f"**{country}**: {path}{'' if changed else ' (unchanged)'}."]
            for d in docs:
                span = tier_unit_span(d)
                lines.append(f"- {d.year}: “{tier_clause(d, span)}” [{cites.add(d.doc_id, *span)}].")
            blocks.append("\n".join(lines))
        return Reply(turn.question, "\n\n".join(blocks), cites.items, refused=not cites.items,
                     lead="; ".join(leads) or None)

    @staticmethod
    def waiver(tools: Tools, doc: Document, tier_span: tuple[int, int]) -> Unit | None:
        """The summary's waiver ("… was granted a waiver … from an otherwise required downgrade") when it comes
        right before the placement it allows."""
        before = [u for u in tools.evidence.summary_units(doc) if u.end <= tier_span[0]]
        if before and _WAIVER.search(before[-1].text) and not doc.text[before[-1].end : tier_span[0]].strip(" ;.\n"):
            return before[-1]
        return None

    @staticmethod
    def reasons(turn: Turn, tools: Tools, doc: Document, cited: tuple[int, int],
                 tier_span: tuple[int, int]) -> list:
        """The summary sentences that explain a placement, in text order: the first one the summary gives, the ones
        that best fit the question and, for a move between tiers, the law's criterion for it; shortcomings for a
        low or lowered placement, achievements for a high or raised one, either for one that avoided a drop."""
        units = [u for u in tools.evidence.summary_units(doc)
                 if not (cited[0] <= u.start and u.end <= cited[1]) and not boilerplate(u.text)]
        move = move_of(doc.text[slice(*tier_span)])
        wanted = None
        if avoided(turn.question):  # "Why wasn't X dropped?": the waiver or whatever kept it up
            units = [u for u in units if avoided(u.text)] or units
        else:
            if move == "downgraded" or doc.tier in ("Tier 3", "Tier 2 Watch List"):
                wanted = "negative"
            elif move == "upgraded" or doc.tier == "Tier 1":
                wanted = "positive"
        if wanted:
            units = [u for u in units if u.polarity == wanted] or units
        rated = tools.rate(turn, units)
        if not rated:
            return []
        # The summary gives its main reason first; the question's wording picks the others. A move between tiers
        # also rests on the law's criterion ("did not demonstrate overall increasing efforts").
        lead = min(rated, key=lambda c: c.unit.start)
        chosen = [lead, *[c for c in rated if c is not lead][: MAX_REASONS - 1]]
        if move in ("downgraded", "upgraded"):
            chosen += tools.rate(turn, tools.evidence.criterion_units(doc))[:1]
        return sorted(chosen, key=lambda c: c.unit.start)


class ListingAnswerer:
    """Placements across countries: "Which countries are on Tier 3?", "Which of X, Y were downgraded?"."""

    def answer(self, turn: Turn, tools: Tools) -> Reply:
        cues = turn.cues
        pool = turn.subjects if len(turn.subjects) >= 2 else sorted(tools.by_country)
        year = turn.years[0] if turn.years else None
        docs = [d for d in (tools.doc(c, year) for c in pool) if d.tier and (year is None or d.year == year)]
        cites = tools.citations()
        described = []
        if cues.move in ("downgraded", "upgraded"):
            docs = [d for d in docs if move_of(d.text[slice(*tier_unit_span(d))]) == cues.move]
            described.append(cues.move)
        tier = cues.tier_named
        if tier:
            docs = [d for d in docs if (d.tier != tier) == cues.not_on]
            described.append(f"{'not ' if cues.not_on else ''}on {tier}")
        whole = len(turn.subjects) < 2  # the user named no list of countries: the whole corpus
        scope = f"Of the {len(pool)} countries in the loaded report" if whole else f"Of {join_names(pool)}"
        if described:
            what = " and ".join(described)
            if not docs:
                return Reply(turn.question, f"{scope}, none {'was' if cues.move else 'is'} {what}.", [],
                             refused=False, lead="None")
            named = join_names([f"**{d.country}** ({d.tier}) [{cites.add(d.doc_id, *tier_unit_span(d))}]"
                                for d in docs])
            verb = "was" if cues.move and len(docs) == 1 else "were" if cues.move else "is" if len(docs) == 1 else "are"
            text = f"{scope}, {len(docs)} {verb} {what}: {named}."
            return Reply(turn.question, text, cites.items, refused=False,
                         lead=join_names([d.country for d in docs]), countries=[d.country for d in docs])
        groups: dict[str, list[Document]] = {}
        for d in docs:
            groups.setdefault(d.tier, []).append(d)
        lines = [f"- **{t}** ({len(groups[t])}): "
                 + ", ".join(f"{d.country} [{cites.add(d.doc_id, *tier_unit_span(d))}]" for d in groups[t])
                 for t in sorted(groups, key=tier_rank)]
        return Reply(turn.question, f"Tier placements ({scope.lower()}):\n" + "\n".join(lines), cites.items,
                     refused=False)
