"""Comparing ledgers: task alignment across jurisdictions (``align``) and the HTML report
(``report``)."""
