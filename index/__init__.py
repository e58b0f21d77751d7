"""The second floor: parsed reports stored (facts in SQLite or PostgreSQL, passages in Chroma and a lexical
index), searched, crawled from portals and read back. Imports ingest, never assistant or ui."""
