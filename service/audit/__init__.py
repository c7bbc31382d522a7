"""The append-only audit log.

Every create, update and delete of a domain object goes through ``create``
(``create_many`` for a batch), ``update`` or ``delete`` here, which write the change and its audit entry in
one transaction. Who acts is a context variable: the web layer sets it per
request, the CLI per command, so plain-Python code never needs Flask.
"""
from .log import (AuditEntry, AuditLogIsAppendOnly, acting_as, create, create_many, current_actor,
                  delete, record, set_actor, snapshot, update)

__all__ = ["AuditEntry", "AuditLogIsAppendOnly", "acting_as", "create", "create_many", "current_actor",
           "delete", "record", "set_actor", "snapshot", "update"]
