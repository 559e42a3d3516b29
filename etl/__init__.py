"""Loading jobs: read → validate → transform → load; the demo data generator."""
