"""The one solution-marker parser: templates, notebook cells and expected names agree."""

from __future__ import annotations

import pytest

from autograder.author.markers import (
    MarkerError,
    make_template,
    solution_names,
    without_markers,
)
from autograder.release.notebook import split_reference

SOURCE = (
    "import numpy as np\n\n"
    "SCALE = 2\n\n"
    "def f(x):\n"
    '    """Doc."""\n'
    "    ### BEGIN SOLUTION\n"
    "    return x\n"
    "    ### END SOLUTION\n\n"
    "def helper(x):\n"
    "    return x\n\n"
    "class Model:\n"
    "    def fit(self):\n"
    "        ### BEGIN SOLUTION\n"
    "        return 1\n"
    "        ### END SOLUTION\n"
)


def test_template_replaces_each_solution_region_and_keeps_the_rest():
    template = make_template(SOURCE)
    assert "return x\n    ###" not in template and "return 1" not in template
    assert "import numpy as np" in template and '"""Doc."""' in template
    assert "    raise NotImplementedError" in template
    assert "        raise NotImplementedError" in template
    assert "def helper(x):\n    return x" in template
    compile(template, "t.py", "exec")


def test_without_markers_keeps_the_solution_and_drops_only_marker_lines():
    plain = without_markers(SOURCE)
    assert "SOLUTION" not in plain
    assert "    return x\n" in plain and "        return 1\n" in plain


@pytest.mark.parametrize(
    "bad",
    [
        "### BEGIN SOLUTION\nx = 1\n",
        "x = 1\n### END SOLUTION\n",
        "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
    ],
)
def test_unbalanced_markers_are_refused_with_a_line_number(bad):
    with pytest.raises(MarkerError, match=r"ref.py:\d"):
        make_template(bad, "ref.py")
    with pytest.raises(MarkerError, match=r"ref.py:\d"):
        solution_names(bad, "ref.py")


def test_a_marker_mentioned_in_text_is_not_a_marker():
    source = 'def f():\n    """Put code between ### BEGIN SOLUTION lines."""\n    return 1\n'
    assert make_template(source) == source
    assert solution_names(source) == []


def test_expected_names_and_notebook_cells_come_from_the_same_regions():
    assert solution_names(SOURCE) == ["f", "Model"]
    cells = [p.name for p in split_reference(SOURCE) if p.kind == "solution"]
    assert cells == solution_names(SOURCE)
