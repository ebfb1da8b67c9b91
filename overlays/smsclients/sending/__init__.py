"""Sending helpers: what a text costs before it is sent (:mod:`.estimate`), opt-outs (:mod:`.optouts`).

Kept minimal on purpose: import the modules themselves (``from smsclients.sending.estimate import
estimate``); ``smsclients.estimate`` and ``smsclients.optouts`` are the short public names.
"""
