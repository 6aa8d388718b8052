"""Shared fixtures: one seeded random generator per test."""

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed, so every test is reproducible on its own."""
    return np.random.default_rng(20261127)
