"""The SDMX web service (DESIGN §10): SDMX REST 2.1 under /sdmx/2.1 and 3.0
under /sdmx/3.0, answered by gateway.resources.sdmx. SDMX names its own
parameters (gateway.sdmx.params); formats are negotiated by Accept or
``format``; an empty result is 404 in 2.1 and 204 in 3.0."""
from gateway.routes.table import Route
from gateway.sdmx.params import Data21QuerySchema, Data30QuerySchema, NoSdmxQuerySchema, StructureQuerySchema

V21, V30 = "/sdmx/2.1", "/sdmx/3.0"
STRUCTURE = "application/vnd.sdmx.structure+xml;version=2.1"
DATA = "application/vnd.sdmx.genericdata+xml;version=2.1"
DATA_30 = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
STRUCTURE_ERRORS = (400, 404, 406, 501)  # and 304 to a conditional request (no body)
DATA_ERRORS = (400, 404, 406, 501, 503)  # and 304 (no body); 3.0: 204 when nothing matches
_STRUCTURE_PATHS = ("<artefact_type>", "<artefact_type>/<agency>", "<artefact_type>/<agency>/<artefact_id>",
                    "<artefact_type>/<agency>/<artefact_id>/<version>")
_SUFFIXES = ("", "_agency", "_id", "_version")


def _structures(prefix, handler, api):
    return tuple(Route("GET", f"{prefix}/{path}", f"{handler}{suffix}",
                       f"SDMX REST {api} structure query: dataflow, datastructure, codelist or conceptscheme "
                       "(agency OBSERVATORY, version 1.0), with references and detail",
                       query=StructureQuerySchema, media=STRUCTURE, errors=STRUCTURE_ERRORS)
                 for path, suffix in zip(_STRUCTURE_PATHS, _SUFFIXES))


ROUTES = (
    *_structures(V21, "sdmx21_structure", "2.1"),
    Route("GET", f"{V21}/data/<flow>", "sdmx21_data",
          "SDMX REST 2.1 data query: every observation of a dataflow (RPW_CORRIDOR_COST, RPW_PRICES, "
          "RPW_INDICATORS, FLOWS, NATIONAL_REMITTANCES)", query=Data21QuerySchema, media=DATA, errors=DATA_ERRORS),
    Route("GET", f"{V21}/data/<flow>/<key>", "sdmx21_data_key",
          "SDMX REST 2.1 data query for a key (Q.USA+GBR.NPL.., all)", query=Data21QuerySchema, media=DATA,
          errors=DATA_ERRORS),
    Route("GET", f"{V21}/data/<flow>/<key>/<provider>", "sdmx21_data_provider",
          "SDMX REST 2.1 data query for a key and data provider (all or OBSERVATORY)", query=Data21QuerySchema,
          media=DATA, errors=DATA_ERRORS),
    *_structures(f"{V30}/structure", "sdmx30_structure", "3.0"),
    Route("GET", f"{V30}/data/<context>/<agency>/<resource_id>/<version>", "sdmx30_data",
          "SDMX REST 3.0 data query: every observation of a dataflow, c[DIMENSION] filters, asOf",
          query=Data30QuerySchema, media=DATA_30, errors=DATA_ERRORS),
    Route("GET", f"{V30}/data/<context>/<agency>/<resource_id>/<version>/<key>", "sdmx30_data_key",
          "SDMX REST 3.0 data query for a key (Q.USA,GBR.NPL.*.*)", query=Data30QuerySchema, media=DATA_30,
          errors=DATA_ERRORS),
    Route("OPTIONS", "/sdmx/<path:path>", "sdmx_preflight", "CORS preflight of the SDMX web service",
          query=NoSdmxQuerySchema, status=204, media="text/plain"),
)
