"""Invented demo data: a district with 20 units, their leaders and accounts.

All names are made up. Later stages extend the demo (plans, records, check
runs, reviews, findings) from here.
"""
from __future__ import annotations

from pathlib import Path

from . import audit
from .auth.models import User
from .db import database
from .units.models import Unit

DISTRICT = "江滨区"

# code, name, type, tags, risk areas, subordinate units, law enforcement, leader, title
DEMO_UNITS = (
    ("Q01", "区发展和改革局", "区直单位", ["项目建设"], ["项目审批", "资金分配"], 2, False, "周文澜", "党组书记、局长"),
    ("Q02", "区财政局", "区直单位", [], ["资金拨付", "政府采购"], 3, False, "沈知秋", "党组书记、局长"),
    ("Q03", "区教育局", "区直单位", [], ["招生入学", "校园工程", "教辅征订"], 12, False, "陆景行", "党委书记、局长"),
    ("Q04", "区卫生健康局", "区直单位", [], ["医药采购", "医保基金"], 6, False, "顾清禾", "党委书记、局长"),
    ("Q05", "区住房和城乡建设局", "区直单位", ["项目建设", "征地拆迁"], ["工程招投标", "质量监管"], 4, True, "韩致远", "党委书记、局长"),
    ("Q06", "区自然资源和规划分局", "区直单位", ["征地拆迁"], ["土地出让", "规划审批"], 3, True, "孟书远", "党组书记、局长"),
    ("Q07", "区市场监督管理局", "区直单位", [], ["行政执法", "行政许可"], 6, True, "许怀瑾", "党委书记、局长"),
    ("Q08", "区综合行政执法局", "区直单位", [], ["行政执法", "罚没处置"], 8, True, "钟南屏", "党委书记、局长"),
    ("Q09", "区交通运输局", "区直单位", ["项目建设"], ["工程招投标", "运输执法"], 5, True, "罗一帆", "党委书记、局长"),
    ("Q10", "区民政局", "区直单位", [], ["救助资金", "养老服务"], 2, False, "唐若溪", "党组书记、局长"),
    ("Q11", "区人力资源和社会保障局", "区直单位", [], ["社保基金", "职称评审"], 2, False, "冯以安", "党组书记、局长"),
    ("Q12", "区农业农村局", "区直单位", [], ["惠农补贴", "农村集体三资"], 3, True, "魏听澜", "党委书记、局长"),
    ("J01", "江滨街道", "街道", [], ["村社小微权力", "惠民资金"], 9, False, "蒋澄明", "党工委书记"),
    ("J02", "临江街道", "街道", ["征地拆迁"], ["征地补偿", "村社小微权力"], 11, False, "秦墨白", "党工委书记"),
    ("J03", "北岸街道", "街道", ["征地拆迁", "项目建设"], ["征地补偿", "工程项目"], 8, False, "尤嘉树", "党工委书记"),
    ("Z01", "青山镇", "镇", ["征地拆迁"], ["征地补偿", "农村集体三资"], 14, False, "何远舟", "党委书记"),
    ("Z02", "白沙镇", "镇", [], ["农村集体三资", "惠农补贴"], 10, False, "吕朝晖", "党委书记"),
    ("G01", "区城市建设投资集团有限公司", "国企", ["项目建设", "征地拆迁"], ["工程招投标", "融资管理"], 7, False, "施砚秋", "党委书记、董事长"),
    ("G02", "区国有资产经营有限公司", "国企", [], ["资产处置", "对外投资"], 4, False, "张予宁", "党委书记、董事长"),
    ("G03", "区水务集团有限公司", "国企", ["项目建设"], ["工程招投标", "物资采购"], 5, False, "孔令仪", "党委书记、董事长"),
)


# Who records the lists the units do not record themselves (docs/perform.md, Who records what):
# name, kind, department code, unit codes (a prefix: Q, J, Z, G), account and its display name.
DEMO_HOLDERS = (
    ("区纪委监委第一派驻纪检监察组", "supervising-body", "", ("Q",), "paizhu1", "第一派驻纪检监察组联络员"),
    ("区纪委监委第二派驻纪检监察组", "supervising-body", "", ("J", "Z", "G"), "paizhu2", "第二派驻纪检监察组联络员"),
    ("区委组织部", "department", "organization", ("Q", "J", "Z", "G"), "zuzhibu", "区委组织部干部监督科"),
)

DEMO_YEAR = 2022
DEFAULT_PACK = Path(__file__).resolve().parent.parent  # the repository's rules/ and forms/


def instance_is_empty() -> bool:
    """Whether the instance has no accounts yet (the demo loads only then)."""
    return not User.select().exists()


def load_demo(password: str) -> str:
    """Create the demo units, accounts, pack and plans; return a one-line summary."""
    with audit.acting_as(None, "demo"), database.atomic():
        units = []
        for code, name, kind, tags, risks, subs, enforcement, leader, title in DEMO_UNITS:
            unit = Unit.get_or_none(Unit.code == code)
            if unit is None:
                unit = audit.create(Unit, code=code, name=name, type=kind, tags=tags, risk_areas=risks,
                                    subordinate_units=subs, law_enforcement=enforcement,
                                    leader_name=leader, leader_title=title)
            units.append(unit)
        password_hash = User.hash_password(password)
        accounts = [("admin", "纪委监委管理员", "admin", None), ("inspector", "纪委监委监督员", "inspector", None)]
        accounts += [(f"unit{n:02d}", f"{u.name}联络员", "unit", u) for n, u in enumerate(units, start=1)]
        created = 0
        for username, display, role, unit in accounts:
            if not User.select().where(User.username == username).exists():
                audit.create(User, username=username, display_name=display, role=role, unit=unit,
                             password_hash=password_hash)
                created += 1
        created += _load_holders(units, password_hash)
    summary = (f"demo: {len(units)} units, {created} accounts created (admin, inspector, unit01-unit{len(units):02d},"
               f" {', '.join(h[4] for h in DEMO_HOLDERS)})")
    from .perform.demo import load_demo_records
    return (summary + "; " + _load_plans() + "; " + load_demo_records() + "; " + _load_reviews() + "; "
            + _load_findings() + "; " + _load_documents())


def _load_documents() -> str:
    """Last year's portraits of every unit's leader and the district's 政治生态分析 of last year,
    issued (出具) by the inspector, so 成效统计 counts portraits and reports produced."""
    import datetime as dt

    from .supervise import documents, portraits, reports
    from .supervise.models import IssuedDocument
    inspector = User.get_or_none(User.username == "inspector")
    if inspector is None or IssuedDocument.select().exists():
        return "no documents issued"
    today = dt.date.today()
    year = today.year - 1
    units = list(Unit.select().where(Unit.active == True).order_by(Unit.code))  # noqa: E712
    with audit.acting_as(inspector.id, inspector.username), database.atomic():
        for found in portraits.portraits([u.id for u in units], year, today):
            documents.issue("portrait", documents.portrait_report(found), unit=found.unit,
                            version=portraits.version_for(found.unit.id, year), issued_by=inspector.id)
        report = reports.district_report(str(year), today, label=f"{year}年")
        documents.issue("district-report", report, unit=None, version=portraits.version_for(None, year),
                        issued_by=inspector.id, note="报送区委主要领导")
    return f"{len(units)} portraits and 1 analysis issued"


def _load_holders(units: list[Unit], password_hash: str) -> int:
    """The 派驻纪检监察组 and the 组织部 with their units and one account each; the accounts made."""
    from .holders.admin import set_scope
    from .holders.models import HolderBody
    made = 0
    for name, kind, department, prefixes, username, display in DEMO_HOLDERS:
        body = HolderBody.get_or_none(HolderBody.name == name)
        if body is None:
            body = audit.create(HolderBody, name=name, kind=kind, department=department)
            set_scope(body, [u.id for u in units if u.code.startswith(prefixes)])
        if not User.select().where(User.username == username).exists():
            audit.create(User, username=username, display_name=display, role="holder", holder_body=body,
                         password_hash=password_hash)
            made += 1
    return made


def _load_plans() -> str:
    """Install and publish the default pack, then generate and publish the plans of the
    last full year and the current year (relative to today, so something is due now)."""
    import datetime as dt

    from .define import plans
    from .define.models import Plan
    from .packs.store import install_directory, publish
    from .perform.demo import demo_years
    if not (DEFAULT_PACK / "rules" / "pack.json").exists():
        return "default pack not found beside the code; no plans generated"
    years = demo_years(dt.date.today())
    with audit.acting_as(None, "demo"):
        version, _created, _problems = install_directory(DEFAULT_PACK)
        publish(version)
        made = []
        for year in years:
            counts = plans.generate_plans(year, version)
            for plan in Plan.select().where((Plan.year == year) & (Plan.status == "draft")):
                plans.publish_plan(plan)
            made.append(f"{year} plans: {counts['created']} created")
    return f"pack {version.label} published; " + ", ".join(made)


# A published year-end review and one in preparation (names invented).
REVIEW_TITLE = "2022年度区管单位一把手述责述廉评议会"
REVIEW_EVALUATORS = (("commission", ("林素心", "郑守拙", "谢明远", "韦清让", "温如玉")),
                     ("others", ("邱立言", "袁思齐", "殷望舒", "方牧之")))
# unit code -> (commission grades, others grades, a question asked on a ballot)
REVIEW_BALLOTS = {
    "Q08": (("好", "好", "较好", "好", "较好"), ("好", "较好", "较好", "好"),
            "综合行政执法局下属单位多，作为一把手你如何加强对下属单位的监管？"),
    "Q05": (("好", "好", "好", "好", "好"), ("好", "好", "好", "较好"), "工程招投标监管有哪些硬措施？"),
    "J02": (("较好", "一般", "一般", "较好", "差"), ("一般", "较好", "一般", "差"),
            "征地拆迁补偿资金怎样做到全程留痕、公开透明？"),
    "G01": (("较好", "较好", "较好", "好", "一般"), ("较好", "较好", "好", "好"), "“三重一大”事项如何做到党委前置研究？"),
}


def _load_reviews() -> str:
    """One closed and published review (one leader under the threshold, with the
    drafted follow-ups), and one session in preparation to try the phones on."""
    import datetime as dt
    import secrets

    from .evaluate import ballots, sessions
    from .evaluate.models import ReviewSession
    from .packs.store import PackVersion
    version = PackVersion.current()
    admin = User.get_or_none(User.username == "admin")
    if version is None or admin is None or ReviewSession.select().where(ReviewSession.title == REVIEW_TITLE).exists():
        return "no review sessions added"
    units = {u.code: u for u in Unit.select().where(Unit.code.in_(list(REVIEW_BALLOTS) + ["Q03", "Z01"]))}
    with audit.acting_as(admin.id, admin.username):
        review = sessions.create_session(title=REVIEW_TITLE, held_on=dt.date(2022, 12, 20), place="区行政中心第一会议室",
                                         version=version, anonymous=True, scale=None, created_by=admin)
        leaders = {code: sessions.add_leader(review, unit=units[code], name=units[code].leader_name,
                                             post=units[code].leader_title) for code in REVIEW_BALLOTS}
        people = {group: [sessions.add_evaluator(review, name=name, group=group) for name in names]
                  for group, names in REVIEW_EVALUATORS}
        sessions.move(review, "open")
        for code, (commission, others, question) in REVIEW_BALLOTS.items():
            for group, grades in (("commission", commission), ("others", others)):
                for index, (person, grade) in enumerate(zip(people[group], grades)):
                    voter = ballots.Voter(person, secrets.token_urlsafe(16))  # as if signed in by link
                    answers = {"overall": grade}
                    if group == "commission" and index == 0:
                        answers["questions"] = question
                    ballots.save_ballot(voter, leaders[code], answers)
        sessions.move(review, "close")
        sessions.add_note(leaders["Q08"], kind="question", speaker="区纪委委员",
                          text=REVIEW_BALLOTS["Q08"][2], user=admin)
        street = leaders["J02"]
        for text in ("征地拆迁补偿资金监管存在薄弱环节，部分村社资金拨付未及时公开",
                     "对村（社区）小微权力运行监督不够有力，提醒谈话开展偏少"):
            sessions.add_feedback(street, text=text, user=admin)
        sessions.issue_feedback(street)
        sessions.record_response(street, text="诚恳接受评议意见，立即对照问题清单制定整改方案，一个月内完成资金公开全面排查。",
                                 on=dt.date(2022, 12, 27))
        sessions.move(review, "publish")
        upcoming = sessions.create_session(title="2023年上半年述责述廉评议会", held_on=dt.date(2023, 7, 12),
                                           place="区行政中心第二会议室", version=version, anonymous=True, scale=None,
                                           created_by=admin)
        for code in ("Q03", "Z01"):
            sessions.add_leader(upcoming, unit=units[code], name=units[code].leader_name, post=units[code].leader_title)
        for group, names in REVIEW_EVALUATORS:
            for name in names[:2]:
                sessions.add_evaluator(upcoming, name=name, group=group)
    return f"reviews: {REVIEW_TITLE} published, 1 session in preparation"


# Invented findings across the states of the register (docs/accountability.md).
FINDING_MARK = "〔演示〕"


def _load_findings() -> str:
    """A handful of findings: closed, waiting for verification with a 一案双查 case,
    overdue (红), due soon (黄), just confirmed, a draft, and the review's
    under-threshold leader's rectification and problem list sent to the register."""
    import datetime as dt
    import io

    from flask import current_app

    from .accountability import cases, register, states
    from .accountability.models import Finding
    from .evaluate.models import ReviewFeedback, ReviewFollowUp
    from .perform import records
    inspector = User.get_or_none(User.username == "inspector")
    admin = User.get_or_none(User.username == "admin")
    if inspector is None or admin is None or Finding.select().where(Finding.source_ref.startswith(FINDING_MARK)).exists():
        return "no findings added"
    units = {u.code: u for u in Unit.select()}
    clerks = {u.unit.code: u for u in User.select().join(Unit).where(User.role == "unit")}
    today = dt.date.today()
    made = 0

    def evidence(unit, user, name):
        stored = records.store_upload(unit=unit, user=user, filename=name, content_type="application/pdf",
                                      stream=io.BytesIO(f"%PDF-1.4 {name}".encode()), field_schema=None,
                                      upload_folder=current_app.config["UPLOAD_FOLDER"])
        return [stored.reference()]

    def finding(code, title, channel, found_on, due_on=None, **extra):
        nonlocal made
        made += 1
        values = {"unit": units[code], "title": title, "channel": channel, "found_on": found_on, "due_on": due_on,
                  "source_ref": FINDING_MARK + extra.pop("ref", ""), "severity": extra.pop("severity", "minor"),
                  **extra}
        return register.create(values, inspector)

    def as_unit(code):
        return clerks[code]

    with audit.acting_as(inspector.id, inspector.username):
        closed = finding("Q05", "工程招投标监管存在漏洞，个别项目评标专家抽取未全程留痕", "inspection_tour",
                         today - dt.timedelta(days=150), today - dt.timedelta(days=90), ref="区委第二巡察组反馈意见",
                         severity="major", category_id="fr-centralism", list_id="first-responsible")
        states.move(closed, "confirm", inspector)
        with audit.acting_as(as_unit("Q05").id, as_unit("Q05").username):
            states.move(closed, "submit_plan", as_unit("Q05"), measures="修订评标专家抽取办法，抽取过程全程录像并存档；对近两年项目逐一复查。",
                        due_on=today - dt.timedelta(days=80))
            states.move(closed, "file_evidence", as_unit("Q05"), evidence_text="已印发《评标专家抽取管理办法》，复查项目 37 个。",
                        files=evidence(units["Q05"], as_unit("Q05"), "评标专家抽取管理办法.pdf"))
        cases.add_disposition(closed, inspector, kind="rule-making", decided_on=today - dt.timedelta(days=85),
                              decided_by="区纪委监委", note="督促建立“三重一大”事项集体决策制度")
        cases.add_disposition(closed, inspector, kind="suggestion", decided_on=today - dt.timedelta(days=140),
                              decided_by="区纪委监委第三监督检查室")
        with audit.acting_as(admin.id, admin.username):
            states.move(closed, "close", admin)

        verifying = finding("G01", "下属项目公司违规发放津补贴", "daily", today - dt.timedelta(days=70),
                            today - dt.timedelta(days=20), ref="日常监督发现", severity="serious")
        states.move(verifying, "confirm", inspector)
        with audit.acting_as(as_unit("G01").id, as_unit("G01").username):
            states.move(verifying, "submit_plan", as_unit("G01"), measures="追回违规发放款项，修订薪酬管理办法。",
                        due_on=today + dt.timedelta(days=10))
            states.move(verifying, "file_evidence", as_unit("G01"), evidence_text="已全额追回 12.6 万元，新办法已印发。",
                        files=evidence(units["G01"], as_unit("G01"), "追缴凭证.pdf"))
        direct, main, _supervision = cases.open_case(verifying, inspector, [
            {"responsibility": "direct", "person": "程某某", "post": "项目公司总经理", "unit": units["G01"]},
            {"responsibility": "main", "person": units["G01"].leader_name, "post": units["G01"].leader_title,
             "unit": units["G01"]},
            {"responsibility": "supervision", "person": "严某某", "post": "集团纪委书记", "unit": units["G01"]}])
        cases.add_disposition(verifying, inspector, kind="discipline", decided_on=today - dt.timedelta(days=30),
                              decided_by="区纪委监委", entry=direct, note="党内警告处分")
        cases.add_disposition(verifying, inspector, kind="talk", decided_on=today - dt.timedelta(days=28),
                              decided_by="区纪委监委", entry=main)
        cases.conclude_entry(direct, inspector, status="concluded", outcome="给予党内警告处分",
                             concluded_on=today - dt.timedelta(days=30))

        overdue = finding("Q08", "群众反映执法人员作风粗暴", "petition", today - dt.timedelta(days=60),
                          today - dt.timedelta(days=15), ref="信访件第 2023-017 号")
        states.move(overdue, "confirm", inspector)
        cases.add_disposition(overdue, inspector, kind="reminder", decided_on=today - dt.timedelta(days=55),
                              decided_by="派驻纪检监察组")

        due_soon = finding("Q01", "专题研究党风廉政建设次数不足", "check", today - dt.timedelta(days=25),
                           today + dt.timedelta(days=20), ref="2022年度督责检查", category_id="fr-planning",
                           list_id="first-responsible")
        states.move(due_soon, "confirm", inspector)
        with audit.acting_as(as_unit("Q01").id, as_unit("Q01").username):
            states.move(due_soon, "submit_plan", as_unit("Q01"), measures="每季度召开党组会专题研究党风廉政建设。",
                        due_on=today + dt.timedelta(days=4))

        finding("Z01", "村级工程项目“三重一大”事项未经集体研究", "discipline", today - dt.timedelta(days=5),
                ref="执纪审查移送", severity="major")

        # The review meeting's under-threshold leader: rectification and problem list.
        follow_up = ReviewFollowUp.get_or_none((ReviewFollowUp.kind == "finding") & (ReviewFollowUp.status == "draft"))
        if follow_up is not None:
            from .evaluate import sessions
            sessions.decide_follow_up(follow_up, "confirm", inspector)
            register.from_follow_up(ReviewFollowUp.get_by_id(follow_up.id), inspector)
            made += 1
        item = ReviewFeedback.get_or_none((ReviewFeedback.status == "issued") & ReviewFeedback.finding_id.is_null())
        if item is not None:
            register.from_feedback(item, inspector)
            made += 1
    return f"findings: {made} added across the register's states"
