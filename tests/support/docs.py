"""What the docs pages say, read for the tests that keep them true: the environment variables a
Python file reads, the names in a page's tables, and the routes a page lists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ENVIRONMENT_NAME = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+|[A-Z]{4,}")
_PLACEHOLDER = re.compile(r"<[^>]*>|\{[^}]*\}")
_ROUTE = re.compile(
    r"`((?:GET|POST|PUT|PATCH|DELETE)(?:`, `(?:GET|POST|PUT|PATCH|DELETE))*) (/[^`]*)`"
)


def environment_variables_read(source: Path) -> set[str]:
    """Names the file reads from the environment: `os.environ.get("X")`, `os.getenv("X")`,
    `os.environ["X"]`, and the string keys of a dict literal mapping names to settings."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: set[str] = set()

    def constant(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            function = ast.unparse(node.func)
            if function.endswith(("environ.get", "getenv", "environ.setdefault")):
                names.add(constant(node.args[0]) or "")
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            names.add(constant(node.slice) or "")
        elif isinstance(node, ast.Dict):
            keys = [constant(key) for key in node.keys]
            if keys and all(key and ENVIRONMENT_NAME.fullmatch(key) for key in keys):
                names.update(key for key in keys if key)
    return {name for name in names if ENVIRONMENT_NAME.fullmatch(name)}


def section(page: Path, heading: str) -> str:
    """The text under a `#… heading` line, up to the next heading of its level or above
    (lines inside fenced code blocks are never headings)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    start = level = None
    fenced = False
    for number, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
            continue
        marks = len(line) - len(line.lstrip("#"))
        if fenced or not marks or not line[marks:].startswith(" "):
            continue
        if start is None and line[marks:].strip() == heading:
            start, level = number + 1, marks
        elif start is not None and level is not None and marks <= level:
            return "\n".join(lines[start:number])
    if start is None:
        raise AssertionError(f"{page.name} has no section {heading!r}")
    return "\n".join(lines[start:])


def first_cells(markdown: str) -> list[str]:
    """The first cell of every body row of the tables in `markdown` (no header or rule rows)."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    rules = {number for number, line in enumerate(lines) if set(line) <= set("|-: ")}
    headers = {number - 1 for number in rules}
    return [
        line.split("|")[1].strip()
        for number, line in enumerate(lines)
        if number not in rules and number not in headers
    ]


def backticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", text))


def normal_route(path: str) -> str:
    """`/articles/<article_id:article_id>` and `/articles/{id}` alike: `/articles/{}`."""
    return _PLACEHOLDER.sub("{}", path)


def routes_listed(markdown: str) -> set[tuple[str, str]]:
    """(method, path) of every `` `GET /path` `` (or `` `GET`, `PUT /path` ``) in the text."""
    listed = set()
    for methods, path in _ROUTE.findall(markdown):
        for method in re.findall(r"GET|POST|PUT|PATCH|DELETE", methods):
            listed.add((method, normal_route(path)))
    return listed
