"""Comparing ledgers: task alignment across jurisdictions (``align``: bounded links and clusters,
kept current by ``index``, found with ``neighbours``) and the HTML report (``report``)."""
