"""One small answerer per intent; ROUTES is the only place that pairs them."""

from __future__ import annotations

from assistant.answerers.base import Answerer, Citations, Tools, Turn
from assistant.answerers.comparison import ComparisonAnswerer
from assistant.answerers.country import CountryAnswerer
from assistant.answerers.facts import FactAnswerer, YesNoAnswerer
from assistant.answerers.overview import AspectAnswerer, OverviewAnswerer
from assistant.answerers.quantity import QuantityAnswerer
from assistant.answerers.recommendation import RecommendationAnswerer
from assistant.answerers.scope import OutOfScopeAnswerer
from assistant.answerers.tier import ListingAnswerer, TierAnswerer
from assistant.intents import Intent

ROUTES: dict[Intent, Answerer] = {
    Intent.OUT_OF_SCOPE: OutOfScopeAnswerer(),
    Intent.COMPARISON: ComparisonAnswerer(),
    Intent.LISTING: ListingAnswerer(),
    Intent.COUNTRY: CountryAnswerer(),
    Intent.RECOMMENDATION: RecommendationAnswerer(),
    Intent.TIER: TierAnswerer(),
    Intent.QUANTITY: QuantityAnswerer(),
    Intent.OVERVIEW: OverviewAnswerer(),
    Intent.ASPECT: AspectAnswerer(),
    Intent.YES_NO: YesNoAnswerer(),
    Intent.ENTITY: FactAnswerer(),
    Intent.FACT: FactAnswerer(),
}

__all__ = ["ROUTES", "Answerer", "Citations", "Tools", "Turn"]
