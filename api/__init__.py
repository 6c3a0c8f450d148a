"""The HTTP API (FastAPI): app factory, auth, error envelope, thin routers under /v1."""
