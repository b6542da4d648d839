"""URL converters. `<int:...>` is bounded to what an id column can hold.

Werkzeug's int converter takes any number of digits; an id beyond the database's integer range
then reaches a query and fails there (SQLite: OverflowError, PostgreSQL: out of range), a 500.
Bounded here by its pattern, such a URL matches no route: a 404, like any id that does not exist.
(A `max=` would be refused later, in the conversion, where Werkzeug answers 405 when the same
path has a rule for another method.)
"""

from werkzeug.routing import IntegerConverter

# At most 9 digits, the same bound as ids read from forms and JSON (core/parsing.py).
from core.parsing import MAX_DIGITS


class BoundedIntConverter(IntegerConverter):
    regex = rf"\d{{1,{MAX_DIGITS}}}"
