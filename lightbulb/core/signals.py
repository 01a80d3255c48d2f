"""What Django's model signals do not say: many records of one model written at once.

A service that writes many records in a few statements (`bulk_create`, `bulk_update`, a set-based
`UPDATE`, as an import does) fires no `post_save` for them. Once something was written it sends
`records_saved_in_bulk` with the model as `sender` and the records' ids as `pks`, and nothing when
nothing changed. A module that follows a model's changes listens to it beside `post_save` (open data
marks its files out of date), so a bulk change is never missed where a single one is seen.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["records_saved_in_bulk"]

# sender: the model class; pks: the ids of the records added or changed.
records_saved_in_bulk = Signal()
