"""Serving the store: the Oxigraph server under zwgk's lock (``oxigraph``)."""
