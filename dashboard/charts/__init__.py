"""Charts: the registry every page, embed, download, API route and doc reads (`registry.CHARTS`),
one module per page's charts, KPIs and the exposure index, and `render`, which builds a chart
through the data door and caches it by the versions it read."""
