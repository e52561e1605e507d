"""SDMX-ML 2.1 data writers, GenericData and StructureSpecificData, streamed
series by series. Observations are plain dicts (dimension ids, TIME_PERIOD,
OBS_VALUE, attribute ids), sorted by series key when the observation
dimension is TIME_PERIOD. An empty selection is a message whose DataSet holds
no series (how the routes answer it, 404 or 200, is theirs to say)."""
from observatory.sdmx.model import AGENCY, TIME_DIMENSION, VERSION
from gateway.sdmx.values import observation_parts, series_of
from gateway.sdmx.xml import XML_DECLARATION, attr, attrs, chunks, header, xmlns


def structure_id(flow):
    return f"{AGENCY}_{flow.id}_{VERSION.replace('.', '_')}"


def ss_namespace(flow, dimension_at_observation):
    level = ("AllDimensions" if dimension_at_observation == "AllDimensions"
             else f"ObsLevelDim:{dimension_at_observation}")
    return f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={AGENCY}:{flow.id}({VERSION}):{level}"


def _header_structure(flow, dimension_at_observation, namespace=None):
    return (f"<mes:Structure{attrs(structureID=structure_id(flow), namespace=namespace)}"
            f"{attrs(dimensionAtObservation=dimension_at_observation)}><com:StructureUsage>"
            f"<Ref{attrs(agencyID=AGENCY, id=flow.id, version=VERSION)}/></com:StructureUsage></mes:Structure>")


def _values(element, pairs):
    return f"<gen:{element}>" + "".join(f"<gen:Value{attrs(id=k, value=v)}/>" for k, v in pairs) + f"</gen:{element}>"


def _generic_obs(observation, dsd, key_pairs=None):
    period, value, attributes = observation_parts(observation, dsd.attribute_ids)
    if key_pairs is None:
        parts = [f"<gen:Obs><gen:ObsDimension{attrs(value=period)}/>"]
    else:
        parts = ["<gen:Obs>" + _values("ObsKey", [*key_pairs, (TIME_DIMENSION, period)])]
    if value is not None:
        parts.append(f"<gen:ObsValue{attrs(value=value)}/>")
    if attributes:
        parts.append(_values("Attributes", attributes.items()))
    return "".join(parts) + "</gen:Obs>"


def _generic(flow, dsd, observations, dimension_at_observation, message_id, prepared, datasets=None):
    yield XML_DECLARATION + "<mes:GenericData" + xmlns("mes", "gen", "com") + ">"
    yield header(message_id, prepared, _header_structure(flow, dimension_at_observation))
    for action, valid_from, observations in datasets or [("Information", None, observations)]:
        yield f"<mes:DataSet{attrs(structureRef=structure_id(flow), action=action, validFromDate=valid_from)}>"
        dimension_ids = dsd.dimension_ids
        if dimension_at_observation == "AllDimensions":
            for observation in observations:
                yield _generic_obs(observation, dsd, [(d, observation[d]) for d in dimension_ids])
        else:
            for key, run in series_of(observations, dimension_ids):
                yield "<gen:Series>" + _values("SeriesKey", zip(dimension_ids, key))
                for observation in run:
                    yield _generic_obs(observation, dsd)
                yield "</gen:Series>"
        yield "</mes:DataSet>"
    yield "</mes:GenericData>\n"


def generic_data(flow, dsd, observations, dimension_at_observation=TIME_DIMENSION, message_id=None,
                 prepared=None, datasets=None):
    """SDMX-ML 2.1 GenericData message, as byte chunks. ``datasets`` ([(action, validFrom, observations)],
    ``gateway.sdmx.history.datasets``): one DataSet each, instead of one Information DataSet."""
    return chunks(_generic(flow, dsd, observations, dimension_at_observation, message_id, prepared, datasets))


def _ss_obs(observation, dsd, key_pairs=()):
    period, value, attributes = observation_parts(observation, dsd.attribute_ids)
    return ("<Obs" + "".join(f" {k}={attr(v)}" for k, v in key_pairs)
            + attrs(TIME_PERIOD=period, OBS_VALUE=value, **attributes) + "/>")


def _structure_specific(flow, dsd, observations, dimension_at_observation, message_id, prepared, datasets=None):
    namespace = ss_namespace(flow, dimension_at_observation)
    yield (XML_DECLARATION + "<mes:StructureSpecificData" + xmlns("mes", "ss", "com", "xsi")
           + f" xmlns:ns1={attr(namespace)}>")
    yield header(message_id, prepared, _header_structure(flow, dimension_at_observation, namespace))
    for action, valid_from, observations in datasets or [("Information", None, observations)]:
        yield (f"<mes:DataSet ss:structureRef={attr(structure_id(flow))} xsi:type=\"ns1:DataSetType\""
               f' ss:dataScope="DataStructure"{attrs(action=action, validFromDate=valid_from)}>')
        dimension_ids = dsd.dimension_ids
        if dimension_at_observation == "AllDimensions":
            for observation in observations:
                yield _ss_obs(observation, dsd, [(d, observation[d]) for d in dimension_ids])
        else:
            for key, run in series_of(observations, dimension_ids):
                yield "<Series" + "".join(f" {d}={attr(v)}" for d, v in zip(dimension_ids, key)) + ">"
                for observation in run:
                    yield _ss_obs(observation, dsd)
                yield "</Series>"
        yield "</mes:DataSet>"
    yield "</mes:StructureSpecificData>\n"


def structure_specific_data(flow, dsd, observations, dimension_at_observation=TIME_DIMENSION, message_id=None,
                            prepared=None, datasets=None):
    """SDMX-ML 2.1 StructureSpecificData message, as byte chunks. ``datasets``: as ``generic_data``'s."""
    return chunks(_structure_specific(flow, dsd, observations, dimension_at_observation, message_id, prepared,
                                      datasets))
