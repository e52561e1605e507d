"""Entity resolution: which raw firm names of the survey files are one provider.

Plain functions, no store. A name becomes ``words`` (accents, case,
punctuation, ``&``, a trailing domain, legal suffixes and a bracketed acronym
resolved away); two names are one firm when their words join to the same
``key`` (so spacing and hyphens do not matter), or when one long word differs
by a single typo that is not its first letter and does not turn one country
into another. A name with one more word is another firm ("Safe Money Transfer
Spain" is not "Safe Money Transfer"); a bracket that is not an acronym of the
name stays part of it ("Ameer Tech Remittance (MoneyGram)" is an agent channel).
"""
import re
import unicodedata

from observatory.countries import countries
from observatory.vocabulary import ENTRY_SLUG_MAX

LEGAL_SUFFIXES = {"inc", "incorporated", "ltd", "limited", "llc", "plc", "gmbh", "ag", "asa", "bv", "nv", "sa",
                  "sas", "spa", "pte", "pty", "co", "corp", "corporation", "company", "sarl", "srl", "kk"}
DOMAIN = re.compile(r"\.(com|net|org|biz|info|co\.uk|co|uk|in|ph|au|de|es|fr|it)$", re.I)
BRACKET = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*(.*)$")
STOP_WORDS = {"of", "and", "de", "del", "la", "le", "the", "for", "du", "des", "y", "e", "et", "da", "do", "di"}
TYPO_MIN_KEY = 10  # a one-letter difference in a shorter name is too likely another firm
TYPO_MIN_WORD = 5


def _fold(text):
    """Lower case without accents; ``&`` read as ``and``; apostrophes dropped (Int'l → intl)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"['’`]", "", text.replace("&", " and "))


def _tokens(text):
    return re.findall(r"[a-z0-9]+", _fold(text))


def _is_acronym(short, words):
    """``short`` (e.g. "icbc") spells the start letters of ``words``
    ("industrial and commercial bank of china"); stop words may be skipped
    or used, and a word may give more than its first letter (SAPO)."""
    words = [w for w in words if w]

    def match(i, j):
        if i == len(short):
            return all(w in STOP_WORDS for w in words[j:])
        if j == len(words):
            return False
        if words[j] in STOP_WORDS and match(i, j + 1):
            return True
        word = words[j]
        return any(short[i:i + k] == word[:k] and match(i + k, j + 1) for k in range(1, len(word) + 1)
                   if i + k <= len(short))

    return 2 <= len(short) <= 8 and len(words) >= 2 and match(0, 0)


def _without_acronym(name):
    """"KCB (Kenya Commercial Bank)" and "Kenya Commercial Bank (KCB)" → "Kenya Commercial Bank"."""
    found = BRACKET.match(name.strip())
    if not found:
        return name
    outside, inside, after = found.groups()
    if after.strip():
        return name
    for short, long in ((outside, inside), (inside, outside)):
        short_tokens, long_tokens = _tokens(short), _tokens(_strip_legal_text(long))
        if len(short_tokens) == 1 and _is_acronym(short_tokens[0], long_tokens):
            return long
    return name


def _strip_legal_text(text):
    return " ".join(_strip_legal(_tokens(text)))


def _strip_legal(tokens):
    """Drop trailing legal suffixes ("Pte Ltd", "GmbH", "Inc."), keeping at
    least one word; a typo'd suffix before a real one goes too ("Ptd Ltd")."""
    tokens = list(tokens)
    stripped = False
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
        stripped = True
    if stripped and len(tokens) > 1 and any(_one_edit(tokens[-1], s) for s in LEGAL_SUFFIXES if len(s) >= 3):
        tokens.pop()
    return tokens


def words(name):
    """The words that identify a firm's name."""
    text = DOMAIN.sub("", " ".join(str(name).split()))
    text = _without_acronym(text)
    return _strip_legal(_tokens(text)) or _tokens(str(name))


def key(name):
    """Equal keys: the same firm (spacing, hyphens, case, accents, suffixes, acronyms aside)."""
    return "".join(words(name))


def slug(name):
    """The words joined by '-', cut to ENTRY_SLUG_MAX (a longer id would break the contracts' bound)."""
    return "-".join(words(name))[:ENTRY_SLUG_MAX].rstrip("-") or "provider"


def _one_edit(a, b):
    """Levenshtein distance exactly 1 (substitution, insertion or deletion)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


def deletion_keys(name_key):
    """Keys one deletion away (and the key): two keys one edit apart share one,
    so typo candidates are found through an index instead of a scan."""
    if len(name_key) < TYPO_MIN_KEY:
        return [name_key]
    return sorted({name_key} | {name_key[:i] + name_key[i + 1:] for i in range(len(name_key))})


def one_typo_apart(name_a, name_b):
    """Same words but one long word with one typo, not in its first letter,
    that does not turn one country into another ("Tranfert"/"Transfert")."""
    a, b = words(name_a), words(name_b)
    if len(a) != len(b) or len("".join(a)) < TYPO_MIN_KEY:
        return False
    differing = [(x, y) for x, y in zip(a, b) if x != y]
    if len(differing) != 1:
        return False
    x, y = differing[0]
    if min(len(x), len(y)) < TYPO_MIN_WORD or x[0] != y[0] or not _one_edit(x, y):
        return False
    country_x, country_y = countries().resolve(x), countries().resolve(y)
    return not (country_x and country_y and country_x != country_y)


def provider_types(firm_type):
    """RPW ``firm_type`` → provider types; a combined type keeps each part."""
    found = []
    for part in re.split(r"\s*/\s*", firm_type or ""):
        text = " ".join(_tokens(part))
        if not text:
            continue
        if text in ("mobile money", "mobile money operator", "mmo") or text.startswith("mobile money"):
            kind = "mobile money operator"
        elif text in ("bank", "commercial bank") or text.endswith(" bank"):
            kind = "bank"
        elif text in ("money transfer operator", "mto", "money transfer company"):
            kind = "money transfer operator"
        elif text in ("post office", "post", "postal operator"):
            kind = "post office"
        else:
            kind = "other"
        if kind not in found:
            found.append(kind)
    return found


def typo_match(name, candidates):
    """The id of the first candidate entry ({_id, aliases}) one of whose names
    is one typo away from ``name``; None when none is."""
    for candidate in candidates:
        if any(one_typo_apart(name, alias) for alias in candidate.get("aliases", [])):
            return candidate["_id"]
    return None
