"""Text that got into the database around the cleaning fields (an old row, a raw script).

``common.fields`` cleans text on every write through Django, ``QuerySet.update``
included, so a test that needs a dirty stored row writes it with raw SQL.
"""

from django.db import connection

# Word's Shift+Enter, a unit separator and (where the database takes it) a NUL.
DIRTY = "Dòng một\x0bdòng hai\x1f đúng\x00 hạn"


def dirty(text: str = DIRTY) -> str:
    """``text`` as this database can store it: PostgreSQL refuses a NUL in any text."""
    return text.replace("\x00", "") if connection.vendor == "postgresql" else text


def write_raw(model, pk, **values) -> None:
    """Store ``values`` in row ``pk`` of ``model``'s table, bypassing every field."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        f"{connection.ops.quote_name(model._meta.get_field(name).column)} = %s" for name in values
    )
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {columns} WHERE {pk_column} = %s",  # noqa: S608 - names from _meta
            [*values.values(), pk],
        )


def read_raw(model, pk, name: str) -> str:
    """The stored text of one column, as the database holds it."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(name).column)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk_column} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]
