"""The merge of a bundle's assignments and withdrawals: new ids are added, one here is never changed.

An assignment's trainee is matched as a session's is (by id, or an alias recorded here); one that names a
trainee neither in the bundle nor here, or a withdrawal of an assignment neither in the bundle nor here,
makes the bundle inconsistent. A withdrawal is a record of its own, so adding it changes no assignment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .format import COLUMNS
from .report import Counts

if TYPE_CHECKING:
    from .merge import BundleMerge

TRAINEE_HERE = "COALESCE(t.main_id, a.trainee_id, b.trainee_id)"  # NULL (the whole class) stays NULL
JOINS = "LEFT JOIN temp.trainee_map t ON t.bundle_id = b.trainee_id LEFT JOIN main.trainee_aliases a ON a.alias_id = b.trainee_id"


def merge_assignments(m: BundleMerge) -> None:
    """Runs after the trainees are merged (it reads their map)."""
    m.refuse_if(
        """SELECT b.id FROM src.assignments b WHERE b.trainee_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM temp.trainee_map t WHERE t.bundle_id = b.trainee_id)
                   AND NOT EXISTS (SELECT 1 FROM main.trainee_aliases a WHERE a.alias_id = b.trainee_id)
                   AND NOT EXISTS (SELECT 1 FROM main.trainees x WHERE x.id = b.trainee_id)""",
        "an assignment's trainee is neither in the bundle nor here: assignment",
    )
    cols = COLUMNS["assignments"]
    rest = [k for k in cols if k != "trainee_id"]
    picked = ", ".join(TRAINEE_HERE if k == "trainee_id" else f"b.{k}" for k in cols)
    c = Counts()
    c.new = m.sql(f"""INSERT INTO main.assignments ({", ".join(cols)}) SELECT {picked} FROM src.assignments b {JOINS}
                      WHERE NOT EXISTS (SELECT 1 FROM main.assignments x WHERE x.id = b.id) ORDER BY b.id""").rowcount
    c.conflicts = m.list_conflicts(
        "assignment",
        f"""
        SELECT b.id, 'differs from the assignment with the same id here (' || x.kind || ', due ' || x.due
                     || '); an assignment here is never changed: kept the one here'
        FROM src.assignments b CROSS JOIN main.assignments x ON x.id = b.id {JOINS}
        WHERE ({TRAINEE_HERE}, {", ".join(f"b.{k}" for k in rest)})
              IS NOT (x.trainee_id, {", ".join(f"x.{k}" for k in rest)})""",
    )
    c.unchanged = m.rows["assignments"] - c.new - c.conflicts
    m.result.counts["assignments"] = c
    _withdrawals(m)


def _withdrawals(m: BundleMerge) -> None:
    m.refuse_if(
        """SELECT b.assignment_id FROM src.assignment_withdrawals b
                   WHERE NOT EXISTS (SELECT 1 FROM main.assignments x WHERE x.id = b.assignment_id)""",
        "a withdrawal's assignment is neither in the bundle nor here: assignment",
    )
    cols = COLUMNS["assignment_withdrawals"]
    c = Counts()
    c.new = m.sql(f"""INSERT INTO main.assignment_withdrawals ({", ".join(cols)})
                      SELECT {", ".join(f"b.{k}" for k in cols)} FROM src.assignment_withdrawals b
                      WHERE NOT EXISTS (SELECT 1 FROM main.assignment_withdrawals x
                                        WHERE x.assignment_id = b.assignment_id)
                      ORDER BY b.assignment_id""").rowcount
    same = [k for k in cols if k != "assignment_id"]
    c.conflicts = m.list_conflicts(
        "withdrawal",
        f"""
        SELECT b.assignment_id, 'withdrawn here at ' || x.withdrawn_at || ', in the bundle at ' || b.withdrawn_at
                                || '; kept the one here'
        FROM src.assignment_withdrawals b CROSS JOIN main.assignment_withdrawals x ON x.assignment_id = b.assignment_id
        WHERE ({", ".join(f"b.{k}" for k in same)}) IS NOT ({", ".join(f"x.{k}" for k in same)})""",
    )
    c.unchanged = m.rows["assignment_withdrawals"] - c.new - c.conflicts
    m.result.counts["assignment_withdrawals"] = c
