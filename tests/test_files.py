"""micrograd._files: a failed write leaves the old file, a good one replaces it."""

from __future__ import annotations

import os

import pytest

from micrograd._files import atomic_path, atomic_write, check_file_path


def test_atomic_write_replaces_the_file(tmp_path):
    target = tmp_path / "model.json"
    atomic_write(target, "old")
    atomic_write(target, b"new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


def test_failure_midway_keeps_the_old_file(tmp_path):
    target = tmp_path / "model.json"
    target.write_text("precious")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "precious"
    assert os.listdir(tmp_path) == ["model.json"]


@pytest.mark.parametrize("name", ["adir.svg/", ""])
def test_a_path_ending_in_a_separator_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match="file name"):
        check_file_path(f"{tmp_path}/{name}" if name else name)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        atomic_write(tmp_path, "x")
