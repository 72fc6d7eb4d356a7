"""Statements on the hottest paths, compiled once per dialect and run on the driver's cursor.

SQLAlchemy spends some 50 µs setting up each execution (the compiled cache, an execution
context, a result object); SQLite then runs a statement by key in 5 to 10 µs. A vote or a
support runs seven such statements, so that setup was a third of its work. A `Prepared`
statement is a Core statement compiled once per dialect; it runs on the DBAPI connection under
the session's, in the same transaction, with the types' own conversions on the way in and out
(times stored in UTC, read back timezone-aware), and gives rows with the statement's column
names as attributes.

It refuses, when first compiled, what it could not run faithfully: columns filled by a Python
default or `onupdate` (give them a value), and expanding `IN` parameters.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    compiled: SQLCompiler
    positions: tuple[str, ...] | None  # parameter names in order, for a positional driver
    bind_processors: tuple[tuple[str, Processor], ...]
    result_processors: tuple[tuple[int, Processor], ...]


class Prepared:
    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        columns = getattr(statement, "exported_columns", None)
        keys = list(columns.keys()) if columns is not None else []
        self.row_type: Any = namedtuple("Row", keys) if keys else None
        self._by_dialect: dict[str, _Compiled] = {}

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if compiled.insert_prefetch or compiled.update_prefetch:
            defaulted = [*compiled.insert_prefetch, *compiled.update_prefetch]
            names = [column.name for column in defaulted]
            raise TypeError(f"give a value to the defaulted column(s) {names}: {compiled}")
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise TypeError(f"expanding parameters are not supported: {compiled}")
        bind_processors = []
        for bind in compiled.binds.values():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                bind_processors.append((bind.key, process))
        result_processors = []
        columns = getattr(self.statement, "exported_columns", ())
        for index, column in enumerate(columns):
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if process is not None:
                result_processors.append((index, process))
        positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        return _Compiled(
            str(compiled), compiled, positions, tuple(bind_processors), tuple(result_processors)
        )

    def _cursor(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, _Compiled]:
        """The driver's cursor after running the statement, and the statement as compiled."""
        dialect = connection.dialect
        prepared = self._by_dialect.get(dialect.name)
        if prepared is None:
            prepared = self._by_dialect[dialect.name] = self._compile(dialect)
        values = prepared.compiled.construct_params(params)
        for name, process in prepared.bind_processors:
            values[name] = process(values[name])
        arguments: Any = values
        if prepared.positions is not None:
            arguments = tuple(values[name] for name in prepared.positions)
        driver = connection.connection.driver_connection
        assert driver is not None
        cursor = driver.cursor()
        cursor.execute(prepared.sql, arguments)
        return cursor, prepared

    def _row(self, prepared: _Compiled, raw: Any) -> Any:
        assert self.row_type is not None, "the statement returns no rows"
        if prepared.result_processors:
            raw = list(raw)
            for index, process in prepared.result_processors:
                raw[index] = process(raw[index])
        return self.row_type._make(raw)

    def run(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        cursor, _ = self._cursor(connection, params)
        count: int = cursor.rowcount
        cursor.close()
        return count

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """The first row (its columns as attributes), or None."""
        cursor, prepared = self._cursor(connection, params)
        raw = cursor.fetchone()
        cursor.close()
        return None if raw is None else self._row(prepared, raw)

    def scalar(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """The first column of the first row: a statement that must return one."""
        row = self.first(connection, params)
        if row is None:
            raise LookupError(f"no row from {self.statement}")
        return row[0]
