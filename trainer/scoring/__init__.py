"""Scores a trainee's reply on empathy, clarity and compliance, with the reasons."""

from .context import ScoreContext
from .scorer import RUBRIC_VERSION, Scorer

__all__ = ["RUBRIC_VERSION", "ScoreContext", "Scorer"]
