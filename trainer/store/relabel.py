"""Schema 4: threats that rubric 2026.11-1 filed under the financial-assistance rule, filed under the rule that fired.

That rubric stored a hospital's threat (arrest, suing, credit damage) as the blocker
"irs-501r-financial-assistance", and never stored a real assistance breach as a blocker,
so every such stored blocker is a threat: it becomes "no-false-threats", in the blocker
table and inside the packed score detail, with that rule's title and source.
"""

from __future__ import annotations

import json

from .detail import DetailError, pack, unpack

OLD_ID = "irs-501r-financial-assistance"
# The rule as it stood when this migration was written (a migration is a frozen snapshot).
NEW_RULE = {
    "rule_id": "no-false-threats",
    "title": "No threats or false statements about what will happen",
    "source": "FTC Act, 15 U.S.C. 45; state laws on original creditors' collection (e.g. Cal. Civ. Code "
    "1788.10-1788.17); IRS 501(r), 26 CFR 1.501(r)-6",
}
SQL = f"""
    UPDATE turns SET detail = relabel_detail(detail)
        WHERE blocked AND id IN (SELECT turn_id FROM score_blockers WHERE rule_id = '{OLD_ID}');
    UPDATE OR IGNORE score_blockers SET rule_id = '{NEW_RULE["rule_id"]}' WHERE rule_id = '{OLD_ID}';
    DELETE FROM score_blockers WHERE rule_id = '{OLD_ID}';
"""


def relabel_detail(stored: bytes | str) -> bytes | str:
    """The detail with its misfiled threat blockers re-filed; a detail that cannot be read is left as it was."""
    try:
        detail = json.loads(unpack(stored))
    except (DetailError, ValueError):
        return stored
    blockers = detail.get("blockers") if isinstance(detail, dict) else None
    if not isinstance(blockers, list) or not any(isinstance(b, dict) and b.get("rule_id") == OLD_ID for b in blockers):
        return stored
    for b in blockers:
        if isinstance(b, dict) and b.get("rule_id") == OLD_ID:
            b.update(NEW_RULE)
    return pack(json.dumps(detail, separators=(",", ":")))
