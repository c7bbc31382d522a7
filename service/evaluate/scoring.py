"""A leader's result from the ballots: everything through the pack's rules.

Plain Python (no Flask, no database). The grade each evaluator gave is mapped
to points through the session's scale, the pack's score rule combines them
with the session's group weights, the composite is rounded to the pack's
decimals, and the pack's grade and follow-up rules read the rounded score. The
code only counts (ballots per group, answers per grade) so a reader can follow
the rule's explanation, which is kept with the result.
"""
from __future__ import annotations

from typing import Iterable

from ..packs.model import Pack
from ..packs.scoring import ReviewConfig, explain, grade_value


def leader_result(pack: Pack, config: ReviewConfig, *, scale: str, weights: dict,
                  ballots: Iterable[dict]) -> dict:
    """The result for one leader from complete ballots ``[{"group", "grade"}]``.

    Returns ``{"score", "grade", "follow_up", "ballots", "counted", "not_counted",
    "groups": {group: {"ballots", "counted", "grades": {grade: n}}}, "explanation": {...}}``;
    ``score`` and ``grade`` are None when no ballot counts (no ballots, or only 不了解).
    """
    ballots = [b for b in ballots if b.get("grade") is not None]
    sheets = [{"group": b["group"], "value": grade_value(pack, b["grade"], scale)} for b in ballots]
    groups: dict[str, dict] = {g: {"ballots": 0, "counted": 0, "grades": {}} for g in config.groups}
    for ballot, sheet in zip(ballots, sheets):
        entry = groups.setdefault(ballot["group"], {"ballots": 0, "counted": 0, "grades": {}})
        entry["ballots"] += 1
        entry["counted"] += sheet["value"] is not None
        entry["grades"][ballot["grade"]] = entry["grades"].get(ballot["grade"], 0) + 1
    # Grades listed in the scale's order, never in the order they came in
    # (which would be the order of voting).
    order = {grade: index for index, grade in enumerate(config.grades(scale))}
    for entry in groups.values():
        entry["grades"] = dict(sorted(entry["grades"].items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    # Sheets reach the rule in a fixed order of their content, never in the
    # order they were cast (the explanation is shown and kept).
    sheets.sort(key=lambda s: (s["group"], s["value"] is None, s["value"] or 0))
    score_run = explain(pack, config.score_rule, {"sheets": sheets, "weights": dict(weights)})
    raw = score_run.get("result")
    score = round(float(raw), config.decimals) if isinstance(raw, (int, float)) and not isinstance(raw, bool) \
        else None
    grade_run = explain(pack, config.grade_rule, {"score": score})
    explanation = {"score": score_run, "grade": grade_run}
    follow_up = False
    if score is not None and config.threshold is not None:
        follow_run = explain(pack, config.follow_up_rule, {"score": score, "threshold": config.threshold})
        explanation["follow_up"] = follow_run
        follow_up = follow_run.get("result") is True
    grade = grade_run.get("result")
    counted = sum(1 for s in sheets if s["value"] is not None)
    return {"score": score, "grade": grade if isinstance(grade, str) else None, "follow_up": follow_up,
            "ballots": len(sheets), "counted": counted, "not_counted": len(sheets) - counted,
            "groups": groups, "scale": scale, "weights": dict(weights), "explanation": explanation}


def competition_ranks(scores: list) -> list:
    """Ranks for scores, highest first; equal scores share a rank and the next
    rank skips (1, 2, 2, 4); a missing score has no rank."""
    ordered = sorted((s for s in scores if s is not None), reverse=True)
    first = {}
    for index, score in enumerate(ordered, start=1):
        first.setdefault(score, index)
    return [first[s] if s is not None else None for s in scores]


def number_text(value, decimals: int = 2) -> str:
    """A score as people write it: 71, 70.5, 82.33 (no trailing zeros)."""
    if value is None:
        return ""
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
