"""CORS for the SDMX web service: statistical clients in browsers (.Stat Suite's
data explorer, notebooks) read it from other origins. Every answer under
``SDMX_PREFIX`` carries these headers, whoever answers it: the SDMX handlers,
the route table's parameter checks (400), werkzeug's routing (404, 405)."""
SDMX_PREFIX = "/sdmx/"
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Encoding, Content-Disposition"}
PREFLIGHT = {**CORS, "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
             "Access-Control-Allow-Headers": "Accept, Accept-Encoding, If-None-Match, If-Modified-Since",
             "Access-Control-Max-Age": "86400"}


def with_cors(path, response):
    """The response, with CORS headers when ``path`` is the SDMX web service's."""
    if path.startswith(SDMX_PREFIX):
        response.headers.update(CORS)
    return response
