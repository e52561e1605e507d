"""Policy analysis over published figures (issue 20): plain functions over
plain dicts and lists, no I/O, no nameko, no Mongo. The services hand them
the rows they already hold; the gateway shows what they return.

- ``newest``: the newest figure of a corridor or country, and aggregates
  that never mix periods or series;
- ``quality``: the flags every published cost carries;
- ``sdg``: the SDG 10.c tracker (3 % average, no corridor above 5 %);
- ``peers``: a country against its region, income group, the LDCs, chosen peers;
- ``scorecard``: a corridor's surveyed market, and a receiving country's corridors;
- ``whatif``: what recipients would keep at a target cost.
"""
