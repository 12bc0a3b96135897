"""Tests of point-based support contracts."""
