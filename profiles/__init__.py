"""Employees and their strength statements: ORM models, schemas, repository, rules, bulk import."""
