"""Saved SPARQL queries (``*.rq`` here, grlc's format) and the queries zwgk runs itself
(``internal/*.rq``); ``saved`` finds them, binds their parameters as typed terms, runs them and
writes their results."""
