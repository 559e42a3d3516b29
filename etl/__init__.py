"""Loading jobs: read → validate → stage → resolve → merge; the demo data generator.

Where things live:

- A load kind is one `KindSpec` (etl.spec): fields, key, references and their reject
  reasons, the tables it writes and points to, its merge (or its hooks). The kinds are
  declared by family (etl.territory_kinds, etl.record_kinds, etl.team_kinds,
  etl.communal_kinds, etl.consultation_kind) and registered in etl.kinds; aliases and
  vocabularies are in etl.names. Adding a kind: one declaration and its table's migration.
- Reading files: etl.read (with etl.encodings, etl.excel); mapping headers: etl.columns.
- Checking a chunk: etl.validate (with etl.parse, etl.geometry, etl.polygons).
- Staging it: etl.stage (the table's shape in etl.staging_table, COPY encoding in
  etl.copy, worker pools in etl.workers, repeated keys in etl.repeats).
- In SQL: etl.resolve (references, reasons, duplicates), etl.merge (the declared upsert,
  bulk loads), and the hooks: etl.merge_territory, etl.merge_records, etl.merge_consultation.
- One load, start to end: etl.load; its record: etl.runs; progress and signals: etl.progress;
  `sala load`: etl.cli. The demo: etl.demo.
"""
