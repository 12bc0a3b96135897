"""Template tags and filters of time keeping."""
