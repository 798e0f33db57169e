"""A resident search process for the command line (`tuireader search` in 30 ms, not 400).

A CLI search spends most of its time importing numpy, Whoosh and click and opening a cold
index; the answer itself takes a few milliseconds. So the first read-only command of a
session runs in its own process as always and then starts a server in the background; later
ones (`search`, `related`, `list`, `saved run`) hand their arguments to it over a Unix socket
and print what it sends back. The server runs the very same click commands, with the same
freshness checks, on services it keeps open; it leaves after some idle minutes, when its code
changes on disk, or at `tuireader server stop`. `TUIREADER_SERVER=off` (or `server = false`
in config.toml) turns it off. `client` is all a forwarded command imports: no click, no numpy.
"""
