"""The example notebooks run top to bottom (in a scratch copy, so their data lands in tmp)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")),
    ids=lambda n: n.removesuffix(".ipynb"),
)
def test_notebook_runs_top_to_bottom(name: str, tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    if name == "finetune.ipynb":
        pytest.importorskip("trl")
    shutil.copy(NOTEBOOKS / name, tmp_path / name)
    nb = nbformat.read(tmp_path / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    if name == "quickstart.ipynb":
        import nb_feedback as rg

        ds = rg.FeedbackDataset.from_disk(tmp_path / "quickstart.nbf")
        assert len(ds) == 300
        assert len(ds.filter_by(response_status="submitted")) >= 40
    if name == "team.ipynb":
        import nb_feedback as rg

        ds = rg.FeedbackDataset.from_disk(tmp_path / "team.nbf")
        assert ds.distribution.min_submitted == 2
        assert ds.progress() == {"total": 12, "completed": 12, "pending": 0}
        reviews = ds.reviews()
        assert len(reviews) > 0 and set(reviews["reviewer"]) == {"reviewer-1"}
