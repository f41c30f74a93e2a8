"""Packaged data files, found through importlib.resources so that nothing is read from the
current directory and an installed wheel works the same as a checkout."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable


def package_file(*parts: str) -> Traversable:
    """A file shipped inside the zwgk package, e.g. ``package_file("ontology", "zwgk.ttl")``."""
    node = resources.files("zwgk")
    for part in parts:
        node = node.joinpath(part)
    return node


def read_text(*parts: str) -> str:
    return package_file(*parts).read_text(encoding="utf-8")


def list_files(folder: str, suffix: str) -> list[Traversable]:
    """Files of one packaged folder with the given suffix, sorted by name."""
    node = package_file(folder)
    return sorted((f for f in node.iterdir() if f.name.endswith(suffix)), key=lambda f: f.name)
