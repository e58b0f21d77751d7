"""The third floor: a question becomes a lookup, a handler finds cited values in the index, phrasing words
the answer in the asker's language. Imports ingest and index, never ui."""
