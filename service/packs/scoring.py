"""评责 and 问责 scoring with a pack's rules/scoring.json: grades are mapped
through the pack's scales (data), then the pack's JsonLogic rules compute.

Each function names the scoring rule it runs; a pack that lacks the rule (or
the scale, or the disposition) raises ScoringError instead of guessing.
"""
from __future__ import annotations

from typing import Iterable

from .evaluate import RuleCache
from .model import Pack


class ScoringError(LookupError):
    """The pack has no scoring data or rule for what was asked."""


def _run(pack: Pack, rule_id: str, data: dict):
    rule = pack.scoring.rule(rule_id) if pack.scoring else None
    if rule is None:
        raise ScoringError(f"the pack has no scoring rule {rule_id!r}")
    # The engine keeps its own bounded cache of compiled rules; no module-level cache here.
    return RuleCache().get(rule.rule)(data, {})


def grade_value(pack: Pack, grade: str, scale: str | None = None):
    """Points for a grade on a scale (default scale when None); None = not counted (不了解)."""
    if not pack.scoring:
        raise ScoringError("the pack has no rules/scoring.json")
    name = scale or pack.scoring.default_scale
    values = pack.scoring.grade_scales.get(name, {}).get("values")
    if values is None or grade not in values:
        raise ScoringError(f"grade {grade!r} is not on scale {name!r}")
    return values[grade]


def review_score(pack: Pack, sheets: Iterable[dict], scale: str | None = None):
    """Combined review score from evaluation sheets `[{"group": "commission"|"others", "grade": "好"}]`,
    weighted by the pack's evaluator_weights (rule `review-score`); None when no grade counts."""
    mapped = [{"group": s["group"], "value": grade_value(pack, s["grade"], scale)} for s in sheets]
    return _run(pack, "review-score", {"sheets": mapped, "weights": pack.scoring.evaluator_weights})


def needs_follow_up(pack: Pack, score) -> bool:
    """Whether a review score is below the threshold (提醒谈话 + 限期整改; rule `needs-follow-up`)."""
    if score is None:
        return False
    return bool(_run(pack, "needs-follow-up", {"score": score, "threshold": pack.scoring.threshold["score"]}))


def case_deduction(pack: Pack, disposition: str, *, team_member: bool = False, self_reported: bool = False,
                   handled_early: bool = False):
    """Points deducted for one accountability case (rule `case-deduction`)."""
    deductions = (pack.scoring.annual_model or {}).get("deductions", {}) if pack.scoring else {}
    if disposition not in deductions:
        raise ScoringError(f"no deduction for disposition {disposition!r}")
    return _run(pack, "case-deduction", {"base": deductions[disposition], "team_member": team_member,
                                         "self_reported": self_reported, "handled_early": handled_early})


def annual_total(pack: Pack, sections: dict, deductions) -> float:
    """The annual 100-point total from section scores and total deductions (rule `annual-total`)."""
    return _run(pack, "annual-total", {"sections": sections, "deductions": deductions})
