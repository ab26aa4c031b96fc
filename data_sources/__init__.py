"""Pressure Points data sources: fetch, tidy, validate and store public data on Armenia."""
