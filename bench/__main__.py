"""`python -m bench` (or `make bench`): the load benchmark; see bench/load.py."""

from bench.load import main

main()
