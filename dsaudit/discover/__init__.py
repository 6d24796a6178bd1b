"""Discovery of personal information in databases and data files (``dsaudit discover``).

(The package is ``dsaudit.discover``: ``dsaudit.discovery`` is the old import path of
:mod:`dsaudit.sources.discovery`, which finds config files.)

- :mod:`dsaudit.discover.detectors`: validated value detectors beyond those of
  :mod:`dsaudit.redaction.pidetect` (unified social credit code, licence plates, IP addresses,
  precise coordinates, dates), and the name/address dictionaries;
- :mod:`dsaudit.discover.classify`: one column's category from its sampled values, name and
  comment;
- :mod:`dsaudit.discover.sources`: the source interface and its SQLite, CSV and JSON Lines
  implementations (bounded, seeded, read-only sampling);
- :mod:`dsaudit.discover.draft`: the inventory draft (docs/inventory.md) of one source.

No raw sampled value leaves this package: evidence carries masked examples only.
"""
