"""Serving the store: the web application (``web``: pages, saved queries as forms and an API,
the SPARQL endpoint) over what it reads from the store (``site``), in front of the Oxigraph
server it runs under zwgk's lock (``oxigraph``, ``proxy``)."""
