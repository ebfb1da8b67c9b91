"""Drives openapi-python-client over ``specs/`` into ``clients/``, with pinned spec versions.

Modules: ``catalog`` (which clients exist), ``pins`` (the lock file), ``render`` (running the
generator and formatter), ``compare`` (what ``check`` reports), ``cli`` (the commands).
"""
