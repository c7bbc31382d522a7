"""Problems found in a pack: where (file + JSON pointer), what (code), and a
message in Chinese and English."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a pack file.

    `file` is the path relative to the pack root (e.g. rules/items/x.json),
    `pointer` a JSON pointer into it ("" = the whole file), `code` a stable
    machine-readable name such as ``json-invalid`` or ``ref-unknown-form``.
    """

    file: str
    pointer: str
    code: str
    message_zh: str
    message_en: str

    @property
    def message(self) -> str:
        """Chinese message followed by the English one."""
        return f"{self.message_zh} ({self.message_en})"

    def location(self) -> str:
        """`file#pointer` as printed by `dutyloop pack check`."""
        return f"{self.file}#{self.pointer}"

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return asdict(self)


class PackError(Exception):
    """Raised by `load_pack` when the pack cannot be loaded; carries problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "; ".join(f"{p.location()}: {p.message_en}" for p in self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"invalid pack: {lines}{more}")


def pointer_join(*parts) -> str:
    """Build a JSON pointer from path parts, escaping ~ and /."""
    out = ""
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, str) and part.startswith("/"):
            out += part
            continue
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out
