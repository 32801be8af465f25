"""Nested shapes that only test their values' number or membership answer without results.

A property shape whose only constraints are sh:minCount, sh:maxCount and
sh:hasValue, nested in sh:not, sh:or, sh:xone (the tagging shapes' « not a
curator's tagging »), tells whether each node conforms from its values alone
(``Engine._counted``): no result is made for each of the ≈ 400 taggings that
fail it. Compared with pySHACL on nodes with the wanted value, without it,
with a value equal but for its language or datatype, with an IRI of the same
text, with several values, and with two wanted values.
"""

from __future__ import annotations

from test_differential import same_as_pyshacl

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .

ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:not [ sh:path ex:m ; sh:hasValue "curateur" ] ;
    sh:or ( [ sh:path ex:m ; sh:hasValue "règle" ; sh:maxCount 1 ]
            [ sh:path ex:q ; sh:minCount 1 ] ) ;
    sh:xone ( [ sh:path ex:m ; sh:hasValue "a" , "b" ] [ sh:path ex:r ; sh:hasValue ex:x ] ) .
"""
DATA = """
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:n1 a ex:C ; ex:m "règle" .
ex:n2 a ex:C ; ex:m "curateur" .
ex:n3 a ex:C ; ex:m "curateur"@fr , "règle"^^xsd:string .
ex:n4 a ex:C ; ex:m <curateur> ; ex:q 1 .
ex:n5 a ex:C ; ex:m "règle" , "a" , "b" .
ex:n6 a ex:C ; ex:m "a" ; ex:r ex:x .
ex:n7 a ex:C ; ex:r ex:x , ex:y .
ex:n8 a ex:C .
"""


def test_nested_shapes_of_values_only() -> None:
    assert same_as_pyshacl(SHAPES, DATA) >= 6
