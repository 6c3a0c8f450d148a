"""Who may call: integration keys, employee tokens, the audit log."""
