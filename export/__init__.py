"""What zwgk writes for others: the store as linked data (``graphs``: TriG, N-Quads, Turtle,
JSON-LD with its named graphs), a VoID and DCAT 3 description of it (``describe``), and one
ledger's tasks as a table for colleagues who do not write SPARQL (``tasks``)."""
