"""A one-line progress bar for a terminal: percent, rows, rows per second and time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from bulk import Progress

WIDTH = 30


class ProgressBar:
    def __init__(self, stream: TextIO = sys.stderr, every_seconds: float = 0.2) -> None:
        self.stream, self.every_seconds = stream, every_seconds
        self._drawn_at = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self._drawn_at < self.every_seconds:
            return
        self._drawn_at = now
        filled = int(progress.fraction * WIDTH)
        eta = "--:--:--" if progress.eta_seconds is None else _clock(progress.eta_seconds)
        self.stream.write(
            f"\r{progress.fraction:4.0%} |{'#' * filled}{' ' * (WIDTH - filled)}| {progress.rows:,} rows"
            f"  {progress.rows_per_second:,.0f} rows/s  ETA {eta} "
        )
        self.stream.flush()

    def close(self) -> None:
        if self._drawn_at:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"
