"""The baseline the benchmarks compare against: a default Dash app with one line chart."""

from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import dcc, html

app = dash.Dash(__name__)
app.layout = html.Div(
    [
        html.H1("Baseline"),
        dcc.Graph(figure=go.Figure(go.Scatter(x=list(range(50)), y=[i * i for i in range(50)]))),
    ]
)
server = app.server
