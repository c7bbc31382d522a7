"""The dutyloop command line: db upgrade, user create, demo."""
from service.auth.models import User
from service.units.models import Unit


def test_user_create(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "boss", "--role", "admin", "--password", "long-password"])
    assert result.exit_code == 0, result.output
    assert User.get(User.username == "boss").check_password("long-password")


def test_user_create_rejects_bad_input(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "clerk", "--role", "unit", "--password", "long-password"])
    assert result.exit_code != 0 and "单位用户必须选择所属单位" in result.output
    result = runner.invoke(args=["user", "create", "x", "--role", "unit", "--unit", "NOPE", "--password", "long-password"])
    assert result.exit_code != 0 and "no unit" in result.output


def test_user_create_makes_a_holder_account_of_a_body(app):
    from service import audit
    from service.holders.models import HolderBody
    with audit.acting_as(None, "test"):
        body = audit.create(HolderBody, name="区纪委监委第一派驻纪检监察组", kind="supervising-body")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "paizhu", "--role", "holder", "--password", "long-password"])
    assert result.exit_code != 0 and "监督单位用户必须选择所属监督单位" in result.output
    result = runner.invoke(args=["user", "create", "paizhu", "--role", "holder", "--body", "没有这个单位",
                                 "--password", "long-password"])
    assert result.exit_code != 0 and "no supervising body" in result.output
    result = runner.invoke(args=["user", "create", "paizhu", "--role", "holder", "--body", body.name,
                                 "--password", "long-password"])
    assert result.exit_code == 0, result.output
    made = User.get(User.username == "paizhu")
    assert (made.role, made.holder_body_id, made.unit_id) == ("holder", body.id, None)


def test_demo_loads_units_and_accounts_once(app):
    app.config["DEMO_PASSWORD"] = "demo-password"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert Unit.select().count() == 20
    assert {u.type for u in Unit.select()} == {"区直单位", "街道", "镇", "国企"}
    assert User.select().where(User.role == "unit").count() == 20
    assert all(u.unit_id for u in User.select().where(User.role == "unit"))
    assert User.get(User.username == "admin").check_password("demo-password")
    holders = {u.username: u.holder_body.name for u in User.select().where(User.role == "holder")}
    assert holders == {"paizhu1": "区纪委监委第一派驻纪检监察组", "paizhu2": "区纪委监委第二派驻纪检监察组",
                       "zuzhibu": "区委组织部"}
    assert User.get(User.username == "zuzhibu").holder_scope() == {u.id for u in Unit.select()}
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "nothing loaded" in again.output and User.select().count() == 25


def test_demo_generates_and_prints_a_password_when_none_is_set(app):
    app.config["DEMO_PASSWORD"] = None
    result = app.test_cli_runner().invoke(args=["demo"])
    password = result.output.strip().rsplit(": ", 1)[1]
    assert User.get(User.username == "inspector").check_password(password)


def test_db_upgrade_reports_up_to_date(app):
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_database_commands_on_a_database_not_yet_upgraded_say_to_upgrade_first(tmp_path):
    from service import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
                      "SECRET_KEY": "test"})
    runner = app.test_cli_runner()
    for args in (["pack", "versions"], ["plans", "generate", "--year", "2022"], ["user", "create", "x", "--role",
                                                                               "admin", "--password", "long-password"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert "run `dutyloop db upgrade` first" in result.output and "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["pack", "versions"])
    assert result.exit_code == 0 and "db upgrade" not in result.output
