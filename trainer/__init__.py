"""Billing conversation trainer: practise hard hospital-billing calls with scored feedback."""

__version__ = "0.1.0"
