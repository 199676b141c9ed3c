"""A deterministic stand-in for OPTT's AI triage: keyword and questionnaire-score rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RISK_LEVELS", "TriageResult", "assess"]

RISK_LEVELS = ("LOW", "MODERATE", "HIGH", "CRITICAL")

_CRITICAL_WORDS = ("suicide", "suicidal", "kill myself", "end my life", "self-harm", "self harm", "overdose")
_HIGH_WORDS = ("hopeless", "panic", "can't cope", "cannot cope", "trauma", "flashback", "abuse")
_MODERATE_WORDS = ("anxious", "anxiety", "depressed", "sleep", "insomnia", "worry", "stress", "sad", "low mood")

# Published severity cut-offs: (moderate, high, critical) per instrument.
_CUTOFFS: dict[str, tuple[float, float, float]] = {
    "PHQ-9": (10, 15, 20),
    "GAD-7": (10, 15, 1000),
    "PCL-5": (31, 45, 1000),
    "ISI": (15, 22, 1000),
}

_ACTIONS = {
    "LOW": ["Offer self-guided psychoeducation and review in four weeks."],
    "MODERATE": ["Offer a guided CBT programme within two weeks."],
    "HIGH": ["Book an assessment with a clinician within one week.", "Share crisis resources with the client."],
    "CRITICAL": [
        "Contact the client today and complete a risk assessment.",
        "Share crisis line numbers (call or text 988 in Canada).",
    ],
}


@dataclass(frozen=True)
class TriageResult:
    risk_level: str
    summary: str
    actions: list[str]


def _level_of_text(text: str) -> tuple[int, list[str]]:
    lowered = re.sub(r"\s+", " ", text.lower())
    for level, words in ((3, _CRITICAL_WORDS), (2, _HIGH_WORDS), (1, _MODERATE_WORDS)):
        found = [word for word in words if word in lowered]
        if found:
            return level, found
    return 0, []


def _level_of_score(instrument: str, score: float) -> int:
    cutoffs = _CUTOFFS.get(instrument.strip().upper())
    if cutoffs is None:
        return 0
    return sum(1 for cutoff in cutoffs if score >= cutoff)


def assess(text: str, scores: list[tuple[str, float]]) -> TriageResult:
    """The same input always gives the same report."""
    text_level, words = _level_of_text(text)
    score_level = max((_level_of_score(name, value) for name, value in scores), default=0)
    level = max(text_level, score_level)
    risk = RISK_LEVELS[level]
    parts = [f"risk words: {', '.join(words)}" if words else "no risk words found"]
    if scores:
        parts.append("scores: " + ", ".join(f"{name} {value:g}" for name, value in scores))
    return TriageResult(risk, f"{risk.capitalize()} risk; " + "; ".join(parts) + ".", list(_ACTIONS[risk]))
