"""A real Argilla 2.8 server (argilla-server==2.8.0) on SQLite, for the hand-off tests.

    python argilla_server_side.py HOME_DIR    prints "ready <url> <api key>", then serves
    python argilla_server_side.py HOME_DIR export NAME OUT
        the server's own Hub exporter (``HubDatasetExporter``) writes dataset NAME into
        folder OUT, as its "export to Hub" job does, but to disk instead of the Hub; prints
        "exported" or "failed: <error>"

Run in the server's own venv, never imported. Everything is the server's own code (FastAPI
app, SQLAlchemy models, SQLite database migrated by its alembic scripts, validation, bulk
upserts, responses, users and workspaces) except one part stood in: the search engine.
Argilla 2 needs Elasticsearch or OpenSearch, which cannot run here; the server registers
search engines by name (``SearchEngine.register``), so ``MemorySearchEngine`` below is
registered as "memory" and selected with ``ARGILLA_SEARCH_ENGINE``. It keeps each dataset's
record ids in insertion order and answers ``search`` with all of them: it ignores text
queries, filters and sorts (the hand-off reads every record, unfiltered), and it computes no
metrics or similarity. Redis (the server's job queue) is stood in by fakeredis, see below.
The app runs without its startup hook, which only pings the search engine and Redis.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path
from typing import Any, ClassVar


def _environment(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    os.environ["ARGILLA_HOME_PATH"] = str(home)
    os.environ["ARGILLA_DATABASE_URL"] = f"sqlite:///{home / 'argilla.db'}"
    os.environ["ARGILLA_SEARCH_ENGINE"] = "memory"
    os.environ["HF_DATASETS_CACHE"] = str(home / "hf-datasets")
    os.environ["HF_HUB_OFFLINE"] = "1"


def export(home: Path, name: str, out: Path) -> None:
    """Run the server's Hub exporter on dataset ``name``, writing to ``out`` (no Hub)."""
    _environment(home)
    from argilla_server.contexts.hub import HubDatasetExporter
    from argilla_server.database import SyncSessionLocal
    from argilla_server.models.database import Dataset
    from datasets import Dataset as HFDataset
    from datasets import NamedSplit

    session = SyncSessionLocal()
    dataset = session.query(Dataset).filter_by(name=name).one()
    exporter = HubDatasetExporter(dataset)
    try:
        # export_to's first step; push_to_hub would then upload this split's parquet
        hf = HFDataset.from_generator(exporter._rows_generator, split=NamedSplit("train"))
    except Exception as exc:  # what the server's exporter does, reported to the test
        cause = exc.__cause__ or exc.__context__ or exc
        print(f"failed: {type(cause).__name__}: {str(cause).splitlines()[0][:300]}", flush=True)
        return
    (out / "data").mkdir(parents=True)
    hf.to_parquet(str(out / "data" / "train-00000-of-00001.parquet"))
    argilla_dir = out / ".argilla"  # _push_extra_files_to_hub's files, before its upload
    argilla_dir.mkdir()
    exporter._create_version_file(str(argilla_dir))
    exporter._create_dataset_file(str(argilla_dir))
    exporter._create_settings_file(str(argilla_dir))
    exporter._create_readme_file(str(out), "me/exported")
    print("exported", flush=True)


def main(home: Path) -> None:
    _environment(home)

    # Stand-in 2: Redis. The server queues background jobs in Redis (rq); the one these calls
    # queue is a recount of record statuses after a dataset update. fakeredis holds the queue
    # in process; no worker runs it.
    import fakeredis
    import redis

    fake = fakeredis.FakeRedis()
    redis.from_url = lambda *args, **kwargs: fake

    from argilla_server.search_engine import base

    @base.SearchEngine.register(engine_name="memory")
    class MemorySearchEngine(base.SearchEngine):
        records: ClassVar[dict[Any, dict[Any, None]]] = {}

        @classmethod
        async def new_instance(cls) -> MemorySearchEngine:
            return cls()

        async def close(self) -> None:
            pass

        async def ping(self) -> bool:
            return True

        async def info(self) -> dict[str, Any]:
            return {"distribution": "memory (a test stand-in)", "version": "0"}

        async def create_index(self, dataset: Any) -> None:
            self.records.setdefault(dataset.id, {})

        async def delete_index(self, dataset: Any) -> None:
            self.records.pop(dataset.id, None)

        async def configure_metadata_property(self, dataset: Any, metadata_property: Any) -> None:
            pass

        async def index_records(self, dataset: Any, records: Any) -> None:
            held = self.records.setdefault(dataset.id, {})
            for record in records:
                held[record.id] = None

        async def partial_record_update(self, record: Any, **update: Any) -> None:
            pass

        async def delete_records(self, dataset: Any, records: Any) -> None:
            held = self.records.setdefault(dataset.id, {})
            for record in records:
                held.pop(record.id, None)

        async def update_record_response(self, response: Any) -> None:
            pass

        async def delete_record_response(self, response: Any) -> None:
            pass

        async def update_record_suggestion(self, suggestion: Any) -> None:
            pass

        async def delete_record_suggestion(self, suggestion: Any) -> None:
            pass

        async def get_dataset_progress(self, dataset: Any) -> dict[str, Any]:
            return {"total": len(self.records.get(dataset.id, {}))}

        async def get_dataset_user_progress(self, dataset: Any, user: Any) -> dict[str, Any]:
            return {"total": 0}

        async def search(
            self, dataset: Any, *args: Any, offset: int = 0, limit: int = 100, **kwargs: Any
        ) -> Any:
            ids = list(self.records.get(dataset.id, {}))
            items = [
                base.SearchResponseItem(record_id=i, score=None)
                for i in ids[offset : offset + limit]
            ]
            return base.SearchResponses(items=items, total=len(ids))

        async def compute_metrics_for(self, metadata_property: Any) -> Any:
            raise NotImplementedError("the memory search engine computes no metrics")

        async def similarity_search(self, *args: Any, **kwargs: Any) -> Any:
            raise NotImplementedError("the memory search engine has no similarity search")

    from argilla_server.cli.database.migrate import migrate_db
    from argilla_server.cli.database.users.create_default import _create_default
    from argilla_server.constants import DEFAULT_API_KEY, DEFAULT_PASSWORD

    migrate_db("head")
    asyncio.run(_create_default(DEFAULT_API_KEY, DEFAULT_PASSWORD, quiet=True))

    import uvicorn
    from argilla_server._app import create_server_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    print(f"ready http://127.0.0.1:{port} {DEFAULT_API_KEY}", flush=True)
    uvicorn.run(
        create_server_app(), host="127.0.0.1", port=port, lifespan="off", log_level="warning"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "export":
        export(Path(sys.argv[1]), sys.argv[3], Path(sys.argv[4]))
    else:
        main(Path(sys.argv[1]))
