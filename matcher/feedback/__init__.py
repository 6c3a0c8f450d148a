"""The feedback loop: engagements and ratings, their lifecycle, and the ranking effects they feed."""
