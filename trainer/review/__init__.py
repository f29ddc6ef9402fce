"""Review a real call: parse its transcript (parse), redact personal details (redact), score every staff turn (score).

No Qt here; the window is trainer/ui/review_view.py, the terminal command trainer/cli_review.py, and
stored reviews trainer/store/reviews.py. See docs/call-review.md.
"""
