"""Hello world: the baseline the benchmark compares the dashboard with (one line of app)."""

import streamlit as st

st.write("Hello, world:", st.selectbox("Filter", ["all", "war"]))
