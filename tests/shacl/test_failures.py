"""``shacl.failures``: the report of a failing validation, nothing for a conforming one.

The build reads reports only when a contract fails; ``failures`` skips writing
the empty report of a conforming one. The same shapes and data through
``validate`` and ``failures``: ``None`` exactly when ``validate`` conforms, else
the same results.
"""

from __future__ import annotations

from rdflib import Graph
from test_differential import results
from test_values_only import DATA, SHAPES

from app import shacl


def test_failures_is_the_report_of_a_failing_validation_only() -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    failing = Graph().parse(data=DATA, format="turtle")
    conforms, report = shacl.validate(failing, shapes)
    found = shacl.failures(failing, shapes)
    assert not conforms and found is not None
    assert results(found) == results(report)
    prefixes = DATA.split("ex:n1")[0]
    passing = Graph().parse(
        data=prefixes + 'ex:ok a ex:C ; ex:m "règle" ; ex:r ex:x .', format="turtle"
    )
    assert shacl.validate(passing, shapes)[0]
    assert shacl.failures(passing, shapes) is None
