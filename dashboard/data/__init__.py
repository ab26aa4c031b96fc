"""The data layer of the dashboard: the one door to the store (`door`), the one cache (`cache`),
read-side helpers (`datasets`) and freshness. Knows nothing of Dash."""
