"""The first line of each SKU is remembered on disk, so a repeat is found in any file size."""

import tracemalloc

from sluice_shared.inventory.first_lines import FirstLines


def test_given_a_new_sku_when_claimed_then_its_own_line_is_returned():
    with FirstLines() as first_lines:
        assert first_lines.claim("SKU-1", 2) == 2
        assert first_lines.claim("SKU-2", 3) == 3


def test_given_a_repeated_sku_when_claimed_again_then_the_first_line_is_returned():
    with FirstLines() as first_lines:
        first_lines.claim("SKU-1", 2)
        first_lines.claim("SKU-2", 3)
        assert first_lines.claim("SKU-1", 9) == 2
        assert first_lines.claim("SKU-1", 12) == 2


def test_given_skus_that_differ_only_in_case_when_claimed_then_they_are_distinct():
    with FirstLines() as first_lines:
        first_lines.claim("sku-a", 2)
        assert first_lines.claim("SKU-A", 3) == 3


def test_given_many_skus_when_claimed_then_python_memory_does_not_grow_with_them():
    with FirstLines() as first_lines:
        tracemalloc.start()
        try:
            for line in range(2, 40_002):
                first_lines.claim(f"SKU-{line:08}", line)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # A dict of 40,000 SKUs and lines would hold several MiB of Python objects.
    assert peak < 256 * 1024
