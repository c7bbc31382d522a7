"""评责 and 问责 scoring with a pack's rules/scoring.json: grades are mapped
through the pack's scales (data), then the pack's JsonLogic rules compute.

Each function names the scoring rule it runs; a pack that lacks the rule (or
the scale, or the disposition) raises ScoringError instead of guessing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

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


def review_score(pack: Pack, sheets: Iterable[dict], scale: str | None = None, weights: dict | None = None):
    """Combined review score from evaluation sheets `[{"group": "commission"|"others", "grade": "好"}]`,
    weighted by ``weights`` or the pack's evaluator_weights (rule `review-score`); None when no grade counts."""
    mapped = [{"group": s["group"], "value": grade_value(pack, s["grade"], scale)} for s in sheets]
    return _run(pack, "review-score", {"sheets": mapped, "weights": weights or pack.scoring.evaluator_weights})


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


# --------------------------------------------------------------------------- review sessions

FACTS = ("session", "date", "leader", "post", "unit", "group")  # what a session can fill into a sheet


@dataclass(frozen=True)
class ReviewConfig:
    """How review sessions use a pack (rules/scoring.json ``review`` and ``threshold``)."""

    form_id: str
    score_rule: str
    grade_rule: str
    follow_up_rule: str
    decimals: int
    group_field: str
    groups: dict          # group id -> label, in the form's order
    default_weights: dict
    scale_fields: dict    # scale -> form field holding the grade
    scales: dict          # scale -> {"name", "values"}
    default_scale: str
    session_fields: dict  # form field -> fact
    threshold: float
    follow_ups: list = field(default_factory=list)
    rectification_days: int | None = None

    def grades(self, scale: str) -> list[str]:
        """The answers of the scale's field in the form's order (their points are the scale's)."""
        return list((self.scales.get(scale) or {}).get("values") or {})


def review_config(pack: Pack) -> ReviewConfig:
    """The pack's review configuration; ScoringError when it has none (an older pack)."""
    s = pack.scoring
    review = s.review if s else None
    if not isinstance(review, dict):
        raise ScoringError("the pack has no review section in rules/scoring.json")
    form = pack.forms.get(s.evaluation_form)
    if form is None:
        raise ScoringError(f"the pack has no evaluation form {s.evaluation_form!r}")
    group_node = (form.schema.get("properties") or {}).get(review.get("group_field"), {})
    labels = group_node.get("x-enum-labels") if isinstance(group_node.get("x-enum-labels"), dict) else {}
    groups = {g: str(labels.get(g, g)) for g in (group_node.get("enum") or s.evaluator_weights)}
    scales = {name: s.grade_scales[name] for name in review.get("scale_fields", {}) if name in s.grade_scales}
    threshold = s.threshold or {}
    return ReviewConfig(
        form_id=s.evaluation_form, score_rule=review["score_rule"], grade_rule=review["grade_rule"],
        follow_up_rule=review["follow_up_rule"], decimals=int(review.get("decimals", 2)),
        group_field=review["group_field"], groups=groups, default_weights=dict(s.evaluator_weights),
        scale_fields=dict(review.get("scale_fields") or {}), scales=scales,
        default_scale=s.default_scale if s.default_scale in scales else next(iter(scales), ""),
        session_fields=dict(review.get("session_fields") or {}), threshold=threshold.get("score"),
        follow_ups=[dict(f) for f in threshold.get("follow_ups") or []],
        rectification_days=threshold.get("rectification_days"))


def explain(pack: Pack, rule_id: str, data: dict) -> dict:
    """Run a scoring rule with the engine's explanation: ``{"rule", "description",
    "data", "result"|"error", "trace"}``, everything a reader needs to follow it."""
    rule = pack.scoring.rule(rule_id) if pack.scoring else None
    if rule is None:
        raise ScoringError(f"the pack has no scoring rule {rule_id!r}")
    explained = RuleCache().get(rule.rule).explain(data, {})
    out: dict[str, Any] = {"rule": rule_id, "description": rule.description, "json": rule.rule, "data": data}
    out.update(explained)
    return out
