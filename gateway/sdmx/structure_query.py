"""SDMX REST structure queries, 2.1 (``/{type}/{agency}/{id}/{version}``) and
3.0 (``/structure/{type}/{agency}/{id}/{version}``), validated into the
selection the Structure message writer takes."""
from gateway.sdmx.errors import SdmxBadQuery, SdmxNoResults, SdmxNotImplemented
from observatory.sdmx.model import AGENCY, VERSION
from observatory.sdmx.structures import ARTEFACT_TYPES, resolve

REFERENCES = ("none", "parents", "parentsandsiblings", "children", "descendants", "all", *ARTEFACT_TYPES)
# Other maintainable types of the SDMX information model: valid, not kept here.
OTHER_TYPES = ("structure", "metadatastructure", "categoryscheme", "conceptschemes", "hierarchicalcodelist",
               "hierarchy", "organisationscheme", "agencyscheme", "dataproviderscheme", "dataconsumerscheme",
               "organisationunitscheme", "categorisation", "contentconstraint", "dataconstraint",
               "actualconstraint", "allowedconstraint", "attachmentconstraint", "metadataflow",
               "provisionagreement", "structureset", "process", "reportingtaxonomy", "transformationscheme",
               "rulesetscheme", "userdefinedoperatorscheme", "customtypescheme", "namepersonalisationscheme",
               "vtlmappingscheme", "valuelist", "representationmap", "conceptschememap", "categoryschememap",
               "organisationschememap", "reportingtaxonomymap", "datastructuremap", "metadataprovisionagreement",
               "metadataproviderscheme", "metadataconstraint")
PARAMETERS = {"2.1": {"references", "detail", "format"}, "3.0": {"references", "detail", "format"}}
_ALL = {"2.1": ("all", "latest"), "3.0": ("*", "~")}


def structure_query(artefact_type, agency="all", artefact_id="all", version="latest", params=None, api="2.1"):
    """{type: {id: artefact}} for the query, or a 400 / 404 / 501 error."""
    params = dict(params or {})
    unknown = sorted(set(params) - PARAMETERS[api])
    if unknown:
        raise SdmxBadQuery(f"unknown parameter {unknown[0][:40]!r}", {"allowed": sorted(PARAMETERS[api])})
    if artefact_type in OTHER_TYPES:
        raise SdmxNotImplemented(f"{artefact_type} is not published by this service",
                                 {"implemented": list(ARTEFACT_TYPES)})
    if artefact_type not in ARTEFACT_TYPES:
        raise SdmxBadQuery(f"{str(artefact_type)[:40]!r} is not an SDMX structure type",
                           {"type": str(artefact_type)[:40]})
    references = params.get("references", "none")
    if references not in REFERENCES:
        raise SdmxBadQuery(f"references is one of {', '.join(REFERENCES)}", {"parameter": "references"})
    if params.get("detail", "full") != "full":
        raise SdmxNotImplemented("only detail=full is implemented", {"parameter": "detail"})
    wildcards = (*_ALL[api], "all", "*")
    if agency not in (AGENCY, *wildcards) or version not in (VERSION, *wildcards):
        raise SdmxNoResults("no such structure: the observatory's agency is OBSERVATORY, version 1.0",
                            {"agency": str(agency)[:40], "version": str(version)[:20]})
    selection = resolve(artefact_type, "all" if artefact_id in wildcards else artefact_id, references)
    if not selection:
        raise SdmxNoResults(f"no {artefact_type} {str(artefact_id)[:40]!r}", {"type": artefact_type})
    return selection
