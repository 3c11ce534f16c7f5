"""Trigram indexes for the activity search (`?text=` on the activity list; the API's `search`).

PostgreSQL only (a no-op on SQLite). The search is Django's ``icontains``, which PostgreSQL runs
as ``UPPER(col::text) LIKE UPPER('%term%')``: the indexes are on that very expression, with
``gin_trgm_ops``, so the planner can answer it with a Bitmap Index Scan instead of reading
every row. Trigrams rather than a stemmer: Chinese has no spaces to split words at.

``fastupdate = off``: with GIN's pending list, rows inserted since the last VACUUM are scanned
one by one and the planner, counting them, keeps choosing a sequential scan after a bulk load
until a VACUUM (an ANALYZE is not enough). Activities are written by people, a few at a time,
so writing the index entries at once costs little (a bulk insert of 20,000 rows: ~14 s instead
of ~2.5 s on the development machine).

Chinese is indexed only when the database's LC_CTYPE is a UTF-8 one (C.UTF-8, en_US.UTF-8):
under plain "C" pg_trgm sees no letters in it; the migration warns then.

Needs the ``pg_trgm`` extension (shipped with PostgreSQL). Creating it needs a superuser or,
since PostgreSQL 13, a database owner (it is a trusted extension); without that right this
migration stops with a message saying what to run.
"""

import warnings

from django.db import migrations

TABLE = "cooperation_activity"
COLUMNS = ("title_en", "title_zh_hans", "description_en", "description_zh_hans")


def index_name(column: str) -> str:
    return f"activity_{column}_trgm"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                with connection.cursor() as create:
                    create.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception as error:
                name = connection.settings_dict["NAME"]
                raise RuntimeError(
                    "The activity search needs PostgreSQL's pg_trgm extension, which this "
                    "database user may not create. Ask a superuser to run "
                    f'"CREATE EXTENSION pg_trgm;" in database "{name}", '
                    f"then migrate again. ({error})"
                ) from error
    with connection.cursor() as cursor:
        # Under LC_CTYPE "C", pg_trgm sees no letters in Chinese: those searches still find
        # everything, but by reading every row.
        cursor.execute("SELECT show_trgm('图书馆') = '{}'")
        if cursor.fetchone()[0]:
            warnings.warn(
                "This database's LC_CTYPE is 'C': the trigram indexes cannot serve searches in "
                "Chinese (they still work, more slowly). Create the database with a UTF-8 "
                "LC_CTYPE such as C.UTF-8 or en_US.UTF-8.",
                stacklevel=1,
            )
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index_name(column)}" ON "{TABLE}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops) WITH (fastupdate = off)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0005_funding_amounts"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
