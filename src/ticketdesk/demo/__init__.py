"""Demo data set and the large-volume generator; sits above every app and may import them all."""
