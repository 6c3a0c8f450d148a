"""Indexing, retrieval, ranking, feedback, evaluation and the wiring of Velho."""
