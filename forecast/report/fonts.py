"""The report's font: DejaVu Sans, shipped inside the matplotlib package (carries å ä ö).

Both renderers use the copy installed with matplotlib (a project dependency), so a clean
machine needs no system font package and the PDF looks the same everywhere.
"""

from __future__ import annotations

from pathlib import Path

FONT_FAMILY = "DejaVu Sans"


def font_dir() -> Path:
    """The directory of matplotlib's bundled TrueType fonts (DejaVu Sans among them).

    Raises:
        FileNotFoundError: if matplotlib's font files are missing (broken installation).
    """
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    if not (path / "DejaVuSans.ttf").is_file():
        raise FileNotFoundError(f"typsnittet DejaVu Sans saknas i {path}")
    return path
