"""Conformance with receipts: areas scored against national standards, every verdict cited.

Criteria sets are data (``criteria/*.yaml``, read by :mod:`.criteria`); each criterion's test
runs over the model (:mod:`.checks`) and answers met / not met / not stated / outside
evidence, with the facts it used; :mod:`.assess` scores areas, levels and questions;
:mod:`.workbook` and :mod:`.earl` write them for planners and for tools.

>>> from carepath import load_reference
>>> df = conform(load_reference(), area="dorset", sets=["ltp"])
>>> df.set_index("criterion").loc["LTP-1", "verdict"]
'met'
"""

from carepath.conformance.assess import conform, letter, levels, questions
from carepath.conformance.checks import VERDICTS
from carepath.conformance.criteria import load_sets

__all__ = ["VERDICTS", "conform", "letter", "levels", "load_sets", "questions"]
