"""The query strings of the SDMX routes, for the route table: SDMX names its
parameters in camelCase and REST 3.0 adds ``c[COMPONENT]`` filters, which no
fixed marshmallow field list can hold. These schemas declare the parameters
(for the OpenAPI description), let ``c[...]`` names through on the 3.0 data
route only, bound every value's length, and refuse any other name; what each
value means is checked by gateway.sdmx.query / structure_query (400 there)."""
import re

from marshmallow import INCLUDE, Schema, ValidationError, fields, pre_load, validate

MAX_VALUE_CHARS = 2000
_FILTER_NAME = re.compile(r"c\[[A-Za-z0-9_@$\-]{1,64}\]")


def _text(description, example=None):
    return fields.String(validate=validate.Length(max=MAX_VALUE_CHARS),
                         metadata={"description": description, **({"example": example} if example else {})})


class _SdmxQuery(Schema):
    class Meta:
        unknown = INCLUDE  # only the names _check lets through reach here

    filters = False  # c[...] names allowed

    @pre_load
    def _check(self, data, **_):
        declared = {f.data_key or name for name, f in self.fields.items()}
        errors = {}
        for name, value in data.items():
            if name not in declared and not (self.filters and _FILTER_NAME.fullmatch(name)):
                errors[name[:64]] = ["unknown parameter"]
            elif len(str(value)) > MAX_VALUE_CHARS:
                errors[name[:64]] = [f"at most {MAX_VALUE_CHARS} characters"]
        if errors:
            raise ValidationError(errors)
        return data


class StructureQuerySchema(_SdmxQuery):
    references = _text("none, parents, parentsandsiblings, children, descendants, all, or a structure type",
                       "children")
    detail = _text("full (the only detail implemented)")
    format = _text("structure")


class _DataQuery(_SdmxQuery):
    updatedAfter = _text("ISO 8601 timestamp: changes since then (needs the published vintages)")
    firstNObservations = _text("at most this many observations per series, the earliest", "4")
    lastNObservations = _text("at most this many observations per series, the latest", "4")
    dimensionAtObservation = _text("TIME_PERIOD (series) or AllDimensions (flat)", "TIME_PERIOD")
    includeHistory = _text("true or false (needs the published vintages)")
    format = _text("genericdata, structurespecificdata, jsondata, csvdata, sdmx-csv-2", "csvdata")


class Data21QuerySchema(_DataQuery):
    startPeriod = _text("first period wanted: 2014, 2014-Q1, 2014-03", "2013-Q1")
    endPeriod = _text("last period wanted", "2014-Q1")
    detail = _text("full or dataonly", "full")


class Data30QuerySchema(_DataQuery):
    filters = True
    asOf = _text("ISO 8601 timestamp: the figures as published then")
    attributes = _text("dsd, all or none")
    measures = _text("all or OBS_VALUE")


class NoSdmxQuerySchema(_SdmxQuery):
    """A CORS preflight: no parameters."""
