"""The few SDMX information-model artefacts the observatory maintains, as
frozen dataclasses: what the structure writers and the query parser read."""
from dataclasses import dataclass

AGENCY = "OBSERVATORY"
VERSION = "1.0"
TIME_DIMENSION = "TIME_PERIOD"
PRIMARY_MEASURE = "OBS_VALUE"


@dataclass(frozen=True)
class Code:
    id: str
    name: str


@dataclass(frozen=True)
class Codelist:
    id: str
    name: str
    codes: tuple

    def __contains__(self, code_id):
        return code_id in self.ids

    @property
    def ids(self):
        return frozenset(code.id for code in self.codes)


@dataclass(frozen=True)
class Concept:
    id: str
    name: str


@dataclass(frozen=True)
class ConceptScheme:
    id: str
    name: str
    concepts: tuple


@dataclass(frozen=True)
class Component:
    """A dimension or an attribute: coded by ``codelist``, else free text of ``text_type``."""

    id: str
    codelist: str = None
    text_type: str = "String"
    mandatory: bool = False


@dataclass(frozen=True)
class DataStructure:
    id: str
    name: str
    dimensions: tuple  # in key order
    attributes: tuple  # all attached to the observation

    @property
    def dimension_ids(self):
        return tuple(d.id for d in self.dimensions)

    @property
    def attribute_ids(self):
        return tuple(a.id for a in self.attributes)

    def component(self, component_id):
        for component in (*self.dimensions, *self.attributes):
            if component.id == component_id:
                return component
        return None


@dataclass(frozen=True)
class Dataflow:
    id: str
    name: str
    structure: str  # the DataStructure's id

    @property
    def urn_ref(self):
        """``OBSERVATORY:RPW_CORRIDOR_COST(1.0)``, as SDMX-CSV and references write it."""
        return f"{AGENCY}:{self.id}({VERSION})"
