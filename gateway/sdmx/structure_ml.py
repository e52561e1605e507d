"""SDMX-ML 2.1 Structure message writer: dataflows, codelists, the concept
scheme and data structure definitions, for any selection that
``structures.resolve`` returns (so ``references`` is honoured there)."""
from observatory.sdmx.model import AGENCY, PRIMARY_MEASURE, TIME_DIMENSION, VERSION
from observatory.sdmx.structures import CONCEPT_SCHEME_ID
from gateway.sdmx.xml import XML_DECLARATION, attrs, chunks, header, name, xmlns

# The order of the containers in mes:Structures (SDMXStructure.xsd).
CONTAINERS = (("dataflow", "Dataflows"), ("codelist", "Codelists"), ("conceptscheme", "Concepts"),
              ("datastructure", "DataStructures"))
_URN = "urn:sdmx:org.sdmx.infomodel"


def _maintainable(element, urn_class, artefact):
    urn = f"{_URN}.{urn_class}={AGENCY}:{artefact.id}({VERSION})"
    return f"<str:{element}{attrs(id=artefact.id, urn=urn, agencyID=AGENCY, version=VERSION, isFinal='false')}>"


def _ref(ref_id, package, ref_class):
    return f"<Ref{attrs(id=ref_id, version=VERSION, agencyID=AGENCY, package=package)} class=\"{ref_class}\"/>"


def _concept_ref(concept_id):
    return ("<str:ConceptIdentity><Ref" + attrs(id=concept_id, maintainableParentID=CONCEPT_SCHEME_ID,
                                                maintainableParentVersion=VERSION, agencyID=AGENCY,
                                                package="conceptscheme") + ' class="Concept"/></str:ConceptIdentity>')


def _representation(component=None, text_type=None):
    if component is not None and component.codelist:
        inner = f"<str:Enumeration>{_ref(component.codelist, 'codelist', 'Codelist')}</str:Enumeration>"
    else:
        inner = f'<str:TextFormat textType="{text_type or component.text_type}"/>'
    return f"<str:LocalRepresentation>{inner}</str:LocalRepresentation>"


def _codelist(codelist):
    yield _maintainable("Codelist", "codelist.Codelist", codelist) + name(codelist.name)
    for code in codelist.codes:
        urn = f"{_URN}.codelist.Code={AGENCY}:{codelist.id}({VERSION}).{code.id}"
        yield f"<str:Code{attrs(id=code.id, urn=urn)}>{name(code.name)}</str:Code>"
    yield "</str:Codelist>"


def _concept_scheme(scheme):
    yield _maintainable("ConceptScheme", "conceptscheme.ConceptScheme", scheme) + name(scheme.name)
    for concept in scheme.concepts:
        yield f"<str:Concept{attrs(id=concept.id)}>{name(concept.name)}</str:Concept>"
    yield "</str:ConceptScheme>"


def _dataflow(flow):
    yield (_maintainable("Dataflow", "datastructure.Dataflow", flow) + name(flow.name)
           + f"<str:Structure>{_ref(flow.structure, 'datastructure', 'DataStructure')}</str:Structure>"
           + "</str:Dataflow>")


def _data_structure(dsd):
    yield _maintainable("DataStructure", "datastructure.DataStructure", dsd) + name(dsd.name)
    yield '<str:DataStructureComponents><str:DimensionList id="DimensionDescriptor">'
    for position, dimension in enumerate(dsd.dimensions, start=1):
        yield (f"<str:Dimension{attrs(id=dimension.id, position=position)}>{_concept_ref(dimension.id)}"
               f"{_representation(dimension)}</str:Dimension>")
    yield (f"<str:TimeDimension{attrs(id=TIME_DIMENSION, position=len(dsd.dimensions) + 1)}>"
           f"{_concept_ref(TIME_DIMENSION)}{_representation(text_type='ObservationalTimePeriod')}"
           "</str:TimeDimension></str:DimensionList>")
    yield '<str:AttributeList id="AttributeDescriptor">'
    for attribute in dsd.attributes:
        status = "Mandatory" if attribute.mandatory else "Conditional"
        yield (f"<str:Attribute{attrs(id=attribute.id, assignmentStatus=status)}>{_concept_ref(attribute.id)}"
               f"{_representation(attribute)}<str:AttributeRelationship><str:PrimaryMeasure>"
               f"<Ref id=\"{PRIMARY_MEASURE}\"/></str:PrimaryMeasure></str:AttributeRelationship></str:Attribute>")
    yield (f'</str:AttributeList><str:MeasureList id="MeasureDescriptor"><str:PrimaryMeasure id="{PRIMARY_MEASURE}">'
           f"{_concept_ref(PRIMARY_MEASURE)}</str:PrimaryMeasure></str:MeasureList>"
           "</str:DataStructureComponents></str:DataStructure>")


WRITERS = {"dataflow": _dataflow, "codelist": _codelist, "conceptscheme": _concept_scheme,
           "datastructure": _data_structure}


def _pieces(selection, message_id, prepared):
    yield XML_DECLARATION + "<mes:Structure" + xmlns("mes", "str", "com") + ">"
    yield header(message_id, prepared) + "<mes:Structures>"
    for artefact_type, container in CONTAINERS:
        found = selection.get(artefact_type)
        if found:
            yield f"<str:{container}>"
            for artefact_id in sorted(found):
                yield from WRITERS[artefact_type](found[artefact_id])
            yield f"</str:{container}>"
    yield "</mes:Structures></mes:Structure>\n"


def structure_message(selection, message_id=None, prepared=None):
    """Bytes chunks of the message for ``selection`` ({type: {id: artefact}})."""
    return chunks(_pieces(selection, message_id, prepared))
