"""An index on ``record (unit_id, record_date)``.

The status engine, the district overview and 督责's check runs read a batch of
units' records between two dates (``perform.status._statuses_chunk``); with
only ``record_unit_id`` the database reads every record a unit ever made (two
years of demo records, more each year) and filters the dates afterwards.
"""
import peewee


def upgrade(db: peewee.Database) -> None:
    db.execute_sql('CREATE INDEX IF NOT EXISTS "record_unit_id_record_date" ON "record" ("unit_id", "record_date")')
