"""How ingest names what it stores: one corridor-period, one staged corridor-period."""


def corridor_key(period, source, destination):
    """``2014Q1:ARE:EGY``: a corridor-period, in staged ids and archives."""
    return f"{period}:{source}:{destination}"


def staged_id(dataset_id, key):
    """``<dataset_id>/2014Q1:ARE:EGY``: one dataset's staged corridor-period."""
    return f"{dataset_id}/{key}"
