"""Report templates of a pack (``rules/reports.json``): the placeholders each kind of
report may use, and the one safe way to fill them. No Flask; the describing module
that the pack checker and 督责's reports both import.

Pack text is untrusted (a pack may come from another district), so placeholders
are filled by **whitelist substitution**: ``{name}`` with ``name`` one of
``PLACEHOLDERS[kind]`` becomes that figure as text; anything else,
``{unit.__class__}``, ``{0}``, ``{unit!r}``, ``{{``, is left exactly as written.
Never ``str.format`` on pack text (attribute access, indexing and padding widths
would run on our objects).
"""
from __future__ import annotations

import re

from ..i18n import N_
from .model import REPORTS_FILE, Pack

KINDS = ("unit", "district")
#: What each placeholder stands for (docs/supervise.md lists them for template writers; the
#: pack editor shows them, translated, beside a template).
PLACEHOLDERS = {
    "unit": {
        "unit": N_("单位名称"), "unit_code": N_("单位编码"), "leader": N_("一把手姓名"), "leader_post": N_("一把手职务"),
        "district": N_("区（清单包的 district）"), "period": N_("期间（如 2025年、2025年第二季度）"),
        "as_of": N_("统计截至日期"), "date": N_("报告生成日期"), "completion_rate": N_("完成率（百分比，完成 ÷ 计入事项）"),
        "done_items": N_("完成事项数"), "counted_items": N_("计入事项数（完成、部分完成、未完成）"),
        "failed_items": N_("未完成和部分完成事项数"), "failed_list": N_("未完成事项（最多 5 项）"),
        "weakest_categories": N_("完成率最低的类别（最多 3 个，带完成率）"),
        "findings": N_("期内发现问题数（已确认）"), "open_findings": N_("尚未销号问题数"), "overdue_findings": N_("整改逾期问题数"),
        "closed_findings": N_("已销号问题数"), "talks": N_("廉政谈话/约谈次数"), "talk_records": N_("谈心谈话记录数"),
        "review_score": N_("最近一次已公布的述责述廉评议得分"), "warning": N_("预警等级"),
    },
    "district": {
        "district": N_("区（清单包的 district）"), "period": N_("期间"), "as_of": N_("统计截至日期"), "date": N_("报告生成日期"),
        "units": N_("单位数"), "completion_rate": N_("全区完成率（百分比）"), "weakest_categories": N_("全区完成率最低的类别"),
        "weakest_units": N_("完成率最低的单位（最多 5 个）"), "red_units": N_("红色预警单位数"),
        "yellow_units": N_("黄色预警单位数"), "findings": N_("期内发现问题数"), "open_findings": N_("尚未销号问题数"),
        "overdue_findings": N_("整改逾期问题数"), "closed_findings": N_("已销号问题数"), "talks": N_("廉政谈话/约谈次数"),
        "talk_records": N_("谈心谈话记录数"),
    },
}
PLACEHOLDER = re.compile(r"\{([a-z_]{1,40})\}")
ANY_BRACES = re.compile(r"\{([^{}]{0,80})\}")

#: Used when a pack has no rules/reports.json (the default pack has its own copy).
DEFAULT_TEMPLATES = {
    "unit": {
        "title": "{unit}{period}廉情报告",
        "sections": [
            {"heading": "一、履责总体情况",
             "text": "{unit}党委（党组）书记{leader}{period}应完成履责事项 {counted_items} 项，已完成 {done_items} 项，"
                     "完成率 {completion_rate}。"},
            {"heading": "二、薄弱环节", "text": "完成率较低的类别：{weakest_categories}。未完成事项：{failed_list}。"},
            {"heading": "三、问题整改", "text": "期内发现问题 {findings} 个，已销号 {closed_findings} 个，尚未销号 "
                                                "{open_findings} 个，其中整改逾期 {overdue_findings} 个；开展廉政谈话 {talks} 次。"},
            {"heading": "四、综合研判", "text": "预警等级：{warning}。最近一次述责述廉评议得分：{review_score}。"},
        ],
    },
    "district": {
        "title": "{district}{period}政治生态分析报告",
        "sections": [
            {"heading": "一、总体情况", "text": "全区 {units} 个单位履责完成率 {completion_rate}；红色预警 {red_units} 个，"
                                                "黄色预警 {yellow_units} 个。"},
            {"heading": "二、薄弱环节", "text": "完成率较低的类别：{weakest_categories}。完成率较低的单位：{weakest_units}。"},
            {"heading": "三、问题整改", "text": "期内发现问题 {findings} 个，已销号 {closed_findings} 个，尚未销号 "
                                                "{open_findings} 个，其中整改逾期 {overdue_findings} 个；开展廉政谈话 {talks} 次。"},
        ],
    },
}


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each whitelisted ``{name}`` replaced by ``values[name]``; everything else verbatim."""
    if not isinstance(text, str):
        return ""
    return PLACEHOLDER.sub(lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), text)


def unknown_placeholders(text: str, kind: str) -> list[str]:
    """The ``{…}`` in ``text`` that are not placeholders of ``kind`` (for the pack checker)."""
    known = PLACEHOLDERS.get(kind, {})
    return [m.group(1) for m in ANY_BRACES.finditer(text or "") if m.group(1) not in known]


def templates(pack: Pack | None) -> dict:
    """The pack's report templates, each kind falling back to ``DEFAULT_TEMPLATES``."""
    raw = pack.files.get(REPORTS_FILE) if pack else None
    raw = raw if isinstance(raw, dict) else {}
    out = {}
    for kind in KINDS:
        template = raw.get(kind)
        ok = isinstance(template, dict) and isinstance(template.get("title"), str) \
            and isinstance(template.get("sections"), list)
        out[kind] = template if ok else DEFAULT_TEMPLATES[kind]
    return out
