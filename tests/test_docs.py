"""Docs that tests keep true: every setting is documented, README's quick start holds."""
from pathlib import Path

from service.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = [s.key for s in SETTINGS if f"`{s.key}`" not in text or f"`{s.env}`" not in text]
    assert not missing, f"undocumented settings: {missing}"


def test_readme_quick_start_is_the_two_make_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_docs_links_from_readme_exist():
    text = (ROOT / "README.md").read_text()
    for name in ("architecture", "configuration", "deployment", "testing"):
        assert f"docs/{name}.md" in text and (ROOT / "docs" / f"{name}.md").exists()
