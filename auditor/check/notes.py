"""What a verdict tells an editor, in plain words, where reports need the same words as the checker.

No HTTP here: the reports import this module, and reports never import the HTTP stack
(tests/test_import_graph.py).
"""

from __future__ import annotations


def merged_note(host: str, final_host: str) -> str:
    """What a permanent redirect to another domain tells an editor, in plain words."""
    return (
        f"{host} now redirects to {final_host}: the organisation may have merged or renamed"
        " \u2014 check the text around this reference too"
    )
