"""Write notebooks/quickstart.ipynb (kept as a script so the notebook's source stays reviewable)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# nb_feedback quickstart\n\n"
        "Collect demonstrations for supervised fine-tuning without leaving the notebook: "
        "configure a dataset, add the bundled sample prompts, write answers in the widget, "
        "and turn the submitted answers into train/test splits that TRL trains on.\n\n"
        "The code follows Argilla v1's *Collecting demonstration data* guide, with "
        "`import nb_feedback as rg` in place of `import argilla as rg`, and no server."
    ),
    nbf.v4.new_code_cell(
        "from pathlib import Path\n\n"
        "import nb_feedback as rg\n"
        "from nb_feedback.samples import load_sample_prompts\n\n"
        "prompts = load_sample_prompts()\n"
        "prompts.head()"
    ),
    nbf.v4.new_markdown_cell(
        "## 1. Configure the dataset\n\n"
        "One field (the prompt), one text question (the demonstration), and an optional rating. "
        "`topic` is declared as metadata so it can be filtered on."
    ),
    nbf.v4.new_code_cell(
        "GUIDELINES = '''\n"
        "Write the answer you would want a helpful assistant to give.\n\n"
        "* Be correct first, then brief.\n"
        "* Use markdown for code and lists.\n"
        "* Press **Ctrl+Enter** (Cmd+Enter on a Mac) to submit and move on.\n"
        "'''\n\n"
        "def make_dataset():\n"
        "    return rg.FeedbackDataset(\n"
        "        fields=[rg.TextField(name='prompt', title='Prompt', use_markdown=True)],\n"
        "        questions=[\n"
        "            rg.TextQuestion(name='demonstration', title='Your answer',\n"
        "                            description='Write the ideal reply to the prompt.'),\n"
        "            rg.RatingQuestion(name='difficulty', title='How hard was this prompt?',\n"
        "                              values=[1, 2, 3, 4, 5], required=False),\n"
        "        ],\n"
        "        guidelines=GUIDELINES,\n"
        "        metadata_properties=[rg.TermsMetadataProperty(name='topic')],\n"
        "    )"
    ),
    nbf.v4.new_markdown_cell(
        "## 2. Add records and give them a folder\n\n"
        "Once saved, every answer is written to the folder as it is given (flushed and synced), "
        "so a crashed kernel loses nothing. Re-running this cell picks up where you left off.\n\n"
        "In **Colab**, a runtime reset wipes local disk: mount Drive first "
        "(`from google.colab import drive; drive.mount('/content/drive')`) and set "
        "`FOLDER = Path('/content/drive/MyDrive/quickstart.nbf')`."
    ),
    nbf.v4.new_code_cell(
        "FOLDER = Path('quickstart.nbf')\n\n"
        "if FOLDER.exists():\n"
        "    dataset = rg.FeedbackDataset.from_disk(FOLDER)\n"
        "else:\n"
        "    dataset = make_dataset()\n"
        "    dataset.add_records(prompts)  # a DataFrame: 'prompt' is the field, 'topic' metadata\n"
        "    dataset.save(FOLDER)\n"
        "dataset"
    ),
    nbf.v4.new_markdown_cell(
        "## 3. Write demonstrations\n\n"
        "Type an answer, press **Ctrl+Enter**, and the next prompt appears at once. "
        "The widget shows what is saved; Undo takes back the last submit or discard."
    ),
    nbf.v4.new_code_cell("dataset.annotate(user='labeler-1')"),
    nbf.v4.new_markdown_cell(
        "When this notebook runs unattended (as in CI) nobody types into the widget, so the next "
        "cell answers some prompts from code, through the same write path the widget uses."
    ),
    nbf.v4.new_code_cell(
        "if len(dataset.filter_by(response_status='submitted')) < 40:\n"
        "    for record in dataset[:60]:\n"
        "        if not record.responses:\n"
        "            topic = record.metadata.get('topic', 'this topic')\n"
        "            dataset.add_response(\n"
        "                record.id,\n"
        "                {'demonstration': f'A careful, {topic} answer to: '\n"
        "                                  + record.fields['prompt'][:80]},\n"
        "                user='labeler-1',\n"
        "            )\n"
        "dataset.status_counts('labeler-1')"
    ),
    nbf.v4.new_markdown_cell("## 4. Fetch the records with demonstrations"),
    nbf.v4.new_code_cell(
        "submitted = dataset.filter_by(response_status='submitted')\n"
        "print(len(submitted), 'records with a submitted demonstration')\n"
        "submitted.to_pandas()[['prompt', 'responses']].head()"
    ),
    nbf.v4.new_markdown_cell(
        "## 5. Prepare SFT splits\n\n"
        "Only submitted answers; duplicate prompts (also up to case and whitespace) stay in one "
        "split, so nothing leaks from train into test."
    ),
    nbf.v4.new_code_cell(
        "splits = dataset.to_sft(test_size=0.2, seed=0)\nsplits"
    ),
    nbf.v4.new_code_cell("splits['train'][0]"),
    nbf.v4.new_markdown_cell(
        "## 6. Fine-tune\n\n"
        "The splits go straight into TRL:\n\n"
        "```python\n"
        "trainer = trl.SFTTrainer(model=model, args=config, processing_class=tokenizer,\n"
        "                         train_dataset=splits['train'], eval_dataset=splits['test'])\n"
        "```\n\n"
        "`notebooks/finetune.ipynb` runs that for real on CPU with a tiny model."
    ),
]
nb = nbf.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
out = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"
nbf.write(nb, out)
print("wrote", out)
