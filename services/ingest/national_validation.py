"""A national submission's records checked against the NATIONAL_REMITTANCES
structure (``observatory.sdmx``: its dimensions, codelists and mandatory
attributes, never a copy): codes in their codelists, the reporter's own
country only, the time format its frequency asks for, mandatory attributes,
finite and plausible numbers, no key twice. Pure: records in,
observations and errors out; every error is {row, column, message}."""
import math
import re

from observatory.sdmx.codelists import codelists
from observatory.sdmx.model import PRIMARY_MEASURE, TIME_DIMENSION
from observatory.sdmx.structures import DATA_STRUCTURES
from services.ingest.parsers.sdmx_records import DSD_ID

STRUCTURE = DATA_STRUCTURES[DSD_ID]
# The measures and units DESIGN §10 gives this dataflow (the shared codelists hold more).
NATIONAL_MEASURES = ("INFLOW", "OUTFLOW")
PERIOD_FORMS = {"A": (re.compile(r"[0-9]{4}"), "a year like 2024"),
                "Q": (re.compile(r"[0-9]{4}-Q[1-4]"), "a quarter like 2024-Q1"),
                "M": (re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])"), "a month like 2024-03")}
CURRENCY = re.compile(r"[A-Z]{3}")
DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")  # no '1_000', no hex
YEARS = (1960, 2100)
# The most a country's flow can plausibly be, in US dollars (the world's inflows are under 10^12) and
# in a national currency (the weakest currencies trade at ~10^5 to the dollar).
MAX_USD = 2e12
MAX_NATIONAL = 1e18
MAX_ERRORS = 1000


def _error(row, column, message):
    return {"row": row, "column": column, "message": message}


def _coded(component, value, row):
    codelist = codelists()[component.codelist]
    if value not in codelist:
        return _error(row, component.id, f"{value!r} is not a code of {codelist.id}")
    return None


def _period(freq, value, row):
    form = PERIOD_FORMS.get(freq)
    if form is None:
        return None  # FREQ itself is reported
    if not form[0].fullmatch(value):
        return _error(row, TIME_DIMENSION, f"{value!r} is not {form[1]} (FREQ {freq})")
    if not YEARS[0] <= int(value[:4]) <= YEARS[1]:
        return _error(row, TIME_DIMENSION, f"{value!r} is outside {YEARS[0]}-{YEARS[1]}")
    return None


def _number(text, row, attrs):
    if str(text).strip().lower().lstrip("+-") in ("inf", "infinity", "nan"):
        return None, _error(row, PRIMARY_MEASURE, f"{text!r} is not a finite number")
    if not DECIMAL.fullmatch(str(text)):
        return None, _error(row, PRIMARY_MEASURE, f"{text!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        return None, _error(row, PRIMARY_MEASURE, f"{text!r} is not a finite number")
    if value < 0:
        return None, _error(row, PRIMARY_MEASURE, "a remittance flow cannot be negative")
    multiplier = attrs.get("UNIT_MULT")
    scale = 10 ** int(multiplier) if multiplier and multiplier.isdigit() else 1
    bound = MAX_USD if attrs.get("UNIT_MEASURE") == "USD" else MAX_NATIONAL
    if value * scale > bound:
        return None, _error(row, PRIMARY_MEASURE, f"{value:g} × 10^{multiplier or 0} is not a plausible "
                                                  f"national flow (at most {bound:g} {attrs.get('UNIT_MEASURE')})")
    return value, None


def _attributes(record, deleting):
    found, errors = {}, []
    for component in STRUCTURE.attributes:
        value = record.cells.get(component.id, "")
        if not value:
            if component.mandatory and not deleting:
                errors.append(_error(record.row, component.id, f"{component.id} is mandatory"))
            continue
        if component.codelist:
            problem = _coded(component, value, record.row)
        elif component.id == "UNIT_MEASURE" and not CURRENCY.fullmatch(value):
            problem = _error(record.row, component.id, f"{value!r} is not USD or an ISO 4217 currency code")
        elif component.text_type == "Integer" and not re.fullmatch(r"[0-9]{1,2}", value):
            problem = _error(record.row, component.id, f"{value!r} is not a small whole number")
        else:
            problem = None
        if problem:
            errors.append(problem)
        else:
            found[component.id] = value
    return found, errors


def unknown_columns(records):
    known = {*STRUCTURE.dimension_ids, *STRUCTURE.attribute_ids, TIME_DIMENSION, PRIMARY_MEASURE}
    seen = sorted({column for record in records for column in record.cells} - known)
    return [_error(1, column, f"{column} is not a component of NATIONAL_REMITTANCES") for column in seen]


def check_record(record, country):
    """(observation or None, errors) for one record of a reporter whose country is ``country``."""
    errors, dims = [], {}
    deleting = record.action == "D"
    for component in STRUCTURE.dimensions:
        value = record.cells.get(component.id, "")
        if not value:
            errors.append(_error(record.row, component.id, f"{component.id} is missing"))
            continue
        problem = _coded(component, value, record.row)
        if problem is None and component.id == "REF_AREA" and value != country:
            problem = _error(record.row, "REF_AREA", f"{value} is not your institution's country ({country})")
        if problem is None and component.id == "MEASURE" and value not in NATIONAL_MEASURES:
            problem = _error(record.row, "MEASURE", f"{value!r} is not one of {', '.join(NATIONAL_MEASURES)}")
        if problem:
            errors.append(problem)
        else:
            dims[component.id] = value
    period = record.cells.get(TIME_DIMENSION, "")
    if not period:
        errors.append(_error(record.row, TIME_DIMENSION, "TIME_PERIOD is missing"))
    elif "FREQ" in dims:
        problem = _period(dims["FREQ"], period, record.row)
        errors.extend([problem] if problem else [])
    attrs, attr_errors = _attributes(record, deleting)
    errors.extend(attr_errors)
    value = None
    text = record.cells.get(PRIMARY_MEASURE, "")
    if text or not deleting:
        value, problem = _number(text, record.row, attrs)
        errors.extend([problem] if problem else [])
    if errors:
        return None, errors
    key = ".".join(dims[d] for d in STRUCTURE.dimension_ids)
    return {"key": key, "dims": dims, "time_period": period, "value": value, "attrs": attrs,
            "action": record.action, "row": record.row}, []


def validate(records, country):
    """(observations, the first errors, how many errors): stage the observations only when there is none."""
    errors = unknown_columns(records)
    observations, first_row = [], {}
    for record in records:
        observation, found = check_record(record, country)
        if observation is not None:
            identity = (observation["key"], observation["time_period"])
            if identity in first_row:
                found = [_error(record.row, TIME_DIMENSION, f"the key {identity[0]} {identity[1]} is already "
                                                            f"given in row {first_row[identity]}")]
            else:
                first_row[identity] = record.row
                observations.append(observation)
        errors.extend(found)
    if not records:
        errors.append(_error(1, PRIMARY_MEASURE, "the submission holds no observations"))
    return observations, errors[:MAX_ERRORS], len(errors)
