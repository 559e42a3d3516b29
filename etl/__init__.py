"""Loading jobs: read → validate → transform → load; the demo data generator.

Where things live: `kinds` (what each file kind holds, one `KindSpec` per `sala load
KIND`), `read`/`excel`/`encodings`/`columns` (reading files), `validate` (rules and
rejects), `load` (one file in one transaction), `copy` (COPY into staging), `merge*`
(the set-based merges), `runs` (run bookkeeping), `workers`, `polygons` (boundary loads),
`cli` (`sala load`), `demo/` (the demo data generator).
"""
