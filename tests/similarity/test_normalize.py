"""Normalizing: what copying changes cheaply disappears, what carries meaning stays."""

from __future__ import annotations

import textwrap

import numpy as np

from autograder.similarity.fingerprints import K, W, fingerprints, winnow
from autograder.similarity.normalize import LOCAL, MODULE_CODE, normalize

ORIGINAL = '''
import numpy as np


def helper(values):
    return values - np.max(values, axis=-1, keepdims=True)


def softmax(x):
    """Stable softmax."""
    shifted = helper(np.asarray(x, dtype=float))  # shift first
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def check():
    assert softmax([1.0]).shape == (1,), "shape is wrong"
'''

DISGUISED = """
from numpy import exp
import numpy as numeric
# my own work
def check():
    assert softmax([1]).shape==(1,), 'bad shape'
def softmax(logits):
    '''Softmax, written by me.'''
    z = _shift(
        numeric.asarray(logits, dtype=float),
    )
    expo = exp(z)
    return (expo / expo.sum(axis=-1,
                            keepdims=True))
def _shift(v):
    return v - numeric.max(v, axis=-1, keepdims=True)
"""


def units(source: str, keep=("softmax",)):
    return {u.name: u for u in normalize([("f.py", textwrap.dedent(source))], keep).units}


def texts(unit) -> list[str]:
    return [t.text for t in unit.tokens]


def test_renaming_comments_docstrings_strings_layout_order_and_aliases_change_nothing():
    first, second = units(ORIGINAL), units(DISGUISED)
    assert texts(first["softmax"]) == texts(second["softmax"])
    assert texts(first["check"]) == texts(second["check"])
    assert sorted(texts(first["helper"])) == sorted(texts(second["_shift"]))
    prints = {fp.hash for fp in fingerprints(list(first.values()))}
    assert prints == {fp.hash for fp in fingerprints(list(second.values()))}


def test_library_calls_graded_names_builtins_and_keyword_arguments_stay():
    tokens = texts(units(ORIGINAL)["softmax"])
    assert tokens[tokens.index("exp") - 2 : tokens.index("exp") + 1] == ["numpy", ".", "exp"]
    for kept in ("softmax", "float", "axis", "keepdims", "sum", "True", "def", "return"):
        assert kept in tokens
    for gone in ("x", "shifted", "e", "helper", "np"):
        assert gone not in tokens
    assert tokens.count(LOCAL) >= 5


def test_helpers_a_function_calls_are_recorded():
    assert units(ORIGINAL)["softmax"].calls == {"helper"}
    assert units(DISGUISED)["softmax"].calls == {"_shift"}


def test_classes_split_into_methods_and_top_level_code_is_its_own_unit():
    found = units(
        """
        class Net:
            size = 3

            def forward(self, x):
                return self._act(x)

            @staticmethod
            def _act(z):
                return z

        print(Net().forward(1))
        """,
        keep=("Net",),
    )
    assert set(found) == {"Net", "Net.forward", "Net._act", MODULE_CODE}
    assert found["Net.forward"].calls == {"Net._act"}


def test_a_syntax_error_loses_only_what_the_tokenizer_cannot_read():
    broken = "def softmax(x):\n    for i in range(3)\n        pass\n\ndef other(:\n"
    assert set(units(broken)) == {"softmax", "other"}
    cell = 'def softmax(x):\n    return 1\ns = """never closed\n'
    cut = normalize([("f.py [cell 2]", cell)], ["softmax"])
    assert texts(cut.units[0]) == ["def", "softmax", "(", "V", ")", ":", "return", "1.0"]
    assert cut.notes and cut.notes[0].startswith("f.py [cell 2]: cannot be tokenized past line")


def test_tokens_point_back_at_their_chunk_and_lines():
    code = normalize([("a", "x = 1\n"), ("b", "\n\ndef f(v):\n    return v\n")], [])
    f = next(u for u in code.units if u.name == "f")
    assert {(t.chunk, t.first_line) for t in f.tokens} == {(1, 3), (1, 4)}


def test_winnowing_finds_every_shared_run_of_k_plus_w_minus_1_tokens():
    rng = np.random.default_rng(7)
    for _ in range(200):
        run = rng.integers(0, 2**63, size=K + W - 1, dtype=np.uint64)
        a = np.concatenate([rng.integers(0, 2**63, size=rng.integers(0, 30), dtype=np.uint64), run])
        b = np.concatenate([run, rng.integers(0, 2**63, size=rng.integers(0, 30), dtype=np.uint64)])
        assert {h for _, h in winnow(a)} & {h for _, h in winnow(b)}


def test_winnowing_keeps_a_fraction_of_the_kgrams():
    ids = np.arange(1000, dtype=np.uint64) * np.uint64(2654435761)
    kept = len(winnow(ids))
    assert kept < 0.6 * (1000 - K + 1)
    assert kept > (1000 - K + 1) / W  # at least one in every window
