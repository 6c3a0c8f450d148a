"""Data protection: what Velho holds about a person (export), erasure, and retention of request texts."""
