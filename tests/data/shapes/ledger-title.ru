# The ledger has no title.
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX zw: <https://w3id.org/zwgk/ontology#>
PREFIX L: <https://w3id.org/zwgk/id/ledger/2024-0000000000/>
PREFIX ledger: <https://w3id.org/zwgk/id/ledger/>
PREFIX agency: <https://w3id.org/zwgk/id/agency/>
DELETE WHERE { ledger:2024-0000000000 dcterms:title ?title }
