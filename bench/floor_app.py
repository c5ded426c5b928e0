"""The floor of a Streamlit + Plotly page: one filter, one 150-point chart, one 150-row table.

The load test (bench/load_protocol.py) serves this beside the dashboard in the same run: what
one process does per script run with the least a chart page can hold.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

CATEGORIES = ["war", "treaty", "membership", "recognition", "scandal"]
rng = np.random.default_rng(0)
df = pd.DataFrame(
    {
        "year": rng.integers(1918, 2021, 150),
        "value": rng.normal(size=150).round(3),
        "category": [CATEGORIES[i % len(CATEGORIES)] for i in range(150)],
    }
)
chosen = st.multiselect("category", CATEGORIES, key="category", bind="query-params")
rows = df[df["category"].isin(chosen)] if chosen else df
fig = go.Figure(go.Scatter(x=df["year"], y=df["value"], mode="markers"))
fig.update_layout(title=f"{len(rows)} rows")
st.plotly_chart(fig)
st.dataframe(rows)
