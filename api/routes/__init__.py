"""Thin routers: validate through schemas, call one service method, shape the response."""
