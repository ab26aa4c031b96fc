"""Pressure Points data sources: fetch, tidy, validate and store public data about Armenia's exposure."""
