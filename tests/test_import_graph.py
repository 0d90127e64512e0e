"""The package's import graph: module-level imports form a DAG, and reports import no HTTP code.

Built from the source with :mod:`ast` (nothing is imported): every ``import auditor...`` /
``from auditor... import ...`` in ``auditor/**/*.py``. Module-level imports (those under
``if TYPE_CHECKING:`` too: a circle of types is still a circle to a reader) are the graph
that must be acyclic; imports inside a function are counted separately: they are the
deliberate, lazy edges (a command importing what it uses), allowed to point anywhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "auditor"

#: What a report module must never import, even lazily: the HTTP stack and the checker.
HTTP_CODE = ("aiohttp", "auditor.check.client", "auditor.check.engine", "auditor.check.transport")


@dataclass(slots=True)
class Graph:
    """Imports by module: ``top`` at module level, ``lazy`` inside functions; ``external``: other packages."""

    top: dict[str, set[str]] = field(default_factory=dict)
    lazy: dict[str, set[str]] = field(default_factory=dict)
    external: dict[str, set[str]] = field(default_factory=dict)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, here: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """The modules an import statement names (``from a import b`` is ``a.b`` when that is a module)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    base = node.module or ""
    if node.level:
        anchor = here.split(".") if is_package else here.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield sub if sub in known else base


def _statements(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import with whether it runs inside a function (lazy) or with the module."""

    def walk(node: ast.AST, lazy: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, lazy
            else:
                inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                yield from walk(child, inner)

    yield from walk(tree, False)


def import_graph() -> Graph:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(files)
    graph = Graph()
    for name, path in files.items():
        graph.top[name], graph.lazy[name], graph.external[name] = set(), set(), set()
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, lazy in _statements(tree):
            for target in _imported(node, name, path.name == "__init__.py", known):
                if target.split(".")[0] != "auditor":
                    graph.external[name].add(target)
                    continue
                while target not in known and "." in target:
                    target = target.rsplit(".", 1)[0]  # `import auditor.x.y` names a module's attribute
                if target != name:
                    (graph.lazy if lazy else graph.top)[name].add(target)
    return graph


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as its modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def one_cycle(edges: dict[str, set[str]], members: list[str]) -> list[str]:
    """A shortest way round a circle through its first module: ``a -> b -> a``."""
    start, inside = members[0], set(members)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(edges.get(node, ()) & inside):
            if other == start:
                return [*paths[node], start]
            if other not in paths:
                paths[other] = [*paths[node], other]
                queue.append(other)
    return members


GRAPH = import_graph()


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_module_level_import_graph_is_a_dag() -> None:
    found = circles(GRAPH.top)
    described = [" -> ".join(one_cycle(GRAPH.top, members)) for members in found]
    assert not described, "import circles:\n" + "\n".join(described)


@pytest.mark.parametrize("module", sorted(m for m in GRAPH.top if m.startswith("auditor.report")))
def test_reports_import_no_http_code(module: str) -> None:
    # Through any chain of module-level imports too: a report that imports a helper that
    # imports the client loads the HTTP stack all the same.
    reached = reachable(GRAPH.top, module)
    imported = GRAPH.top[module] | GRAPH.lazy[module] | reached
    imported |= {name for m in (module, *reached) for name in GRAPH.external.get(m, ())}
    http = sorted(m for m in imported if any(m == h or m.startswith(h + ".") for h in HTTP_CODE))
    assert not http, f"{module} imports HTTP code: {', '.join(http)}"


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        pytest.param({"a": {"b"}, "b": {"c"}, "c": set()}, [], id="a chain"),
        pytest.param({"a": {"b"}, "b": {"a"}}, [["a", "b"]], id="two modules"),
        pytest.param({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]], id="three, one outside"),
        pytest.param({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}, [], id="a diamond"),
    ],
)
def test_circles_are_found_by_their_modules(edges: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert circles(edges) == expected


def test_the_graph_sees_imports_inside_functions_apart() -> None:
    # auditor.cli imports its commands' modules when they run; at least one such edge exists.
    assert any(GRAPH.lazy.values())


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        pytest.param("auditor.crawl", "auditor.check.engine", id="the crawler knows the checker only as a Visitor"),
        pytest.param("auditor.check", "auditor.crawl.crawler", id="the checker never imports the crawler"),
        pytest.param("auditor.check", "auditor.pipeline", id="the checker never imports the pipeline"),
        pytest.param("auditor.address", "auditor.", id="address imports nothing of auditor"),
        pytest.param("auditor.verdict", "auditor.check", id="verdicts import no checking"),
    ],
)
def test_layers(importer: str, forbidden: str) -> None:
    inside = [m for m in GRAPH.top if m == importer or m.startswith(importer + ".")]
    found = sorted(f"{m} -> {t}" for m in inside for t in GRAPH.top[m] if t == forbidden or t.startswith(forbidden))
    assert not found, found
