"""Errors raised by :mod:`gis_data`.

Every error is a :class:`ValueError` so callers that only know "bad input" can catch that,
while the backend maps each subclass to one HTTP status in a single table. Messages are plain
English sentences naming the offending values: they reach operators and importers verbatim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class GisDataError(ValueError):
    """Base class of every error raised by :mod:`gis_data`."""


class InvalidCoordinate(GisDataError):
    """A coordinate is not finite, out of range, swapped, or in an unknown CRS."""


class InvalidGeometry(GisDataError):
    """A geometry is empty, invalid, of the wrong type, or otherwise unusable."""


class InvalidCode(GisDataError):
    """A grid, component, community or street code does not follow its scheme."""


@dataclass(frozen=True, slots=True)
class FeatureProblem:
    """One problem found in one input feature.

    Parameters
    ----------
    index : int
        Zero-based position of the feature in the input (feature index for GeoJSON and
        shapefiles, data row index for CSV).
    message : str
        What is wrong, as a sentence.
    line : int or None
        One-based line number in the source file when it is known (CSV, GeoJSON text).
    """

    index: int
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"feature {self.index}" + (f" (line {self.line})" if self.line is not None else "")
        return f"{where}: {self.message}"


class ImportFailed(GisDataError):
    """An import was refused; ``problems`` lists what is wrong with which feature.

    Parameters
    ----------
    problems : iterable of FeatureProblem
        Every problem found (imports check all features before refusing, so the user can fix
        the file in one pass).
    summary : str, optional
        Leading sentence of the message; defaults to a count of the problems.
    """

    #: How many problems the message spells out; the full list stays in ``problems``.
    MAX_LISTED = 20

    def __init__(self, problems: Iterable[FeatureProblem], summary: str | None = None) -> None:
        self.problems: list[FeatureProblem] = list(problems)
        n = len(self.problems)
        head = summary or f"Import failed: {n} problem{'s' if n != 1 else ''} found."
        lines = [str(p) for p in self.problems[: self.MAX_LISTED]]
        if n > self.MAX_LISTED:
            lines.append(f"... and {n - self.MAX_LISTED} more")
        super().__init__("\n".join([head, *lines]))
