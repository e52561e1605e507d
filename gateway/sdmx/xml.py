"""What every SDMX-ML 2.1 message shares: namespaces, the message header,
escaping (free text from source files may hold characters XML 1.0 cannot
carry), and cutting a stream of strings into byte chunks."""
import datetime as dt
import re
import uuid
from xml.sax.saxutils import escape, quoteattr

from observatory.sdmx.model import AGENCY

_SCHEMAS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1"
NAMESPACES = {
    "mes": f"{_SCHEMAS}/message", "str": f"{_SCHEMAS}/structure", "com": f"{_SCHEMAS}/common",
    "gen": f"{_SCHEMAS}/data/generic", "ss": f"{_SCHEMAS}/data/structurespecific",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 forbids (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CHUNK_CHARS = 16 * 1024


def text(value):
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def attr(value):
    """A quoted attribute value; newlines and tabs kept as character references."""
    return quoteattr(_NOT_XML.sub("\ufffd", str(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def attrs(**values):
    return "".join(f" {name}={attr(value)}" for name, value in values.items() if value is not None)


def xmlns(*prefixes):
    return "".join(f" xmlns:{p}={attr(NAMESPACES[p])}" for p in prefixes)


def name(value, element="com:Name"):
    return f'<{element} xml:lang="en">{text(value)}</{element}>'


def prepared_now():
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_message_id():
    return "IREF" + uuid.uuid4().hex


def header(message_id=None, prepared=None, structure=""):
    """``mes:Header``; ``structure`` is the data messages' ``mes:Structure`` element."""
    return (f"<mes:Header><mes:ID>{text(message_id or new_message_id())}</mes:ID>"
            f"<mes:Test>false</mes:Test><mes:Prepared>{text(prepared or prepared_now())}</mes:Prepared>"
            f'<mes:Sender id="{AGENCY}"/>{structure}</mes:Header>')


def chunks(pieces, size=CHUNK_CHARS):
    """UTF-8 byte chunks of about ``size`` characters from a stream of strings:
    few, large writes, and never more than one chunk in memory."""
    buffer, length = [], 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")
