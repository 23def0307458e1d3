"""Questions the report cannot answer by their nature: one plain sentence, nothing quoted."""

from __future__ import annotations

from assistant.answerers.base import Tools, Turn
from assistant.records import Reply

MESSAGES = {
    "task": "I only answer questions about the report, from its text; I don't write other texts. The report "
            "does not say anything I could quote for this.",
    "opinion": "I don't give opinions: I answer from the report's text, and the report does not say what to "
               "think about this.",
    "prediction": "I can't predict what will happen: the report does not say; it describes the reporting period "
                  "and the placement it gave.",
    "advice": "I can't give personal advice (travel, donations, services, safety): the report does not say "
              "anything about this. Ask me what the report says about a country's trafficking situation.",
    "off-topic": "That is outside the report: it does not say anything about this. I answer questions about the "
                 "Trafficking in Persons report, from its text.",
}


class OutOfScopeAnswerer:
    def answer(self, turn: Turn, tools: Tools) -> Reply:
        return Reply(turn.question, MESSAGES[turn.cues.out_of_scope or "off-topic"], [], refused=True)
