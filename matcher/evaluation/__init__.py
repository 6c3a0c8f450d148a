"""Ranking metrics, the `velho eval` runner, and the feedback-loop simulation."""
