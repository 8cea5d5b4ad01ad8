"""The example notebooks run top to bottom (in a scratch copy, so their data lands in tmp)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _run(path: Path) -> None:
    """Run the notebook at ``path`` in a fresh kernel, in its folder; fail on any error output."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [
        f"{o.get('ename')}: {o.get('evalue')}"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors


def test_quickstart_runs_again_after_a_restart(tmp_path: Path) -> None:
    """A user who restarts the kernel runs the quickstart again on the same folder."""
    shutil.copy(NOTEBOOKS / "quickstart.ipynb", tmp_path / "quickstart.ipynb")
    _run(tmp_path / "quickstart.ipynb")
    import nb_feedback as rg

    first = rg.FeedbackDataset.from_disk(tmp_path / "quickstart.nbf")
    answered = len(first.filter_by(response_status="submitted"))
    first.close()
    _run(tmp_path / "quickstart.ipynb")  # a fresh kernel, the folder from the first run
    again = rg.FeedbackDataset.from_disk(tmp_path / "quickstart.nbf")
    assert len(again) == 300  # reopened, not added twice
    assert len(again.filter_by(response_status="submitted")) >= answered
    again.to_sft()
    again.report()


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")),
    ids=lambda n: n.removesuffix(".ipynb"),
)
def test_notebook_runs_top_to_bottom(name: str, tmp_path: Path) -> None:
    if name in ("finetune.ipynb", "preference.ipynb"):
        pytest.importorskip("trl")
    shutil.copy(NOTEBOOKS / name, tmp_path / name)
    _run(tmp_path / name)
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
        # the hand-off: Argilla 2's Hub layout in a folder, read back with the same answers
        assert (tmp_path / "team-hub" / ".argilla" / "settings.json").is_file()
        back = rg.FeedbackDataset.from_hub(local_dir=tmp_path / "team-hub")

        def answers(d: rg.FeedbackDataset) -> list[list[tuple[str, str, dict]]]:
            return [sorted((x.user, x.status, x.plain_values()) for x in r.responses) for r in d]

        assert answers(back) == answers(ds)
    if name == "preference.ipynb":
        import nb_feedback as rg

        ds = rg.FeedbackDataset.from_disk(tmp_path / "preference.nbf")
        frame = ds.responses_frame()
        assert len(ds) == 96 and (frame["status"] == "submitted").sum() == 93
        # the drafter is off by one on the 8 prompts ending in 7: those drafts were edited
        outcomes = [p["answer"]["outcome"] for p in frame["provenance"]]
        assert sorted(set(outcomes)) == ["accepted", "edited"] and outcomes.count("edited") == 8
        pairs = ds.to_preference(edits="answer", include=("source",))
        sources = [*pairs["train"]["source"], *pairs["test"]["source"]]
        assert sources.count("ranking") == 93 and sources.count("edit") == 8
