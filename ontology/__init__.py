"""The ontology (``*.ttl`` here, data) and the code that speaks it: deterministic IRIs
(``iris``) and the one builder that turns a ledger record into quads (``builder``)."""
