"""The README's console examples as data, and the rules for comparing what they show.

Every ```console block of README.md is a run of commands: a line starting with `$ ` is a
command (a trailing backslash continues it), and the lines up to the next command are what it
printed. The rules a shown output is held to:

* JSON is compared as JSON, whatever its layout (the service answers compact JSON; the README
  indents it). An object shows exactly the keys of the answer, unless its last member is `…`:
  then the shown keys are a subset. A list shows every item in order, unless its last item is
  `…`: then the shown items are the answer's first ones. A string ending in `…` is the start of
  the answer's string.
* Values that differ on every run are compared by their shape only: the keys in
  `VOLATILE_KEYS` (request ids, the dates of now) and the headers in `VOLATILE_HEADERS`.
* `curl -i` output starts with the status line, compared exactly, then the headers shown (each
  must be among the answer's, with the same value; the others are not shown), then the body.
* Anything else is compared as text, line by line, exactly.
* The environment's own values are written as the README's: the served URL as
  `http://127.0.0.1:8000`, the index prefix as `readme-` and the NER server's URL as
  `http://127.0.0.1:9000`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CUT = "…"
README_URL = "http://127.0.0.1:8000"
README_PREFIX = "readme-"
README_NER_URL = "http://127.0.0.1:9000"

_HEX_ID = re.compile(r"[0-9a-f]{32}")
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
VOLATILE_KEYS: dict[str, re.Pattern[str]] = {
    "request_id": _HEX_ID,
    "created_at": _DATE_TIME,
    "updated_at": _DATE_TIME,
    "submitted_at": _DATE_TIME,
    "started_at": _DATE_TIME,
    "finished_at": _DATE_TIME,
}
VOLATILE_HEADERS: dict[str, re.Pattern[str]] = {
    "x-request-id": _HEX_ID,
    "date": re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT"),
}


@dataclass(frozen=True)
class Example:
    command: str
    shown: str
    line: int  # of the command in README.md, for messages


def console_examples(readme: Path) -> list[Example]:
    """Every command of every ```console block, in the README's order, with its output."""
    examples: list[Example] = []
    in_block = False
    command: list[str] = []
    command_line = 0
    shown: list[str] = []

    def flush() -> None:
        if command:
            examples.append(Example(" ".join(command), "\n".join(shown).strip("\n"), command_line))
        command.clear()
        shown.clear()

    continuing = False
    for number, line in enumerate(readme.read_text(encoding="utf-8").splitlines(), start=1):
        if not in_block:
            in_block = line.strip() == "```console"
            continue
        if line.strip() == "```":
            flush()
            in_block = False
        elif continuing:
            command.append(line.rstrip("\\").strip())
            continuing = line.endswith("\\")
        elif line.startswith("$ "):
            flush()
            command_line = number
            command.append(line[2:].rstrip("\\").strip())
            continuing = line.endswith("\\")
        else:
            shown.append(line)
    return examples


def _mark_cuts(text: str) -> str:
    """JSON text with each bare `…` made a member (`"…": null`) or an item (`"…"`)."""
    out: list[str] = []
    stack: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif char == CUT:
            out.append(f'"{CUT}": null' if stack and stack[-1] == "{" else f'"{CUT}"')
        else:
            if char in "{[":
                stack.append(char)
            elif char in "}]" and stack:
                stack.pop()
            out.append(char)
    return "".join(out)


def parse_shown_json(text: str) -> Any:
    return json.loads(_mark_cuts(text))


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in {"{", "["}


def json_mismatches(shown: Any, real: Any, path: str = "$") -> list[str]:
    """How `real` differs from what `shown` claims, by the rules of the module docstring."""
    if isinstance(shown, dict):
        if not isinstance(real, dict):
            return [f"{path}: shown an object, the answer has {real!r}"]
        problems: list[str] = []
        cut = CUT in shown
        keys = [key for key in shown if key != CUT]
        if not cut and set(keys) != set(real):
            problems.append(
                f"{path}: shown keys {sorted(keys)}, the answer has {sorted(real)} "
                f"(end the object with `…` to show only some)"
            )
        for key in keys:
            if key not in real:
                problems.append(f"{path}.{key}: not in the answer")
            elif key in VOLATILE_KEYS:
                problems += _shape_mismatches(VOLATILE_KEYS[key], shown[key], real[key], path, key)
            else:
                problems += json_mismatches(shown[key], real[key], f"{path}.{key}")
        return problems
    if isinstance(shown, list):
        if not isinstance(real, list):
            return [f"{path}: shown a list, the answer has {real!r}"]
        cut = bool(shown) and shown[-1] == CUT
        items = shown[:-1] if cut else shown
        if len(real) < len(items) or (not cut and len(real) != len(items)):
            return [
                f"{path}: shown {len(items)} items{' and more' if cut else ''}, "
                f"the answer has {len(real)}"
            ]
        problems = []
        for index, item in enumerate(items):
            problems += json_mismatches(item, real[index], f"{path}[{index}]")
        return problems
    if isinstance(shown, str) and shown.endswith(CUT) and shown != CUT:
        if isinstance(real, str) and real.startswith(shown[: -len(CUT)]):
            return []
        return [f"{path}: shown {shown!r}, the answer has {real!r}"]
    if type(shown) is not type(real) or shown != real:
        return [f"{path}: shown {shown!r}, the answer has {real!r}"]
    return []


def _shape_mismatches(
    shape: re.Pattern[str], shown: Any, real: Any, path: str, key: str
) -> list[str]:
    problems = []
    for label, value in (("shown", shown), ("answered", real)):
        if not isinstance(value, str) or not shape.fullmatch(value):
            problems.append(f"{path}.{key}: {label} {value!r} is not a {key} ({shape.pattern})")
    return problems


def output_mismatches(shown: str, real: str) -> list[str]:
    """Compare a command's real output with what the README shows of it."""
    if shown.startswith("HTTP/"):
        return _response_mismatches(shown, real)
    if looks_like_json(shown):
        return _body_mismatches(shown, real)
    shown_lines = [line.rstrip() for line in shown.splitlines()]
    real_lines = [line.rstrip() for line in real.strip("\n").splitlines()]
    if shown_lines != real_lines:
        return [f"shown {shown_lines!r}, printed {real_lines!r}"]
    return []


def _body_mismatches(shown: str, real: str) -> list[str]:
    try:
        answer = json.loads(real)
    except ValueError:
        return [f"shown JSON, the answer is not JSON: {real[:300]!r}"]
    return json_mismatches(parse_shown_json(shown), answer)


def _response_mismatches(shown: str, real: str) -> list[str]:
    """`curl -i`: the status line, the headers shown, then the body."""
    real = real.replace("\r\n", "\n")
    real_head, _, real_body = real.partition("\n\n")
    real_status, *real_header_lines = real_head.splitlines()
    real_headers = {}
    for header in real_header_lines:
        name, _, value = header.partition(":")
        real_headers[name.strip().lower()] = value.strip()
    shown_lines = shown.splitlines()
    problems = []
    if shown_lines[0].strip() != real_status.strip():
        problems.append(f"status: shown {shown_lines[0]!r}, answered {real_status!r}")
    body_start = len(shown_lines)
    for index, line in enumerate(shown_lines[1:], start=1):
        if not line.strip() or looks_like_json(line):
            body_start = index
            break
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name not in real_headers:
            problems.append(f"header {name}: shown, not in the answer")
        elif name in VOLATILE_HEADERS:
            problems += [
                f"header {name}: {label} {text!r} is not a {name}"
                for label, text in (("shown", value), ("answered", real_headers[name]))
                if not VOLATILE_HEADERS[name].fullmatch(text)
            ]
        elif real_headers[name] != value:
            problems.append(f"header {name}: shown {value!r}, answered {real_headers[name]!r}")
    shown_body = "\n".join(shown_lines[body_start:]).strip()
    if shown_body:
        problems += _body_mismatches(shown_body, real_body)
    return problems


def as_the_readme_writes(text: str, *, base_url: str, prefix: str, ner_url: str) -> str:
    """The environment's own values written as the README writes them."""
    return (
        text.replace(base_url, README_URL)
        .replace(ner_url.rstrip("/"), README_NER_URL)
        .replace(f'"{prefix}', f'"{README_PREFIX}')
    )
