"""The ingest proxy pinned to one time: the helpers that gather whole lists
(``whole_lists``, ``ldc_newest_costs``, the per-release analysis inputs)
then answer of one vintage unchanged."""
import functools

# The ingest reads that answer as of a time (the rest answer only now).
AS_OF_READS = frozenset({"list_corridors", "corridor", "corridor_history", "indicators", "country_summaries",
                         "country_profile", "analysis_corridor_figures", "corridor_quote_counts"})


class IngestAsOf:
    """The ingest proxy with ``as_of`` passed to each read that takes one."""

    def __init__(self, ingest, as_of):
        self.unpinned, self.as_of = ingest, as_of

    def __getattr__(self, name):
        method = getattr(self.unpinned, name)
        return functools.partial(method, as_of=self.as_of) if name in AS_OF_READS else method


def ingest_at(ingest, as_of):
    """``ingest`` itself for now (``as_of`` None), else its reads as of that time."""
    return ingest if as_of is None else IngestAsOf(ingest, as_of)


def unpin(ingest, as_of=None):
    """(the plain proxy, the time asked): what a pinned proxy stands for, for reads that take ``as_of``
    themselves (so a helper given a pinned proxy reads that vintage, never now)."""
    if isinstance(ingest, IngestAsOf):
        return ingest.unpinned, as_of if as_of is not None else ingest.as_of
    return ingest, as_of
