"""Demand and supply insights: topics of stored requests, how offers fare, and what to change.

`topics` clusters request vectors, `labels` names topics from employees' public offers (never
from request text), `store` keeps the vectors and topic assignments per process (incremental),
`repository` holds the aggregate queries, `service` puts them together with the privacy rules.
"""
