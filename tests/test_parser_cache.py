"""The parser-table cache is a pickle: it must never be one another user can plant (issue 15, item 1)."""

from __future__ import annotations

import os
import pickle
import stat
import tempfile

import pytest

from checker import parse

pytestmark = [pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file ownership"), pytest.mark.hostile("security")]


class _Plant:
    """Unpickling this writes a marker file: code run from the cache."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_the_cache_lives_in_a_private_per_user_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = parse.cache_file()
    assert path is not None and os.path.dirname(path) == str(tmp_path / "pcheck")
    mode = os.stat(tmp_path / "pcheck").st_mode
    assert stat.S_IMODE(mode) & 0o077 == 0
    parser = parse.build_parser(path)
    assert parser.parse("kernel k0 { cores a0 }\n") is not None
    assert os.path.isfile(path) and os.stat(path).st_uid == os.getuid()
    # A second build loads the tables it wrote.
    assert parse.build_parser(path).parse("kernel k0 { cores a0 }\n") is not None


LOOSE = {"directory-777": ("directory", 0o777), "directory-group": ("directory", 0o770),
         "directory-others": ("directory", 0o702), "file-666": ("file", 0o666), "file-group": ("file", 0o620),
         "file-others": ("file", 0o602)}


@pytest.mark.parametrize("loosen", sorted(LOOSE))
def test_a_cache_others_can_write_is_not_used(tmp_path, monkeypatch, loosen):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = parse.cache_file()
    marker = tmp_path / "ran"
    with open(path, "wb") as f:
        f.write(b"planted\n")
        pickle.dump(_Plant(str(marker)), f)
    what, mode = LOOSE[loosen]
    os.chmod(tmp_path / "pcheck" if what == "directory" else path, mode)
    assert parse.cache_file() is None
    parse.build_parser(parse.cache_file()).parse("kernel k0 { cores a0 }\n")
    assert not marker.exists()


def test_a_symlinked_cache_directory_is_not_used(tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (tmp_path / "home").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "home" / "pcheck")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    assert parse.cache_file() is None


def test_lark_s_shared_temp_directory_default_is_never_used(tmp_path, monkeypatch):
    """lark's own default is a predictable name in the shared temp directory: pcheck neither reads
    nor writes there, with a private cache or without one."""
    shared = tmp_path / "tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    for cache_home in (tmp_path / "cache", None):
        if cache_home is None:
            monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
            (tmp_path / "file").write_text("not a directory")
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
        parse.build_parser(parse.cache_file()).parse("kernel k0 { cores a0 }\n")
    assert parse.cache_file() is None  # the cache home is a file: no cache
    assert os.listdir(shared) == []


def test_a_symlinked_cache_file_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = parse.cache_file()
    planted = tmp_path / "planted.pickle"
    marker = tmp_path / "ran"
    with open(planted, "wb") as f:
        pickle.dump(_Plant(str(marker)), f)
    os.chmod(planted, 0o600)
    os.symlink(planted, path)
    assert parse.cache_file() is None
    parse.build_parser(parse.cache_file()).parse("kernel k0 { cores a0 }\n")
    assert not marker.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give the cache to another user")
def test_a_cache_another_user_owns_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = parse.cache_file()
    with open(path, "wb") as f:
        pickle.dump(_Plant(str(tmp_path / "ran")), f)
    os.chmod(path, 0o600)
    os.chown(path, 65534, 65534)  # nobody
    assert parse.cache_file() is None
    os.chown(path, os.getuid(), os.getgid())
    os.chown(tmp_path / "pcheck", 65534, 65534)
    assert parse.cache_file() is None
