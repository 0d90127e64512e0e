"""targets.yaml: the audit definition, parsed once into typed objects.

Errors name the file, the line and the key (``targets.yaml:12: checks.regions[0]:
unknown region 'XX'``). Unknown keys are errors, not silently ignored: a typo in a
key would otherwise switch a check off without anyone noticing. Issue 5 grows the
schema (checks, schedule, notify); this is the part the extraction needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.defaults import DEFAULT_REGIONS, DEFAULT_REPORTS_DIR
from auditor.errors import ConfigError
from auditor.extract.phones import check_regions


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceEntry(_Strict):
    path: str = Field(description="A file, directory or glob, relative to targets.yaml.")


class Organisation(_Strict):
    name: str
    url: str
    pages: list[str] = []
    phones: list[str] = []
    expect: list[str] | None = None

    @field_validator("url", "pages")
    @classmethod
    def _web_address(cls, value: Any) -> Any:
        for url in [value] if isinstance(value, str) else value:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"not a web address (needs http:// or https://): {url!r}")
        return value


class Checks(_Strict):
    regions: list[str] = list(DEFAULT_REGIONS)

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: list[str]) -> list[str]:
        return check_regions(value)


class Reports(_Strict):
    dir: str = DEFAULT_REPORTS_DIR


class Targets(_Strict):
    sources: list[SourceEntry] = Field(min_length=1)
    organisations: list[Organisation] = []
    checks: Checks = Checks()
    reports: Reports = Reports()


class Config:
    """A loaded targets.yaml: the typed content and the folder its paths are relative to."""

    def __init__(self, path: Path, targets: Targets) -> None:
        self.path = path
        self.base = path.parent
        self.targets = targets

    def source_inputs(self) -> list[str]:
        """The configured sources as inputs for :func:`auditor.sources.resolve_inputs`."""
        return [_relative_to_cwd(self.base / entry.path) for entry in self.targets.sources]

    @property
    def reports_dir(self) -> Path:
        return self.base / self.targets.reports.dir


def _relative_to_cwd(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no such file: {path} (run auditor where targets.yaml is, or pass --config)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: not valid YAML: {problem}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping with keys such as 'sources' and 'organisations'")
    try:
        targets = Targets.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(_describe(path, node, error) for error in exc.errors())) from None
    return Config(path, targets)


def _describe(path: Path, root: yaml.Node | None, error: Any) -> str:
    loc = tuple(error["loc"])
    key = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    if error["type"] == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
    elif error["type"] == "missing":
        message = "required key is missing"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
    line = _line_of(root, loc)
    return f"{path}:{line}: {key or '(top level)'}: {message}"


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The line of the YAML node at ``loc``, or of its nearest existing parent."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
