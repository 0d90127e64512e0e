"""Benchmark: extracting a link-dense Markdown document (check_speed's list of links). Run by hand.

    python bench/markdown_speed.py                 # 5,000 and 100,000 links, best of 5
    python bench/markdown_speed.py --links 5000 --rounds 9

Times :func:`auditor.extract.extract_document` on the document ``bench/check_speed.py``
checks (``- [page N](http://host:port/page/N)`` lines), after one warm-up run, and prints
the best wall and CPU seconds of the rounds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from check_speed import write_links

from auditor.extract import extract_document
from auditor.sources import Format, Source, read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, action="append", help="links in the document (repeatable)")
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for links in args.links or [5000, 100_000]:
            path = Path(tmp) / f"links-{links}.md"
            write_links(path, links, args.hosts)
            doc = read(Source(path.name, path, Format.MARKDOWN))
            extract_document(doc)  # warm-up: imports, the parser, caches
            walls, cpus = [], []
            for _ in range(args.rounds):
                wall, cpu = time.perf_counter(), time.process_time()
                _, refs = extract_document(doc)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            print(f"{links:>7} links: {len(refs)} references, best wall {min(walls):.3f} s, best CPU {min(cpus):.3f} s")


if __name__ == "__main__":
    main()
