"""Azerbaijan Relations Timeline: the event table and everything computed from it.

Plain functions over pandas DataFrames and dataclasses; only `ui` (the glue for app.py) imports
Streamlit.
"""
