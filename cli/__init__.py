"""The operator's command line (``observatory``), over the HTTP API."""
