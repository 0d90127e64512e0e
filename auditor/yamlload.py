"""YAML read with a budget: what the product loads (targets.yaml) may come from a stranger.

A YAML alias (``*name``) stands for the whole value its anchor (``&name``) names, and
an alias may name a value full of aliases: ten lines ("billion laughs") stand for a
billion values. Loading shares the values, but anything that walks them (the
duplicate-key check, validation, the configuration's hash) would expand every one.
So the document is composed once, with a budget checked as it is read: at most
:data:`MAX_ALIASES` aliases, nesting at most :data:`MAX_DEPTH` deep, and at most
:data:`MAX_EXPANDED` values once every alias is counted as a copy (each node walked
once, its expanded size remembered). Past the budget, :class:`YamlBudgetError` names
the line where it was exceeded.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Aliases one document may use: plenty for shared settings, nowhere near a bomb.
MAX_ALIASES = 100
#: Values a document may stand for once aliases are expanded.
MAX_EXPANDED = 100_000
#: Collections inside collections, at most.
MAX_DEPTH = 100


class YamlBudgetError(yaml.YAMLError):
    """The document is over the budget; ``line`` (1-based) is where."""

    def __init__(self, problem: str, line: int) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


class _BudgetLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases and depth while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                line = self.peek_event().start_mark.line + 1
                raise YamlBudgetError(
                    f"more than {MAX_ALIASES} aliases (*name): refused as a possible alias bomb; write the values out",
                    line,
                )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1
                raise YamlBudgetError(f"nested more than {MAX_DEPTH} levels deep", line)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``, within the budget (raises :class:`yaml.YAMLError`)."""
    loader = _BudgetLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is not None:
        _expanded_size(node)
    return node


def load(text: str) -> Any:
    """The value of ``text``, within the budget, as :func:`yaml.safe_load` reads it."""
    compose(text)  # the budget first: constructing is cheap, but what reads the value is not
    loader = _BudgetLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _expanded_size(root: yaml.Node) -> int:
    """Values ``root`` stands for with every alias expanded; each node is walked once."""
    sizes: dict[int, int] = {}
    busy: set[int] = set()

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in busy:
            raise YamlBudgetError("an alias refers to a value that contains it", node.start_mark.line + 1)
        busy.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in node.value)
        busy.discard(id(node))
        if total > MAX_EXPANDED:
            raise YamlBudgetError(
                f"its aliases expand to more than {MAX_EXPANDED:,} values: refused as a possible alias bomb",
                node.start_mark.line + 1,
            )
        sizes[id(node)] = total
        return total

    return size(root)
