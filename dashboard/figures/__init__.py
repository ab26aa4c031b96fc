"""Pure figure functions: DataFrame (+ options) -> plotly Figure. No Dash, no I/O."""
