"""Which paths a redirect after login may lead to: only paths on this site."""

from core.urls import is_safe_local_path


def test_safe_local_path_rules():
    assert is_safe_local_path("/cohorts/3?tab=plan")
    for bad in (None, "", "cohorts", "//x", "/\\x", "https://x", "javascript:x", "/a\\b", "/a\nb"):
        assert not is_safe_local_path(bad)
