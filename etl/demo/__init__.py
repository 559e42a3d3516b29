"""The demo dataset: the real states and municipalities of Venezuela with generated
parishes, communes and councils, and two years of projects, CLAP deliveries, cases and
cabinet agreements inside them, written as ordinary files and loaded by the ETL.

`sala demo` runs it; tests use `load_demo(engine)` for the small fixture.
"""

from etl.demo.run import DemoData, DemoSummary, generate_demo, load_demo

__all__ = ["DemoData", "DemoSummary", "generate_demo", "load_demo"]
