"""One module per data source; `data_sources.registry` lists them."""
