"""sorted_unique gives what np.unique gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tuireader.search.vector.unique import sorted_unique


@given(arrays(np.int64, st.integers(0, 60), elements=st.integers(-5, 40)))
def test_sorted_unique_is_np_unique(values: np.ndarray) -> None:
    got = sorted_unique(values)
    assert got.dtype == values.dtype
    assert np.array_equal(got, np.unique(values))
