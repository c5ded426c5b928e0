"""The floor of a Streamlit + Plotly page: one multiselect, one 150-point Plotly scatter and one
150-row table, both redrawn when the multiselect changes (the chosen categories are marked).

What any Streamlit + Plotly dashboard costs at least: `make bench` (bench/page.py) times the
dashboard's first render and filter change against this page's, and the load test
(bench/load_protocol.py) serves it beside the dashboard in the same run.
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
# Every row stays; the chosen ones (all, when none is chosen) are marked in both views, so a
# change sends a new figure and a new table, as a dashboard's filter does.
marked = df.assign(chosen=df["category"].isin(chosen) if chosen else True)
fig = go.Figure(
    go.Scatter(
        x=marked["year"],
        y=marked["value"],
        mode="markers",
        marker={"color": np.where(marked["chosen"], "#D55E00", "#BBBBBB")},
    )
)
fig.update_layout(title=f"{int(marked['chosen'].sum())} of {len(marked)} rows chosen")
st.plotly_chart(fig)
st.dataframe(marked)
