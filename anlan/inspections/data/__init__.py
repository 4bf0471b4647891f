"""Determination standards as data, one module per standard (``STANDARD`` and ``CLAUSES``).

Loaded by ``anlan.inspections.standards.load_standards`` (the data migration and
``anlan standards load``). Condition texts are Chinese paraphrases of ``shared/domain/REFERENCE.md``;
``verified: False`` marks wording reconstructed from REFERENCE's [M]/[P] notes or the 2017 list.
"""

MODULES = ["gm2023", "gm2017", "coal2020", "hc2017"]
