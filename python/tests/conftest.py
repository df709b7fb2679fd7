"""Fixtures: the repository's sample corpus and the `tidings` binary that cargo built,
which the Python results are compared with."""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample.jsonl"
GOLD = REPO / "data" / "sample.gold.tsv"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `tidings` binary: $TIDINGS_BIN, else target/release/tidings, built with
    cargo first if it is not there (`.ci/run` has built it for the Rust tests)."""
    path = Path(os.environ.get("TIDINGS_BIN", REPO / "target" / "release" / "tidings"))
    if not path.exists():
        subprocess.run(
            ["cargo", "build", "--release", "-p", "tidings-cli", "--bin", "tidings"],
            cwd=REPO,
            check=True,
        )
    return path


@pytest.fixture(scope="session")
def sample_records() -> list:
    """data/sample.jsonl as a list of dicts."""
    with open(SAMPLE, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def cli_run(cli, tmp_path_factory):
    """`tidings cluster data/sample.jsonl` with its stories and assignments files."""
    out = tmp_path_factory.mktemp("cli")
    stories, assignments = out / "stories.jsonl", out / "assignments.tsv"
    subprocess.run(
        [cli, "cluster", SAMPLE, "-o", stories, "--assignments", assignments, "--quiet"],
        check=True,
    )
    return stories, assignments
