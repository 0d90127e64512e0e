"""Checking: one polite aiohttp client, redirects followed by hand, one small module per detector."""
