"""``make bench``: our clients side by side with the old vendor SDKs, raw httpx and raw http.client."""
