"""Where state is kept when the usual place cannot be written: a read-only SQLite opener and
a temporary cache folder."""
