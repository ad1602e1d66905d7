"""Budgetprognos: the Streamlit app (``make run``). It only wires the pages in ``ui/``."""

from ui.shell import main

main()
