"""Values the services and the gateway must agree on, and the validator
that checks a value against one of the patterns."""
import re

from marshmallow import validate

DATASET_KINDS = ("rpw-quotes", "rpw-corridor-averages", "rpw-corridor-means", "bilateral-matrix", "country-flows")
# The corridor series, in the order a headline figure is taken from them (DESIGN §5).
SERIES = ("observed", "official", "derived")
SERIES_LABELS = {
    "observed": "observed: computed here from World Bank RPW provider quotes",
    "official": "official: World Bank RPW corridor average (DataBank)",
    "derived": "derived by a third party from World Bank RPW quotes; not an official series",
}
PROVIDER_TYPES = ("bank", "money transfer operator", "post office", "mobile money operator", "other")
PRACTICE_STATUSES = ("draft", "published")
PRACTICE_THEME_PATTERN = r"^[a-z0-9][a-z0-9 -]{0,59}$"
# What a member state can subscribe to (DESIGN §7).
SUBSCRIBER_EVENT_TYPES = ("dataset.published", "corridor.cost.threshold_crossed", "corridor.cost.changed",
                          "provider.registered", "provider.updated", "practice.published")
# Quote lists on a corridor: surveyed by the World Bank, or declared by the provider itself.
QUOTE_KINDS = ("observed", "provider-declared")
DATASET_STATUSES = ("queued", "processing", "needs_review", "completed", "rejected", "failed")
PERIOD_PATTERN = r"^[0-9]{4}Q[1-4]$"  # 2014Q2, the API's form (ASCII digits: \d would take any script's)
ISO3_PATTERN = r"^[A-Z]{3}$"
DATASET_ID_PATTERN = r"^[0-9a-f]{16}$"
# Catalog entry ids (providers, practices) are slugs of at most this many characters;
# a slug made from a name is cut shorter, leaving room for a "-2" that keeps it unique.
ENTRY_ID_MAX = 120
ENTRY_SLUG_MAX = 100
# Uploads travel to ingest in chunks of this size: 4 MiB raw is 5.3 MiB of
# base64, well under the 8 MB a single AMQP message may carry (DESIGN §4).
UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024


class Pattern(validate.Regexp):
    """``validate.Regexp`` that matches the whole value: Python's ``$`` also
    matches before a trailing newline, so ``"NPL\\n"`` would pass ``^[A-Z]{3}$``."""

    def __call__(self, value):
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise validate.ValidationError(self._format_error(value))
        return value


def pattern(regex, error=None):
    """The anchors stay (they document the whole-value match in OpenAPI); fullmatch enforces it."""
    return Pattern(re.compile(regex), error=error)

# Capacity building (issue 21). Themes are the practice library's: one pattern, so a request's
# theme finds the practices tagged with it.
THEME_PATTERN = PRACTICE_THEME_PATTERN
INSTITUTION_KINDS = ("ministry", "central_bank", "statistics_office", "regulator")
RESOURCE_KINDS = ("guide", "course", "toolkit", "workshop", "webinar")
EVENT_RESOURCE_KINDS = ("workshop", "webinar")  # resources with dates, on the iCalendar feed
RESOURCE_LEVELS = ("introductory", "intermediate", "advanced")
# Proposals by member institutions wait for an operator; an operator's own entries are published at once.
MODERATION_STATUSES = ("proposed", "published", "rejected")
# Who may read a focal point's contact details: nobody but operators, other member institutions, anyone.
CONTACT_SHARING = ("none", "members", "public")
PLAN_STATUSES = ("draft", "adopted", "closed")
TARGET_PROGRESS = ("met", "on_track", "off_track", "no_data")
ROLE_OPERATOR = "operator"
ROLE_MEMBER = "member"
# Issue 21: a published peer-learning request (its theme's followers hear of it) and a national plan's target
# met or slipped are subscribable too.
PLAN_TARGET_CHANGED = "plan.target.changed"
PLAN_TARGET_CHANGES = ("met", "slipped")
SUBSCRIBER_EVENT_TYPES = (*SUBSCRIBER_EVENT_TYPES, "request.published", PLAN_TARGET_CHANGED)
# A peer-learning request on one of these themes (or on a corridor) is also suggested the member states whose
# receiving corridors' cost fell most (observatory.analysis.cost_change).
COST_THEMES = ("cost reduction", "cost measurement", "price comparison", "policy targets")

# The headline indicators: the field of the indicators answer -> its SDMX code (CL_INDICATOR).
RPW_INDICATOR_CODES = {
    "global_average_pct": "GLOBAL_AVG", "global_weighted_average_pct": "GLOBAL_WEIGHTED_AVG",
    "ldc_average_pct": "LDC_AVG", "g20_senders_average_pct": "G20_SENDERS_AVG",
    "share_corridors_below_5_pct": "SHARE_BELOW_5", "share_corridors_at_or_below_3_pct": "SHARE_AT_OR_BELOW_3",
}

# National submissions (issue 19): reporting institutions, the formats a submission comes in (its
# Content-Type -> the parser), and a submission's statuses.
REPORTER_KINDS = ("central_bank", "statistics_office", "ministry", "other")
SUBMISSION_STATUSES = ("processing", "failed", "validated", "embargoed", "published")
SUBMISSION_MEDIA_TYPES = {
    "application/vnd.sdmx.data+csv;version=1.0.0": "sdmx-csv-1.0",
    "application/vnd.sdmx.data+csv;version=2.0.0": "sdmx-csv-2.0",
    "application/vnd.sdmx.data+csv": "sdmx-csv",
    "text/csv": "sdmx-csv",
    "application/vnd.sdmx.structurespecificdata+xml;version=2.1": "sdmx-ml-2.1",
    "application/vnd.sdmx.structurespecificdata+xml": "sdmx-ml-2.1",
    "application/xml": "sdmx-ml-2.1",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
SUBMISSION_FORMATS = tuple(sorted(set(SUBMISSION_MEDIA_TYPES.values())))
SUBMISSION_ID_PATTERN = r"^[0-9a-f]{16}$"
SUBSCRIBER_EVENT_TYPES = (*SUBSCRIBER_EVENT_TYPES, "national.published")
