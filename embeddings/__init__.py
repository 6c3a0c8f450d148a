"""Text encoders, the embedding cache and language correction. Imports nothing of ours."""
