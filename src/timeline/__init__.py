"""Azerbaijan Relations Timeline: the event table and everything computed from it.

Plain functions over pandas DataFrames and dataclasses; nothing here imports Streamlit.
"""
