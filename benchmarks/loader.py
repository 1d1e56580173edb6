"""Writing millions of rows fast, and taking them away again.

- `Loader` reserves id blocks from each table's sequence and streams rows into the table: on
  PostgreSQL with COPY (psycopg2 `copy_expert` from an in-memory CSV buffer, flushed every
  `chunk_rows` rows), elsewhere (the tiny scale of the tests on SQLite) with `bulk_create`. Rows are
  dicts keyed by attname; columns a row leaves out take the field's default.
- `foreign_key_problems` checks every foreign key of the loaded id ranges with one anti-join per key
  (set-based, so it also runs at full scale, where the row-by-row triggers are switched off).
- `delete_where` deletes rows of a model and, first, every row that references them, following
  the reverse relations of all installed apps (rows other apps made on top of the synthetic data,
  e.g. scan warnings, go with it; nothing else is touched).
"""

from __future__ import annotations

import csv
import io
import json
import queue
import threading
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, models

# NULL in the CSV given to COPY (an empty field is an empty string; Table.add maps None to this).
COPY_NULL = "\\N"


class RawJson(str):
    """A value already serialised as JSON (COPY writes it as is; bulk_create parses it back)."""


EMPTY_OBJECT = RawJson("{}")
EMPTY_LIST = RawJson("[]")


@dataclass
class IdBlock:
    first: int
    count: int

    @property
    def last(self) -> int:
        return self.first + self.count - 1


def _default(field: models.Field, now):
    if field.has_default():
        value = field.get_default()
        if isinstance(value, dict | list):
            return RawJson(json.dumps(value))
        return value
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return now
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    return _Required(field.attname)


class _Required:
    def __init__(self, name: str):
        self.name = name


class Table:
    """Rows for one model, buffered and flushed by the loader's backend."""

    def __init__(self, loader: Loader, model: type[models.Model]):
        self.loader = loader
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        defaults = [_default(f, loader.now) for f in self.fields]
        self.required = {d.name for d in defaults if isinstance(d, _Required)}
        self.pairs = list(zip(self.attnames, defaults, strict=True))
        self.null = COPY_NULL if loader.postgres else None
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, values: dict) -> None:
        if self.required and not self.required <= values.keys():
            missing = ", ".join(sorted(self.required - values.keys()))
            raise ValueError(f"{self.model.__name__} needs a value for {missing}")
        get, null = values.get, self.null
        self.rows.append(
            tuple([v if (v := get(name, default)) is not None else null for name, default in self.pairs])
        )
        if len(self.rows) >= self.loader.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.loader._write(self, self.rows)
            self.written += len(self.rows)
            self.rows = []


class Loader:
    """Streams rows into tables. On PostgreSQL a writer thread with its own connection and transaction
    COPYs one chunk while this thread builds the next (Python and the database work at the same time);
    `commit()` makes it all visible at once, `rollback()` leaves nothing. Elsewhere (SQLite, the tests)
    rows go through bulk_create in the caller's transaction."""

    def __init__(self, *, now, chunk_rows: int = 20_000, rebuild_indexes: tuple = ()):
        """`rebuild_indexes`: models whose secondary indexes are dropped before their first COPY and
        built again at the end (in the same transaction) — much faster than updating them row by row."""
        self.now = now
        self.chunk_rows = chunk_rows
        self.postgres = connection.vendor == "postgresql"
        self.tables: dict[type[models.Model], Table] = {}
        self.blocks: dict[type[models.Model], list[IdBlock]] = {}
        self._writer = None
        # Inside a caller's transaction (the tests) the rows must be in that transaction: COPY on the
        # caller's connection, no writer thread, no index rebuild.
        if self.postgres and not connection.in_atomic_block:
            self._writer = _CopyWriter(
                connection.get_connection_params(), {m._meta.db_table for m in rebuild_indexes}
            )

    def table(self, model: type[models.Model]) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(self, model)
        return self.tables[model]

    def add(self, model: type[models.Model], values: dict) -> None:
        self.table(model).add(values)

    def reserve_ids(self, model: type[models.Model], count: int) -> IdBlock:
        """A block of `count` fresh primary keys; concurrent writers get ids after the block."""
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
                sequence = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s)", [sequence])
                first = cursor.fetchone()[0]
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
            else:
                cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
                taken = max([cursor.fetchone()[0], *(b.last for b in self.blocks.get(model, []))])
                first = taken + 1
        block = IdBlock(first, count)
        self.blocks.setdefault(model, []).append(block)
        return block

    def note_ids(self, model: type[models.Model], first: int, count: int) -> None:
        """Rows whose primary key is not from a sequence (a one-to-one key), for the key check."""
        self.blocks.setdefault(model, []).append(IdBlock(first, count))

    def finish(self) -> dict[str, int]:
        """Write what is buffered and move each sequence past the highest id (the reservations
        already did; this covers a table filled without one)."""
        for table in self.tables.values():
            table.flush()
        auto = [m for m in self.tables if m._meta.pk.get_internal_type() in _AUTO_TYPES]
        statements = connection.ops.sequence_reset_sql(no_style(), auto) if auto else []
        if self._writer is not None:
            statements = self._writer.dropped_indexes + statements
        self._run(lambda cursor: [cursor.execute(sql) for sql in statements])
        return {t.model._meta.label: t.written for t in self.tables.values()}

    def foreign_key_problems(self) -> list[str]:
        return self._run(lambda cursor: foreign_key_problems(self.blocks, cursor))

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.close(commit=True)

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.close(commit=False)

    def _run(self, work):
        """Run `work(cursor)` where the rows are visible: the writer's transaction, or this one."""
        if self._writer is not None:
            return self._writer.run(work)
        with connection.cursor() as cursor:
            return work(cursor)

    def _write(self, table: Table, rows: list[tuple]) -> None:
        if self.postgres:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows)
            buffer.seek(0)
            db_table = table.model._meta.db_table
            columns = ", ".join(f'"{f.column}"' for f in table.fields)
            sql = f"COPY \"{db_table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{COPY_NULL}')"
            if self._writer is not None:
                self._writer.submit(db_table, sql, buffer)
            else:
                with connection.cursor() as cursor:
                    cursor.copy_expert(sql, buffer)
            return
        objects = []
        for row in rows:
            values = {
                name: json.loads(value) if isinstance(value, RawJson) else value
                for name, value in zip(table.attnames, row, strict=True)
            }
            objects.append(table.model(**values))
        table.model._default_manager.bulk_create(objects, batch_size=500)


class _CopyWriter:
    """A thread that owns a PostgreSQL connection and runs COPY for the chunks it is handed. Only this
    thread touches the connection while chunks are in flight; `run` waits until none is."""

    def __init__(self, params: dict, rebuild: set[str]):
        import psycopg2

        self.rebuild = rebuild
        self.dropped_indexes: list[str] = []  # their CREATE INDEX statements, run again by Loader.finish
        self.connection = psycopg2.connect(**params)
        with self.connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute("SAVEPOINT replica")
            try:
                # The row-by-row foreign-key triggers off (superuser only): foreign_key_problems checks
                # every key afterwards with one anti-join per key, which is what makes COPY fast.
                cursor.execute("SET LOCAL session_replication_role = replica")
            except psycopg2.Error:
                cursor.execute("ROLLBACK TO SAVEPOINT replica")
            else:
                cursor.execute("RELEASE SAVEPOINT replica")
        self.queue: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:
                    table, sql, buffer = item
                    with self.connection.cursor() as cursor:
                        if table in self.rebuild:
                            self.rebuild.discard(table)
                            self._drop_indexes(cursor, table)
                        cursor.copy_expert(sql, buffer)
            except BaseException as exc:
                self.error = exc
            finally:
                self.queue.task_done()

    def _drop_indexes(self, cursor, table: str) -> None:
        """Drop the table's indexes that back no constraint (the primary key and unique constraints
        stay: they guard the data while it is written)."""
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [f'"{table}"'],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            self.dropped_indexes.append(definition)

    def _check(self) -> None:
        if self.error is not None:
            raise RuntimeError(f"COPY failed: {self.error}") from self.error

    def submit(self, table: str, sql: str, buffer) -> None:
        self._check()
        self.queue.put((table, sql, buffer))

    def run(self, work):
        self.queue.join()
        self._check()
        with self.connection.cursor() as cursor:
            return work(cursor)

    def close(self, *, commit: bool) -> None:
        if self.connection.closed:
            return
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        try:
            if commit:
                self._check()
                self.connection.commit()
            else:
                self.connection.rollback()
        finally:
            self.connection.close()


_AUTO_TYPES = {"AutoField", "BigAutoField", "SmallAutoField"}


# --- checks -------------------------------------------------------------------------------------
def foreign_key_problems(blocks: dict[type[models.Model], list[IdBlock]], cursor) -> list[str]:
    """Every foreign key of the rows in `blocks` points at an existing row: one anti-join per key."""
    problems = []
    for model, model_blocks in blocks.items():
        table, pk = model._meta.db_table, model._meta.pk.column
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model._meta
            for block in model_blocks:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" c WHERE c."{field.column}" IS NOT NULL '
                    f'AND c."{pk}" BETWEEN %s AND %s AND NOT EXISTS (SELECT 1 FROM "{target.db_table}" p '
                    f'WHERE p."{field.target_field.column}" = c."{field.column}")',
                    [block.first, block.last],
                )
                missing = cursor.fetchone()[0]
                if missing:
                    problems.append(f"{model._meta.label}.{field.name}: {missing} rows point nowhere")
    return problems


# --- deletion -----------------------------------------------------------------------------------
def _reverse_relations(model: type[models.Model]):
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            yield rel


def delete_where(model: type[models.Model], where: str, params: list, *, _path=()) -> dict[str, int]:
    """DELETE the rows of `model` matching `where` (SQL over its own columns), after every row of every
    installed app that references them, recursively. Returns rows deleted per table."""
    deleted: dict[str, int] = {}
    opts = model._meta
    path = (*_path, model)
    for rel in _reverse_relations(model):
        child = rel.related_model
        if child in path:
            continue  # a self-reference or a cycle: the rows are in this statement already
        fk = rel.field
        child_where = (
            f'"{fk.column}" IN (SELECT "{fk.target_field.column}" FROM "{opts.db_table}" WHERE {where})'
        )
        for table, n in delete_where(child, child_where, params, _path=path).items():
            deleted[table] = deleted.get(table, 0) + n
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{opts.db_table}" WHERE {where}', params)
        if cursor.rowcount:
            deleted[opts.db_table] = deleted.get(opts.db_table, 0) + cursor.rowcount
    return deleted
