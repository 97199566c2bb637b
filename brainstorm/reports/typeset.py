"""Typeset the report in a process of its own:
`python typeset.py TEMPLATE FONTS TIMESTAMP REPORT.json REPORT.pdf` writes the PDF (whole, or
not at all) from the report as JSON.

Typst keeps what it laid out in memory for the next compile, some 60 MB per 500-vraagstuk
report and close to 1 GB in a process that made a dozen; a child that exits gives it all
back (and lays out on the server's other core). Only the standard library and typst here: the
child does not import the app.
"""

import os
import resource
import sys
from datetime import datetime
from pathlib import Path

import typst

CPU_LIMIT_S = 60


def main() -> None:
    """Read the report, write the PDF."""
    template, fonts, timestamp, source, target = sys.argv[1:6]
    template, fonts = Path(template), Path(fonts)
    # A report takes about a second; whatever runs away is stopped, not the server's core.
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))
    pdf = typst.compile(
        template,
        root=template.parent,
        font_paths=[fonts] if fonts.is_dir() else [],
        ignore_system_fonts=fonts.is_dir(),
        sys_inputs={"report": Path(source).read_text("utf-8")},
        pdf_standards=["ua-1"],
        timestamp=datetime.fromisoformat(timestamp),
        format="pdf",
    )
    Path(target + ".part").write_bytes(pdf)
    os.replace(target + ".part", target)


if __name__ == "__main__":
    main()
