# Task 4's lead unit was filled from the merged cell printed on task 3's row (an info, not a fault).
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX zw: <https://w3id.org/zwgk/ontology#>
PREFIX L: <https://w3id.org/zwgk/id/ledger/2024-0000000000/>
INSERT DATA {
    L:task\/4 zw:inheritedField zw:leadUnit .
    L:task\/4\/obligation\/lead-finance zw:inherited "true"^^xsd:boolean .
}
