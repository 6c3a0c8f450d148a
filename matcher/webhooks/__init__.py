"""Webhooks for frontends: subscriptions, the transactional outbox, signed at-least-once delivery."""
