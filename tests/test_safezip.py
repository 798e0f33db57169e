"""Untrusted ZIPs: names that leave the archive, bombs and damaged members are refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tuireader.storage.safezip import SafeZip, ZipRefused, unsafe_name


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", "C:\\x", "..\\x", ""])
def test_unsafe_names(name: str) -> None:
    assert unsafe_name(name)


def test_plain_names_are_fine() -> None:
    assert unsafe_name("content/a-b.html") is None and unsafe_name("x..y/z") is None


def test_absolute_and_climbing_members_are_never_read(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("/abs.html", "x")
        z.writestr("../up.html", "x")
        z.writestr("ok.html", "fine")
    with SafeZip(path) as archive:
        assert archive.read("ok.html") == b"fine"
        for name in ("/abs.html", "../up.html"):
            with pytest.raises(ZipRefused, match="refused"):
                archive.read(name)


def test_ratio_and_total_caps(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros", b"\0" * (4 * 1024 * 1024))  # under the size cap, ~1000:1
        z.writestr("a", b"a" * 1000)
        z.writestr("b", b"b" * 1000)
    with SafeZip(path) as archive, pytest.raises(ZipRefused, match="zip bomb"):
        archive.read("zeros")
    with SafeZip(path, max_total=1500) as archive:
        assert archive.read("a") == b"a" * 1000
        with pytest.raises(ZipRefused, match="cap"):
            archive.read("b")


def test_a_member_over_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "lie.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("m", b"m" * 100)
    with SafeZip(path, max_member=50) as archive, pytest.raises(ZipRefused, match="too large"):
        archive.read("m")


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(b"PK\x03\x04 nope")
    with pytest.raises(ZipRefused, match="not a readable ZIP"):
        SafeZip(path)
